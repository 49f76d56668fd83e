"""The demo seed: every contract status, a balanced ledger, France-wide people, stable output."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role, User
from marketplace.accounts.services import authenticate
from marketplace.bids.models import Bid, BidStatus
from marketplace.contracts.models import Contract, ContractStatus, PeriodStatus
from marketplace.conversations.models import Attachment, Conversation, Message, MessageKind
from marketplace.demo.generate import CORSICA, OVERSEAS_DEPARTMENTS
from marketplace.demo.seed import (
    DEMO_BUSINESS_EMAIL,
    DEMO_OPERATOR_EMAIL,
    DEMO_PASSWORD,
    DEMO_SECRETARY_EMAIL,
    DemoSeedError,
    plan_outcomes,
    seed,
)
from marketplace.extensions import db
from marketplace.missions.models import Invitation, Mission, MissionStatus, NdaAcceptance
from marketplace.payments import ledger
from marketplace.profiles.models import BusinessProfile, SecretaryProfile
from marketplace.reviews.models import Review
from marketplace.storage import current_storage
from marketplace.validation import validate_siret
from tests.conftest import truncate_all, truncate_tables

SMALL = {"secretaries": 40, "businesses": 8, "missions": 20}


@pytest.fixture(autouse=True)
def ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


@pytest.fixture(scope="module")
def seeded(app: Flask) -> Iterator[str]:
    """One small seed, committed once for the module's readers (a seed takes most of a
    minute): each test reads it in its own rolled-back transaction (conftest's savepoint
    mode), and the tables are emptied when the module is done. The tests that need an empty
    database empty it inside their own transaction (`_empty_in_this_test`), so the rollback
    brings the seed back for the next one."""
    with app.app_context():
        summary = seed(**SMALL, seed=2026)
        db.session.remove()
    yield summary
    truncate_all(app)


def _empty_in_this_test() -> None:
    """Every table emptied inside the test's transaction: the test's rollback gives the
    module's seed back."""
    truncate_tables()


def _secretary_names() -> list[tuple[str, str, str]]:
    rows = db.session.execute(
        sa.select(User.display_name, User.email, SecretaryProfile.postal_code)
        .join(SecretaryProfile, SecretaryProfile.user_id == User.id)
        .order_by(User.email)
    )
    return [tuple(row) for row in rows]


def _contracts_of(user: User) -> set[ContractStatus]:
    column = Contract.business_id if user.role is Role.BUSINESS else Contract.secretary_id
    return set(db.session.scalars(sa.select(Contract.status).where(column == user.id)))


def test_every_contract_outcome_is_planned_even_for_few_missions() -> None:
    for count in (12, 20, 100, 250):
        outcomes = plan_outcomes(count)
        assert len(outcomes) == count
        assert {o.value for o in outcomes} >= {
            "open", "closed", "awaiting_funding", "funded", "delivered", "released",
            "cancelled_unfunded", "cancelled_refunded", "disputed", "resolved_release",
            "resolved_refund", "resolved_split",
        }  # fmt: skip


def test_small_seed_has_every_contract_status_and_every_bid_status(seeded: str) -> None:
    statuses = set(db.session.scalars(sa.select(Contract.status)))
    assert statuses == set(ContractStatus)
    assert set(db.session.scalars(sa.select(Bid.status))) == set(BidStatus)
    assert set(db.session.scalars(sa.select(Mission.status))) == set(MissionStatus)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NdaAcceptance))
    for status in ContractStatus:
        assert f"{status.value} " in seeded  # the summary counts each status


def test_cancellations_and_resolutions_take_every_path(seeded: str) -> None:
    cancelled = list(
        db.session.scalars(sa.select(Contract).where(Contract.status == ContractStatus.CANCELLED))
    )
    assert {c.funded_at is not None for c in cancelled} == {True, False}  # refunded and not
    resolved = list(
        db.session.scalars(sa.select(Contract).where(Contract.status == ContractStatus.RESOLVED))
    )
    outcomes = {
        ("release" if not c.resolution_refund_cents else
         "refund" if not c.resolution_release_cents else "split")
        for c in resolved
    }  # fmt: skip
    assert outcomes == {"release", "refund", "split"}


