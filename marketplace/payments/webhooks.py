"""Stripe webhook events: record once, then report outcomes to the contracts domain.

The order is warehouse's: the view verifies the signature (nothing is written
for a missing, wrong or stale one), then `handle` records the event id once,
dispatches on its type, checks the values it reads are ours (contract known,
amount and currency right), reports the outcome through the `EscrowOutcomes` hook the
contracts domain registered (`escrow.outcomes()`: payments never import contracts)
and leaves an audit note.

Stripe may deliver an event twice, late, or before an older one. Every handler
is written so that any order and any number of deliveries of a contract's
events ends in the state one in-order delivery gives (tests/payments/
test_webhook_replay.py checks it with hypothesis):
- a status only moves forward through the contract transition table, and an
  event that implies an earlier one (a dispute implies the payment succeeded)
  applies that one first;
- the payment error shown is the one of the newest failure (by Stripe's
  `created`), and only while the contract still awaits payment;
- a payout account keeps the newest state it was told about (`created`),
  ties going to "not enabled";
- money moves we made ourselves (refunds, transfers) are already in the
  ledger; their events are reconciled, never booked twice.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.money import euros
from marketplace.payments import escrow, payouts
from marketplace.payments.interfaces import EscrowState
from marketplace.payments.models import Account, LedgerEntry, LedgerKind, PaymentEvent
from marketplace.payments.stripe_provider import decline_message

log = logging.getLogger(__name__)

HANDLED = (
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "charge.refunded",
    "charge.dispute.created",
    "transfer.reversed",
    "account.updated",
)


def handle(event: dict[str, Any]) -> str:
    """Record the event once and apply it; returns what was done (for logs and the answer)."""
    event_id = str(event["id"])
    kind = str(event.get("type", ""))
    existing = db.session.get(PaymentEvent, event_id)
    if existing is not None and existing.processed_at is not None:
        return "duplicate"
    obj: dict[str, Any] = (event.get("data") or {}).get("object") or {}
    if existing is None:
        db.session.add(
            PaymentEvent(
                id=event_id,
                type=kind[:80],
                created=int(event.get("created") or 0),
                livemode=bool(event.get("livemode")),
                object_id=str(obj.get("id"))[:255] if obj.get("id") else None,
                contract_id=_contract_id(kind, obj),
                summary=_summary(kind, obj),
            )
        )
        try:
            db.session.commit()
        except IntegrityError:  # the same event, delivered twice at once
            db.session.rollback()
            return "duplicate"
    handler = _HANDLERS.get(kind)
    outcome = handler(event, obj) if handler else "ignored"
    db.session.rollback()  # nothing half-done survives; every handler committed its work
    db.session.execute(
        sa.update(PaymentEvent)
        .where(PaymentEvent.id == event_id)
        .values(processed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    log.info("stripe event %s (%s): %s", event_id, kind, outcome)
    return outcome


# --- reading events ---------------------------------------------------------


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _metadata_contract(obj: dict[str, Any]) -> uuid.UUID | None:
    return _uuid((obj.get("metadata") or {}).get("contract_id"))


def _id_of(value: Any) -> str | None:
    """A Stripe reference that may be expanded (an object) or not (its id)."""
    if isinstance(value, dict):
        value = value.get("id")
    return str(value) if value else None


def _contract_id(kind: str, obj: dict[str, Any]) -> uuid.UUID | None:
    find = escrow.outcomes().find
    if kind.startswith("payment_intent."):
        return find(contract_id=_metadata_contract(obj)) or find(payment_intent=_id_of(obj))
    if kind.startswith("charge.dispute."):
        return find(payment_intent=_id_of(obj.get("payment_intent"))) or find(
            charge=_id_of(obj.get("charge"))
        )
    if kind.startswith("charge."):
        return (
            find(payment_intent=_id_of(obj.get("payment_intent")))
            or find(charge=_id_of(obj))
            or find(contract_id=_metadata_contract(obj))
        )
    if kind.startswith("transfer."):
        group = str(obj.get("transfer_group") or "")
        return (
            find(contract_id=_metadata_contract(obj))
            or find(
                contract_id=(
                    _uuid(group.removeprefix("contract_"))
                    if group.startswith("contract_")
                    else None
                )
            )
            or find(transfer=_id_of(obj))
        )
    return None


def _summary(kind: str, obj: dict[str, Any]) -> dict[str, Any]:
    """What we keep of an event: amounts, statuses and codes; never card or personal data."""
    keep = (
        "amount",
        "amount_received",
        "amount_refunded",
        "amount_reversed",
        "currency",
        "status",
        "reason",
        "reversed",
        "payouts_enabled",
        "details_submitted",
    )
    summary = {key: obj[key] for key in keep if key in obj and not isinstance(obj[key], dict)}
    for key in ("payment_intent", "charge"):  # references, to match early charge events later
        if key in obj:
            summary[key] = _id_of(obj[key])
    if kind == "payment_intent.payment_failed":
        error = obj.get("last_payment_error") or {}
        summary["code"] = error.get("code")
        summary["decline_code"] = error.get("decline_code")
        summary["message"] = decline_message(error.get("code"), error.get("decline_code"))
    return summary


def _locked(
    contract_id: uuid.UUID | None, obj: dict[str, Any] | None = None, kind: str = ""
) -> EscrowState | None:
    """The contract's state, row-locked: waits for an API action on it to commit first.
    For a payment of a period of regular work, the state of that period (found by the
    `part_id` in its metadata, or by its PaymentIntent)."""
    if contract_id is None:
        return None
    obj = obj or {}
    intent = (
        _id_of(obj) if kind.startswith("payment_intent.") else _id_of(obj.get("payment_intent"))
    )
    return escrow.outcomes().lock(
        contract_id,
        part_id=_uuid((obj.get("metadata") or {}).get("part_id")),
        payment_intent=intent,
    )


def _event_contract(event: dict[str, Any], obj: dict[str, Any]) -> EscrowState | None:
    recorded = db.session.get(PaymentEvent, str(event["id"]))
    return _locked(recorded.contract_id if recorded else None, obj, str(event.get("type", "")))


ContractHandler = Callable[[dict[str, Any], dict[str, Any], EscrowState], str]


def _about_a_contract(handler: ContractHandler) -> Callable[[dict[str, Any], dict[str, Any]], str]:
    """A handler for an event about one of our contracts: it gets the contract's state,
    row-locked; an event about no contract we know is recorded and answered as such."""

    @functools.wraps(handler)
    def handle(event: dict[str, Any], obj: dict[str, Any]) -> str:
        state = _event_contract(event, obj)
        if state is None:
            return "unknown_contract"
        return handler(event, obj, state)

    return handle


def _handle_orphans(contract_id: uuid.UUID, payment: str, charge: str | None) -> None:
    """Charge events that arrived before the payment they are about (found by its ids now)."""
    orphans = list(
        db.session.scalars(
            sa.select(PaymentEvent)
            .where(
                PaymentEvent.contract_id.is_(None),
                PaymentEvent.type.in_(("charge.refunded", "charge.dispute.created")),
                # only what came just before the payment event (Stripe retries for 3 days)
                PaymentEvent.received_at >= utcnow() - timedelta(days=3),
            )
            .order_by(PaymentEvent.created, PaymentEvent.id)
        )
    )
    for orphan in orphans:
        refs = {orphan.summary.get("payment_intent"), orphan.summary.get("charge")}
        if orphan.type == "charge.refunded":
            refs.add(orphan.object_id)
        if not ({payment, charge} - {None}) & refs:
            continue
        orphan.contract_id = contract_id
        db.session.commit()
        stored_event = {"id": orphan.id, "type": orphan.type, "created": orphan.created}
        stored_object = dict(orphan.summary) | {"id": orphan.object_id}
        outcome = _HANDLERS[orphan.type](stored_event, stored_object)
        log.info("stripe event %s handled late (%s): %s", orphan.id, orphan.type, outcome)


# --- handlers ---------------------------------------------------------------


@_about_a_contract
def _payment_succeeded(event: dict[str, Any], obj: dict[str, Any], state: EscrowState) -> str:
    hook, ref = escrow.outcomes(), state.ref
    payment = str(obj["id"])
    amount = int(obj.get("amount_received") or obj.get("amount") or 0)
    currency = str(obj.get("currency") or "").lower()
    if currency != "eur" or amount != ref.amount_cents:
        hook.note(
            ref.id,
            "payment_mismatch",
            f"Paiement Stripe {payment} de {amount} ({currency}) différent du montant du "
            f"contrat ({euros(ref.amount_cents)}) : non pris en compte, à vérifier.",
        )
        db.session.commit()
        log.warning("contract %s: payment %s amount/currency mismatch", ref.id, payment)
        return "mismatch"
    charge = _id_of(obj.get("latest_charge"))
    if state.awaiting_payment:
        hook.funded(
            ref.id,
            payment,
            charge,
            part_id=ref.part_id,
            payment_method=_id_of(obj.get("payment_method")),
        )
        db.session.commit()
        _handle_orphans(ref.id, payment, charge)
        return "funded"
    if ref.payment_intent_id == payment:
        if charge and ref.charge_id is None:
            hook.charge_known(ref.id, charge, part_id=ref.part_id)
            db.session.commit()
        _handle_orphans(ref.id, payment, charge)
        return "already_funded"
    # Paid again (a second tab, an old link) or after the contract was cancelled: give it back.
    refund = escrow.provider().refund_stray_payment(ref.id, payment, amount)
    hook.note(
        ref.id,
        "stray_payment_refunded",
        f"Paiement {payment} reçu alors que le contrat n'attendait plus de paiement : "
        f"{euros(amount)} remboursés automatiquement ({refund}).",
    )
    db.session.commit()
    return "stray_refunded"


@_about_a_contract
def _payment_failed(event: dict[str, Any], obj: dict[str, Any], state: EscrowState) -> str:
    if not state.awaiting_payment:
        return "ignored_not_awaiting"
    newest = db.session.scalar(
        sa.select(PaymentEvent)
        .where(
            PaymentEvent.contract_id == state.ref.id,
            PaymentEvent.type == "payment_intent.payment_failed",
        )
        .order_by(PaymentEvent.created.desc(), PaymentEvent.id.desc())
        .limit(1)
    )
    assert newest is not None
    message = str(newest.summary.get("message") or decline_message(None))[:500]
    escrow.outcomes().payment_failed(state.ref.id, message, part_id=state.ref.part_id)
    db.session.commit()
    return "payment_error_shown"


def _refunded_in_ledger(contract_id: uuid.UUID) -> int:
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_cents), 0)).where(
            LedgerEntry.contract_id == contract_id,
            LedgerEntry.account == Account.BUSINESS,
            LedgerEntry.amount_cents > 0,
        )
    )
    return int(total or 0)


@_about_a_contract
def _charge_refunded(event: dict[str, Any], obj: dict[str, Any], state: EscrowState) -> str:
    at_stripe = int(obj.get("amount_refunded") or 0)
    booked = _refunded_in_ledger(state.ref.id)
    if at_stripe <= booked:
        return "reconciled"
    escrow.outcomes().note(
        state.ref.id,
        "refund_mismatch",
        f"Stripe indique {euros(at_stripe)} remboursés sur ce paiement, le registre "
        f"{euros(booked)} : un remboursement a été fait hors de la plateforme, à rapprocher.",
    )
    db.session.commit()
    log.warning("contract %s: refund at Stripe not in the ledger", state.ref.id)
    return "refund_mismatch"


@_about_a_contract
def _dispute_created(event: dict[str, Any], obj: dict[str, Any], state: EscrowState) -> str:
    hook, contract_id = escrow.outcomes(), state.ref.id
    payment = _id_of(obj.get("payment_intent"))
    if state.awaiting_payment and payment:
        # A chargeback means the payment went through, even if that event is still to come.
        hook.funded(contract_id, payment, _id_of(obj.get("charge")), part_id=state.ref.part_id)
        db.session.commit()
        _locked(contract_id, obj, "charge.dispute")
    note = (
        f"Contestation bancaire (chargeback, motif « {obj.get('reason') or 'inconnu'} ») de "
        f"{euros(int(obj.get('amount') or 0))} ouverte par la banque du client (litige Stripe "
        f"{obj.get('id')}). Opérateur : répondre dans le tableau de bord Stripe, puis résoudre."
    )
    if hook.bank_dispute(contract_id, note):
        db.session.commit()
        return "frozen"
    hook.note(contract_id, "bank_dispute", note)
    db.session.commit()
    return "noted"


def _reversed_in_ledger(contract_id: uuid.UUID) -> int:
    """What our own refunds after release (ledger `credit`) took back from her payouts."""
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_cents), 0)).where(
            LedgerEntry.contract_id == contract_id,
            LedgerEntry.kind == LedgerKind.CREDIT,
            LedgerEntry.account == Account.SECRETARY,
        )
    )
    return -int(total or 0)


@_about_a_contract
def _transfer_reversed(event: dict[str, Any], obj: dict[str, Any], state: EscrowState) -> str:
    if 0 < int(obj.get("amount_reversed") or 0) <= _reversed_in_ledger(state.ref.id):
        # Our own reversal (a refund after release, with its credit notes): already booked.
        return "reversal_booked"
    escrow.outcomes().note(
        state.ref.id,
        "transfer_reversed",
        f"Le virement {obj.get('id')} vers la secrétaire a été annulé chez Stripe "
        f"({euros(int(obj.get('amount_reversed') or 0))} sur "
        f"{euros(int(obj.get('amount') or 0))}). Opérateur : vérifier et régulariser.",
    )
    db.session.commit()
    return "noted"


def _account_updated(event: dict[str, Any], obj: dict[str, Any]) -> str:
    applied = payouts.apply_account_status(
        str(obj.get("id")),
        payouts_enabled=bool(obj.get("payouts_enabled")),
        details_submitted=bool(obj.get("details_submitted")),
        as_of=int(event.get("created") or 0),
    )
    db.session.commit()
    # Releases waiting for this account happen in `payments release-due` (cron), which
    # reads the newest state: a stale event cannot trigger a payout.
    return "account_updated" if applied else "stale_or_unknown"


_HANDLERS = {
    "payment_intent.succeeded": _payment_succeeded,
    "payment_intent.payment_failed": _payment_failed,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": _dispute_created,
    "transfer.reversed": _transfer_reversed,
    "account.updated": _account_updated,
}
