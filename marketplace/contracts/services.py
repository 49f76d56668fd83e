"""The contract workflow: one transition table, one guarded way to move along it.

Every action first *claims* its transition with a conditional UPDATE
(`... WHERE id = :id AND status = :expected`). On PostgreSQL a concurrent
request blocks on the row lock, then finds the status changed and gets 0 rows:
it is refused with 409 instead of acting twice. Money moves (escrow.py) happen
after the claim and inside the same transaction, so a failure rolls both back.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import Role, User
from marketplace.config import Settings
from marketplace.contracts.models import Contract, ContractEvent
from marketplace.contracts.models import ContractStatus as S
from marketplace.db import execute_update, utcnow
from marketplace.errors import FieldErrors, Forbidden, InvalidTransition, NotFound
from marketplace.extensions import db
from marketplace.payments import escrow, ledger, payouts
from marketplace.payments.interfaces import FundingStart, PaymentError

# action -> {from status: to status}
TRANSITIONS: dict[str, dict[S, S]] = {
    "fund": {S.AWAITING_FUNDING: S.FUNDED},
    "deliver": {S.FUNDED: S.DELIVERED},
    "approve": {S.DELIVERED: S.RELEASED},
    "auto_release": {S.DELIVERED: S.RELEASED},
    # An approval recorded while the secretary could not be paid, released once she can.
    "release": {S.DELIVERED: S.RELEASED},
    # The business's bank opened a chargeback (Stripe `charge.dispute.created`).
    "bank_dispute": {S.FUNDED: S.DISPUTED, S.DELIVERED: S.DISPUTED},
    "cancel": {S.AWAITING_FUNDING: S.CANCELLED, S.FUNDED: S.CANCELLED},
    "dispute": {S.FUNDED: S.DISPUTED, S.DELIVERED: S.DISPUTED},
    "resolve": {S.DISPUTED: S.RESOLVED},
}

# Who may ever ask for each action ("system" actions have no user).
ACTION_ROLES: dict[str, tuple[Role, ...]] = {
    "fund": (Role.BUSINESS,),
    "deliver": (Role.SECRETARY,),
    "approve": (Role.BUSINESS,),
    "cancel": (Role.BUSINESS, Role.SECRETARY),
    "dispute": (Role.BUSINESS, Role.SECRETARY),
    "resolve": (Role.OPERATOR,),
}

_STAMP = {
    S.FUNDED: "funded_at",
    S.DELIVERED: "delivered_at",
    S.RELEASED: "released_at",
    S.CANCELLED: "cancelled_at",
    S.DISPUTED: "disputed_at",
    S.RESOLVED: "resolved_at",
}

STATUS_LABELS = {
    S.AWAITING_FUNDING: _l("en attente de paiement"),
    S.FUNDED: _l("payé, fonds en séquestre"),
    S.DELIVERED: _l("livré"),
    S.RELEASED: _l("fonds versés"),
    S.CANCELLED: _l("annulé"),
    S.DISPUTED: _l("en litige"),
    S.RESOLVED: _l("litige résolu"),
}


def _settings() -> Settings:
    settings: Settings = current_app.config["MARKETPLACE_SETTINGS"]
    return settings


def visible_contract(user: User, contract_id: uuid.UUID) -> Contract:
    """The contract if the caller is one of its parties or an operator; otherwise 404."""
    contract = db.session.get(Contract, contract_id)
    if contract is None or not (
        user.role is Role.OPERATOR or contract.party_role(user.id) is not None
    ):
        raise NotFound(_("Contrat introuvable."))
    return contract


def check_role(contract: Contract, user: User, action: str) -> None:
    if user.role not in ACTION_ROLES[action]:
        raise Forbidden()


def next_actions(contract: Contract, user: User) -> list[str]:
    """What this user can do now, for the API's `next_actions` and the page's buttons."""
    actions = [
        action
        for action, roles in ACTION_ROLES.items()
        if user.role in roles and contract.status in TRANSITIONS[action]
    ]
    if contract.approved_at is not None:  # approved: only the payout is left to happen
        actions = [a for a in actions if a not in ("approve", "dispute")]
    if contract.status in (S.RELEASED, S.RESOLVED) and contract.party_role(user.id):
        from marketplace.reviews.services import can_review

        if can_review(contract, user):
            actions.append("review")
    return actions


def _claim(contract: Contract, action: str, actor: User | None, note: str = "", **values: Any) -> S:
    """Move the contract along TRANSITIONS[action] or refuse with 409; returns the old status."""
    current = contract.status
    target = TRANSITIONS[action].get(current)
    if target is None:
        raise InvalidTransition(_("le contrat"), action, STATUS_LABELS[current])
    now = utcnow()
    result = execute_update(
        sa.update(Contract)
        .where(Contract.id == contract.id, Contract.status == current)
        .values(status=target, **{_STAMP[target]: now}, **values)
    )
    if result != 1:
        db.session.rollback()
        db.session.refresh(contract)
        raise InvalidTransition(_("le contrat"), action, STATUS_LABELS[contract.status])
    db.session.add(
        ContractEvent(
            contract_id=contract.id,
            actor_id=actor.id if actor else None,
            action=action,
            from_status=current.value,
            to_status=target.value,
            note=note,
        )
    )
    db.session.flush()
    db.session.refresh(contract)
    return current


def _commit_or_rollback(fn: Any, *args: Any) -> None:
    try:
        fn(*args)
    except (PaymentError, ledger.UnbalancedMovement):
        db.session.rollback()
        raise
    db.session.commit()


@dataclass(frozen=True)
class FundingAnswer:
    contract: Contract
    payment: FundingStart


def fund(
    contract: Contract, user: User, *, success_url: str | None = None, cancel_url: str | None = None
) -> FundingAnswer:
    check_role(contract, user, "fund")
    if contract.status is not S.AWAITING_FUNDING:
        raise InvalidTransition(_("le contrat"), "fund", STATUS_LABELS[contract.status])
    try:
        start = escrow.provider().start_funding(
            escrow.contract_ref(contract), success_url=success_url, cancel_url=cancel_url
        )
    except PaymentError:
        db.session.rollback()
        raise
    if start.confirmed:
        if not confirm_funding(contract, start.reference, actor=user):
            # A concurrent request funded it first: this one did nothing, and says so.
            db.session.refresh(contract)
            raise InvalidTransition(_("le contrat"), "fund", STATUS_LABELS[contract.status])
    else:
        contract.payment_intent_id = start.reference
        contract.payment_error = None
        db.session.commit()
    return FundingAnswer(contract, start)


def confirm_funding(
    contract: Contract, reference: str, actor: User | None = None, charge_id: str | None = None
) -> bool:
    """The provider holds the money: move to `funded` and record it. False if already done."""
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
    _commit_or_rollback(escrow.record_funding, contract, reference)
    return True


def deliver(contract: Contract, user: User) -> Contract:
    check_role(contract, user, "deliver")
    _claim(contract, "deliver", user)
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
    _commit_or_rollback(escrow.release_to_secretary, contract)
    return contract


def approve(contract: Contract, user: User) -> Contract:
    """Approve the work. The money goes to the secretary now if she can be paid; otherwise
    the approval is recorded, the money stays held, she is told to connect her payout
    account, and `release_due` pays her as soon as it is enabled (the business's part is
    done: refusing its approval would punish the wrong party)."""
    check_role(contract, user, "approve")
    if contract.approved_at is not None:
        raise InvalidTransition(_("le contrat"), "approve", _("déjà validé"))
    if payouts.can_receive_payouts(contract.secretary_id):
        return _release(contract, user, "approve", approved_at=utcnow())
    if contract.status is not S.DELIVERED:
        raise InvalidTransition(_("le contrat"), "approve", STATUS_LABELS[contract.status])
    result = execute_update(
        sa.update(Contract)
        .where(
            Contract.id == contract.id,
            Contract.status == S.DELIVERED,
            Contract.approved_at.is_(None),
        )
        .values(approved_at=utcnow())
    )
    if result != 1:
        db.session.rollback()
        db.session.refresh(contract)
        raise InvalidTransition(_("le contrat"), "approve", STATUS_LABELS[contract.status])
    add_note(contract, "approve_waiting_payout", payouts.WAITING_NOTE, actor=user)
    db.session.commit()
    db.session.refresh(contract)
    return contract


def add_note(contract: Contract, action: str, note: str, actor: User | None = None) -> None:
    """An audit event that does not change the status (the operator reads these)."""
    db.session.add(
        ContractEvent(
            contract_id=contract.id,
            actor_id=actor.id if actor else None,
            action=action,
            from_status=contract.status.value,
            to_status=contract.status.value,
            note=note,
        )
    )
    db.session.flush()


def open_bank_dispute(contract: Contract, note: str) -> bool:
    """Freeze a contract whose payment the business's bank disputes; False if not possible."""
    try:
        _claim(contract, "bank_dispute", None, note=note, dispute_reason=note)
    except InvalidTransition:
        return False
    db.session.commit()
    return True


