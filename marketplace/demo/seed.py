"""Fill an empty database with realistic French demo data: `.venv/bin/flask --app wsgi seed-demo`.

Demo logins, all with the password ``demo-mot-de-passe``:

* ``demo.entreprise@exemple.fr``: Cabinet Moreau & Associés, a law firm in Lyon, with open,
  hired and closed missions and contracts in every status (awaiting funding, funded,
  delivered, released, cancelled before and after funding, disputed, resolved);
* ``demo.secretaire@exemple.fr``: Sophie Lambert, legal secretary in Villeurbanne, with
  pending, declined and withdrawn bids, an invitation, contracts and reviews;
* ``demo.operateur@exemple.fr``: an operator, who resolved the disputes.

Every other account is ``prenom.nom.N@exemple.fr`` with the same password (exemple.fr is not
a real mail domain). The password is hashed once and the hash shared, so the seed stays fast
with production Argon2 settings.

Accounts are inserted directly; everything else goes through the domain services (profiles,
missions, invitations, confidentiality agreements, bids, accept, fund, deliver, approve,
cancel, dispute, resolve, reviews), so the escrow ledger is written exactly as in production.
Afterwards only the sign-up and posting dates of accounts and missions are moved into the
past, so the lists do not all read "today". The same seed gives the same people, companies
and missions; dates are relative to the day the seed runs.

The seed refuses to run on a database that already has users, and needs the sandbox payment
provider (it never moves real money or calls a network service).
"""

from __future__ import annotations

import enum
import io
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from marketplace.accounts.models import Role, User
from marketplace.accounts.services import hash_password
from marketplace.bids import services as bids
from marketplace.bids.models import Bid
from marketplace.bids.schemas import BidIn
from marketplace.contracts import agreement
from marketplace.contracts import services as contracts
from marketplace.contracts.models import Contract, ContractStatus
from marketplace.conversations import services as conversations
from marketplace.db import utcnow
from marketplace.demo import generate, regular, texts
from marketplace.demo.generate import BusinessSpec, MissionSpec, SecretarySpec
from marketplace.extensions import db
from marketplace.geo.places import Place
from marketplace.missions import services as missions
from marketplace.missions.models import Invitation, Mission, NdaAcceptance
from marketplace.missions.schemas import MissionIn
from marketplace.money import euros
from marketplace.payments import ledger, mandate
from marketplace.payments.models import Account, BillingMandate, LedgerEntry
from marketplace.profiles import services as profiles
from marketplace.profiles.models import SecretaryProfile
from marketplace.profiles.schemas import BusinessProfileIn, SecretaryProfileIn
from marketplace.reviews.models import Review
from marketplace.validation import load


