"""The contract workflow: hire from a bid, fund, deliver, approve, cancel, dispute, resolve.

The transition table is `CONTRACT` in `contracts/models.py`. Every action first
*claims* its transition with a conditional UPDATE (`marketplace.workflow`): of two
concurrent requests, the second blocks on the row lock, finds the status changed
and is refused with 409 instead of acting twice. Money moves (`payments.escrow`)
happen after the claim and inside the same transaction, so a failure rolls both
back. Payments see a contract only as a `ContractRef` built here (`ref`), and
report what Stripe tells them later through `contracts.outcomes`.

What a user sees about a contract (next actions, money held and paid, payout
pending) is computed in one place: `contracts.view`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from marketplace.accounts.models import Role, User
from marketplace.bids import services as bids
from marketplace.bids.models import Bid
from marketplace.compliance.vigilance import ask_for_document, require_vigilance
from marketplace.config import Settings
from marketplace.contracts import agreement, milestones, parties, periods, telling, urgent
from marketplace.contracts.models import CONTRACT, Contract
from marketplace.contracts.models import ContractStatus as S
from marketplace.db import utcnow
from marketplace.errors import FieldErrors, Forbidden, NotFound
from marketplace.extensions import db
from marketplace.missions.models import MISSION, MissionStatus, Pricing
from marketplace.notifications.services import notify
from marketplace.payments import escrow, ledger, payouts
from marketplace.payments.interfaces import (
    ContractRef,
    FundingStart,
    InvoiceFacts,
    PaymentError,
)
from marketplace.profiles import services as profiles
from marketplace.profiles.models import SecretaryProfile
from marketplace.reviews import services as reviews
from marketplace.reviews.models import Review
from marketplace.urls import path_for
from marketplace.workflow import ConcurrentTransition, InvalidTransition

PARIS = ZoneInfo("Europe/Paris")

# Who may ever ask for each action ("system" actions have no user).
ACTION_ROLES: dict[str, tuple[Role, ...]] = {
    "fund": (Role.BUSINESS,),
    "deliver": (Role.SECRETARY,),
    "approve": (Role.BUSINESS,),
    "cancel": (Role.BUSINESS, Role.SECRETARY),
    "dispute": (Role.BUSINESS, Role.SECRETARY),
    "resolve": (Role.OPERATOR,),
}


class AlreadyApproved(InvalidTransition):
    """The business already approved; the payout waits for the secretary's account."""

    code = "already_approved"

    def __init__(self, action: str) -> None:
        super().__init__(str(CONTRACT.entity), action, _("validé, en attente de versement"))


def _settings() -> Settings:
    settings: Settings = current_app.config["MARKETPLACE_SETTINGS"]
    return settings


def auto_approve_days() -> timedelta:
    """How long a submitted timesheet waits before it approves itself."""
    return timedelta(days=_settings().timesheet_auto_approve_days)


def visible_contract(user: User, contract_id: uuid.UUID) -> Contract:
    """The contract if the caller is one of its parties or an operator; otherwise 404."""
    contract = db.session.get(Contract, contract_id)
    if contract is None or not (
        user.role is Role.OPERATOR or contract.party_role(user.id) is not None
    ):
        raise NotFound(_("Contrat introuvable."))
    return contract


def check_role(user: User, action: str) -> None:
    if user.role not in ACTION_ROLES[action]:
        raise Forbidden()


def _event(contract: Contract, action: str, actor: User | None, frm: S | None, note: str) -> None:
    telling.record_event(contract, action, actor, note, frm)


def _claim(contract: Contract, action: str, actor: User | None, note: str = "", **values: Any) -> S:
    """Move the contract along CONTRACT[action] (409 otherwise) and record the event."""
    previous = CONTRACT.claim(contract, action, now=utcnow(), **values)
    db.session.refresh(contract)
    _event(contract, action, actor, previous, note)
    return previous


