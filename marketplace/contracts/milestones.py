"""Milestones: fixed-price work whose amount the bid split into steps, each paid on its own.

A bid on a fixed mission may carry 2 to 10 milestones adding up to its amount; the
contract made from it (kind `fixed`, `by_milestones`) copies them, each with the
commission on its amount frozen. Each milestone is a *part* of the contract with its own
escrow (ledger legs with `part_id` = the milestone, balanced on their own):

    awaiting_funding --fund--> funded --deliver--> delivered --approve--> released
    funded/delivered --(the contract's dispute)--> disputed --(its resolution)--> resolved

- **The contract follows its milestones.** It becomes `funded` when its first milestone
  is funded and `released` when the last one still due is released (review window open).
  The contract-level fund, deliver and approve are refused (409 `by_milestones`): a
  client always says which milestone it acts on.
- **Approval** releases the milestone's amount minus its commission and issues its two
  invoices (part_id = the milestone), in the same unbroken numbering as every invoice. A
  secretary who cannot be paid yet (payout account, address) makes it a 409 that says why,
  as for periods; nothing moves. Delivered milestones release by themselves after
  `ESCROW_AUTO_RELEASE_DAYS` (`payments release-due`).
- **Cancelling** the contract (either party, while no milestone is delivered) refunds what
  its funded milestones hold and calls off the others; released ones stay paid.
- **A dispute** on the contract freezes its funded and delivered milestones; the
  operator's resolution `{release_cents, refund_cents}` covers what they hold together and
  is split per milestone in their order: the release fills the first disputed milestone up
  to what it holds, then the next; the rest of each is refunded. So each part's ledger
  balances, and the contract's with them; milestones never funded are called off.

Every step is a claim along `MILESTONE` (conditional UPDATE: of two concurrent approvals
exactly one wins, the other is a 409).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from marketplace.accounts.models import Role, User
from marketplace.bids.models import Bid
from marketplace.compliance import vigilance
from marketplace.config import Settings
from marketplace.contracts import agreement, parties
from marketplace.contracts.models import (
    CONTRACT,
    MILESTONE,
    Contract,
    ContractMilestone,
)
from marketplace.contracts.models import ContractStatus as S
from marketplace.contracts.models import MilestoneStatus as M
from marketplace.contracts.telling import record_event as _event
from marketplace.contracts.telling import tell as _tell
from marketplace.db import utcnow
from marketplace.errors import Conflict, FieldErrors, Forbidden, NotFound
from marketplace.extensions import db
from marketplace.payments import escrow, ledger, payouts
from marketplace.payments.interfaces import ContractRef, FundingStart, InvoiceFacts, PaymentError
from marketplace.workflow import ConcurrentTransition, InvalidTransition


class ByMilestones(Conflict):
    """A contract-level fund/deliver/approve on a contract paid milestone by milestone."""

    code = "by_milestones"


class NoMilestones(Conflict):
    code = "no_milestones"


class PayoutPending(Conflict):
    code = "payout_pending"


def _settings() -> Settings:
    settings: Settings = current_app.config["MARKETPLACE_SETTINGS"]
    return settings


def refuse_contract_level(contract: Contract, action: str) -> None:
    """Contract-level fund/deliver/approve name no milestone: refused, with the way."""
    if contract.by_milestones:
        raise ByMilestones(
            _(
                "Ce contrat est payé par jalons : %(action)s se fait jalon par jalon "
                "(/api/v1/contracts/%(id)s/milestones).",
                action=action,
                id=contract.id,
            )
        )


# --- making them ---------------------------------------------------------------


def create_for(contract: Contract, bid: Bid) -> None:
    """Copy the bid's milestones onto the new contract, each with its commission frozen at
    the contract's rate; the contract's commission is then their sum."""
    if not bid.milestones:
        return
    rate = contract.commission_basis_points
    commission = 0
    for step in bid.milestones:
        cut = ledger.commission_for(step.amount_cents, rate)
        commission += cut
        db.session.add(
            ContractMilestone(
                contract_id=contract.id,
                position=step.position,
                title=step.title,
                amount_cents=step.amount_cents,
                commission_cents=cut,
                payout_cents=step.amount_cents - cut,
                due_date=step.due_date,
                status=M.AWAITING_FUNDING,
            )
        )
    contract.by_milestones = True
    contract.commission_cents = commission
    contract.payout_cents = contract.amount_cents - commission
    db.session.flush()


# --- reading -------------------------------------------------------------------


def milestones_of(contract: Contract) -> list[ContractMilestone]:
    return list(
        db.session.scalars(
            sa.select(ContractMilestone)
            .where(ContractMilestone.contract_id == contract.id)
            .order_by(ContractMilestone.position)
        )
    )


def by_milestones(contract: Contract) -> Contract:
    if not contract.by_milestones:
        raise NoMilestones(_("Ce contrat n'est pas découpé en jalons."))
    return contract


def milestone_of(contract: Contract, milestone_id: uuid.UUID) -> ContractMilestone:
    milestone = db.session.get(ContractMilestone, milestone_id)
    if milestone is None or milestone.contract_id != contract.id:
        raise NotFound(_("Jalon introuvable."))
    return milestone


def with_money(items: list[ContractMilestone]) -> list[ContractMilestone]:
    """Attach what each milestone holds (from the ledger, one query) and, delivered, when
    it releases by itself (`held_cents`, `auto_release_at`)."""
    days = timedelta(days=_settings().auto_release_days)
    held = ledger.part_held(items[0].contract_id) if items else {}
    for milestone in items:
        milestone.held_cents = held.get(milestone.id, 0)
        milestone.auto_release_at = (
            milestone.delivered_at + days
            if milestone.status is M.DELIVERED and milestone.delivered_at
            else None
        )
    return items


def actions(contract: Contract, milestone: ContractMilestone, user: User) -> list[str]:
    """What this user can do on this milestone now (the page's buttons)."""
    if contract.status not in (S.AWAITING_FUNDING, S.FUNDED):
        return []
    role = contract.party_role(user.id)
    step = {
        M.AWAITING_FUNDING: ("business", "fund"),
        M.FUNDED: ("secretary", "deliver"),
        M.DELIVERED: ("business", "approve"),
    }.get(milestone.status)
    return [step[1]] if step is not None and step[0] == role else []


def held_cents(milestone: ContractMilestone) -> int:
    return ledger.held_cents(milestone.contract_id, milestone.id)


def statuses(contract_ids: list[uuid.UUID]) -> dict[uuid.UUID, set[M]]:
    """The statuses of each contract's milestones, in one query."""
    found: dict[uuid.UUID, set[M]] = {i: set() for i in contract_ids}
    if contract_ids:
        rows = db.session.execute(
            sa.select(ContractMilestone.contract_id, ContractMilestone.status)
            .where(ContractMilestone.contract_id.in_(contract_ids))
            .distinct()
        )
        for contract_id, status in rows:
            found[contract_id].add(M(status))
    return found


# --- telling, recording --------------------------------------------------------


def _claim(milestone: ContractMilestone, action: str, **values: Any) -> M:
    previous = MILESTONE.claim(milestone, action, now=utcnow(), **values)
    db.session.refresh(milestone)
    return previous


def _lock(contract: Contract) -> None:
    """Lock the contract's row and read it again, before anything else (the ledger's and
    events' foreign keys share-lock it: locking it later would deadlock). Two milestones
    moving at once (the first two fundings, the last two approvals) then decide the
    contract's status one after the other, each seeing what the other committed."""
    db.session.get(Contract, contract.id, with_for_update=True, populate_existing=True)


def _label(milestone: ContractMilestone) -> str:
    return f"#{milestone.position} {milestone.title}"


def _contract_allows(contract: Contract, action: str, milestone: ContractMilestone) -> None:
    """A milestone moves only while its contract is under way (not disputed, cancelled...)."""
    if contract.status not in (S.AWAITING_FUNDING, S.FUNDED):
        raise CONTRACT.refusal(action, contract.status)
    MILESTONE.target(action, milestone.status)


# --- what payments are given ------------------------------------------------------


def part_ref(contract: Contract, milestone: ContractMilestone) -> ContractRef:
    """What payments are given for one milestone: the contract's ids, the milestone's money."""
    return ContractRef(
        id=contract.id,
        part_id=milestone.id,
        mission_title=f"{contract.mission.title} — {milestone.title}",
        amount_cents=milestone.amount_cents,
        business_id=contract.business_id,
        secretary_id=contract.secretary_id,
        payment_intent_id=milestone.payment_intent_id,
        charge_id=milestone.charge_id,
        payout_account_id=escrow.payout_account_id(contract.secretary_id),
        commission_basis_points=contract.commission_basis_points,
        commission_cents=milestone.commission_cents,
    )


def invoice_facts(contract: Contract, milestone: ContractMilestone) -> InvoiceFacts:
    """A milestone's invoices: a fixed price for this step of the work."""
    secretary, business = parties.invoice_parties(contract)
    funded = milestone.funded_at.date() if milestone.funded_at else None
    return InvoiceFacts(
        contract=part_ref(contract, milestone),
        service_date=(milestone.delivered_at or utcnow()).date(),
        period_start=funded,
        paid_on=funded,
        work_detail=(f"Jalon n° {milestone.position} : {milestone.title} (prestation au forfait)"),
        secretary=secretary,
        business=business,
    )


def _money_moves(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except (PaymentError, ledger.UnbalancedMovement):
        db.session.rollback()
        raise


# --- funding -----------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneFunding:
    milestone: ContractMilestone
    payment: FundingStart


def fund(
    contract: Contract,
    milestone: ContractMilestone,
    user: User,
    *,
    success_url: str | None = None,
    cancel_url: str | None = None,
) -> MilestoneFunding:
    """The business pays one milestone into escrow (with Stripe: when the payment succeeds)."""
    if user.role is not Role.BUSINESS or contract.business_id != user.id:
        raise Forbidden()
    _contract_allows(contract, "fund", milestone)
    # The contract's whole amount counts (from 5,000 EUR: her URSSAF attestation first).
    vigilance.require_vigilance(contract)
    try:
        start = escrow.provider().start_funding(
            part_ref(contract, milestone), success_url=success_url, cancel_url=cancel_url
        )
    except PaymentError:
        db.session.rollback()
        raise
    if start.confirmed:
        if not confirm_funding(contract, milestone, start.reference, actor=user):
            db.session.refresh(milestone)
            raise ConcurrentTransition(
                str(MILESTONE.entity), "fund", MILESTONE.label(milestone.status)
            )
    else:
        milestone.payment_intent_id = start.reference
        milestone.payment_error = None
    db.session.commit()
    return MilestoneFunding(milestone, start)


def confirm_funding(
    contract: Contract,
    milestone: ContractMilestone,
    reference: str,
    *,
    actor: User | None = None,
    charge_id: str | None = None,
) -> bool:
    """The provider holds the milestone's money: funded, the ledger written, the contract
    funded if it was its first; in the caller's transaction. False if it was not waiting
    (already funded, or the contract was cancelled meanwhile)."""
    _lock(contract)
    if milestone.status is not M.AWAITING_FUNDING or contract.status not in (
        S.AWAITING_FUNDING,
        S.FUNDED,
    ):
        return False
    try:
        _claim(
            milestone, "fund", payment_intent_id=reference, charge_id=charge_id, payment_error=None
        )
    except InvalidTransition:
        return False
    escrow.record_funding(part_ref(contract, milestone), reference)
    frm = contract.status
    if CONTRACT.allows("fund", contract.status):
        CONTRACT.claim(contract, "fund", now=utcnow())
        db.session.refresh(contract)
    _event(contract, "milestone_funded", actor, _label(milestone), frm)
    _tell(
        contract,
        contract.secretary_id,
        "contract_funded",
        f"{contract.id}:{milestone.id}",
        amount_cents=milestone.amount_cents,
    )
    return True


def payment_failed(contract: Contract, milestone: ContractMilestone, message: str) -> None:
    if milestone.status is M.AWAITING_FUNDING:
        milestone.payment_error = message[:500]


# --- delivery and release ---------------------------------------------------------


def deliver(contract: Contract, milestone: ContractMilestone, user: User) -> ContractMilestone:
    if user.role is not Role.SECRETARY or contract.secretary_id != user.id:
        raise Forbidden()
    _contract_allows(contract, "deliver", milestone)
    agreement.require_accepted(contract)  # she accepted the written agreement first
    _claim(milestone, "deliver")
    _event(contract, "milestone_delivered", user, _label(milestone), contract.status)
    _tell(
        contract,
        contract.business_id,
        "contract_delivered",
        f"{contract.id}:{milestone.id}",
        secretary=user.display_name,
    )
    db.session.commit()
    return milestone


def _release(
    contract: Contract, milestone: ContractMilestone, actor: User | None, action: str
) -> None:
    _lock(contract)
    _claim(milestone, action)
    transfer = _money_moves(
        escrow.release_to_secretary,
        part_ref(contract, milestone),
        invoice_facts(contract, milestone),
    )
    milestone.transfer_id = transfer
    _event(contract, f"milestone_{action}", actor, _label(milestone), contract.status)
    _tell(
        contract,
        contract.secretary_id,
        "contract_released",
        f"{contract.id}:{milestone.id}",
        amount_cents=milestone.payout_cents,
    )
    _complete_if_done(contract)
    db.session.commit()


def approve(contract: Contract, milestone: ContractMilestone, user: User) -> ContractMilestone:
    """The business approves a delivered milestone: its amount minus its commission goes to
    the secretary, its invoices are issued; one transaction."""
    if user.role is not Role.BUSINESS or contract.business_id != user.id:
        raise Forbidden()
    _contract_allows(contract, "approve", milestone)
    held_because = payouts.waiting_note(contract.secretary_id)
    if held_because is not None:
        raise PayoutPending(held_because)
    _release(contract, milestone, user, "approve")
    return milestone


def _complete_if_done(contract: Contract) -> None:
    """Every milestone released (or called off): the contract is released (its row locked
    by the caller first)."""
    left = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ContractMilestone)
        .where(
            ContractMilestone.contract_id == contract.id,
            ContractMilestone.status.not_in((M.RELEASED, M.CANCELLED)),
        )
    )
    if left or not CONTRACT.allows("complete", contract.status):
        return
    frm = contract.status
    CONTRACT.claim(
        contract,
        "complete",
        now=utcnow(),
        approved_at=utcnow(),
        review_deadline=utcnow() + timedelta(days=_settings().review_window_days),
    )
    db.session.refresh(contract)
    _event(contract, "milestones_completed", None, "", frm)