def _pdf(title: str, subtitle: str, lines: tuple[str, ...]) -> bytes:
    """A one-page PDF document for the demo conversations (fpdf2, as the invoices)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.core_fonts_encoding = "windows-1252"  # "œ", "€" and "’" as the invoices write them
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.multi_cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 11)
    pdf.multi_cell(0, 7, subtitle, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for line in lines:
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


DEMO_PASSWORD = "demo-mot-de-passe"  # noqa: S105  (public on purpose: demo data only)
DEMO_BUSINESS_EMAIL = "demo.entreprise@exemple.fr"
DEMO_SECRETARY_EMAIL = "demo.secretaire@exemple.fr"
DEMO_OPERATOR_EMAIL = "demo.operateur@exemple.fr"

MIN_SECRETARIES = 10
MIN_BUSINESSES = 3
MIN_MISSIONS = 12

DEMO = 0  # the demo secretary and the demo business are the first of their lists


class DemoSeedError(RuntimeError):
    """The seed cannot run here (database not empty, bad arguments, real payment provider)."""


class Outcome(enum.StrEnum):
    """Where a mission ends up; the contract outcomes cover every contract status."""

    OPEN = "open"
    CLOSED = "closed"
    AWAITING_FUNDING = "awaiting_funding"
    FUNDED = "funded"
    DELIVERED = "delivered"
    RELEASED = "released"
    CANCELLED_UNFUNDED = "cancelled_unfunded"
    CANCELLED_REFUNDED = "cancelled_refunded"
    DISPUTED = "disputed"
    RESOLVED_RELEASE = "resolved_release"
    RESOLVED_REFUND = "resolved_refund"
    RESOLVED_SPLIT = "resolved_split"


# Every contract outcome appears at least once; the rest of the hired missions follow these
# weights (most contracts end well).
CONTRACT_OUTCOMES: dict[Outcome, float] = {
    Outcome.RELEASED: 0.42,
    Outcome.AWAITING_FUNDING: 0.08,
    Outcome.FUNDED: 0.10,
    Outcome.DELIVERED: 0.10,
    Outcome.CANCELLED_UNFUNDED: 0.05,
    Outcome.CANCELLED_REFUNDED: 0.05,
    Outcome.DISPUTED: 0.06,
    Outcome.RESOLVED_RELEASE: 0.05,
    Outcome.RESOLVED_REFUND: 0.04,
    Outcome.RESOLVED_SPLIT: 0.05,
}
HIRED_SHARE = 0.62
CLOSED_SHARE = 0.07
RESOLVED = (Outcome.RESOLVED_RELEASE, Outcome.RESOLVED_REFUND, Outcome.RESOLVED_SPLIT)
TROUBLED = (Outcome.DISPUTED, *RESOLVED)


@dataclass
class MissionPlan:
    outcome: Outcome
    spec: MissionSpec
    # What the demo secretary does on this mission: winner, loser, pending, withdrawn, invited.
    demo_role: str | None = None
    review_mode: str | None = None  # forced for the demo: both, business, secretary, none


def plan_outcomes(count: int) -> list[Outcome]:
    """The outcome of each of `count` missions: one of each contract outcome at least."""
    hired = max(len(CONTRACT_OUTCOMES), round(count * HIRED_SHARE))
    closed = max(1, round(count * CLOSED_SHARE))
    extra = hired - len(CONTRACT_OUTCOMES)
    # Largest remainder: stable counts that add up, whatever the total.
    shares = {o: extra * w / sum(CONTRACT_OUTCOMES.values()) for o, w in CONTRACT_OUTCOMES.items()}
    counts = {o: int(s) for o, s in shares.items()}
    for o in sorted(shares, key=lambda o: counts[o] - shares[o])[: extra - sum(counts.values())]:
        counts[o] += 1
    outcomes = list(CONTRACT_OUTCOMES)
    outcomes += [o for o in CONTRACT_OUTCOMES for _ in range(counts[o])]
    outcomes += [Outcome.CLOSED] * closed + [Outcome.OPEN] * (count - hired - closed)
    return outcomes


def _check_arguments(secretaries: int, businesses: int, missions_count: int) -> None:
    if (
        secretaries < MIN_SECRETARIES
        or businesses < MIN_BUSINESSES
        or missions_count < MIN_MISSIONS
    ):
        raise DemoSeedError(
            f"seed-demo needs at least {MIN_SECRETARIES} secretaries, {MIN_BUSINESSES} businesses "
            f"and {MIN_MISSIONS} missions (to show every contract status)."
        )


def _check_can_run() -> None:
    if db.session.scalar(sa.select(User.id).limit(1)) is not None:
        raise DemoSeedError(
            "La base contient déjà des comptes : seed-demo ne remplit qu'une base vide. "
            "(The database already has users: seed-demo only fills an empty database; "
            "run it on a fresh one.)"
        )
    provider = current_app.extensions["payment_provider"]
    if getattr(provider, "name", None) != "sandbox":
        raise DemoSeedError(
            "seed-demo moves escrow through the sandbox payment provider only: "
            "unset PAYMENTS_PROVIDER or set it to 'sandbox'."
        )


def seed(
    *, secretaries: int = 300, businesses: int = 50, missions: int = 100, seed: int = 2026
) -> str:
    """Create the demo data and return a summary for the operator (see the module docstring)."""
    started = time.perf_counter()
    _check_arguments(secretaries, businesses, missions)
    _check_can_run()
    seeder = _Seeder(random.Random(seed), date.today())
    seeder.build_people(secretaries, businesses)
    seeder.create_accounts()
    seeder.create_profiles()
    for plan in seeder.plan_missions(missions):
        seeder.play(plan)
    regular.seed_regular_work(
        seeder.rng, seeder.business_users, seeder.secretary_users, seeder.today
    )
    seeder.backdate()
    report = verify()
    return _summary(seeder, report, seed, time.perf_counter() - started)


class _Seeder:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.secretaries: list[SecretarySpec] = []
        self.businesses: list[BusinessSpec] = []
        self.secretary_users: list[User] = []
        self.business_users: list[User] = []
        self.operator: User | None = None
        self.mission_ids: list[tuple[uuid.UUID, MissionSpec]] = []

    # --- people --------------------------------------------------------------------------

    def build_people(self, secretaries: int, businesses: int) -> None:
        rng = self.rng
        names = generate.Names(rng)
        picker = generate.PlacePicker()
        sirets: set[str] = set()
        company_names: set[str] = set()
        self.secretaries.append(generate.demo_secretary(rng, DEMO_SECRETARY_EMAIL, sirets))
        places = [picker.any(rng) for _ in range(secretaries - 1)]
        # A population-weighted draw may miss Corsica and the overseas departments; the
        # demo should show that the marketplace covers them.
        departments = {p.department_code for p in places}
        if not departments & set(generate.CORSICA):
            places[rng.randrange(len(places))] = picker.within(rng, generate.CORSICA)
        overseas = sum(p.department_code in generate.OVERSEAS_DEPARTMENTS for p in places)
        for _ in range(max(0, min(2, len(places) // 15) - overseas)):
            slot = rng.choice(
                [
                    i
                    for i, p in enumerate(places)
                    if p.department_code not in (*generate.OVERSEAS_DEPARTMENTS, *generate.CORSICA)
                ]
            )
            places[slot] = picker.within(rng, generate.OVERSEAS_DEPARTMENTS)
        stars = set(rng.sample(range(len(places)), max(1, secretaries // 100)))
        star_specialties = iter(("medical", "legal", "insurance", "industry") * 10)
        forced = self._metro_core(places, stars, picker)
        for number, place in enumerate(places, start=1):
            self.secretaries.append(
                generate.secretary(
                    rng,
                    names,
                    place,
                    number,
                    self.today,
                    sirets,
                    star_specialty=next(star_specialties) if number - 1 in stars else None,
                    main_specialty=forced.get(number - 1),
                )
            )
        self.businesses.append(
            generate.demo_business(rng, DEMO_BUSINESS_EMAIL, company_names, sirets)
        )
        for number in range(secretaries, secretaries + businesses - 1):
            self.businesses.append(
                generate.business(rng, names, picker.any(rng), number, company_names, sirets)
            )

    def _metro_core(
        self, places: list[Place], stars: set[int], picker: generate.PlacePicker
    ) -> dict[int, str]:
        """A first search from Lyon, Paris, Marseille, Bordeaux or Lille finds medical and
        legal secretaries nearby: METRO_CORE of each per city (fewer for a small seed) are
        placed in its department; returns their index -> specialty."""
        core = min(generate.METRO_CORE, len(places) // 60)
        free = [
            i
            for i, p in enumerate(places)
            if i not in stars
            and p.department_code not in (*generate.OVERSEAS_DEPARTMENTS, *generate.CORSICA)
        ]
        self.rng.shuffle(free)
        forced: dict[int, str] = {}
        for code in generate.METROS.values():
            department = code[:2]
            for specialty in ("medical", "legal"):
                for _ in range(core):
                    index = free.pop()
                    places[index] = picker.within(self.rng, (department,))
                    forced[index] = specialty
        return forced

    def create_accounts(self) -> None:
        """Insert every user in one transaction, sharing a single password hash."""
        verified_at = utcnow()  # the demo accounts followed their verification link
        password_hash = hash_password(DEMO_PASSWORD)
        self.operator = User(
            email=DEMO_OPERATOR_EMAIL,
            password_hash=password_hash,
            email_verified_at=verified_at,
            role=Role.OPERATOR,
            display_name="Équipe Opérations (démo)",
        )
        self.secretary_users = [
            User(
                email=s.email,
                password_hash=password_hash,
                email_verified_at=verified_at,
                role=Role.SECRETARY,
                display_name=s.display_name,
            )
            for s in self.secretaries
        ]
        self.business_users = [
            User(
                email=b.email,
                password_hash=password_hash,
                email_verified_at=verified_at,
                role=Role.BUSINESS,
                display_name=b.company_name,
            )
            for b in self.businesses
        ]
        db.session.add_all([self.operator, *self.secretary_users, *self.business_users])
        db.session.commit()

    def create_profiles(self) -> None:
        for user, secretary in zip(self.secretary_users, self.secretaries, strict=True):
            profiles.save_secretary_profile(user, load(SecretaryProfileIn(), secretary.payload))
        # Every demo secretary may be paid: each has accepted the billing mandate.
        db.session.add_all(
            BillingMandate(
                user_id=user.id,
                version=mandate.VERSION,
                text_sha256=mandate.text_sha256(),
                signer_name=user.display_name,
                accepted_at=user.created_at,
            )
            for user in self.secretary_users
        )
        db.session.commit()
        for user, business in zip(self.business_users, self.businesses, strict=True):
            profiles.save_business_profile(user, load(BusinessProfileIn(), business.payload))

    # --- missions ------------------------------------------------------------------------

    def plan_missions(self, count: int) -> list[MissionPlan]:
        rng = self.rng
        outcomes = plan_outcomes(count)
        # The demo business gets one mission of each contract outcome, a closed one and one
        # or two open ones; the others share the rest, some much busier than others.
        open_count = outcomes.count(Outcome.OPEN)
        demo_outcomes = [*CONTRACT_OUTCOMES, Outcome.CLOSED]
        demo_outcomes += [Outcome.OPEN] * min(2, max(1, open_count - 1))
        rest = list(outcomes)
        for outcome in demo_outcomes:
            rest.remove(outcome)
        if Outcome.RELEASED in rest:  # a second released contract, with another secretary
            rest.remove(Outcome.RELEASED)
            demo_outcomes.append(Outcome.RELEASED)
        activity = [rng.choice((1, 1, 1, 2, 2, 3, 5)) for _ in self.businesses[1:]]
        owners = [DEMO] * len(demo_outcomes)
        owners += rng.choices(range(1, len(self.businesses)), weights=activity, k=len(rest))
        pairs = list(zip(owners, demo_outcomes + rest, strict=True))
        rng.shuffle(pairs)

        titles: dict[int, set[str]] = {}
        plans = []
        for owner, outcome in pairs:
            used = titles.setdefault(owner, set())
            spec = generate.mission(rng, owner, self.businesses[owner], self.today, avoid=used)
            used.add(spec.template.title)
            if outcome in CONTRACT_OUTCOMES and spec.payload["pricing"] == "hourly":
                # The one-off workflow (fund, deliver, approve) is the fixed-price one; hourly
                # and recurring work are lived period by period (`demo/regular.py`).
                spec.payload["pricing"] = "fixed"
            plans.append(MissionPlan(outcome, spec))
        self._assign_demo_roles(plans)
        return plans

    def _assign_demo_roles(self, plans: list[MissionPlan]) -> None:
        """Give the demo secretary a bit of everything, mostly with the demo business."""
        # (demo secretary's role, review mode): the demo business shows a published pair of
        # reviews and a one-sided one still hidden, whatever the random draws.
        wanted_demo: dict[Outcome, tuple[str | None, str | None]] = {
            Outcome.RELEASED: ("winner", "both"),
            Outcome.DELIVERED: ("winner", None),
            Outcome.FUNDED: ("winner", None),
            Outcome.AWAITING_FUNDING: ("loser", None),
            Outcome.RESOLVED_RELEASE: (None, "both"),
            Outcome.RESOLVED_SPLIT: (None, "business"),
        }
        wanted_other: dict[Outcome, list[tuple[str | None, str | None]]] = {
            Outcome.RELEASED: [("winner", "business"), ("winner", "both")],
            Outcome.AWAITING_FUNDING: [("winner", None)],
            Outcome.OPEN: [
                ("pending", None),
                ("pending", None),
                ("withdrawn", None),
                ("invited", None),
            ],
            Outcome.CLOSED: [("loser", None)],
        }
        demo_open = ["pending", "invited"]
        for plan in plans:
            fits = plan.spec.specialty in generate.DEMO_SECRETARY_SPECIALTIES
            if plan.spec.business == DEMO:
                if plan.outcome in wanted_demo:
                    plan.demo_role, plan.review_mode = wanted_demo.pop(plan.outcome)
                elif plan.outcome is Outcome.OPEN and demo_open:
                    plan.demo_role = demo_open.pop(0)
            elif fits and wanted_other.get(plan.outcome):
                plan.demo_role, plan.review_mode = wanted_other[plan.outcome].pop(0)
        # With few missions some roles found no place: a withdrawn bid or an invitation fits
        # any mission she is not part of (both happen before the hiring), best an open one.
        missing = [role for roles in wanted_other.values() for role, _mode in roles]
        missing += demo_open
        for role in ("pending", "withdrawn", "invited"):
            if role not in missing:
                continue
            free = [
                plan
                for plan in plans
                if plan.demo_role is None and (role != "pending" or plan.outcome is Outcome.OPEN)
            ]
            free.sort(key=lambda plan: plan.outcome is not Outcome.OPEN)
            if free:
                free[0].demo_role = role

    def _candidates(self, spec: MissionSpec) -> list[int]:
        """Secretaries who would bid: right specialty, and able to work where it is needed."""
        others = range(1, len(self.secretaries))
        fit = [
            i
            for i in others
            if spec.specialty in self.secretaries[i].specialties
            and self.secretaries[i].can_work_at(spec.place, spec.remote_ok)
        ]
        if len(fit) < 4:  # few specialists: the nearest secretaries answer too
            nearest = sorted(
                others,
                key=lambda i: generate.distance_km(
                    spec.place.lat,
                    spec.place.lon,
                    self.secretaries[i].place.lat,
                    self.secretaries[i].place.lon,
                ),
            )
            fit += [i for i in nearest if i not in fit][: 6 - len(fit)]
        return fit

    def _pick_winner(self, candidates: list[int], outcome: Outcome) -> int:
        rng = self.rng
        if outcome is Outcome.RELEASED:
            stars = [i for i in candidates if self.secretaries[i].star]
            if stars and rng.random() < 0.75:
                return rng.choice(stars)
        if outcome in TROUBLED:
            pool = [i for i in candidates if not self.secretaries[i].star] or candidates
            return rng.choices(pool, weights=[5.2 - self.secretaries[i].quality for i in pool])[0]
        return rng.choice(candidates)

    def play(self, plan: MissionPlan) -> None:
        """Post the mission, then invitations, agreements, bids, and the hiring if planned."""
        rng, spec = self.rng, plan.spec
        owner = self.business_users[spec.business]
        mission = missions.create_mission(owner, load(MissionIn(), spec.payload))
        self.mission_ids.append((mission.id, spec))
        candidates = self._candidates(spec)

        winner: int | None = None
        if plan.outcome in CONTRACT_OUTCOMES:
            winner = (
                DEMO if plan.demo_role == "winner" else self._pick_winner(candidates, plan.outcome)
            )
        if plan.outcome is Outcome.OPEN:
            count = generate.weighted(rng, ((0, 2), (1, 3), (2, 4), (3, 4), (4, 3), (5, 2), (6, 1)))
        elif plan.outcome is Outcome.CLOSED:
            count = rng.randint(0, 3)
        else:
            count = rng.randint(1, 5)
        pool = [i for i in candidates if i != winner]
        bidders = rng.sample(pool, min(count, len(pool)))
        if winner is not None:
            bidders.append(winner)
        if plan.demo_role in ("loser", "pending", "withdrawn") and DEMO not in bidders:
            bidders.append(DEMO)
        rng.shuffle(bidders)  # the order the bids come in

        invited = [DEMO] if plan.demo_role == "invited" else []
        if rng.random() < 0.4:
            pool = [i for i in candidates if i not in invited]
            invited += rng.sample(pool, min(rng.randint(1, 3), len(pool)))
        for i in invited:
            missions.invite(
                mission, owner, self.secretary_users[i].id, rng.choice(texts.INVITATION_MESSAGES)
            )

        if spec.confidential:
            readers = [i for i in candidates if i not in bidders]
            readers = bidders + rng.sample(readers, min(rng.randint(0, 2), len(readers)))
            for i in readers:
                missions.accept_nda(mission, self.secretary_users[i])

        placed: dict[int, Bid] = {}
        for i in bidders:
            payload = generate.bid_payload(rng, spec, self.secretaries[i], self.today)
            placed[i] = bids.place_bid(mission, self.secretary_users[i], load(BidIn(), payload))
        for i in bidders:
            if i == winner:
                continue
            if (i == DEMO and plan.demo_role == "withdrawn") or (i != DEMO and rng.random() < 0.08):
                bids.withdraw(placed[i], self.secretary_users[i])

        if plan.outcome is Outcome.CLOSED:
            missions.close_mission(mission, owner)
        elif winner is not None:
            if winner == DEMO or plan.spec.business == DEMO or rng.random() < 0.5:
                self._question_and_answer(mission, owner, self.secretary_users[winner])
            contract = contracts.hire(placed[winner], owner)
            self._carry_out(contract, plan, winner)

    # --- conversations -------------------------------------------------------------------

    def _question_and_answer(self, mission: Mission, owner: User, secretary: User) -> None:
        """Her question before the quote; the owner's answer with a PDF of instructions."""
        rng = self.rng
        conversation, _created = conversations.open_conversation(secretary, mission.id)
        conversations.post_message(conversation, secretary, rng.choice(texts.QUESTIONS))
        title, lines = rng.choice(texts.ANSWER_DOCUMENTS)
        document = conversations.upload(
            owner,
            f"{title} - {mission.title[:60]}.pdf",
            io.BytesIO(_pdf(title, mission.title, lines)),
        )
        conversations.post_message(conversation, owner, rng.choice(texts.ANSWERS), [document.id])

    def _deliver(self, contract: Contract, secretary: User) -> None:
        """Most deliveries come with a note and the finished document."""
        if self.rng.random() < 0.3:
            contracts.deliver(contract, secretary)
            return
        mission = contract.mission
        document = conversations.upload(
            secretary,
            f"Livrable - {mission.title[:60]}.pdf",
            io.BytesIO(_pdf("Livrable", mission.title, (self.rng.choice(texts.DELIVERY_NOTES),))),
        )
        conversations.deliver(
            contract, secretary, self.rng.choice(texts.DELIVERY_NOTES), [document.id]
        )

    # --- contracts -----------------------------------------------------------------------

    def _carry_out(self, contract: Contract, plan: MissionPlan, winner: int) -> None:
        """Drive the contract through the workflow services to its planned status."""
        rng, outcome = self.rng, plan.outcome
        business = self.business_users[plan.spec.business]
        secretary = self.secretary_users[winner]
        if outcome is Outcome.AWAITING_FUNDING:
            return
        # She accepts the written agreement before any work (contracts.agreement).
        agreement.accept(contract, secretary)
        if outcome is Outcome.CANCELLED_UNFUNDED:
            self._cancel(contract, business, secretary)
            return
        contracts.fund(contract, business)
        if outcome is Outcome.FUNDED:
            return
        if outcome is Outcome.CANCELLED_REFUNDED:
            self._cancel(contract, business, secretary)
            return
        if outcome is Outcome.DISPUTED:
            delivered = rng.random() < 0.6
            if delivered:
                self._deliver(contract, secretary)
            by = business if rng.random() < 0.6 else secretary
            self._dispute(contract, by, delivered)
            return
        if outcome is Outcome.RESOLVED_REFUND:
            self._dispute(contract, business, delivered=False)
            held = ledger.held_cents(contract.id)
            contracts.resolve(contract, self._operator, 0, held, texts.RESOLUTION_NOTES["refund"])
        else:
            self._deliver(contract, secretary)
            if outcome is Outcome.DELIVERED:
                return
            if outcome is Outcome.RELEASED:
                contracts.approve(contract, business)
            elif outcome is Outcome.RESOLVED_RELEASE:
                self._dispute(contract, secretary, delivered=True)
                held = ledger.held_cents(contract.id)
                contracts.resolve(
                    contract, self._operator, held, 0, texts.RESOLUTION_NOTES["release"]
                )
            else:
                self._dispute(contract, business, delivered=True)
                held = ledger.held_cents(contract.id)
                percent = rng.choice((30, 40, 50, 60, 70))
                released = held * percent // 100
                contracts.resolve(
                    contract,
                    self._operator,
                    released,
                    held - released,
                    texts.RESOLUTION_NOTES["split"].format(percent=percent),
                )
        self._review(contract, plan, winner)

    @property
    def _operator(self) -> User:
        assert self.operator is not None
        return self.operator

    def _cancel(self, contract: Contract, business: User, secretary: User) -> None:
        if self.rng.random() < 0.7:
            contracts.cancel(contract, business, self.rng.choice(texts.CANCEL_REASONS_BUSINESS))
        else:
            contracts.cancel(contract, secretary, self.rng.choice(texts.CANCEL_REASONS_SECRETARY))

    def _dispute(self, contract: Contract, by: User, delivered: bool) -> None:
        side = "business" if by.role is Role.BUSINESS else "secretary"
        reason = self.rng.choice(texts.DISPUTE_REASONS[(side, delivered)])
        contracts.dispute(contract, by, reason)

    def _review(self, contract: Contract, plan: MissionPlan, winner: int) -> None:
        rng, outcome = self.rng, plan.outcome
        secretary, business = self.secretaries[winner], self.businesses[plan.spec.business]
        if plan.review_mode is not None:
            mode = plan.review_mode
        elif outcome is Outcome.RELEASED:
            weights = (
                (("both", 75), ("business", 20), ("none", 5))
                if secretary.star
                else (("both", 55), ("business", 20), ("secretary", 10), ("none", 15))
            )
            mode = generate.weighted(rng, weights)
        else:
            mode = generate.weighted(
                rng, (("both", 35), ("business", 20), ("secretary", 15), ("none", 30))
            )
        # What each side thinks, on average, of the other after this outcome.
        about_secretary, about_business = {
            Outcome.RELEASED: (secretary.quality, business.quality),
            Outcome.RESOLVED_RELEASE: (3.3, 2.5),
            Outcome.RESOLVED_SPLIT: (2.8, 3.0),
            Outcome.RESOLVED_REFUND: (1.8, 3.2),
        }[outcome]
        floor = 4 if secretary.star and outcome is Outcome.RELEASED else 1
        reviews = []
        if mode in ("both", "business"):
            rating = max(floor, _rating(rng, about_secretary))
            reviews.append(
                (
                    self.business_users[plan.spec.business],
                    rating,
                    _comment(rng, texts.BUSINESS_COMMENTS, rating),
                )
            )
        if mode in ("both", "secretary"):
            rating = _rating(rng, about_business)
            reviews.append(
                (
                    self.secretary_users[winner],
                    rating,
                    _comment(rng, texts.SECRETARY_COMMENTS, rating),
                )
            )
        rng.shuffle(reviews)
        for author, rating, comment in reviews:
            contracts.review(contract, author, rating, comment)

    # --- dates ---------------------------------------------------------------------------

    def backdate(self) -> None:
        """Spread sign-ups over the last two years and postings over the last weeks.

        Only creation dates move; statuses, escrow and review windows stay as the services
        wrote them.
        """
        rng, now = self.rng, utcnow()
        signed_up = [
            {"id": self._operator.id, "created_at": now - timedelta(days=400)},
            *(
                {"id": u.id, "created_at": now - timedelta(days=rng.uniform(30, 700))}
                for u in self.secretary_users
            ),
            *(
                {"id": u.id, "created_at": now - timedelta(days=rng.uniform(45, 700))}
                for u in self.business_users
            ),
        ]
        posted = [
            {
                "id": mission_id,
                "created_at": (
                    posted_at := now
                    - timedelta(
                        hours=rng.uniform(1, 48) if spec.urgent else rng.uniform(1, 24 * 30)
                    )
                ),
                "updated_at": posted_at,
            }
            for mission_id, spec in self.mission_ids
        ]
        db.session.execute(sa.update(User), signed_up)
        db.session.execute(sa.update(Mission), posted)
        db.session.commit()


