"""Regular work: hourly and recurring contracts, paid period by period for the time logged.

A contract of kind `hourly` (one-off work paid by the hour) has one period, capped at the
hours agreed; a `recurring` one has a period each week or month until either party ends
it. Each period has its own escrow (ledger legs with `part_id` = the period):

    awaiting_funding --fund--> funded --submit--> submitted --approve--> approved
                                               submitted --dispute--> disputed --resolve--> resolved

- **Funding.** The business funds a period before it starts, for its cap (the capped
  minutes at the normal rate). The first one through the page or the API; with Stripe the
  payment method is saved then, and the next periods are charged off-session by
  `run_due` a day before they start (the sandbox "saves" its method the same way). A
  failed charge tells the business and pauses the contract: nothing new is funded and she
  cannot log time in the unpaid period, but what was approved before stays hers.
- **Time entries.** She logs date, minutes, task and kind of hours in a funded period
  (any day of it: a slot booked ahead, such as a planned morning of phone coverage, may be
  entered in advance; the business approves the whole at the end);
  each entry is priced when logged (the hourly rate plus her surcharge for that kind, all
  frozen on the contract). The cap bounds what she logs in minutes and in money: an
  entry past it is refused (409 `over_cap`). Every change to a period's time first locks
  the period's row (`PERIOD.claim(..., "log_time")`), so an entry racing the submit is
  either in the timesheet or refused, never lost in between.
- **Approval.** She submits the period; the business approves or disputes it, or it
  approves itself `TIMESHEET_AUTO_APPROVE_DAYS` after the submit (reminder the day
  before). A period she never submits is submitted by itself as many days after its end.
  Approval releases the logged amount minus the commission and refunds what was funded
  and not used, in one transaction (`escrow.settle_part`), with the period's invoices.
- **Ending.** Either party ends the contract (`end`): it ends after its notice; the period
  around the last day is cut there and its cap prorated by days; no period is opened or
  funded past it. The contract is `ended` once its last period has closed.

Every step is a claim along `PERIOD` or `CONTRACT` (conditional UPDATE, 409 when it does
not fit, exactly one of two concurrent requests wins); the jobs are safe to run twice at
once (the unique (contract, starts_on) of a period, the claims).
"""

from __future__ import annotations

import calendar
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import Role, User
from marketplace.bids.models import Bid
from marketplace.compliance import vigilance
from marketplace.config import Settings
from marketplace.contracts import agreement, parties, urgent
from marketplace.contracts.models import (
    CONTRACT,
    PERIOD,
    Contract,
    ContractKind,
    ContractPeriod,
    RateKind,
    TimeEntry,
)
from marketplace.contracts.models import ContractStatus as S
from marketplace.contracts.models import PeriodStatus as P
from marketplace.contracts.telling import record_event as _event
from marketplace.contracts.telling import tell as _tell
from marketplace.db import utcnow
from marketplace.errors import Conflict, FieldErrors, Forbidden, NotFound
from marketplace.extensions import db
from marketplace.missions.models import Mission, PeriodUnit, Pricing, Schedule
from marketplace.notifications.services import notify
from marketplace.payments import escrow, ledger, payouts
from marketplace.payments.interfaces import (
    AnnexEntry,
    ContractRef,
    FundingStart,
    HourLine,
    InvoiceFacts,
    PaymentError,
    PayoutOwner,
)
from marketplace.profiles.models import SecretaryProfile
from marketplace.urls import path_for
from marketplace.workflow import ConcurrentTransition, InvalidTransition

PARIS = ZoneInfo("Europe/Paris")

# The jobs lock a contract's row with FOR NO KEY UPDATE: two jobs wait for each other, but
# the rows that only reference the contract (entries, events, ledger legs) are not blocked.
NO_KEY_UPDATE = {"key_share": True}

# How long before a period starts it is opened and, with a saved method, charged.
FUNDING_LEAD = timedelta(days=1)


def _settings() -> Settings:
    settings: Settings = current_app.config["MARKETPLACE_SETTINGS"]
    return settings


def today() -> date:
    return utcnow().astimezone(PARIS).date()


class OverCap(Conflict):
    code = "over_cap"


class NotRegularWork(Conflict):
    code = "not_regular_work"


class AlreadyEnding(Conflict):
    code = "already_ending"


class PastContractEnd(Conflict):
    code = "past_contract_end"


# --- prices --------------------------------------------------------------------


def surcharge_percent(contract: Contract, kind: RateKind) -> int:
    return {
        RateKind.NORMAL: 0,
        RateKind.URGENT: contract.urgent_surcharge_percent,
        RateKind.EVENING: contract.evening_surcharge_percent,
        RateKind.WEEKEND: contract.weekend_surcharge_percent,
    }[kind]


def rate_for(contract: Contract, kind: RateKind) -> int:
    """The hourly rate for this kind of hours: the contract's rate plus its surcharge."""
    assert contract.hourly_rate_cents is not None
    return (contract.hourly_rate_cents * (100 + surcharge_percent(contract, kind)) + 50) // 100