def add_note(contract: Contract, action: str, note: str, actor: User | None = None) -> None:
    """An audit event that does not change the status (the operator reads these)."""
    _event(contract, action, actor, contract.status, note)


def _rolled_back_on_failure(fn: Any, *args: Any) -> Any:
    """Run a money movement; if the provider or the ledger refuses, the whole transaction
    (the claimed transition too) is rolled back before the error goes up."""
    try:
        result = fn(*args)
    except (PaymentError, ledger.UnbalancedMovement):
        db.session.rollback()
        raise
    return result


# --- telling the parties ------------------------------------------------------


def _tell(contract: Contract, user_id: uuid.UUID, kind: str, **params: Any) -> None:
    """Notify one party about this contract (in the current transaction), once per kind."""
    telling.tell(contract, user_id, kind, str(contract.id), **params)


def _other_party(contract: Contract, user: User) -> uuid.UUID:
    return contract.secretary_id if user.id == contract.business_id else contract.business_id


# --- what payments are given -------------------------------------------------


def ref(contract: Contract) -> ContractRef:
    """The small reference payments work on (ids, amounts, commission, provider ids)."""
    return ContractRef(
        id=contract.id,
        mission_title=contract.mission.title,
        amount_cents=contract.amount_cents,
        business_id=contract.business_id,
        secretary_id=contract.secretary_id,
        payment_intent_id=contract.payment_intent_id,
        charge_id=contract.charge_id,
        payout_account_id=escrow.payout_account_id(contract.secretary_id),
        commission_basis_points=contract.commission_basis_points,
        commission_cents=contract.commission_cents,
    )


def invoice_facts(contract: Contract) -> InvoiceFacts:
    """What the invoices of a release say about the parties and the work."""
    secretary, business = parties.invoice_parties(contract)
    bid = db.session.get(Bid, contract.bid_id)
    mission = contract.mission
    hours = None
    if mission.pricing is Pricing.HOURLY:
        hours = bid.estimated_hours if bid is not None else mission.estimated_hours
        shown = f"{hours:g}".replace(".", ",") if hours else "?"
        detail = f"Prestation au temps passé : {shown} h"
    else:
        detail = "Prestation au forfait"
    return InvoiceFacts(
        contract=ref(contract),
        service_date=(contract.delivered_at or utcnow()).date(),
        period_start=contract.funded_at.date() if contract.funded_at else None,
        paid_on=contract.funded_at.date() if contract.funded_at else None,
        hours=float(hours) if hours else None,
        work_detail=detail,
        secretary=secretary,
        business=business,
    )


# --- hiring ------------------------------------------------------------------


def hire(bid: Bid, user: User) -> Contract:
    """The business accepts a quote: the bid is accepted (`bids.services.accept` claims the
    mission and the bid, declines the others) and the contract is made from it, in one
    transaction."""
    mission = bids.accept(bid, user)
    contract = create_from_bid(bid, actor=user)
    agreement.write(contract, user)  # the written agreement, accepted by the business
    _tell(contract, contract.secretary_id, "bid_accepted", business=user.display_name)
    ask_for_document(contract)  # from 5,000 € HT: her URSSAF attestation, before funding
    try:
        db.session.commit()
    except IntegrityError:  # the mission's unique contract: a concurrent accept won
        db.session.rollback()
        raise ConcurrentTransition(
            str(MISSION.entity), "accept", MISSION.label(MissionStatus.HIRED)
        ) from None
    db.session.refresh(bid)
    db.session.refresh(mission)
    return contract


@dataclass(frozen=True)
class Terms:
    """What hiring from a bid would mean in money, at today's commission rate."""

    amount_cents: int
    commission_basis_points: int
    commission_cents: int

    @property
    def payout_cents(self) -> int:
        return self.amount_cents - self.commission_cents

    @property
    def commission_percent(self) -> float:
        return self.commission_basis_points / 100


def terms_of(bid: Bid) -> Terms:
    rate = _settings().commission_basis_points
    return Terms(bid.amount_cents, rate, ledger.commission_for(bid.amount_cents, rate))