def _rating(rng: random.Random, mean: float) -> int:
    return max(1, min(5, round(rng.gauss(mean, 0.5))))


def _comment(rng: random.Random, comments: dict[int, tuple[str, ...]], rating: int) -> str:
    return "" if rng.random() < 0.08 else rng.choice(comments[rating])


# --- checks and summary --------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    contracts: dict[str, int]
    missions: dict[str, int]
    bids: dict[str, int]
    users: dict[str, int]
    invitations: int
    agreements: int
    reviews: int
    published_reviews: int
    unbalanced: list[uuid.UUID]
    global_imbalance: int
    held_cents: int
    departments: int
    overseas: int
    corsica: int
    mean_rate_cents: float
    # How the cancelled and resolved contracts ended: "unfunded"/"refunded",
    # "release"/"refund"/"split".
    endings: dict[str, int]


def _endings() -> dict[str, int]:
    endings: Counter[str] = Counter()
    rows = db.session.execute(
        sa.select(
            Contract.status,
            Contract.funded_at,
            Contract.resolution_release_cents,
            Contract.resolution_refund_cents,
        ).where(Contract.status.in_([ContractStatus.CANCELLED, ContractStatus.RESOLVED]))
    )
    for status, funded_at, released, refunded in rows:
        if status is ContractStatus.CANCELLED:
            endings["refunded" if funded_at is not None else "unfunded"] += 1
        else:
            endings["release" if not refunded else "refund" if not released else "split"] += 1
    return dict(endings)