def auto_release_due(now: datetime | None = None) -> int:
    """Release every delivered milestone whose approval window has passed (each its own
    transaction, claimed: safe to run twice at once); returns how many."""
    now = now or utcnow()
    cutoff = now - timedelta(days=_settings().auto_release_days)
    due = db.session.execute(
        sa.select(ContractMilestone.id, ContractMilestone.contract_id)
        .join(Contract, Contract.id == ContractMilestone.contract_id)
        .where(
            ContractMilestone.status == M.DELIVERED,
            ContractMilestone.delivered_at <= cutoff,
            Contract.status == S.FUNDED,
        )
        .order_by(ContractMilestone.delivered_at)
    ).all()
    db.session.rollback()
    released = 0
    for milestone_id, contract_id in due:
        contract = db.session.get(Contract, contract_id)
        milestone = db.session.get(ContractMilestone, milestone_id)
        if contract is None or milestone is None:
            continue
        if not payouts.can_receive_payouts(contract.secretary_id):
            continue
        try:
            _release(contract, milestone, None, "auto_release")
            released += 1
        except (InvalidTransition, PaymentError) as exc:
            db.session.rollback()
            current_app.logger.info("milestone %s not auto-released: %s", milestone_id, exc)
    return released


# --- the contract's cancel, dispute and resolution -------------------------------------