def create_from_bid(bid: Bid, actor: User) -> Contract:
    """The contract an accepted bid makes: its amount, the commission frozen at today's
    rate, and its first event. The caller commits."""
    settings = _settings()
    regular_terms = periods.terms_for_bid(bid, bid.mission)
    terms = terms_of(bid)
    if regular_terms is not None:  # hourly or recurring: one period's cap at the normal rate
        amount = regular_terms.pop("amount_cents")
        rate = terms.commission_basis_points
        terms = Terms(amount, rate, ledger.commission_for(amount, rate))
    contract = Contract(
        mission_id=bid.mission_id,
        bid_id=bid.id,
        business_id=bid.mission.business_id,
        secretary_id=bid.secretary_id,
        status=S.AWAITING_FUNDING,
        amount_cents=terms.amount_cents,
        commission_basis_points=terms.commission_basis_points,
        commission_cents=terms.commission_cents,
        payout_cents=terms.payout_cents,
        payment_provider=settings.payments_provider,
        **(regular_terms or {}),
    )
    db.session.add(contract)
    db.session.flush()
    if contract.is_regular:
        periods.open_first_period(contract)
    else:
        milestones.create_for(contract, bid)
    _event(contract, "accept_bid", actor, None, "")
    return contract


# --- funding -----------------------------------------------------------------


@dataclass(frozen=True)
class FundingAnswer:
    contract: Contract
    payment: FundingStart


def fund(
    contract: Contract, user: User, *, success_url: str | None = None, cancel_url: str | None = None
) -> FundingAnswer:
    check_role(user, "fund")
    if contract.is_regular:
        # Regular work is funded period by period: this pays the first one waiting.
        period = periods.next_to_fund(contract)
        answer = periods.fund(
            contract, period, user, success_url=success_url, cancel_url=cancel_url
        )
        db.session.refresh(contract)
        return FundingAnswer(contract, answer.payment)
    milestones.refuse_contract_level(contract, _("payer"))
    CONTRACT.target("fund", contract.status)
    require_vigilance(contract)
    try:
        start = escrow.provider().start_funding(
            ref(contract), success_url=success_url, cancel_url=cancel_url
        )
    except PaymentError:
        db.session.rollback()
        raise
    if start.confirmed:
        if not confirm_funding(contract, start.reference, actor=user):
            # A concurrent request funded it first: this one did nothing, and says so.
            db.session.refresh(contract)
            raise ConcurrentTransition(
                str(CONTRACT.entity), "fund", CONTRACT.label(contract.status)
            )
        db.session.commit()
    else:
        contract.payment_intent_id = start.reference
        contract.payment_error = None
        db.session.commit()
    return FundingAnswer(contract, start)


def confirm_funding(
    contract: Contract, reference: str, actor: User | None = None, charge_id: str | None = None
) -> bool:
    """The provider holds the money: move to `funded` and record it in the ledger, in the
    current transaction (the caller commits). False if it was not waiting for it."""
    if contract.status is not S.AWAITING_FUNDING:
        return False
    try:
        _claim(
            contract,
            "fund",
            actor,
            payment_intent_id=reference,
            payment_error=None,
            charge_id=charge_id,
        )
    except InvalidTransition:
        return False
    _rolled_back_on_failure(escrow.record_funding, ref(contract), reference)
    _tell(contract, contract.secretary_id, "contract_funded", amount_cents=contract.amount_cents)
    return True


# --- delivery and release ----------------------------------------------------


def mark_delivered(contract: Contract, user: User) -> None:
    """The delivery transition and the business told, in the caller's transaction (a
    delivery with files adds its message: `conversations.services.deliver`)."""
    check_role(user, "deliver")
    milestones.refuse_contract_level(contract, _("livrer"))
    CONTRACT.target("deliver", contract.status)
    agreement.require_accepted(contract)
    _claim(contract, "deliver", user)
    _tell(contract, contract.business_id, "contract_delivered", secretary=user.display_name)