def amount_for(minutes: int, rate_cents: int) -> int:
    """What `minutes` come to at `rate_cents` an hour, rounded half up to the cent."""
    return (minutes * rate_cents + 30) // 60


# --- the periods of a contract ---------------------------------------------------


def _add_month(day: date) -> date:
    month = day.month % 12 + 1
    year = day.year + (1 if day.month == 12 else 0)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def natural_end(start: date, unit: PeriodUnit | None) -> date:
    """The last day of a period starting on `start`: a week, or a month (never more)."""
    if unit is PeriodUnit.WEEK:
        return start + timedelta(days=6)
    return _add_month(start) - timedelta(days=1)


def _prorated(minutes: int, start: date, end: date, natural: date) -> int:
    full = (natural - start).days + 1
    kept = (end - start).days + 1
    return minutes * kept // full


def _open_period(contract: Contract, start: date) -> ContractPeriod | None:
    """Add the period starting on `start` (cut at the contract's end); None if the contract
    ends before it or another request opened it first."""
    assert contract.cap_minutes_per_period is not None and contract.hourly_rate_cents
    if contract.ends_on is not None and start > contract.ends_on:
        return None
    natural = natural_end(start, contract.period)
    end = min(natural, contract.ends_on) if contract.ends_on else natural
    cap_minutes = contract.cap_minutes_per_period
    if contract.kind is ContractKind.RECURRING:  # a week or month cut short: its share
        cap_minutes = _prorated(cap_minutes, start, end, natural)
    sequence = 1 + int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.max(ContractPeriod.sequence), 0)).where(
                ContractPeriod.contract_id == contract.id
            )
        )
        or 0
    )
    period = ContractPeriod(
        contract_id=contract.id,
        sequence=sequence,
        starts_on=start,
        ends_on=end,
        status=P.AWAITING_FUNDING,
        cap_minutes=cap_minutes,
        cap_cents=amount_for(cap_minutes, contract.hourly_rate_cents),
    )
    try:
        with db.session.begin_nested():
            db.session.add(period)
            db.session.flush()
    except IntegrityError:  # a concurrent rollover opened it
        return None
    return period


def terms_for_bid(bid: Bid, mission: Mission) -> dict[str, Any] | None:
    """The regular-work terms a contract takes from an hourly or recurring bid (None for
    fixed-price one-off work)."""
    recurring = mission.schedule is Schedule.RECURRING
    if not recurring and mission.pricing is not Pricing.HOURLY:
        return None
    profile = db.session.get(SecretaryProfile, bid.secretary_id)
    rate = bid.hourly_rate_cents
    if rate is None:  # an older hourly bid: its amount over its hours
        hours = bid.hours_per_period or bid.estimated_hours or mission.estimated_hours or 1
        rate = max(1, round(bid.amount_cents / hours))
    hours = (
        (bid.hours_per_period or mission.hours_per_period)
        if recurring
        else (bid.estimated_hours or mission.estimated_hours)
    ) or bid.amount_cents / rate
    cap_minutes = max(1, round(hours * 60))
    start = max(bid.start_date or mission.start_date, today())
    return {
        "kind": ContractKind.RECURRING if recurring else ContractKind.HOURLY,
        "hourly_rate_cents": rate,
        "cap_minutes_per_period": cap_minutes,
        "period": mission.period if recurring else PeriodUnit.MONTH,
        "notice_days": mission.notice_days if recurring else 0,
        "urgent_surcharge_percent": profile.surcharge_percent if profile else 0,
        "evening_surcharge_percent": profile.evening_surcharge_percent if profile else 0,
        "weekend_surcharge_percent": profile.weekend_surcharge_percent if profile else 0,
        "starts_on": start,
        # One-off hourly work: one period, from its start to its end date (a month at most).
        "ends_on": (
            None
            if recurring
            else min(mission.end_date or natural_end(start, None), natural_end(start, None))
        ),
        "amount_cents": amount_for(cap_minutes, rate),
    }


def open_first_period(contract: Contract) -> ContractPeriod:
    assert contract.starts_on is not None
    period = _open_period(contract, contract.starts_on)
    assert period is not None
    return period


# --- who sees what -------------------------------------------------------------


def regular(contract: Contract) -> Contract:
    if not contract.is_regular:
        raise NotRegularWork(_("Ce contrat est au forfait : il n'a pas de périodes."))
    return contract


def next_to_fund(contract: Contract) -> ContractPeriod:
    """The earliest period waiting for its money (409 when none does)."""
    regular(contract)
    period = db.session.scalar(
        sa.select(ContractPeriod)
        .where(
            ContractPeriod.contract_id == contract.id,
            ContractPeriod.status == P.AWAITING_FUNDING,
        )
        .order_by(ContractPeriod.sequence)
        .limit(1)
    )
    if period is None:
        raise CONTRACT.refusal("fund", contract.status)
    return period


