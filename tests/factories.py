"""Test data, two ways; either way every object is in a state the product can reach.

* Through the public API (`register`, `secretary`, `business`, `mission`, `bid`, and
  `Deal(api, through_api=True)`): for tests of that flow itself (signing up, filling a
  profile, posting, quoting) and wherever the requests' own side effects matter.
* factory_boy factories (`UserFactory` ... `BidFactory`), and `Rows`, which writes them and
  hands them back as the API builders' dicts (id, bearer token, email): for tests that only
  need people, missions and quotes in place. The defaults are the API payloads' below, the
  place is resolved from the postal code as the services do, and the session is the app's,
  so its flush hooks (the search outbox) run as for any write. Call the factories inside
  an app context (`Rows` opens one per call); each commits, as the services do.
"""

from __future__ import annotations

import functools
import itertools
import secrets
import uuid
from datetime import date, timedelta
from typing import Any

import factory
import sqlalchemy as sa
from factory.alchemy import SQLAlchemyModelFactory
from flask import Flask

from marketplace.accounts.models import ApiToken, Role, User
from marketplace.accounts.services import TOKEN_PREFIX, hash_password, token_params
from marketplace.bids.models import Bid, BidStatus
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.geo.places import Place, lookup
from marketplace.missions.models import Mission, MissionStatus, PeriodUnit, Pricing, Schedule
from marketplace.payments import mandate
from marketplace.payments.models import BillingMandate
from marketplace.profiles.models import BusinessProfile, SecretaryProfile
from marketplace.taxonomy import WEEKDAY_CODES

_counter = itertools.count(1)

PASSWORD = "motdepasse-solide"


def register(api: Any, role: str, name: str | None = None) -> dict[str, Any]:
    n = next(_counter)
    email = f"{role}{n}@exemple.fr"
    status, body = api.post(
        "/api/v1/auth/register",
        {
            "email": email,
            "password": PASSWORD,
            "role": role,
            "display_name": name or f"{role.title()} {n}",
        },
    )
    assert status == 201, body
    verify_email(api.client.application, body["user"]["id"])
    if role == "secretary":  # a secretary who is paid has accepted the billing mandate
        code, answer = api.post("/api/v1/me/billing-mandate/accept", token=body["token"])
        assert code == 200, answer
    return {"id": body["user"]["id"], "token": body["token"], "email": email}


def verify_email(app: Any, user_id: str) -> None:
    """What following the link of the verification e-mail does (tests/accounts/
    test_recovery.py follows the real link through Mailpit)."""
    with app.app_context():
        db.session.execute(
            sa.update(User)
            .where(User.id == uuid.UUID(str(user_id)))
            .values(email_verified_at=utcnow())
        )
        db.session.commit()


def secretary_profile(**overrides: Any) -> dict[str, Any]:
    return {
        "headline": "Secrétaire médicale à distance, 12 ans d'expérience",
        "bio": "Gestion d'agenda, frappe de comptes rendus, accueil téléphonique.",
        "specialties": ["medical"],
        "skills": ["medical_transcription", "appointment_booking", "phone_reception"],
        "hourly_rate_cents": 2800,
        "surcharge_percent": 20,
        "postal_code": "69003",
        "remote": True,
        "onsite_radius_km": 20,
        "languages": ["fr", "en"],
        "availability": {
            "weekdays": ["mon", "tue", "thu"],
            "hours_per_week": 20,
            "available_from": date.today().isoformat(),
        },
        "siret": "73282932000074",
    } | overrides


def business_profile(**overrides: Any) -> dict[str, Any]:
    return {
        "company_name": "Cabinet du Dr Martin",
        "siret": None,
        "sector": "Santé",
        "postal_code": "69006",
    } | overrides


def mission_payload(**overrides: Any) -> dict[str, Any]:
    start = date.today() + timedelta(days=7)
    return {
        "title": "Frappe de comptes rendus de consultation",
        "description": "Cabinet de cardiologie : 40 comptes rendus par semaine à taper "
        "à partir de dictées, pendant un mois.",
        "specialty": "medical",
        "skills": ["medical_transcription"],
        "pricing": "fixed",
        "budget_cents": 120_000,
        "estimated_hours": 40,
        "postal_code": "69006",
        "remote_ok": True,
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=30)).isoformat(),
        "urgent": False,
        "confidential": False,
    } | overrides


def business(api: Any) -> dict[str, Any]:
    user = register(api, "business")
    status, body = api.put("/api/v1/me/profile", business_profile(), token=user["token"])
    assert status == 200, body
    return user