def check_cancel(contract: Contract) -> None:
    """Cancelling is for before delivery: a delivered milestone waits for its approval or a
    dispute instead."""
    for milestone in milestones_of(contract):
        if milestone.status is M.DELIVERED:
            raise MILESTONE.refusal("cancel", milestone.status)


def cancel_all(contract: Contract) -> str | None:
    """Refund what each funded milestone holds, call off the unfunded; in the caller's
    transaction (its contract claim made). Returns the last refund's reference."""
    refund = None
    for milestone in milestones_of(contract):
        if not MILESTONE.allows("cancel", milestone.status):
            continue
        was = _claim(milestone, "cancel")
        if was is M.FUNDED:
            milestone.refund_id = _money_moves(
                escrow.refund_business, part_ref(contract, milestone)
            )
            refund = milestone.refund_id or refund
    return refund


def freeze(contract: Contract) -> int:
    """The contract is disputed: its funded and delivered milestones are frozen with it."""
    return MILESTONE.claim_all(
        "dispute", ContractMilestone.contract_id == contract.id, disputed_at=utcnow()
    )


def disputed_held(contract: Contract) -> int:
    return sum(held_cents(m) for m in milestones_of(contract) if m.status is M.DISPUTED)


@dataclass(frozen=True)
class Resolution:
    transfer_id: str | None
    refund_id: str | None