def period_of(contract: Contract, period_id: uuid.UUID) -> ContractPeriod:
    period = db.session.get(ContractPeriod, period_id)
    if period is None or period.contract_id != contract.id:
        raise NotFound(_("Période introuvable."))
    return period


def periods_of(contract: Contract) -> list[ContractPeriod]:
    return list(
        db.session.scalars(
            sa.select(ContractPeriod)
            .where(ContractPeriod.contract_id == contract.id)
            .order_by(ContractPeriod.sequence)
        )
    )


def entries_of(contract: Contract, period_id: uuid.UUID | None = None) -> list[TimeEntry]:
    query = sa.select(TimeEntry).where(TimeEntry.contract_id == contract.id)
    if period_id is not None:
        query = query.where(TimeEntry.period_id == period_id)
    return list(db.session.scalars(query.order_by(TimeEntry.worked_on, TimeEntry.created_at)))


@dataclass(frozen=True)
class Usage:
    minutes: int
    amount_cents: int
    by_kind: dict[RateKind, tuple[int, int]]  # minutes and cents per kind of hours


def usage(period: ContractPeriod) -> Usage:
    rows = db.session.execute(
        sa.select(
            TimeEntry.rate_kind, sa.func.sum(TimeEntry.minutes), sa.func.sum(TimeEntry.amount_cents)
        )
        .where(TimeEntry.period_id == period.id)
        .group_by(TimeEntry.rate_kind)
    )
    by_kind = {RateKind(kind): (int(m), int(c)) for kind, m, c in rows}
    return Usage(
        sum(m for m, _c in by_kind.values()), sum(c for _m, c in by_kind.values()), by_kind
    )


def usages(periods: list[ContractPeriod]) -> dict[uuid.UUID, Usage]:
    """Every period's usage in one query."""
    if not periods:
        return {}
    rows = db.session.execute(
        sa.select(
            TimeEntry.period_id,
            TimeEntry.rate_kind,
            sa.func.sum(TimeEntry.minutes),
            sa.func.sum(TimeEntry.amount_cents),
        )
        .where(TimeEntry.period_id.in_([p.id for p in periods]))
        .group_by(TimeEntry.period_id, TimeEntry.rate_kind)
    )
    kinds: dict[uuid.UUID, dict[RateKind, tuple[int, int]]] = defaultdict(dict)
    for period_id, kind, minutes, cents in rows:
        kinds[period_id][RateKind(kind)] = (int(minutes), int(cents))
    return {
        p.id: Usage(
            sum(m for m, _c in kinds[p.id].values()),
            sum(c for _m, c in kinds[p.id].values()),
            kinds[p.id],
        )
        for p in periods
    }


# --- telling the parties ----------------------------------------------------------


def _claim(period: ContractPeriod, action: str, **values: Any) -> P:
    previous = PERIOD.claim(period, action, now=utcnow(), **values)
    db.session.refresh(period)
    return previous


# --- funding -----------------------------------------------------------------------


def part_ref(contract: Contract, period: ContractPeriod, amount_cents: int) -> ContractRef:
    """What payments are given for one period: the contract's ids, the period's money."""
    return ContractRef(
        id=contract.id,
        part_id=period.id,
        mission_title=contract.mission.title,
        amount_cents=amount_cents,
        business_id=contract.business_id,
        secretary_id=contract.secretary_id,
        payment_intent_id=period.payment_intent_id,
        charge_id=period.charge_id,
        payout_account_id=escrow.payout_account_id(contract.secretary_id),
        commission_basis_points=contract.commission_basis_points,
        commission_cents=ledger.commission_for(amount_cents, contract.commission_basis_points),
        customer_id=contract.payment_customer_id,
        payment_method_id=contract.payment_method_id,
    )


@dataclass(frozen=True)
class PeriodFunding:
    period: ContractPeriod
    payment: FundingStart


def _customer(contract: Contract) -> None:
    """The business as the provider's customer, so that the method it pays with is kept."""
    if contract.payment_customer_id is None:
        business = contract.business
        contract.payment_customer_id = escrow.provider().create_customer(
            PayoutOwner(business.id, business.email, business.display_name), contract.id
        )


def fund(
    contract: Contract,
    period: ContractPeriod,
    user: User,
    *,
    success_url: str | None = None,
    cancel_url: str | None = None,
) -> PeriodFunding:
    """The business pays a period into escrow (the first one, or one whose charge failed)."""
    if user.role is not Role.BUSINESS:
        raise Forbidden()
    regular(contract)
    PERIOD.target("fund", period.status)
    if contract.status not in (S.AWAITING_FUNDING, S.ACTIVE, S.PAUSED):
        raise CONTRACT.refusal("fund", contract.status)
    db.session.refresh(contract)
    vigilance.require_vigilance(contract)  # from 5,000 EUR over its periods: her attestation
    try:
        _customer(contract)
        start = escrow.provider().start_funding(
            part_ref(contract, period, period.cap_cents),
            success_url=success_url,
            cancel_url=cancel_url,
        )
    except PaymentError:
        db.session.rollback()
        raise
    if start.confirmed:
        if not confirm_funding(contract, period, start.reference, actor=user, method="sandbox"):
            db.session.refresh(period)
            raise ConcurrentTransition(str(PERIOD.entity), "fund", PERIOD.label(period.status))
    else:
        period.payment_intent_id = start.reference
        period.payment_error = None
    db.session.commit()
    return PeriodFunding(period, start)