def deliver(contract: Contract, user: User) -> Contract:
    mark_delivered(contract, user)
    db.session.commit()
    return contract


def _release(contract: Contract, actor: User | None, action: str, **values: Any) -> Contract:
    _claim(
        contract,
        action,
        actor,
        review_deadline=utcnow() + timedelta(days=_settings().review_window_days),
        **values,
    )
    transfer = _rolled_back_on_failure(
        escrow.release_to_secretary, ref(contract), invoice_facts(contract)
    )
    contract.transfer_id = transfer
    _tell(contract, contract.secretary_id, "contract_released", amount_cents=contract.payout_cents)
    db.session.commit()
    return contract


def approve(contract: Contract, user: User) -> Contract:
    """Approve the work. The money goes to the secretary now if she can be paid; otherwise
    the approval is recorded, the money stays held, she is told what is missing (her payout
    account, or confirming her address: `payouts.can_receive_payouts`), and `release_due`
    pays her as soon as it is done (the business's part is done: refusing its approval
    would punish the wrong party)."""
    check_role(user, "approve")
    milestones.refuse_contract_level(contract, _("valider"))
    CONTRACT.target("approve", contract.status)
    if contract.approved_at is not None:
        raise AlreadyApproved("approve")
    held_because = payouts.waiting_note(contract.secretary_id)
    if held_because is None:
        return _release(contract, user, "approve", approved_at=utcnow())
    CONTRACT.claim(
        contract, "approve_held", where=(Contract.approved_at.is_(None),), approved_at=utcnow()
    )
    db.session.refresh(contract)
    add_note(contract, "approve_waiting_payout", held_because, actor=user)
    db.session.commit()
    db.session.refresh(contract)
    return contract


AUTO_RELEASE_NOTICE = timedelta(days=2)


def remind_auto_release(now: datetime | None = None) -> int:
    """Tell each business two days before its delivered contract releases by itself
    (`auto_release_soon`), once per contract; returns how many contracts were due a
    reminder. Safe to run again or twice at once: the reminder has a dedupe key."""
    now = now or utcnow()
    days = timedelta(days=_settings().auto_release_days)
    due = db.session.scalars(
        sa.select(Contract).where(
            Contract.status == S.DELIVERED,
            Contract.approved_at.is_(None),
            Contract.delivered_at <= now - days + AUTO_RELEASE_NOTICE,
            Contract.delivered_at > now - days,
        )
    ).all()
    for contract in due:
        assert contract.delivered_at is not None
        release_on = (contract.delivered_at + days).astimezone(PARIS).date()
        _tell(contract, contract.business_id, "auto_release_soon", date_on=release_on.isoformat())
    db.session.commit()
    return len(due)


def auto_release_due(now: datetime | None = None) -> int:
    """Release every delivered contract whose approval window has passed, and every approved
    one still waiting for the secretary's payout account; returns how many were released.

    Safe to run twice at once: each release is claimed with a conditional UPDATE,
    so a contract the other run already released is skipped. Safe again after a
    crash: a release that did not commit left nothing behind, and the provider's
    idempotency keys turn its repeated call into the same transfer. A secretary
    who cannot be paid yet is skipped: her money stays held until she can.
    """
    now = now or utcnow()
    cutoff = now - timedelta(days=_settings().auto_release_days)
    due = list(
        db.session.execute(
            sa.select(Contract.id, Contract.secretary_id, Contract.approved_at)
            .where(
                Contract.status == S.DELIVERED,
                sa.or_(Contract.delivered_at <= cutoff, Contract.approved_at.is_not(None)),
            )
            .order_by(Contract.delivered_at, Contract.id)
        )
    )
    db.session.rollback()  # end the read: each release below is its own transaction
    released = 0
    for contract_id, secretary_id, approved_at in due:
        if not payouts.can_receive_payouts(secretary_id):
            continue
        contract = db.session.get(Contract, contract_id)
        if contract is None:
            continue
        try:
            _release(contract, None, "release" if approved_at else "auto_release")
            released += 1
        except InvalidTransition:
            continue
        except PaymentError as exc:
            current_app.logger.warning("auto-release of contract %s failed: %s", contract_id, exc)
            continue
    return released + milestones.auto_release_due(now)


