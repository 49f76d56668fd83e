"""The graded relevance suite: NDCG@10 of the matches for labelled missions, per backend.

`suite.json` holds 57 missions (medical, legal, insurance, industry, general; on site,
remote, recurring, urgent), each with a pool of candidate profiles graded 0 to 3 by hand
(3: the one to hire; 2: good, with a flaw; 1: could do it; 0: not for this mission). Every
pool is written to the database as its own secretaries, then each mission is ranked among
its own pool only (the other pools' profiles are left out by id, `exclude_ids`) by each
backend, and scored with NDCG@10 (gain 2^grade - 1, discount log2(rank + 1), the ideal
order being the pool sorted by grade).

Twelve of them (`para-01` to `para-12`, tagged `paraphrase`) were written by someone who
did not write the rest, to test the meaning alone: inside each pool every profile has the
mission's specialty, place, rate and skills; the ones to hire describe the same work in
other words (no content word, stem or five-letter root in common with the mission), and a
trap shares the mission's words for another job. The words alone rank those pools at 0.595.

From a test (tests/search/test_relevance_graded.py): `populate(app)` then `evaluate(...)`.
From a shell (PostgreSQL and Elasticsearch running, as for bench/search):

    .venv/bin/python -m bench.relevance [--database-url URL] [--es-url URL] [--json FILE]
"""

from __future__ import annotations

import dataclasses
import json
import math
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import Flask

SUITE = Path(__file__).with_name("suite.json")
K = 10
NO_PASSWORD = "!"  # noqa: S105  (accounts of the suite never sign in)


@dataclass
class Case:
    """One labelled mission: its id in the database and its pool's grades by user id."""

    key: str
    tags: list[str]
    mission_id: uuid.UUID
    grades: dict[str, int]


@dataclass
class MissionScore:
    key: str
    ndcg: float
    leader: str | None
    ranked: list[str] = field(default_factory=list)


@dataclass
class BackendScore:
    backend: str
    missions: list[MissionScore]

    @property
    def mean_ndcg(self) -> float:
        return sum(m.ndcg for m in self.missions) / len(self.missions)

    def mean_for(self, tag: str, cases: list[Case], *, without: bool = False) -> float:
        """The mean over the missions with this tag (or, `without`, over the others)."""
        keys = {c.key for c in cases if (tag in c.tags) != without}
        values = [m.ndcg for m in self.missions if m.key in keys]
        return sum(values) / len(values) if values else float("nan")


def load_suite() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SUITE.read_text(encoding="utf-8"))
    return data


def dcg(grades: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:K]))


def ndcg(ranked: list[str], grades: dict[str, int]) -> float:
    ideal = dcg(sorted(grades.values(), reverse=True))
    if ideal == 0:
        return 1.0
    return dcg([grades.get(i, 0) for i in ranked]) / ideal


# ----------------------------------------------------------------------------- writing the suite
def populate(app: Flask) -> list[Case]:
    """Write every pool's secretaries and every mission; return the cases."""
    from marketplace.accounts.models import Role, User
    from marketplace.extensions import db
    from marketplace.missions.models import Mission, MissionStatus, PeriodUnit, Pricing, Schedule
    from marketplace.profiles.models import SecretaryProfile
    from marketplace.profiles.services import apply_place, resolve_place

    suite = load_suite()
    defaults = suite["defaults"]
    today = date.today()
    cases: list[Case] = []
    histories: list[tuple[str, list[int], int]] = []
    with app.app_context():
        owner = User(
            email=f"suite-{uuid.uuid4().hex[:8]}@exemple.fr",
            password_hash=NO_PASSWORD,
            role=Role.BUSINESS,
            display_name="Client de la suite",
        )
        db.session.add(owner)
        db.session.flush()
        for spec in suite["missions"]:
            grades: dict[str, int] = {}
            for n, (key, grade) in enumerate(spec["pool"].items()):
                p = defaults | suite["profiles"][key]
                user = User(
                    email=f"{spec['id']}-{n}-{uuid.uuid4().hex[:6]}@exemple.fr",
                    password_hash=NO_PASSWORD,
                    role=Role.SECRETARY,
                    display_name=f"{key} ({spec['id']})",
                )
                db.session.add(user)
                db.session.flush()
                available = p.get("available_in_days")
                profile = SecretaryProfile(
                    user_id=user.id,
                    headline=p["headline"],
                    bio=p["bio"],
                    specialties=p["specialties"],
                    skills=p["skills"],
                    hourly_rate_cents=int(p["rate"] * 100),
                    surcharge_percent=p["surcharge"],
                    remote=p["remote"],
                    onsite_radius_km=p["radius"],
                    languages=p["languages"],
                    weekdays=p["weekdays"],
                    hours_per_week=p["hours"],
                    available_from=today + timedelta(days=available) if available else None,
                )
                apply_place(profile, resolve_place(p["place"]))
                db.session.add(profile)
                grades[str(user.id)] = int(grade)
                if p["reviews"] or p["completed"]:
                    histories.append((str(user.id), p["reviews"], p["completed"]))
            start = today + timedelta(days=spec.get("start_in_days", 7))
            recurring = spec.get("recurring")
            mission = Mission(
                business_id=owner.id,
                title=spec["title"],
                description=spec["description"],
                specialty=spec["specialty"],
                skills=spec["skills"],
                pricing=Pricing.FIXED,
                budget_cents=int(spec["budget"] * 100),
                estimated_hours=spec.get("hours"),
                remote_ok=spec["remote_ok"],
                start_date=start,
                end_date=None if recurring else start + timedelta(days=30),
                urgent=spec.get("urgent", False),
                status=MissionStatus.OPEN,
            )
            if recurring:
                mission.schedule = Schedule.RECURRING
                mission.period = PeriodUnit.WEEK
                mission.hours_per_period = recurring["hours"]
                mission.weekly_slots = [
                    {"day": d, "start": "08:00", "end": "12:00"} for d in recurring["slots"]
                ]
            apply_place(mission, resolve_place(spec["place"]))
            db.session.add(mission)
            db.session.flush()
            cases.append(Case(spec["id"], spec["tags"], mission.id, grades))
        db.session.commit()
    for secretary_id, ratings, completed in histories:
        history(app, secretary_id, ratings, completed)
    return cases