def secretary(api: Any, **profile: Any) -> dict[str, Any]:
    user = register(api, "secretary")
    status, body = api.put("/api/v1/me/profile", secretary_profile(**profile), token=user["token"])
    assert status == 200, body
    return user


def mission(api: Any, owner: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    status, body = api.post("/api/v1/missions", mission_payload(**overrides), token=owner["token"])
    assert status == 201, body
    return dict(body)


def bid(
    api: Any, sec: dict[str, Any], mission_id: str, amount_cents: int = 110_000
) -> dict[str, Any]:
    status, body = api.post(
        f"/api/v1/missions/{mission_id}/bids",
        {"amount_cents": amount_cents, "estimated_hours": 38, "message": "Disponible dès lundi."},
        token=sec["token"],
    )
    assert status == 201, body
    return dict(body)


def accept_agreement(api: Any, contract_id: str, secretary: dict[str, Any]) -> dict[str, Any]:
    """The secretary accepts the contract's written agreement (API.md, Regular work)."""
    status, body = api.post(
        f"/api/v1/contracts/{contract_id}/agreement/accept", token=secretary["token"]
    )
    assert status == 200, body
    return dict(body)


class Deal:
    """A business, a secretary, a mission, her bid and (once hired) the contract.

    The first four are the data contract tests stand on: factory rows (`Rows`) in the app
    `api` talks to. `through_api=True` makes them through the sign-up, profile, mission and
    quote endpoints instead. Hiring and every later step always go through the API.
    """

    def __init__(self, api: Any, amount_cents: int = 110_000, *, through_api: bool = False) -> None:
        self.api = api
        if through_api:
            self.business = business(api)
            self.secretary = secretary(api)
            self.mission = mission(api, self.business)
            self.bid = bid(api, self.secretary, self.mission["id"], amount_cents)
        else:
            rows = Rows(api.client.application)
            self.business = rows.business()
            self.secretary = rows.secretary()
            self.mission = rows.mission(self.business)
            self.bid = rows.bid(self.secretary, self.mission["id"], amount_cents)
        self.contract: dict[str, Any] = {}

    def hire(self, *, agreement: bool = True) -> Deal:
        """The business accepts the bid; then (`agreement`) the secretary accepts the written
        agreement, which she must before she delivers."""
        status, body = self.api.post(
            f"/api/v1/bids/{self.bid['id']}/accept", token=self.business["token"]
        )
        assert status == 201, body
        self.contract = body
        if agreement:
            accept_agreement(self.api, self.contract_id, self.secretary)
        return self

    def act(self, action: str, who: str, json: Any = None) -> tuple[int, Any]:
        token = getattr(self, who)["token"]
        return self.api.post(f"/api/v1/contracts/{self.contract['id']}/{action}", json, token=token)

    def to(self, status: str) -> Deal:
        """Walk the contract to `status` through the API."""
        self.hire()
        steps = {
            "awaiting_funding": [],
            "funded": [("fund", "business")],
            "delivered": [("fund", "business"), ("deliver", "secretary")],
            "released": [("fund", "business"), ("deliver", "secretary"), ("approve", "business")],
            "cancelled": [("cancel", "business")],
            "disputed": [("fund", "business"), ("deliver", "secretary"), ("dispute", "business")],
        }[status]
        for action, who in steps:
            payload = (
                {"reason": "Le travail livré ne correspond pas."} if action == "dispute" else None
            )
            code, body = self.act(action, who, payload)
            assert code == 200, body
        return self

    def resolve(
        self, operator: dict[str, Any], release_cents: int, refund_cents: int, note: str = ""
    ) -> tuple[int, Any]:
        """The operator splits the disputed money (POST /admin/contracts/{id}/resolve)."""
        body = {"release_cents": release_cents, "refund_cents": refund_cents}
        if note:
            body["note"] = note
        return self.api.post(
            f"/api/v1/admin/contracts/{self.contract_id}/resolve", body, token=operator["token"]
        )

    @property
    def contract_id(self) -> str:
        return str(self.contract["id"])

    def ledger(self, token: str | None = None) -> dict[str, Any]:
        status, body = self.api.get(
            f"/api/v1/contracts/{self.contract_id}/ledger", token=token or self.business["token"]
        )
        assert status == 200, body
        return dict(body)


def operator(api: Any, app: Any) -> dict[str, Any]:
    """An operator account (only the `create-admin` command makes them), signed in."""
    from marketplace.accounts.services import create_operator

    email = f"operateur{next(_counter)}@exemple.fr"
    with app.app_context():
        user = create_operator(email, PASSWORD)
        user_id = str(user.id)
    status, body = api.post("/api/v1/auth/token", {"email": email, "password": PASSWORD})
    assert status == 200, body
    return {"id": user_id, "token": body["token"], "email": email}


# ----------------------------------------------------------------------------- factory_boy


@functools.cache
def _place(postal_code: str) -> Place:
    place = lookup(postal_code, "FR")
    assert place is not None, f"unknown postal code {postal_code}"
    return place


class _Model(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731  (the app's scoped session)
        # The app's commit: a savepoint release in a savepoint test, real in a committing one.
        sqlalchemy_session_persistence = "commit"


class _Placed(_Model):
    """The place columns, resolved from the postal code like `profiles.services.apply_place`."""

    class Meta:
        abstract = True

    country = "FR"
    city = factory.LazyAttribute(lambda o: _place(o.postal_code).city)
    department_code = factory.LazyAttribute(lambda o: _place(o.postal_code).department_code)
    department = factory.LazyAttribute(lambda o: _place(o.postal_code).department)
    region = factory.LazyAttribute(lambda o: _place(o.postal_code).region)
    lat = factory.LazyAttribute(lambda o: _place(o.postal_code).lat)
    lon = factory.LazyAttribute(lambda o: _place(o.postal_code).lon)


class UserFactory(_Model):
    """A signed-up account, without a token (`Rows.account` signs it in); password PASSWORD."""

    class Meta:
        model = User

    role = Role.BUSINESS
    email = factory.LazyAttributeSequence(lambda o, n: f"{o.role.value}.{n}@exemple.fr")
    display_name = factory.LazyAttributeSequence(lambda o, n: f"{o.role.value.title()} {n}")
    password_hash = factory.LazyFunction(lambda: hash_password(PASSWORD))
    email_verified_at = factory.LazyFunction(utcnow)


def new_token() -> str:
    """A bearer token as the accounts service makes them."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiTokenFactory(_Model):
    """A bearer token of `user`; pass `raw=new_token()` to know it (only its digest is kept)."""

    class Meta:
        model = ApiToken

    class Params:
        raw = factory.LazyFunction(new_token)

    user = factory.SubFactory(UserFactory)
    token_hash = factory.LazyAttribute(lambda o: token_params(o.raw)["token_hash"])


def accepted_mandate(user: User) -> BillingMandate:
    """Her acceptance of the current billing mandate, as `payments.mandate.accept` writes it."""
    return BillingMandate(
        user=user,
        version=mandate.VERSION,
        text_sha256=mandate.text_sha256(),
        signer_name=user.display_name,
    )


class SecretaryProfileFactory(_Placed):
    """A secretary and her profile; the defaults are those of `secretary_profile()`. She has
    accepted the billing mandate (`mandate=False`: she has not)."""

    class Meta:
        model = SecretaryProfile

    user = factory.SubFactory(UserFactory, role=Role.SECRETARY)
    headline = "Secrétaire médicale à distance, 12 ans d'expérience"
    bio = "Gestion d'agenda, frappe de comptes rendus, accueil téléphonique."
    specialties = factory.LazyFunction(lambda: ["medical"])
    skills = factory.LazyFunction(
        lambda: ["medical_transcription", "appointment_booking", "phone_reception"]
    )
    hourly_rate_cents = 2800
    surcharge_percent = 20
    remote = True
    onsite_radius_km = 20
    languages = factory.LazyFunction(lambda: ["fr", "en"])
    weekdays = factory.LazyFunction(lambda: ["mon", "tue", "thu"])
    hours_per_week = 20
    available_from = factory.LazyFunction(date.today)
    siret = "73282932000074"
    vat_exempt = True
    postal_code = "69003"
    street_line1 = "12 rue Paul Bert"

    @factory.post_generation
    def mandate(obj: SecretaryProfile, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not False:
            db.session.add(accepted_mandate(obj.user))


class BusinessProfileFactory(_Placed):
    """A business and its profile; the defaults are those of `business_profile()`."""

    class Meta:
        model = BusinessProfile

    user = factory.SubFactory(UserFactory, role=Role.BUSINESS)
    company_name = "Cabinet du Dr Martin"
    siret = None
    sector = "Santé"
    postal_code = "69006"
    street_line1 = "4 place Maréchal Lyautey"


class MissionFactory(_Placed):
    """An open mission of a business with its profile; the defaults of `mission_payload()`."""

    class Meta:
        model = Mission

    business = factory.LazyFunction(lambda: BusinessProfileFactory().user)
    title = "Frappe de comptes rendus de consultation"
    description = (
        "Cabinet de cardiologie : 40 comptes rendus par semaine à taper "
        "à partir de dictées, pendant un mois."
    )
    specialty = "medical"
    skills = factory.LazyFunction(lambda: ["medical_transcription"])
    pricing = Pricing.FIXED
    budget_cents = 120_000
    estimated_hours = 40.0
    remote_ok = True
    start_date = factory.LazyFunction(lambda: date.today() + timedelta(days=7))
    end_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=30))
    urgent = False
    confidential = False
    status = MissionStatus.OPEN
    postal_code = "69006"


class BidFactory(_Model):
    """A pending quote on an open mission by a secretary with her profile."""

    class Meta:
        model = Bid

    mission = factory.SubFactory(MissionFactory)
    secretary = factory.LazyFunction(lambda: SecretaryProfileFactory().user)
    amount_cents = 110_000
    estimated_hours = 38.0
    message = "Disponible dès lundi."
    status = BidStatus.PENDING


def secretary_columns(**payload: Any) -> dict[str, Any]:
    """`SecretaryProfileFactory` arguments from API-style overrides (`availability` etc.)."""
    availability = payload.pop("availability", None)
    columns = dict(payload)
    if availability is not None:
        # As the API reads it: the given object replaces the default one, and what it
        # leaves out takes AvailabilitySchema's defaults (35 h, available from now on).
        columns["slots"] = list(availability.get("slots", []))
        columns["weekdays"] = sorted(
            set(availability.get("weekdays", [])) | {s["day"] for s in columns["slots"]},
            key=WEEKDAY_CODES.index,
        )
        columns["hours_per_week"] = availability.get("hours_per_week", 35)
        day = availability.get("available_from")
        columns["available_from"] = date.fromisoformat(day) if isinstance(day, str) else day
    return columns


def mission_columns(**payload: Any) -> dict[str, Any]:
    """`MissionFactory` arguments from API-style overrides (ISO dates, pricing as text)."""
    columns = dict(payload)
    for key in ("start_date", "end_date"):
        if isinstance(columns.get(key), str):
            columns[key] = date.fromisoformat(columns[key])
    if isinstance(columns.get("pricing"), str):
        columns["pricing"] = Pricing(columns["pricing"])
    if isinstance(columns.get("schedule"), str):
        columns["schedule"] = Schedule(columns["schedule"])
    if isinstance(columns.get("period"), str):
        columns["period"] = PeriodUnit(columns["period"])
    return columns


class Rows:
    """Factory rows in `app`'s database, handed back like the API builders' dicts.

    `rows.secretary(postal_code="13001")` takes the overrides `secretary(api, ...)` takes.
    Each call writes its rows in one commit, in an app context of its own.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app

    @staticmethod
    def _account(user: User, *others: Any) -> dict[str, Any]:
        raw = new_token()
        db.session.add_all([user, *others, ApiTokenFactory.build(user=user, raw=raw)])
        db.session.flush()
        account = {"id": str(user.id), "token": raw, "email": user.email}
        db.session.commit()
        return account

    def secretary(self, name: str | None = None, **profile: Any) -> dict[str, Any]:
        with self.app.app_context():
            user = UserFactory.build(
                role=Role.SECRETARY, **({"display_name": name} if name else {})
            )
            columns = secretary_columns(**profile)
            accepted = columns.pop("mandate", True)
            others = [SecretaryProfileFactory.build(user=user, **columns)]
            if accepted:
                others.append(accepted_mandate(user))
            return self._account(user, *others)

    def business(self, name: str | None = None, **profile: Any) -> dict[str, Any]:
        with self.app.app_context():
            user = UserFactory.build(role=Role.BUSINESS, **({"display_name": name} if name else {}))
            return self._account(user, BusinessProfileFactory.build(user=user, **profile))

    def mission(self, owner: dict[str, Any], **overrides: Any) -> dict[str, Any]:
        with self.app.app_context():
            business = db.session.get(User, uuid.UUID(owner["id"]))
            mission = MissionFactory(business=business, **mission_columns(**overrides))
            return {"id": str(mission.id), "title": mission.title, "status": mission.status.value}

    def bid(
        self, sec: dict[str, Any], mission_id: str, amount_cents: int = 110_000
    ) -> dict[str, Any]:
        with self.app.app_context():
            bid = BidFactory(
                mission=db.session.get(Mission, uuid.UUID(mission_id)),
                secretary=db.session.get(User, uuid.UUID(sec["id"])),
                amount_cents=amount_cents,
            )
            return {"id": str(bid.id), "status": bid.status.value}