def resolve_all(contract: Contract, release_cents: int, refund_cents: int) -> Resolution:
    """Split the operator's decision over the disputed milestones in their order (the
    release fills each up to what it holds, the rest of each is refunded), each part's
    ledger balanced; call off those never funded. The caller claimed the contract."""
    held_total = disputed_held(contract)
    if release_cents + refund_cents != held_total:
        message = _(
            "La somme versée et la somme remboursée doivent faire %(held)s centimes.",
            held=held_total,
        )
        raise FieldErrors({"release_cents": message, "refund_cents": message})
    left = release_cents
    transfer = refund = None
    for milestone in milestones_of(contract):
        if milestone.status is M.AWAITING_FUNDING:
            _claim(milestone, "close")
            continue
        if milestone.status is not M.DISPUTED:
            continue
        held = held_cents(milestone)
        release = min(left, held)
        left -= release
        _claim(
            milestone,
            "resolve",
            resolution_release_cents=release,
            resolution_refund_cents=held - release,
        )
        split = _money_moves(
            escrow.split,
            part_ref(contract, milestone),
            release,
            held - release,
            invoice_facts(contract, milestone),
        )
        milestone.transfer_id, milestone.refund_id = split.transfer_id, split.refund_id
        transfer = split.transfer_id or transfer
        refund = split.refund_id or refund
    return Resolution(transfer, refund)
