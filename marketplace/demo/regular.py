"""Regular work in the demo: recurring contracts in each state a real one reaches.

Each contract is made the way users make it (a recurring mission, a quote at an hourly
rate, the hire), then lived through the services and the regular-work job
(`periods.run_due`): periods funded (the sandbox keeps the method of the first payment
and charges the next ones), hours logged by kind, timesheets sent and approved. To give a
contract weeks of history, its calendar is moved back before anything happens on it, as
the weeks going by would have done; nothing else is written around the services.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.bids import services as bids
from marketplace.bids.schemas import BidIn
from marketplace.contracts import agreement, periods
from marketplace.contracts import services as contracts
from marketplace.contracts.models import Contract, ContractPeriod, PeriodStatus, RateKind, TimeEntry
from marketplace.extensions import db
from marketplace.missions import services as missions
from marketplace.missions.schemas import MissionIn
from marketplace.profiles import services as profiles
from marketplace.validation import load

MISSIONS = (
    (
        "Permanence téléphonique du cabinet, chaque matin",
        "Cabinet médical : prise des appels, des rendez-vous et des messages des patients du "
        "lundi au vendredi de 8 h à 11 h, à distance, avec notre logiciel d'agenda.",
        "medical",
        ["phone_reception", "appointment_booking"],
        15,
    ),
    (
        "Frappe des actes et suivi des dossiers, deux après-midi par semaine",
        "Étude d'avocats : mise en forme des actes, relances des clients et classement des "
        "pièces, chaque mardi et jeudi après-midi, à distance.",
        "legal",
        ["legal_drafting", "word_processing"],
        8,
    ),
    (
        "Gestion des sinistres et relances clients",
        "Cabinet de courtage : saisie des déclarations de sinistre, relances des assurés et "
        "tenue des tableaux de suivi, environ six heures par semaine.",
        "insurance",
        ["transcription", "customer_service"],
        6,
    ),
    (
        "Facturation et relances mensuelles de l'atelier",
        "Atelier de menuiserie : factures du mois, relances des impayés et classement des "
        "pièces pour l'expert-comptable.",
        "industry",
        ["billing", "bookkeeping"],
        10,
    ),
)

TASKS = (
    "Appels et prise de rendez-vous",
    "Messages patients et rappels",
    "Mise à jour de l'agenda",
    "Frappe et mise en forme",
    "Relances par téléphone",
    "Classement et suivi des dossiers",
)

# What each demo contract shows: (weeks of history, the state it is left in).
STORIES = (
    (3, "active"),  # three weeks approved, the current one funded and being filled in
    (2, "submitted"),  # the current timesheet waits for the business's approval
    (1, "paused"),  # the next period's charge failed: the business must pay it
    (3, "ended"),  # ended with notice, every period closed
    (0, "awaiting_funding"),  # just hired: the first period waits for its payment
)


def _shift(contract: Contract, days: int) -> None:
    """Move the contract's calendar `days` back (its start, end, periods, entries)."""
    shift = timedelta(days=days)
    if contract.starts_on:
        contract.starts_on -= shift
    if contract.ends_on:
        contract.ends_on -= shift
    ids = db.session.scalars(
        sa.select(ContractPeriod.id)
        .where(ContractPeriod.contract_id == contract.id)
        .order_by(ContractPeriod.sequence)
    ).all()
    for period_id in ids:  # earliest first: each start moves to a day no other period holds
        db.session.execute(
            sa.update(ContractPeriod)
            .where(ContractPeriod.id == period_id)
            .values(
                starts_on=ContractPeriod.starts_on - shift, ends_on=ContractPeriod.ends_on - shift
            )
        )
    db.session.execute(
        sa.update(TimeEntry)
        .where(TimeEntry.contract_id == contract.id)
        .values(worked_on=TimeEntry.worked_on - shift)
    )
    db.session.commit()
    db.session.expire_all()


def _log_week(
    rng: random.Random, contract: Contract, period: ContractPeriod, secretary: User
) -> None:
    """A few entries on the period's working days that have passed, within its cap."""
    day = period.starts_on
    used = 0
    while day <= min(period.ends_on, periods.today()):
        if day.weekday() < 5 and rng.random() < 0.8:
            minutes = rng.choice((60, 90, 120, 150))
            kind = RateKind.EVENING if rng.random() < 0.12 else RateKind.NORMAL
            if used + minutes <= period.cap_minutes * 0.9:
                periods.add_entry(
                    contract,
                    secretary,
                    worked_on=day,
                    minutes=minutes,
                    description=rng.choice(TASKS),
                    rate_kind=kind,
                )
                used += minutes
        day += timedelta(days=1)


