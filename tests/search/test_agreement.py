"""Both backends rank alike: same totals, same scores, same order when the gaps are clear.

A random but fixed population (secretaries across France with varied profiles and review
histories, open missions) is written through the Elasticsearch app (so the outbox indexes
it), then many criteria are ranked by the embedded backend and by Elasticsearch.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask

from tests.search.helpers import history

CODES = [
    "75001",
    "75011",
    "75015",
    "92100",
    "93200",
    "94300",
    "69001",
    "69003",
    "69006",
    "69100",
    "38000",
    "42000",
    "13001",
    "13008",
    "83000",
    "06000",
    "31000",
    "33000",
    "44000",
    "35000",
    "59000",
    "67000",
    "68100",
    "21000",
    "63000",
    "87000",
    "29200",
    "64000",
    "34000",
    "51100",
]
SPECIALTIES = ["legal", "medical", "insurance", "industry", "general"]
SKILLS = [
    "mail_processing",
    "word_processing",
    "spreadsheets",
    "phone_reception",
    "mail_merge",
    "appointment_booking",
    "medical_transcription",
    "legal_drafting",
    "billing",
    "telemarketing",
]
WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WORDS = [
    "Secrétaire médicale",
    "Assistante juridique",
    "Télésecrétariat",
    "comptes rendus",
    "accueil téléphonique",
    "publipostage",
    "facturation et relances",
    "prise de rendez-vous",
    "cabinet d'avocats",
    "mutuelle",
    "industrie",
    "expérience",
    "bilingue anglais",
]
GAP = 1e-3


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.sample(WORDS, n))


def populate(app: Flask, secretaries: int = 120, missions: int = 40, seed: int = 7) -> None:
    from marketplace.accounts.models import Role, User
    from marketplace.extensions import db
    from marketplace.missions.models import Mission, MissionStatus, Pricing
    from marketplace.profiles.models import SecretaryProfile
    from marketplace.profiles.services import apply_place, resolve_place

    rng = random.Random(seed)
    with app.app_context():
        people = []
        for i in range(secretaries):
            user = User(
                email=f"s{i}-{uuid.uuid4().hex[:6]}@exemple.fr",
                password_hash="x",
                role=Role.SECRETARY,
                display_name=f"Secrétaire {i}",
            )
            db.session.add(user)
            db.session.flush()
            remote = rng.random() < 0.75
            profile = SecretaryProfile(
                user_id=user.id,
                headline=_text(rng, 2),
                bio=_text(rng, 4),
                specialties=rng.sample(SPECIALTIES, rng.choice([1, 1, 2])),
                skills=rng.sample(SKILLS, rng.randint(0, 5)),
                hourly_rate_cents=rng.randrange(2000, 4500, 50),
                surcharge_percent=rng.choice([0, 10, 25, 50]),
                remote=remote,
                onsite_radius_km=rng.choice([0, 10, 20, 37, 50, 100])
                if remote
                else rng.choice([10, 20, 30, 50]),
                languages=["fr"],
                weekdays=rng.sample(WEEK[:5], rng.randint(0, 5)),
                hours_per_week=rng.randint(5, 35),
                available_from=rng.choice(
                    [None, date.today() + timedelta(days=rng.randint(0, 40))]
                ),
            )
            apply_place(profile, resolve_place(rng.choice(CODES)))
            db.session.add(profile)
            people.append(str(user.id))
        owners = []
        for i in range(4):
            owner = User(
                email=f"b{i}-{uuid.uuid4().hex[:6]}@exemple.fr",
                password_hash="x",
                role=Role.BUSINESS,
                display_name=f"Entreprise {i}",
            )
            db.session.add(owner)
            db.session.flush()
            owners.append(owner.id)
        for _ in range(missions):
            start = date.today() + timedelta(days=rng.randint(1, 30))
            mission = Mission(
                business_id=rng.choice(owners),
                title=_text(rng, 2),
                description=_text(rng, 5),
                specialty=rng.choice(SPECIALTIES),
                skills=rng.sample(SKILLS, rng.randint(0, 4)),
                pricing=Pricing.FIXED,
                budget_cents=rng.randrange(20_000, 300_000, 1000),
                estimated_hours=rng.choice([None, 10, 20, 40, 80]),
                remote_ok=rng.random() < 0.7,
                start_date=start,
                end_date=rng.choice([None, start + timedelta(days=rng.randint(0, 20))]),
                urgent=rng.random() < 0.2,
                confidential=rng.random() < 0.1,
                status=MissionStatus.OPEN,
            )
            apply_place(mission, resolve_place(rng.choice(CODES)))
            db.session.add(mission)
        db.session.commit()
    for sec in rng.sample(people, 30):
        history(
            app,
            sec,
            [rng.choice([3, 4, 4, 5, 5, 5]) for _ in range(rng.randint(0, 12))],
            completed=rng.randint(0, 12),
        )


def assert_agree(label: str, embedded: Any, elastic: Any, plan: Any) -> None:
    assert embedded.total == elastic.total, label
    assert len(embedded.hits) == len(elastic.hits), label
    for hit in elastic.hits:  # Elasticsearch's score is the documented formula, exactly
        if plan.meaning is None:
            assert abs(hit.score - plan.score(hit.doc)) < GAP, (label, hit.id)
        else:  # hybrid.py: the signals, plus the text weight times the fused text (0..1)
            low = plan.signals_score(hit.doc)
            weight = plan.text.weight if plan.text is not None else plan.meaning.weight
            assert low - GAP < hit.score < low + weight + GAP, (label, hit.id)
    e_scores = [h.score for h in embedded.hits]
    s_scores = [h.score for h in elastic.hits]
    for a, b in zip(e_scores, s_scores, strict=True):
        assert abs(a - b) < GAP, (label, e_scores, s_scores)
    for i, (a, b) in enumerate(zip(embedded.hits, elastic.hits, strict=True)):
        before = e_scores[i - 1] - e_scores[i] if i else float("inf")
        after = e_scores[i] - e_scores[i + 1] if i + 1 < len(e_scores) else float("inf")
        if before > GAP and after > GAP:  # clearly separated: the same one in both
            assert a.id == b.id, (label, i)


@pytest.fixture
def population(es_app: Flask) -> Flask:
    populate(es_app)
    return es_app


def test_backends_agree_on_secretaries(population: Flask):
    from marketplace.extensions import db
    from marketplace.missions.models import Mission
    from marketplace.search import backend, ranking, services
    from marketplace.search.embedded import EmbeddedBackend

    rng = random.Random(11)
    embedded = EmbeddedBackend()
    with population.test_request_context():
        elastic = backend()
        criteria = []
        for m in db.session.scalars(db.select(Mission).order_by(Mission.id)):
            criteria.append((f"mission {m.id}", ranking.criteria_for_mission(m)))
            criteria.append((f"mission {m.id} loose", ranking.criteria_for_mission(m, False)))
        for i in range(25):
            args: dict[str, Any] = {}
            if rng.random() < 0.5:
                args["specialty"] = rng.choice(SPECIALTIES)
            if rng.random() < 0.6:
                args["postal_code"] = rng.choice(CODES)
                if rng.random() < 0.5:
                    args["radius_km"] = rng.choice([20, 50, 200])
                args["remote"] = rng.choice([None, True, False])
            if rng.random() < 0.4:
                args["max_rate_cents"] = rng.randrange(2500, 4500, 100)
            if rng.random() < 0.3:
                args["available_on"] = date.today() + timedelta(days=rng.randint(0, 40))
            if rng.random() < 0.3:
                args["skills"] = rng.sample(SKILLS, 1)
            if rng.random() < 0.5:
                args["q"] = rng.choice(WORDS).lower()
            criteria.append((f"search {i} {args}", services.secretary_criteria(args)))
        top_ones = 0
        for label, c in criteria:
            plan = ranking.secretary_plan(c)
            a = embedded.search_secretaries(c, 0, 50)
            b = elastic.search_secretaries(c, 0, 50)
            assert_agree(label, a, b, plan)
            top_ones += bool(a.hits)
        assert top_ones > 60  # the criteria did find people


def test_backends_agree_on_missions(population: Flask):
    from marketplace.accounts.models import User
    from marketplace.extensions import db
    from marketplace.search import backend, ranking, services
    from marketplace.search.embedded import EmbeddedBackend

    rng = random.Random(13)
    embedded = EmbeddedBackend()
    with population.test_request_context():
        elastic = backend()
        users = list(db.session.scalars(db.select(User).where(User.role == "secretary")))
        criteria = []
        for user in rng.sample(users, 25):
            personal = services.personal_mission_criteria(user)
            assert personal is not None
            criteria.append((f"for {user.id}", personal))
        for i in range(15):
            args: dict[str, Any] = {}
            if rng.random() < 0.5:
                args["specialty"] = rng.choice(SPECIALTIES)
            if rng.random() < 0.6:
                args["postal_code"] = rng.choice(CODES)
                if rng.random() < 0.5:
                    args["radius_km"] = rng.choice([20, 100, 400])
            if rng.random() < 0.5:
                args["q"] = rng.choice(WORDS).lower()
            criteria.append((f"missions {i} {args}", services.mission_criteria(args, None)))
        for label, c in criteria:
            plan = ranking.mission_plan(c)
            assert_agree(
                label, embedded.search_missions(c, 0, 40), elastic.search_missions(c, 0, 40), plan
            )