def confirm_funding(
    contract: Contract,
    period: ContractPeriod,
    reference: str,
    *,
    actor: User | None = None,
    charge_id: str | None = None,
    method: str | None = None,
) -> bool:
    """The provider holds the period's money: the period is funded, the contract active,
    the ledger written, in the caller's transaction. False if it was not waiting for it."""
    if period.status is not P.AWAITING_FUNDING:
        return False
    try:
        _claim(
            period,
            "fund",
            payment_intent_id=reference,
            charge_id=charge_id,
            payment_error=None,
            funded_cents=period.cap_cents,
        )
    except InvalidTransition:
        return False
    escrow.record_funding(part_ref(contract, period, period.cap_cents), reference)
    if method and contract.payment_method_id is None:
        contract.payment_method_id = method
    if CONTRACT.allows("activate", contract.status):
        frm = contract.status.value
        CONTRACT.claim(contract, "activate", now=utcnow())
        db.session.refresh(contract)
        _event(contract, "period_funded", actor, f"#{period.sequence}", frm)
    else:
        _event(contract, "period_funded", actor, f"#{period.sequence}", contract.status.value)
    _tell(
        contract,
        contract.secretary_id,
        "period_funded",
        str(period.id),
        amount_cents=period.cap_cents,
        starts_on=period.starts_on.isoformat(),
    )
    return True


def payment_failed(contract: Contract, period: ContractPeriod, message: str) -> None:
    """A period's charge failed: the business is told, the contract pauses (the caller
    commits). Approved periods are not touched."""
    if period.status is not P.AWAITING_FUNDING:
        return
    period.payment_error = message[:500]
    if contract.status is S.ACTIVE:
        CONTRACT.claim(contract, "pause", now=utcnow())
        db.session.refresh(contract)
        _event(contract, "pause", None, message[:500], S.ACTIVE.value)
    notify(
        contract.business_id,
        "period_payment_failed",
        subject=("contract", contract.id),
        url=path_for("web.contract_detail", contract_id=contract.id),
        params={"mission": contract.mission.title, "message": message[:300]},
        dedupe_key=f"period_payment_failed:{period.id}:{period.payment_intent_id}",
    )


def _charge_saved(contract: Contract, period: ContractPeriod) -> None:
    """Charge the saved method for a period, in its own transaction (the job's). The
    contract's row is locked first, as every writer of its periods does (contract, then
    period: one lock order, no deadlock with a second job opening the same period)."""
    db.session.get(Contract, contract.id, with_for_update=NO_KEY_UPDATE, populate_existing=True)
    db.session.refresh(period)
    if period.status is not P.AWAITING_FUNDING:
        db.session.rollback()
        return
    try:  # over 5,000 EUR with its new period: her URSSAF attestation first
        vigilance.require_vigilance(contract)
    except Conflict as blocked:
        vigilance.ask_for_document(contract)
        _tell(
            contract,
            contract.business_id,
            "period_to_fund",
            str(period.id),
            starts_on=period.starts_on.isoformat(),
            amount_cents=period.cap_cents,
        )
        _event(contract, "vigilance_blocked", None, blocked.message, contract.status.value)
        db.session.commit()
        return
    ref = part_ref(contract, period, period.cap_cents)
    try:
        start = escrow.provider().charge_saved_method(ref)
    except PaymentError as exc:
        db.session.rollback()
        locked = db.session.get(
            Contract, contract.id, with_for_update=NO_KEY_UPDATE, populate_existing=True
        )
        unpaid = db.session.get(ContractPeriod, period.id, populate_existing=True)
        assert locked is not None and unpaid is not None
        payment_failed(locked, unpaid, exc.message)
        db.session.commit()
        return
    if start.confirmed:
        confirm_funding(contract, period, start.reference)
    else:
        period.payment_intent_id = start.reference
    db.session.commit()


# --- time entries ------------------------------------------------------------------


def _check_entry(
    contract: Contract, period: ContractPeriod, worked_on: date, minutes: int, rate_kind: RateKind
) -> None:
    errors: dict[str, str] = {}
    if not period.starts_on <= worked_on <= period.ends_on:
        errors["date"] = _(
            "La date doit être dans la période du %(start)s au %(end)s.",
            start=period.starts_on.isoformat(),
            end=period.ends_on.isoformat(),
        )
    if rate_kind is RateKind.WEEKEND and worked_on.weekday() < 5:
        errors["rate_kind"] = _("Les heures du week-end sont un samedi ou un dimanche.")
    if errors:
        raise FieldErrors(errors)