def _current(contract: Contract) -> ContractPeriod | None:
    """The earliest period still open (funded, or sent and waiting for approval)."""
    return db.session.scalar(
        sa.select(ContractPeriod)
        .where(
            ContractPeriod.contract_id == contract.id,
            ContractPeriod.status.in_((PeriodStatus.FUNDED, PeriodStatus.SUBMITTED)),
        )
        .order_by(ContractPeriod.sequence)
    )


def _close(contract: Contract, period: ContractPeriod, business: User, secretary: User) -> None:
    if period.status is PeriodStatus.FUNDED:
        periods.submit(contract, period, secretary)
    periods.approve(contract, period, business)


def _hire(
    rng: random.Random, owner: User, secretary: User, spec: tuple[Any, ...], today: date
) -> Contract:
    title, description, specialty, skills, hours = spec
    place = profiles.own_profile(owner)
    assert place is not None
    mission = missions.create_mission(
        owner,
        load(
            MissionIn(),
            {
                "title": title,
                "description": description,
                "specialty": specialty,
                "skills": skills,
                "pricing": "hourly",
                "schedule": "recurring",
                "period": "week",
                "hours_per_period": hours,
                "weekly_slots": [
                    {"day": d, "start": "08:00", "end": "11:00"}
                    for d in ("mon", "tue", "wed", "thu", "fri")
                ]
                if specialty == "medical"
                else [],
                "notice_days": rng.choice((7, 14)),
                "budget_cents": hours * rng.choice((2_800, 3_000, 3_200)),
                "postal_code": place.postal_code,
                "remote_ok": True,
                "start_date": today.isoformat(),
            },
        ),
    )
    bid = bids.place_bid(
        mission,
        secretary,
        load(
            BidIn(),
            {
                "hourly_rate_cents": rng.choice((2_800, 3_000, 3_200, 3_500)),
                "message": "Disponible sur ces créneaux chaque semaine, avec plaisir.",
            },
        ),
    )
    return contracts.hire(bid, owner)


def _live(
    rng: random.Random,
    contract: Contract,
    business: User,
    secretary: User,
    weeks: int,
    state: str,
) -> None:
    """`weeks` of history, a week at a time: the calendar moves back a week, the week that
    just ended is filled in, sent and approved, and the job opens (and charges) the next."""
    agreement.accept(contract, secretary)  # she accepts the written agreement before any work
    periods.fund(contract, periods.next_to_fund(contract), business)
    for week in range(weeks):
        _shift(contract, 7)
        period = _current(contract)
        assert period is not None
        _log_week(rng, contract, period, secretary)
        _close(contract, period, business, secretary)
        if state == "paused" and week == weeks - 1:
            contract.payment_method_id = None  # as if the saved card had expired
            db.session.commit()
        periods.run_due()  # opens the next period; with a saved method, charges it
        db.session.refresh(contract)
    if state == "paused":
        waiting = periods.next_to_fund(contract)
        periods.payment_failed(contract, waiting, "Carte expirée : la banque a refusé le paiement.")
        db.session.commit()
        return
    period = _current(contract)
    if period is not None and period.status is PeriodStatus.FUNDED:
        _log_week(rng, contract, period, secretary)
        if state == "submitted":
            periods.submit(contract, period, secretary)


def seed_regular_work(
    rng: random.Random, businesses: list[User], secretaries: list[User], today: date
) -> list[uuid.UUID]:
    """The demo's recurring contracts, the first ones with the demo accounts."""
    made = []
    for index, (weeks, state) in enumerate(STORIES):
        owner = businesses[0]  # the demo business shows every state of regular work
        secretary = secretaries[0] if index < 3 else secretaries[1 + index]
        spec = MISSIONS[index % len(MISSIONS)]
        contract = _hire(rng, owner, secretary, spec, today)
        made.append(contract.id)
        if state == "awaiting_funding":
            continue
        _live(rng, contract, owner, secretary, weeks, "active" if state == "ended" else state)
        if state == "ended":
            periods.end(contract, owner, "Le cabinet réorganise son secrétariat.")
            # The notice runs out: its days go by, the last timesheets are approved.
            _shift(contract, contract.notice_days + 7)
            while (period := _current(contract)) is not None:
                _close(contract, period, owner, secretary)
            db.session.refresh(contract)
    return made