def _count_by(column: Any) -> dict[str, int]:
    rows = db.session.execute(sa.select(column, sa.func.count()).group_by(column))
    return {str(getattr(value, "value", value)): int(n) for value, n in rows}


def _count(model: Any) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def verify() -> Report:
    """Count what was made and check the escrow ledger, contract by contract and overall."""
    contract_ids = list(db.session.scalars(sa.select(Contract.id)))
    unbalanced = [cid for cid in contract_ids if not ledger.summary(cid).balanced]
    departments = Counter(db.session.scalars(sa.select(SecretaryProfile.department_code)))
    held = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_cents), 0)).where(
            LedgerEntry.account == Account.ESCROW
        )
    )
    return Report(
        contracts=_count_by(Contract.status),
        endings=_endings(),
        missions=_count_by(Mission.status),
        bids=_count_by(Bid.status),
        users=_count_by(User.role),
        invitations=_count(Invitation),
        agreements=_count(NdaAcceptance),
        reviews=_count(Review),
        published_reviews=int(
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Review)
                .where(Review.published_at.is_not(None))
            )
            or 0
        ),
        unbalanced=unbalanced,
        global_imbalance=ledger.global_imbalance(),
        held_cents=int(held or 0),
        departments=len(departments),
        overseas=sum(n for code, n in departments.items() if code in generate.OVERSEAS_DEPARTMENTS),
        corsica=sum(n for code, n in departments.items() if code in generate.CORSICA),
        mean_rate_cents=float(
            db.session.scalar(sa.select(sa.func.avg(SecretaryProfile.hourly_rate_cents))) or 0
        ),
    )


