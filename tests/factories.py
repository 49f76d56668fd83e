"""Test data built through the public API, so every object is in a state the product can reach."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

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
    return {"id": body["user"]["id"], "token": body["token"], "email": email}


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


class Deal:
    """A business, a secretary, a mission, her bid and (once hired) the contract."""

    def __init__(self, api: Any, amount_cents: int = 110_000) -> None:
        self.api = api
        self.business = business(api)
        self.secretary = secretary(api)
        self.mission = mission(api, self.business)
        self.bid = bid(api, self.secretary, self.mission["id"], amount_cents)
        self.contract: dict[str, Any] = {}

    def hire(self) -> Deal:
        status, body = self.api.post(
            f"/api/v1/bids/{self.bid['id']}/accept", token=self.business["token"]
        )
        assert status == 201, body
        self.contract = body
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