def cancel(contract: Contract, user: User, reason: str = "") -> Contract:
    check_role(contract, user, "cancel")
    _claim(contract, "cancel", user, note=reason)
    _commit_or_rollback(escrow.refund_business, contract)
    return contract


def dispute(contract: Contract, user: User, reason: str) -> Contract:
    check_role(contract, user, "dispute")
    if contract.approved_at is not None:
        raise InvalidTransition(_("le contrat"), "dispute", _("validé, en attente de versement"))
    _claim(contract, "dispute", user, note=reason, dispute_reason=reason, disputed_by_id=user.id)
    db.session.commit()
    return contract


def resolve(
    contract: Contract, operator: User, release_cents: int, refund_cents: int, note: str = ""
) -> Contract:
    check_role(contract, operator, "resolve")
    if contract.status is not S.DISPUTED:
        raise InvalidTransition(_("le contrat"), "resolve", STATUS_LABELS[contract.status])
    held = ledger.held_cents(contract.id)
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
    _commit_or_rollback(escrow.split, contract, release_cents, refund_cents)
    return contract


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
    return released


def contracts_for(user: User, status: S | None = None) -> sa.Select[tuple[Contract]]:
    query = sa.select(Contract).order_by(Contract.created_at.desc())
    if user.role is Role.BUSINESS:
        query = query.where(Contract.business_id == user.id)
    elif user.role is Role.SECRETARY:
        query = query.where(Contract.secretary_id == user.id)
    if status is not None:
        query = query.where(Contract.status == status)
    return query