def _listing(counts: dict[str, int], order: list[str]) -> str:
    return ", ".join(f"{name} {counts.get(name, 0)}" for name in order)


def _summary(seeder: _Seeder, report: Report, seed_value: int, seconds: float) -> str:
    balanced = (
        f"all {sum(report.contracts.values())} contracts balanced"
        if not report.unbalanced
        else f"UNBALANCED contracts: {', '.join(map(str, report.unbalanced))}"
    )
    lines = [
        f"Demo data created in {seconds:.1f} s (seed {seed_value}).",
        f"  users: {_listing(report.users, [r.value for r in Role])}",
        f"  secretaries: {report.users.get('secretary', 0)} in {report.departments} departments "
        f"({report.overseas} overseas, {report.corsica} in Corsica), "
        f"mean hourly rate {euros(round(report.mean_rate_cents))}",
        f"  missions: {_listing(report.missions, ['open', 'hired', 'closed'])}",
        f"  bids: {_listing(report.bids, ['pending', 'accepted', 'declined', 'withdrawn'])}",
        f"  invitations: {report.invitations}, confidentiality agreements: {report.agreements}",
        f"  contracts: {_listing(report.contracts, [s.value for s in ContractStatus])}",
        f"    cancelled: {report.endings.get('unfunded', 0)} before funding, "
        f"{report.endings.get('refunded', 0)} refunded after funding; resolved: "
        f"{_listing(report.endings, ['release', 'refund', 'split'])}",
        f"  reviews: {report.reviews} ({report.published_reviews} published, "
        f"{report.reviews - report.published_reviews} waiting for the other side)",
        f"  escrow ledger: {balanced}; global imbalance {report.global_imbalance} cents; "
        f"{euros(report.held_cents)} held in escrow",
        f"Demo logins (password: {DEMO_PASSWORD}):",
        f"  business   {DEMO_BUSINESS_EMAIL}  ({seeder.businesses[DEMO].company_name})",
        f"  secretary  {DEMO_SECRETARY_EMAIL}  ({seeder.secretaries[DEMO].display_name})",
        f"  operator   {DEMO_OPERATOR_EMAIL}",
        f"  every other account: prenom.nom.N@exemple.fr, e.g. {seeder.secretaries[1].email}",
    ]
    return "\n".join(lines)