def _check_urgent(
    contract: Contract, rate_kind: RateKind, urgent_request_id: uuid.UUID | None
) -> None:
    """Urgent hours in recurring work are those of an urgent request she accepted (one-off
    hourly work posted as urgent may bill them directly)."""
    if urgent_request_id is not None:
        urgent.accepted_request(contract, urgent_request_id)
        if rate_kind is not RateKind.URGENT:
            raise FieldErrors({"rate_kind": _("Le temps d'une demande urgente est urgent.")})
    elif rate_kind is RateKind.URGENT and not (
        contract.kind is ContractKind.HOURLY and contract.mission.urgent
    ):
        raise FieldErrors(
            {"urgent_request_id": _("Indiquez la demande urgente acceptée que ce temps couvre.")}
        )


def _period_for_date(contract: Contract, worked_on: date) -> ContractPeriod:
    period = db.session.scalar(
        sa.select(ContractPeriod).where(
            ContractPeriod.contract_id == contract.id,
            ContractPeriod.starts_on <= worked_on,
            ContractPeriod.ends_on >= worked_on,
            ContractPeriod.status != P.CANCELLED,
        )
    )
    if period is None:
        raise FieldErrors({"date": _("Aucune période du contrat ne couvre cette date.")})
    return period


def _within_cap(
    period: ContractPeriod, minutes: int, cents: int, replacing: TimeEntry | None
) -> None:
    used = usage(period)
    total_minutes = used.minutes + minutes - (replacing.minutes if replacing else 0)
    total_cents = used.amount_cents + cents - (replacing.amount_cents if replacing else 0)
    if total_minutes > period.cap_minutes or total_cents > period.funded_cents:
        left = max(0, period.cap_minutes - used.minutes + (replacing.minutes if replacing else 0))
        raise OverCap(
            _(
                "Au-delà du plafond de la période (%(cap)s h payées en séquestre) : "
                "il reste %(left)s min.",
                cap=f"{period.cap_minutes / 60:g}".replace(".", ","),
                left=left,
            )
        )


def _lock_for_time(period: ContractPeriod) -> None:
    """Lock the period's row while it is funded (409 otherwise): a submit waits for this
    entry, or this entry sees the period submitted."""
    _claim(period, "log_time")


def add_entry(
    contract: Contract,
    user: User,
    *,
    worked_on: date,
    minutes: int,
    description: str,
    rate_kind: RateKind,
    urgent_request_id: uuid.UUID | None = None,
) -> TimeEntry:
    if contract.secretary_id != user.id:
        raise Forbidden()
    regular(contract)
    agreement.require_accepted(contract)
    _check_urgent(contract, rate_kind, urgent_request_id)
    period = _period_for_date(contract, worked_on)
    _check_entry(contract, period, worked_on, minutes, rate_kind)
    _lock_for_time(period)
    rate = rate_for(contract, rate_kind)
    amount = amount_for(minutes, rate)
    _within_cap(period, minutes, amount, None)
    entry = TimeEntry(
        contract_id=contract.id,
        period_id=period.id,
        worked_on=worked_on,
        minutes=minutes,
        description=description,
        rate_kind=rate_kind,
        rate_cents=rate,
        amount_cents=amount,
        urgent_request_id=urgent_request_id,
    )
    db.session.add(entry)
    db.session.commit()
    return entry


def visible_entry(user: User, entry_id: uuid.UUID) -> tuple[TimeEntry, Contract]:
    entry = db.session.get(TimeEntry, entry_id)
    contract = db.session.get(Contract, entry.contract_id) if entry else None
    if entry is None or contract is None or contract.party_role(user.id) is None:
        raise NotFound(_("Saisie introuvable."))
    return entry, contract


def update_entry(entry: TimeEntry, contract: Contract, user: User, **changes: Any) -> TimeEntry:
    if contract.secretary_id != user.id:
        raise Forbidden()
    period = db.session.get(ContractPeriod, entry.period_id)
    assert period is not None
    worked_on = changes.get("worked_on", entry.worked_on)
    minutes = changes.get("minutes", entry.minutes)
    rate_kind = changes.get("rate_kind", entry.rate_kind)
    _check_entry(contract, period, worked_on, minutes, rate_kind)
    _lock_for_time(period)
    db.session.refresh(entry)
    rate = rate_for(contract, rate_kind)
    amount = amount_for(minutes, rate)
    _within_cap(period, minutes, amount, entry)
    entry.worked_on, entry.minutes, entry.rate_kind = worked_on, minutes, rate_kind
    entry.rate_cents, entry.amount_cents = rate, amount
    if "description" in changes:
        entry.description = changes["description"]
    db.session.commit()
    return entry


def delete_entry(entry: TimeEntry, contract: Contract, user: User) -> None:
    if contract.secretary_id != user.id:
        raise Forbidden()
    period = db.session.get(ContractPeriod, entry.period_id)
    assert period is not None
    _lock_for_time(period)
    db.session.delete(entry)
    db.session.commit()