OPEN_PERIODS = (PeriodStatus.FUNDED, PeriodStatus.SUBMITTED, PeriodStatus.DISPUTED)


def test_ledger_balances_per_contract_and_overall(seeded: str) -> None:
    contracts = list(db.session.scalars(sa.select(Contract)))
    for contract in contracts:
        summary = ledger.summary(contract.id)
        assert summary.balanced, contract.status
        holds_money = contract.status in (
            ContractStatus.FUNDED, ContractStatus.DELIVERED, ContractStatus.DISPUTED
        )  # fmt: skip
        if contract.is_regular:  # what its open periods were funded with
            open_periods = [p for p in contract.periods if p.status in OPEN_PERIODS]
            assert summary.held_cents == sum(p.funded_cents for p in open_periods)
            continue
        assert summary.held_cents == (contract.amount_cents if holds_money else 0)
        if contract.status is ContractStatus.RELEASED:
            assert summary.balances["secretary"] == contract.payout_cents
    assert ledger.global_imbalance() == 0
    assert "all " in seeded and "contracts balanced" in seeded


def test_reviews_published_when_both_rated_and_hidden_otherwise(seeded: str) -> None:
    reviews = list(db.session.scalars(sa.select(Review)))
    assert reviews
    per_contract: dict[object, list[Review]] = {}
    for review in reviews:
        per_contract.setdefault(review.contract_id, []).append(review)
        assert 1 <= review.rating <= 5
    for pair in per_contract.values():
        assert all((r.published_at is not None) == (len(pair) == 2) for r in pair)
    assert any(len(pair) == 2 for pair in per_contract.values())
    assert any(len(pair) == 1 for pair in per_contract.values())


def test_secretaries_spread_over_france_with_plausible_profiles(seeded: str) -> None:
    profiles = list(db.session.scalars(sa.select(SecretaryProfile)))
    assert len(profiles) == SMALL["secretaries"]
    departments = {p.department_code for p in profiles}
    assert len(departments) >= 15
    assert departments & set(CORSICA)
    assert len([p for p in profiles if p.department_code in OVERSEAS_DEPARTMENTS]) >= 2
    for profile in profiles:
        assert 2_200 <= profile.hourly_rate_cents <= 4_500
        assert 0 <= profile.surcharge_percent <= 30
        assert profile.specialties and "fr" in profile.languages
        assert profile.remote or 10 <= profile.onsite_radius_km <= 50
        if profile.siret:
            validate_siret(profile.siret)
    businesses = list(db.session.scalars(sa.select(BusinessProfile)))
    assert len(businesses) == SMALL["businesses"]
    assert all(b.company_name and b.sector for b in businesses)
    emails = db.session.scalars(sa.select(User.email))
    assert all(email.endswith("@exemple.fr") for email in emails)


def test_demo_logins_work_and_show_every_side(seeded: str) -> None:
    business = authenticate(DEMO_BUSINESS_EMAIL, DEMO_PASSWORD)
    secretary = authenticate(DEMO_SECRETARY_EMAIL, DEMO_PASSWORD)
    operator = authenticate(DEMO_OPERATOR_EMAIL, DEMO_PASSWORD)
    assert (business.role, secretary.role, operator.role) == (
        Role.BUSINESS, Role.SECRETARY, Role.OPERATOR
    )  # fmt: skip
    assert _contracts_of(business) == set(ContractStatus)
    assert {ContractStatus.RELEASED, ContractStatus.FUNDED} <= _contracts_of(secretary)
    bids = set(db.session.scalars(sa.select(Bid.status).where(Bid.secretary_id == secretary.id)))
    assert bids == set(BidStatus)
    published = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Review)
        .where(Review.subject_id == secretary.id, Review.published_at.is_not(None))
    )
    assert published
    for email in (DEMO_BUSINESS_EMAIL, DEMO_SECRETARY_EMAIL, DEMO_OPERATOR_EMAIL):
        assert email in seeded
    # Everyone else signs in with the same password.
    other = db.session.scalar(sa.select(User.email).where(User.email.like("%.1@exemple.fr")))
    assert other is not None
    authenticate(other, DEMO_PASSWORD)