# --- cancelling and disputes -------------------------------------------------


def cancel(contract: Contract, user: User, reason: str = "") -> Contract:
    check_role(user, "cancel")
    if contract.is_regular:
        # Before any period is paid it is simply called off; afterwards it ends with notice.
        if contract.status is not S.AWAITING_FUNDING:
            raise CONTRACT.refusal("cancel", contract.status)
        return periods.end(contract, user, reason)
    if contract.by_milestones:
        CONTRACT.target("cancel", contract.status)
        milestones.check_cancel(contract)
        _claim(contract, "cancel", user, note=reason)
        contract.refund_id = milestones.cancel_all(contract)
    else:
        _claim(contract, "cancel", user, note=reason)
        contract.refund_id = _rolled_back_on_failure(escrow.refund_business, ref(contract))
    _tell(contract, _other_party(contract, user), "contract_cancelled", by=user.display_name)
    db.session.commit()
    return contract


def dispute(contract: Contract, user: User, reason: str) -> Contract:
    check_role(user, "dispute")
    CONTRACT.target("dispute", contract.status)
    if contract.approved_at is not None:
        raise AlreadyApproved("dispute")
    _claim(contract, "dispute", user, note=reason, dispute_reason=reason, disputed_by_id=user.id)
    if contract.by_milestones:
        milestones.freeze(contract)
    _tell(contract, _other_party(contract, user), "dispute_opened", by=user.display_name)
    db.session.commit()
    return contract


def open_bank_dispute(contract: Contract, note: str) -> bool:
    """Freeze a contract whose payment the business's bank disputes, in the current
    transaction; False if its status does not allow it."""
    try:
        _claim(contract, "bank_dispute", None, note=note, dispute_reason=note)
    except InvalidTransition:
        return False
    if contract.by_milestones:
        milestones.freeze(contract)
    for party in (contract.business_id, contract.secretary_id):
        _tell(contract, party, "dispute_opened", by=_("la banque du client"))
    return True


def held_in_dispute(contract: Contract) -> int:
    """What a resolution shares out: the contract's escrow, or its disputed milestones'."""
    if contract.by_milestones:
        return milestones.disputed_held(contract)
    return ledger.held_cents(contract.id)


def resolve(
    contract: Contract, operator: User, release_cents: int, refund_cents: int, note: str = ""
) -> Contract:
    check_role(operator, "resolve")
    CONTRACT.target("resolve", contract.status)
    held = held_in_dispute(contract)
    if release_cents + refund_cents != held:
        message = _(
            "La somme versée et la somme remboursée doivent faire %(held)s centimes.", held=held
        )
        raise FieldErrors({"release_cents": message, "refund_cents": message})
    _claim(
        contract,
        "resolve",
        operator,
        note=note,
        resolution_release_cents=release_cents,
        resolution_refund_cents=refund_cents,
        resolution_note=note,
        review_deadline=utcnow() + timedelta(days=_settings().review_window_days),
    )
    if contract.by_milestones:
        split: Any = milestones.resolve_all(contract, release_cents, refund_cents)
    else:
        split = _rolled_back_on_failure(
            escrow.split, ref(contract), release_cents, refund_cents, invoice_facts(contract)
        )
    contract.transfer_id = split.transfer_id
    contract.refund_id = split.refund_id
    for party in (contract.business_id, contract.secretary_id):
        _tell(contract, party, "dispute_resolved")
    db.session.commit()
    return contract


# --- reviews -----------------------------------------------------------------