# --- submit, approve, dispute ------------------------------------------------------


def submit(contract: Contract, period: ContractPeriod, user: User | None) -> ContractPeriod:
    """She sends the period's timesheet (or it goes by itself, `user` None)."""
    if user is not None and contract.secretary_id != user.id:
        raise Forbidden()
    regular(contract)
    if user is not None:
        agreement.require_accepted(contract)
    _claim(period, "submit")
    used = usage(period)
    _event(contract, "period_submitted", user, f"#{period.sequence}", contract.status.value)
    _tell(
        contract,
        contract.business_id,
        "timesheet_submitted",
        str(period.id),
        hours=f"{used.minutes / 60:g}",
        amount_cents=used.amount_cents,
    )
    db.session.commit()
    return period


def _hour_lines(contract: Contract, used: Usage) -> tuple[HourLine, ...]:
    labels = {
        RateKind.NORMAL: "Heures normales",
        RateKind.URGENT: "Heures urgentes",
        RateKind.EVENING: "Heures du soir",
        RateKind.WEEKEND: "Heures du week-end",
    }
    lines = []
    for kind in RateKind:
        if kind in used.by_kind:
            minutes, cents = used.by_kind[kind]
            extra = surcharge_percent(contract, kind)
            label = labels[kind] + (f" (majoration {extra} %)" if extra else "")
            lines.append(HourLine(label, minutes, cents))
    return tuple(lines)


def invoice_facts(contract: Contract, period: ContractPeriod, amount_cents: int) -> InvoiceFacts:
    """The period's invoices: the period it covers, its hours by kind, its entries annexed."""
    secretary, business = parties.invoice_parties(contract)
    used = usage(period)
    annex = tuple(
        AnnexEntry(e.worked_on, e.description, e.rate_kind.value, e.minutes, e.amount_cents)
        for e in entries_of(contract, period.id)
    )
    hours = used.minutes / 60
    shown = f"{hours:g}".replace(".", ",")
    return InvoiceFacts(
        contract=part_ref(contract, period, amount_cents),
        service_date=period.ends_on,
        period_start=period.starts_on,
        paid_on=period.funded_at.date() if period.funded_at else None,
        hours=hours or None,
        hour_lines=_hour_lines(contract, used),
        annex=annex,
        work_detail=(
            f"Période n° {period.sequence} du {period.starts_on:%d/%m/%Y} au "
            f"{period.ends_on:%d/%m/%Y} : {shown} h (relevé en annexe)"
        ),
        secretary=secretary,
        business=business,
    )


def _settle(contract: Contract, period: ContractPeriod) -> None:
    used = usage(period)
    facts = invoice_facts(contract, period, used.amount_cents) if used.amount_cents else None
    settled = escrow.settle_part(
        part_ref(contract, period, period.funded_cents), used.amount_cents, facts
    )
    period.approved_cents = used.amount_cents
    period.commission_cents = settled.commission_cents
    period.released_cents = settled.released_cents
    period.refunded_cents = settled.refunded_cents
    period.transfer_id = settled.transfer_id
    period.refund_id = settled.refund_id
    db.session.flush()


def approve(
    contract: Contract, period: ContractPeriod, user: User | None, *, auto: bool = False
) -> ContractPeriod:
    """Approve a submitted period: she is paid the logged amount minus the commission, the
    unused rest goes back to the business, the invoices are issued; one transaction."""
    if user is not None and (user.role is not Role.BUSINESS or contract.business_id != user.id):
        raise Forbidden()
    regular(contract)
    PERIOD.target("approve", period.status)
    if usage(period).amount_cents and not payouts.can_receive_payouts(contract.secretary_id):
        raise Conflict(
            payouts.waiting_note(contract.secretary_id)
            or _("La secrétaire ne peut pas encore recevoir de versement.")
        )
    _claim(period, "auto_approve" if auto else "approve", auto_approved=auto)
    try:
        _settle(contract, period)
    except (PaymentError, ledger.UnbalancedMovement):
        db.session.rollback()
        raise
    _event(contract, "period_approved", user, f"#{period.sequence}", contract.status.value)
    _tell(
        contract,
        contract.secretary_id,
        "timesheet_approved",
        str(period.id),
        amount_cents=period.released_cents,
    )
    _end_if_done(contract)
    db.session.commit()
    return period


def dispute(contract: Contract, period: ContractPeriod, user: User, reason: str) -> ContractPeriod:
    if user.role is not Role.BUSINESS or contract.business_id != user.id:
        raise Forbidden()
    regular(contract)
    _claim(period, "dispute", dispute_reason=reason)
    _event(contract, "period_disputed", user, reason, contract.status.value)
    _tell(contract, contract.secretary_id, "dispute_opened", str(period.id), by=user.display_name)
    db.session.commit()
    return period