def test_second_run_is_refused(seeded: str) -> None:
    with pytest.raises(DemoSeedError, match="déjà des comptes"):
        seed(**SMALL, seed=2026)


def test_command_refuses_a_database_with_users(app: Flask, seeded: str) -> None:
    result = app.test_cli_runner().invoke(args=["seed-demo", "--secretaries", "40"])
    assert result.exit_code == 1
    assert "already has users" in result.output


def test_too_few_missions_for_every_status_is_refused(ctx: None, seeded: str) -> None:
    _empty_in_this_test()
    with pytest.raises(DemoSeedError, match="at least"):
        seed(secretaries=40, businesses=8, missions=5, seed=1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_same_seed_gives_the_same_secretaries(ctx: None, seeded: str) -> None:
    first = _secretary_names()  # the module's seed, 2026
    _empty_in_this_test()
    seed(**SMALL, seed=2026)
    assert _secretary_names() == first
    # Another seed draws other people (the seed draws its people first, from its own RNG).
    import random
    from datetime import date

    from marketplace.demo.seed import _Seeder

    people = {}
    for number in (2026, 8):
        seeder = _Seeder(random.Random(number), date(2026, 12, 1))
        seeder.build_people(SMALL["secretaries"], SMALL["businesses"])
        people[number] = sorted(
            (s.display_name, s.email, s.place.postal_code) for s in seeder.secretaries
        )
    assert people[2026] == sorted(first)
    assert people[8] != people[2026]


def test_several_contracts_have_conversations_with_files(seeded: str) -> None:
    with_files = db.session.execute(
        sa.select(Contract.id, sa.func.count(Attachment.id))
        .join(
            Conversation,
            sa.and_(
                Conversation.mission_id == Contract.mission_id,
                Conversation.secretary_id == Contract.secretary_id,
            ),
        )
        .join(Message, Message.conversation_id == Conversation.id)
        .join(Attachment, Attachment.message_id == Message.id)
        .group_by(Contract.id)
    ).all()
    assert len(with_files) >= 3
    deliveries = db.session.scalar(
        sa.select(sa.func.count(Message.id)).where(Message.kind == MessageKind.DELIVERY)
    )
    assert deliveries >= 1
    # The files are real PDFs in the storage, as an upload would have left them.
    attachment = db.session.scalars(sa.select(Attachment).limit(1)).one()
    with current_storage().open(attachment.storage_key) as stored:
        assert stored.read(5) == b"%PDF-"
    assert attachment.content_type == "application/pdf"


def test_a_first_search_from_each_big_city_finds_medical_and_legal_secretaries(ctx: None) -> None:
    """The default seed's people (built without the database): every one of the five cities
    has its core of medical and legal secretaries, and half the profiles give time slots."""
    import random
    from datetime import date

    from marketplace.demo import generate
    from marketplace.demo.seed import _Seeder

    seeder = _Seeder(random.Random(2026), date(2026, 12, 1))
    seeder.build_people(300, 50)
    specs = seeder.secretaries
    assert len(specs) == 300
    for city, code in generate.METROS.items():
        for specialty in ("medical", "legal"):
            here = [
                s
                for s in specs
                if s.place.department_code == code[:2] and specialty in s.specialties
            ]
            assert len(here) >= generate.METRO_CORE, (city, specialty, len(here))
    with_slots = [s for s in specs if s.payload["availability"].get("slots")]
    assert 0.4 < len(with_slots) / len(specs) < 0.7
    for s in with_slots:
        slots = s.payload["availability"]["slots"]
        assert {slot["day"] for slot in slots} <= set(s.payload["availability"]["weekdays"])
