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

from marketplace.accounts.models import Role, User
from marketplace.config import Settings
from marketplace.contracts.models import Contract, ContractEvent
from marketplace.contracts.models import ContractStatus as S
from marketplace.db import execute_update, utcnow
from marketplace.errors import FieldErrors, Forbidden, InvalidTransition, NotFound
from marketplace.extensions import db
from marketplace.payments import escrow, ledger
from marketplace.payments.interfaces import FundingStart, PaymentError

# action -> {from status: to status}
TRANSITIONS: dict[str, dict[S, S]] = {
    "fund": {S.AWAITING_FUNDING: S.FUNDED},
    "deliver": {S.FUNDED: S.DELIVERED},
    "approve": {S.DELIVERED: S.RELEASED},
    "auto_release": {S.DELIVERED: S.RELEASED},
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
    S.AWAITING_FUNDING: "en attente de paiement",
    S.FUNDED: "payé, fonds en séquestre",
    S.DELIVERED: "livré",
    S.RELEASED: "fonds versés",
    S.CANCELLED: "annulé",
    S.DISPUTED: "en litige",
    S.RESOLVED: "litige résolu",
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


def confirm_funding(contract: Contract, reference: str, actor: User | None = None) -> bool:
    """The provider holds the money: move to `funded` and record it. False if already done."""
    if contract.status is not S.AWAITING_FUNDING:
        return False
    try:
        _claim(contract, "fund", actor, payment_intent_id=reference, payment_error=None)
    except InvalidTransition:
        return False
    _commit_or_rollback(escrow.record_funding, contract, reference)
    return True


def deliver(contract: Contract, user: User) -> Contract:
    check_role(contract, user, "deliver")
    _claim(contract, "deliver", user)
    db.session.commit()
    return contract


def _release(contract: Contract, actor: User | None, action: str) -> Contract:
    _claim(
        contract,
        action,
        actor,
        review_deadline=utcnow() + timedelta(days=_settings().review_window_days),
    )
    _commit_or_rollback(escrow.release_to_secretary, contract)
    return contract


def approve(contract: Contract, user: User) -> Contract:
    check_role(contract, user, "approve")
    return _release(contract, user, "approve")


def cancel(contract: Contract, user: User, reason: str = "") -> Contract:
    check_role(contract, user, "cancel")
    _claim(contract, "cancel", user, note=reason)
    _commit_or_rollback(escrow.refund_business, contract)
    return contract


def dispute(contract: Contract, user: User, reason: str) -> Contract:
    check_role(contract, user, "dispute")
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
    """Release every delivered contract whose approval window has passed; returns how many.

    Safe to run twice at once: each release is claimed with a conditional UPDATE,
    so a contract the other run already released is skipped.
    """
    now = now or utcnow()
    cutoff = now - timedelta(days=_settings().auto_release_days)
    due = list(
        db.session.scalars(
            sa.select(Contract.id).where(
                Contract.status == S.DELIVERED, Contract.delivered_at <= cutoff
            )
        )
    )
    released = 0
    for contract_id in due:
        contract = db.session.get(Contract, contract_id)
        if contract is None:
            continue
        try:
            _release(contract, None, "auto_release")
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