def resolve(
    contract: Contract,
    period: ContractPeriod,
    operator: User,
    release_cents: int,
    refund_cents: int,
    note: str = "",
) -> ContractPeriod:
    """The operator splits a disputed period's escrow between the two."""
    if operator.role is not Role.OPERATOR:
        raise Forbidden()
    PERIOD.target("resolve", period.status)
    held = ledger.held_cents(contract.id, period.id)
    if release_cents + refund_cents != held:
        message = _(
            "La somme versée et la somme remboursée doivent faire %(held)s centimes.", held=held
        )
        raise FieldErrors({"release_cents": message, "refund_cents": message})
    _claim(period, "resolve", resolution_note=note)
    try:
        facts = invoice_facts(contract, period, release_cents) if release_cents else None
        split = escrow.split(
            part_ref(contract, period, held),
            release_cents,
            refund_cents,
            facts or invoice_facts(contract, period, held),
        )
    except (PaymentError, ledger.UnbalancedMovement):
        db.session.rollback()
        raise
    period.approved_cents = release_cents
    period.commission_cents = split.commission_cents
    period.released_cents = split.payout_cents
    period.refunded_cents = refund_cents
    period.transfer_id, period.refund_id = split.transfer_id, split.refund_id
    _event(contract, "period_resolved", operator, note, contract.status.value)
    for party in (contract.business_id, contract.secretary_id):
        _tell(contract, party, "dispute_resolved", str(period.id))
    _end_if_done(contract)
    db.session.commit()
    return period


# --- ending ------------------------------------------------------------------------

CLOSED = (P.APPROVED, P.RESOLVED, P.CANCELLED)


def end(contract: Contract, user: User, reason: str) -> Contract:
    """Either party ends the contract: the last day is after its notice; the period around
    it is cut and its cap prorated; later periods are cancelled, none is opened past it."""
    if contract.party_role(user.id) is None:
        raise Forbidden()
    regular(contract)
    if contract.ends_on is not None and contract.end_requested_at is not None:
        raise AlreadyEnding(
            _("La fin du contrat est déjà prévue le %(date)s.", date=contract.ends_on.isoformat())
        )
    frm = contract.status
    CONTRACT.claim(
        contract,
        "give_notice",
        where=(Contract.end_requested_at.is_(None),),
        end_requested_at=utcnow(),
        ended_by_id=user.id,
        end_reason=reason,
    )
    db.session.refresh(contract)
    periods = periods_of(contract)
    never_funded = all(p.status in (P.AWAITING_FUNDING, P.CANCELLED) for p in periods)
    last_day = today() + timedelta(days=contract.notice_days)
    if contract.ends_on is not None:  # hourly: it ended anyway at its period's end
        last_day = min(last_day, contract.ends_on)
    if never_funded:
        last_day = today()
    contract.ends_on = last_day
    for period in periods:
        if period.status is P.AWAITING_FUNDING and (never_funded or period.starts_on > last_day):
            PERIOD.claim(period, "cancel", now=utcnow())
        elif period.starts_on <= last_day < period.ends_on and period.status not in CLOSED:
            natural = natural_end(period.starts_on, contract.period)
            assert contract.cap_minutes_per_period is not None
            assert contract.hourly_rate_cents is not None
            period.ends_on = last_day
            period.cap_minutes = min(
                period.cap_minutes,
                _prorated(contract.cap_minutes_per_period, period.starts_on, last_day, natural),
            )
            period.cap_cents = amount_for(period.cap_minutes, contract.hourly_rate_cents)
    db.session.flush()
    if never_funded and CONTRACT.allows("cancel_regular", contract.status):
        CONTRACT.claim(contract, "cancel_regular", now=utcnow())
        db.session.refresh(contract)
    _event(contract, "end", user, reason, frm.value)
    other = contract.secretary_id if user.id == contract.business_id else contract.business_id
    _tell(
        contract,
        other,
        "engagement_ending",
        str(contract.id),
        ends_on=last_day.isoformat(),
        by=user.display_name,
    )
    db.session.commit()
    db.session.refresh(contract)
    return contract


def _end_if_done(contract: Contract) -> None:
    """Past its last day with every period closed: the contract has ended."""
    if contract.ends_on is None:
        return
    if contract.kind is ContractKind.RECURRING and contract.ends_on >= today():
        return  # its last day has not passed (one-off hourly work ends with its period)
    if not CONTRACT.allows("end", contract.status):
        return
    open_periods = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ContractPeriod)
        .where(ContractPeriod.contract_id == contract.id, ContractPeriod.status.not_in(CLOSED))
    )
    if open_periods:
        return
    frm = contract.status
    try:
        CONTRACT.claim(
            contract,
            "end",
            now=utcnow(),
            review_deadline=utcnow() + timedelta(days=_settings().review_window_days),
        )
    except InvalidTransition:
        return
    db.session.refresh(contract)
    _event(contract, "ended", None, "", frm.value)


# --- interim reviews -------------------------------------------------------------------

REVIEW_EVERY = timedelta(days=91)  # about three months