def review(contract: Contract, user: User, rating: int, comment: str) -> Review:
    """A party rates the other once the contract ended (released, resolved, ended), and on a
    long recurring contract also every three months of work (`periods.review_round`)."""
    if contract.party_role(user.id) is None:
        raise Forbidden()
    round = periods.interim_round(contract)
    if round is None:
        CONTRACT.target("review", contract.status)
        round = 0
    elif not reviews.can_review(contract, user, round):
        raise reviews.AlreadyReviewed(
            _("Vous avez déjà laissé votre avis de ce trimestre ; le prochain dans trois mois.")
        )
    subject = _other_party(contract, user)
    notify(
        subject,
        "review_received",
        subject=("contract", contract.id),
        url=path_for("web.contract_detail", contract_id=contract.id),
        params={"author": user.display_name, "mission": contract.mission.title},
        dedupe_key=f"review_received:{contract.id}:{round}",
    )
    return reviews.post_review(
        contract,
        user,
        rating,
        comment,
        round=round,
        publish_after=utcnow() + timedelta(days=_settings().review_window_days) if round else None,
    )


def can_review(contract: Contract, user: User) -> bool:
    round = periods.interim_round(contract)
    if round is not None:
        return reviews.can_review(contract, user, round)
    return CONTRACT.allows("review", contract.status) and reviews.can_review(contract, user)


@dataclass(frozen=True)
class TrackRecord:
    rating_avg: float | None
    rating_count: int
    completed_contracts: int


def track_record(secretary_id: uuid.UUID) -> TrackRecord:
    """What a secretary's public profile says of her work on the platform."""
    avg, count = reviews.rating_summary(secretary_id)
    return TrackRecord(avg, count, completed_count(secretary_id))


def public_secretary(secretary_id: uuid.UUID) -> SecretaryProfile:
    """Her public profile with her track record attached (404 if none or suspended)."""
    profile = profiles.public_secretary(secretary_id)
    record = track_record(secretary_id)
    profile.rating_avg = record.rating_avg
    profile.rating_count = record.rating_count
    profile.completed_contracts = record.completed_contracts
    stats = urgent.answer_stats(secretary_id)
    profile.urgent_requests_answered = stats.answered
    profile.urgent_requests_accepted = stats.accepted
    profile.urgent_answer_minutes = stats.median_minutes
    return profile


# --- lists -------------------------------------------------------------------


# Loaded with a contract wherever a list shows it: one JOIN, not a query per row.
WITH_PARTIES = (
    joinedload(Contract.mission),
    joinedload(Contract.business),
    joinedload(Contract.secretary),
)


def contracts_for(user: User, status: S | None = None) -> sa.Select[tuple[Contract]]:
    """Latest first, with the mission and both parties (lists show them for every row)."""
    query = (
        sa.select(Contract)
        .options(*WITH_PARTIES)
        .order_by(Contract.created_at.desc(), Contract.id.desc())
    )
    if user.role is Role.BUSINESS:
        query = query.where(Contract.business_id == user.id)
    elif user.role is Role.SECRETARY:
        query = query.where(Contract.secretary_id == user.id)
    if status is not None:
        query = query.where(Contract.status == status)
    return query


def contracts_under_way(user: User, now: datetime | None = None) -> sa.Select[tuple[Contract]]:
    """The contracts that may still wait for someone: not finished, or finished and still
    open to reviews. How many follows the current activity, not the history; what waits
    for the user among them is decided by `view.build` (the dashboards' "À faire")."""
    return contracts_for(user).where(
        sa.or_(
            Contract.status.not_in((S.RELEASED, S.RESOLVED, S.CANCELLED)),
            Contract.review_deadline > (now or utcnow()),
        )
    )


def contract_of_mission(mission_id: uuid.UUID) -> Contract | None:
    return db.session.scalar(sa.select(Contract).where(Contract.mission_id == mission_id))


def completed_count(secretary_id: uuid.UUID) -> int:
    """Contracts she finished (released, or resolved after a dispute)."""
    return int(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Contract)
            .where(
                Contract.secretary_id == secretary_id,
                Contract.status.in_([S.RELEASED, S.RESOLVED]),
            )
        )
        or 0
    )