def history(app: Flask, secretary_id: str, ratings: list[int], completed: int) -> None:
    """Released contracts with published reviews (one per rating), as the workflow leaves."""
    from marketplace.accounts.models import Role, User
    from marketplace.bids.models import Bid, BidStatus
    from marketplace.contracts.models import Contract, ContractStatus
    from marketplace.db import utcnow
    from marketplace.extensions import db
    from marketplace.missions.models import Mission, MissionStatus, Pricing
    from marketplace.profiles.services import apply_place, resolve_place
    from marketplace.reviews.models import Review

    with app.app_context():
        client = User(
            email=f"past-{uuid.uuid4().hex[:8]}@exemple.fr",
            password_hash=NO_PASSWORD,
            role=Role.BUSINESS,
            display_name="Ancien client",
        )
        db.session.add(client)
        db.session.flush()
        now = utcnow()
        place = resolve_place("69003")
        for i in range(max(len(ratings), completed)):
            mission = Mission(
                business_id=client.id,
                title="Mission terminée",
                description="Une mission terminée.",
                specialty="general",
                skills=[],
                pricing=Pricing.FIXED,
                budget_cents=50_000,
                remote_ok=True,
                start_date=date.today(),
                status=MissionStatus.HIRED,
            )
            apply_place(mission, place)
            db.session.add(mission)
            db.session.flush()
            bid = Bid(
                mission_id=mission.id,
                secretary_id=uuid.UUID(secretary_id),
                amount_cents=50_000,
                status=BidStatus.ACCEPTED,
            )
            db.session.add(bid)
            db.session.flush()
            contract = Contract(
                mission_id=mission.id,
                bid_id=bid.id,
                business_id=client.id,
                secretary_id=uuid.UUID(secretary_id),
                status=ContractStatus.RELEASED,
                amount_cents=50_000,
                commission_basis_points=1200,
                commission_cents=6_000,
                payout_cents=44_000,
                payment_provider="sandbox",
                released_at=now,
                review_deadline=now + timedelta(days=14),
            )
            db.session.add(contract)
            db.session.flush()
            if i < len(ratings):
                db.session.add(
                    Review(
                        contract_id=contract.id,
                        author_id=client.id,
                        subject_id=uuid.UUID(secretary_id),
                        rating=ratings[i],
                        comment="",
                        published_at=now,
                    )
                )
        db.session.commit()


# ----------------------------------------------------------------------------- scoring
def evaluate(app: Flask, backends: dict[str, Any], cases: list[Case]) -> list[BackendScore]:
    """NDCG@10 of each case on each backend (a name -> `SearchBackend`), in `app`'s context."""
    from marketplace.extensions import db
    from marketplace.missions.models import Mission
    from marketplace.search import ranking

    everyone = [i for c in cases for i in c.grades]
    scores = {name: BackendScore(name, []) for name in backends}
    with app.test_request_context():
        for case in cases:
            mission = db.session.get(Mission, case.mission_id)
            assert mission is not None
            others = tuple(i for i in everyone if i not in case.grades)
            criteria = dataclasses.replace(
                ranking.criteria_for_mission(mission), exclude_ids=others
            )
            for name, search in backends.items():
                page = search.search_secretaries(criteria, 0, K)
                ranked = [h.id for h in page.hits]
                scores[name].missions.append(
                    MissionScore(
                        case.key, ndcg(ranked, case.grades), ranked[0] if ranked else None, ranked
                    )
                )
    return list(scores.values())


def leaders_disagree(results: list[BackendScore]) -> list[str]:
    """The missions whose first result is not the same person on every backend."""
    first, *rest = results
    out = []
    for i, m in enumerate(first.missions):
        if any(r.missions[i].leader != m.leader for r in rest):
            out.append(m.key)
    return out


TAGS = ("medical", "legal", "insurance", "industry", "general", "on_site", "remote")
TAGS_MORE = ("recurring", "urgent", "paraphrase")


def report(results: list[BackendScore], cases: list[Case]) -> str:
    lines = [
        "| backend | NDCG@10 | " + " | ".join((*TAGS, *TAGS_MORE)) + " |",
        "|---|---|" + "---|" * (len(TAGS) + len(TAGS_MORE)),
    ]
    for r in results:
        by_tag = " | ".join(f"{r.mean_for(t, cases):.3f}" for t in (*TAGS, *TAGS_MORE))
        lines.append(f"| {r.backend} | {r.mean_ndcg:.3f} | {by_tag} |")
    disagree = leaders_disagree(results)
    lines.append("")
    lines.append(f"{len(cases)} missions; leaders differ on: {', '.join(disagree) or 'none'}")
    worst = sorted(results[0].missions, key=lambda m: m.ndcg)[:5]
    lines.append("lowest: " + ", ".join(f"{m.key} {m.ndcg:.3f}" for m in worst))
    return "\n".join(lines)