def interim_round(contract: Contract) -> int | None:
    """On a recurring contract still under way, the quarter of work it is in (1 after
    three months, 2 after six, ...): both parties may rate each other once per quarter.
    None when no interim review is due (not recurring, ended, or not three months yet)."""
    if contract.kind is not ContractKind.RECURRING or contract.starts_on is None:
        return None
    if contract.status not in (S.ACTIVE, S.PAUSED):
        return None
    quarters = (today() - contract.starts_on) // REVIEW_EVERY
    return quarters or None


# --- the periodic job ----------------------------------------------------------------


@dataclass
class DueReport:
    opened: int = 0
    charged: int = 0
    submitted: int = 0
    approved: int = 0
    reminded: int = 0
    ended: int = 0


def run_due(now: datetime | None = None) -> DueReport:
    """Everything regular work does by itself, each step in its own transaction and safe
    to run twice at once: open (and charge) the next periods, submit the forgotten
    timesheets, remind and auto-approve the submitted ones, end the finished contracts."""
    now = now or utcnow()
    report = DueReport()
    days = timedelta(days=_settings().timesheet_auto_approve_days)
    day = now.astimezone(PARIS).date()
    _open_next_periods(day, report)
    _auto_submit(day, days, report)
    _remind_and_auto_approve(now, days, report)
    urgent.expire_due()
    db.session.commit()
    for contract_id in db.session.scalars(
        sa.select(Contract.id).where(
            Contract.status.in_((S.ACTIVE, S.PAUSED)), Contract.ends_on < day
        )
    ).all():
        contract = db.session.get(Contract, contract_id)
        assert contract is not None
        before = contract.status
        _end_if_done(contract)
        db.session.commit()
        report.ended += contract.status is not before
    return report


def _open_next_periods(day: date, report: DueReport) -> None:
    last = (
        sa.select(ContractPeriod.contract_id, sa.func.max(ContractPeriod.ends_on).label("last"))
        .group_by(ContractPeriod.contract_id)
        .subquery()
    )
    due = db.session.execute(
        sa.select(Contract.id, last.c.last)
        .join(last, last.c.contract_id == Contract.id)
        .where(
            Contract.kind == ContractKind.RECURRING,
            Contract.status == S.ACTIVE,
            last.c.last < day + FUNDING_LEAD,
            sa.or_(Contract.ends_on.is_(None), Contract.ends_on > last.c.last),
        )
    ).all()
    db.session.rollback()
    for contract_id, last_day in due:
        # The contract's row lock serialises two jobs: the second finds the period opened.
        contract = db.session.get(
            Contract, contract_id, with_for_update=NO_KEY_UPDATE, populate_existing=True
        )
        if contract is None or contract.status is not S.ACTIVE:
            db.session.rollback()
            continue
        period = _open_period(contract, last_day + timedelta(days=1))
        if period is None:
            db.session.rollback()
            continue
        report.opened += 1
        if contract.payment_method_id:
            db.session.commit()
            _charge_saved(contract, period)
            report.charged += 1
        else:
            _tell(
                contract,
                contract.business_id,
                "period_to_fund",
                str(period.id),
                starts_on=period.starts_on.isoformat(),
                amount_cents=period.cap_cents,
            )
            db.session.commit()


def _auto_submit(day: date, days: timedelta, report: DueReport) -> None:
    ids = db.session.execute(
        sa.select(ContractPeriod.id, ContractPeriod.contract_id).where(
            ContractPeriod.status == P.FUNDED, ContractPeriod.ends_on < day - days
        )
    ).all()
    db.session.rollback()
    for period_id, contract_id in ids:
        contract = db.session.get(Contract, contract_id)
        period = db.session.get(ContractPeriod, period_id)
        assert contract is not None and period is not None
        try:
            submit(contract, period, None)
            report.submitted += 1
        except InvalidTransition:
            db.session.rollback()


def _remind_and_auto_approve(now: datetime, days: timedelta, report: DueReport) -> None:
    rows = db.session.execute(
        sa.select(ContractPeriod.id, ContractPeriod.contract_id, ContractPeriod.submitted_at).where(
            ContractPeriod.status == P.SUBMITTED,
            ContractPeriod.submitted_at <= now - days + timedelta(days=1),
        )
    ).all()
    db.session.rollback()
    for period_id, contract_id, submitted_at in rows:
        contract = db.session.get(Contract, contract_id)
        period = db.session.get(ContractPeriod, period_id)
        assert contract is not None and period is not None and submitted_at is not None
        if submitted_at > now - days:
            when = (submitted_at + days).astimezone(PARIS).date()
            _tell(
                contract,
                contract.business_id,
                "timesheet_auto_approve_soon",
                str(period.id),
                date_on=when.isoformat(),
            )
            db.session.commit()
            report.reminded += 1
            continue
        try:
            approve(contract, period, None, auto=True)
            report.approved += 1
        except (InvalidTransition, Conflict, PaymentError) as exc:
            db.session.rollback()
            current_app.logger.info("period %s not auto-approved: %s", period_id, exc)
