"""Reconciliation: every contract whose ledger disagrees with itself or with the payment
provider's records (`flask --app wsgi payments reconcile`, the operator's page).

The ledger holds together (every contract, whatever its provider; three SQL queries):
- `unbalanced`: a transaction whose legs do not sum to zero;
- `escrow_negative`: a contract's (or a part's) escrow balance below zero at some point,
  legs taken in the order they were written: money left escrow before it arrived;
- `held_after_close`: money still held on a fixed contract that is released, cancelled or
  resolved.

The provider agrees (contracts paid through Stripe; one retrieve per object we keep the id
of, in the contract's or part's columns and the ledger legs' `provider_reference`):
- funding: the charge (`charge_id`) for the amount funded, `succeeded` and paid, with as much
  refunded as the ledger refunded (`charge_amount`, `charge_status`, `charge_refunded`); without
  a charge id, the PaymentIntent: `succeeded` and received the amount (`payment_intent_status`,
  `payment_intent_amount`); the funding leg names the PaymentIntent the contract keeps
  (`funding_reference`);
- each movement paying a secretary: its Transfer for her leg's amount, not reversed
  (`transfer_missing`, `transfer_amount`, `transfer_reversed`);
- each movement refunding a business: its Refund for that amount, succeeded or pending
  (`refund_missing`, `refund_amount`, `refund_status`);
- any object: known to the provider (`unknown_object`), and naming this contract when its
  metadata names one (`other_contract`).

The sandbox keeps no records of its own: its contracts get the ledger checks only. A run's
findings are kept (`ReconciliationRun`, `ReconciliationFinding`) for the page; one run at a
time (409 while one runs, unless it is older than `STALE_AFTER`: its process died).
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from marketplace.contracts.models import (
    Contract,
    ContractKind,
    ContractMilestone,
    ContractPeriod,
    ContractStatus,
)
from marketplace.db import utcnow
from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.operations.models import ReconciliationFinding, ReconciliationRun
from marketplace.payments import escrow
from marketplace.payments.interfaces import PaymentError, ProviderRecord, ProviderRecords
from marketplace.payments.models import Account, LedgerEntry, LedgerKind

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(hours=1)
CLOSED = (ContractStatus.RELEASED, ContractStatus.CANCELLED, ContractStatus.RESOLVED)

RULES = {
    "unbalanced": _l("Transaction déséquilibrée : ses lignes ne font pas zéro"),
    "escrow_negative": _l("Séquestre négatif : de l'argent est sorti avant d'être entré"),
    "held_after_close": _l("Argent encore en séquestre sur un contrat clos"),
    "funding_reference": _l("Le paiement du journal n'est pas celui du contrat"),
    "charge_amount": _l("Montant payé différent chez Stripe"),
    "charge_status": _l("Paiement non abouti chez Stripe"),
    "charge_refunded": _l("Montant remboursé différent chez Stripe"),
    "payment_intent_status": _l("Paiement (PaymentIntent) non abouti chez Stripe"),
    "payment_intent_amount": _l("Montant reçu différent chez Stripe"),
    "transfer_missing": _l("Versement sans virement Stripe"),
    "transfer_amount": _l("Montant du virement différent chez Stripe"),
    "transfer_reversed": _l("Virement annulé (reversal) chez Stripe"),
    "refund_missing": _l("Remboursement sans remboursement Stripe"),
    "refund_amount": _l("Montant du remboursement différent chez Stripe"),
    "refund_status": _l("Remboursement non abouti chez Stripe"),
    "unknown_object": _l("Objet inconnu de Stripe"),
    "other_contract": _l("L'objet Stripe appartient à un autre contrat"),
}


class ReconciliationRunning(Conflict):
    code = "reconciliation_running"


@dataclass
class Finding:
    contract_id: uuid.UUID
    part_id: uuid.UUID | None
    code: str
    reference: str | None = None
    ledger_cents: int | None = None
    provider_cents: int | None = None
    detail: str = ""


# ----------------------------------------------------------------------------- the ledger


def ledger_findings() -> list[Finding]:
    """The ledger's own consistency, for every contract: three queries."""
    found: list[Finding] = []
    unbalanced = db.session.execute(
        sa.select(
            LedgerEntry.contract_id,
            LedgerEntry.part_id,
            LedgerEntry.transaction_id,
            sa.func.sum(LedgerEntry.amount_cents),
        )
        .group_by(LedgerEntry.contract_id, LedgerEntry.part_id, LedgerEntry.transaction_id)
        .having(sa.func.sum(LedgerEntry.amount_cents) != 0)
    )
    for contract_id, part_id, transaction_id, total in unbalanced:
        found.append(
            Finding(contract_id, part_id, "unbalanced", str(transaction_id), ledger_cents=total)
        )

    running = (
        sa.select(
            LedgerEntry.contract_id,
            LedgerEntry.part_id,
            sa.func.sum(LedgerEntry.amount_cents)
            .over(
                partition_by=(LedgerEntry.contract_id, LedgerEntry.part_id),
                order_by=(LedgerEntry.created_at, LedgerEntry.transaction_id),
            )
            .label("balance"),
        )
        .where(LedgerEntry.account == Account.ESCROW)
        .subquery()
    )
    negative = db.session.execute(
        sa.select(running.c.contract_id, running.c.part_id, sa.func.min(running.c.balance))
        .group_by(running.c.contract_id, running.c.part_id)
        .having(sa.func.min(running.c.balance) < 0)
    )
    for contract_id, part_id, lowest in negative:
        found.append(Finding(contract_id, part_id, "escrow_negative", ledger_cents=lowest))

    held = db.session.execute(
        sa.select(Contract.id, sa.func.sum(LedgerEntry.amount_cents))
        .join(LedgerEntry, LedgerEntry.contract_id == Contract.id)
        .where(
            Contract.kind == ContractKind.FIXED,
            Contract.status.in_(CLOSED),
            LedgerEntry.account == Account.ESCROW,
            LedgerEntry.part_id.is_(None),
        )
        .group_by(Contract.id)
        .having(sa.func.sum(LedgerEntry.amount_cents) != 0)
    )
    for contract_id, total in held:
        found.append(Finding(contract_id, None, "held_after_close", ledger_cents=total))
    return found


# ----------------------------------------------------------------------------- the provider


@dataclass
class Movement:
    """One ledger transaction of an escrow (a contract's own, or one part's)."""

    kind: LedgerKind
    reference: str | None
    legs: dict[Account, int] = field(default_factory=dict)


@dataclass
class Escrow:
    """What the ledger says about one escrow, and the ids its contract (or part) keeps."""

    contract_id: uuid.UUID
    part_id: uuid.UUID | None
    payment_intent_id: str | None = None
    charge_id: str | None = None
    movements: dict[uuid.UUID, Movement] = field(default_factory=dict)

    def total(self, account: Account, *, positive: bool = False) -> int:
        return sum(
            cents
            for m in self.movements.values()
            for a, cents in m.legs.items()
            if a is account and (cents > 0 or not positive)
        )


def _stripe_escrows(contract_ids: Iterable[uuid.UUID] | None = None) -> Iterator[Escrow]:
    """Every escrow of the contracts paid through Stripe, with its legs (three queries for the
    stored ids, one for the legs)."""
    contracts = sa.select(Contract.id, Contract.payment_intent_id, Contract.charge_id).where(
        Contract.payment_provider == "stripe"
    )
    if contract_ids is not None:
        contracts = contracts.where(Contract.id.in_(list(contract_ids)))
    ids: dict[tuple[uuid.UUID, uuid.UUID | None], tuple[str | None, str | None]] = {}
    for contract_id, intent, charge in db.session.execute(contracts):
        ids[(contract_id, None)] = (intent, charge)
    if not ids:
        return
    chosen = [contract_id for contract_id, _part in ids]
    for model in (ContractPeriod, ContractMilestone):
        rows = db.session.execute(
            sa.select(model.contract_id, model.id, model.payment_intent_id, model.charge_id).where(
                model.contract_id.in_(chosen)
            )
        )
        for contract_id, part_id, intent, charge in rows:
            ids[(contract_id, part_id)] = (intent, charge)
    escrows: dict[tuple[uuid.UUID, uuid.UUID | None], Escrow] = {}
    legs = db.session.execute(
        sa.select(LedgerEntry)
        .where(LedgerEntry.contract_id.in_(chosen))
        .order_by(LedgerEntry.contract_id, LedgerEntry.created_at, LedgerEntry.transaction_id)
    ).scalars()
    for leg in legs:
        key = (leg.contract_id, leg.part_id)
        account = escrows.get(key)
        if account is None:
            intent, charge = ids.get(key, (None, None))
            account = escrows[key] = Escrow(leg.contract_id, leg.part_id, intent, charge)
        movement = account.movements.setdefault(
            leg.transaction_id, Movement(leg.kind, leg.provider_reference)
        )
        movement.legs[leg.account] = movement.legs.get(leg.account, 0) + leg.amount_cents
    yield from escrows.values()


def _token(reference: str | None, prefix: str, kind: LedgerKind, alone: LedgerKind) -> str | None:
    """The provider id in a leg's reference: a resolution keeps "tr_… re_…"."""
    tokens = (reference or "").split()
    for token in tokens:
        if token.startswith(prefix):
            return token
    if kind is alone and len(tokens) == 1 and ":" not in tokens[0]:
        return tokens[0]  # an id of another shape (a test account's, say): still compared
    return None


class _Checker:
    def __init__(self, records: ProviderRecords) -> None:
        self.records = records
        self.asked = 0

    def record(self, escrow_: Escrow, kind: str, object_id: str, out: list[Finding]) -> Any:
        self.asked += 1
        found: ProviderRecord = self.records.record_of(kind, object_id)
        if not found.found:
            out.append(_finding(escrow_, "unknown_object", object_id, detail=kind))
            return None
        if found.contract_id and found.contract_id != str(escrow_.contract_id):
            out.append(
                _finding(
                    escrow_, "other_contract", object_id, detail=f"{kind}: {found.contract_id}"
                )
            )
        return found

    def check(self, account: Escrow) -> list[Finding]:
        out: list[Finding] = []
        funded = account.total(Account.ESCROW, positive=True)
        refunded = account.total(Account.BUSINESS, positive=True)
        if funded:
            self._funding(account, funded, refunded, out)
        for movement in account.movements.values():
            paid = movement.legs.get(Account.SECRETARY, 0)
            if paid > 0:
                self._transfer(account, movement, paid, out)
            back = movement.legs.get(Account.BUSINESS, 0)
            if back > 0 and movement.kind is not LedgerKind.FUNDING:
                self._refund(account, movement, back, out)
        return out

    def _funding(self, account: Escrow, funded: int, refunded: int, out: list[Finding]) -> None:
        references = {
            m.reference
            for m in account.movements.values()
            if m.kind is LedgerKind.FUNDING and m.reference
        }
        if account.payment_intent_id and references - {account.payment_intent_id}:
            out.append(
                _finding(
                    account,
                    "funding_reference",
                    ", ".join(sorted(references)),
                    detail=f"payment_intent_id = {account.payment_intent_id}",
                )
            )
        if account.charge_id:
            charge = self.record(account, "charge", account.charge_id, out)
            if charge is None:
                return
            if charge.amount_cents != funded:
                out.append(
                    _finding(account, "charge_amount", charge.id, funded, charge.amount_cents)
                )
            if charge.status != "succeeded":
                out.append(_finding(account, "charge_status", charge.id, detail=str(charge.status)))
            if charge.refunded_cents != refunded:
                out.append(
                    _finding(account, "charge_refunded", charge.id, refunded, charge.refunded_cents)
                )
            return
        intent_id = account.payment_intent_id or next(iter(sorted(references)), None)
        if intent_id is None:
            out.append(_finding(account, "unknown_object", None, funded, detail="charge"))
            return
        intent = self.record(account, "payment_intent", intent_id, out)
        if intent is None:
            return
        if intent.status != "succeeded":
            out.append(
                _finding(account, "payment_intent_status", intent.id, detail=str(intent.status))
            )
        if intent.received_cents != funded:
            out.append(
                _finding(account, "payment_intent_amount", intent.id, funded, intent.received_cents)
            )

    def _transfer(self, account: Escrow, movement: Movement, paid: int, out: list[Finding]) -> None:
        transfer_id = _token(movement.reference, "tr_", movement.kind, LedgerKind.RELEASE)
        if transfer_id is None:
            out.append(_finding(account, "transfer_missing", movement.reference, paid))
            return
        transfer = self.record(account, "transfer", transfer_id, out)
        if transfer is None:
            return
        if transfer.amount_cents != paid:
            out.append(
                _finding(account, "transfer_amount", transfer_id, paid, transfer.amount_cents)
            )
        if transfer.reversed_cents:
            out.append(
                _finding(account, "transfer_reversed", transfer_id, 0, transfer.reversed_cents)
            )

    def _refund(self, account: Escrow, movement: Movement, back: int, out: list[Finding]) -> None:
        if (movement.reference or "").startswith("already_refunded:"):
            return  # refunded from Stripe's dashboard: the charge's refunded amount says it
        refund_id = _token(movement.reference, "re_", movement.kind, LedgerKind.REFUND)
        if refund_id is None:
            out.append(_finding(account, "refund_missing", movement.reference, back))
            return
        refund = self.record(account, "refund", refund_id, out)
        if refund is None:
            return
        if refund.amount_cents != back:
            out.append(_finding(account, "refund_amount", refund_id, back, refund.amount_cents))
        if refund.status not in ("succeeded", "pending"):
            out.append(_finding(account, "refund_status", refund_id, detail=str(refund.status)))


def _finding(
    account: Escrow,
    code: str,
    reference: str | None,
    ledger_cents: int | None = None,
    provider_cents: int | None = None,
    *,
    detail: str = "",
) -> Finding:
    return Finding(
        account.contract_id, account.part_id, code, reference, ledger_cents, provider_cents, detail
    )


@dataclass
class Outcome:
    findings: list[Finding]
    contracts_checked: int
    provider_objects_checked: int
    provider_error: str | None = None


def check(contract_ids: Iterable[uuid.UUID] | None = None) -> Outcome:
    """Every finding, without writing anything (the ledger checks cover every contract)."""
    findings = ledger_findings()
    if contract_ids is not None:
        wanted = set(contract_ids)
        findings = [f for f in findings if f.contract_id in wanted]
    checked = int(
        db.session.scalar(sa.select(sa.func.count(sa.distinct(LedgerEntry.contract_id)))) or 0
    )
    provider = escrow.provider()
    asked, error = 0, None
    if isinstance(provider, ProviderRecords):
        checker = _Checker(provider)
        try:
            for account in _stripe_escrows(contract_ids):
                findings.extend(checker.check(account))
        except PaymentError as exc:
            error = str(exc)[:500]
            log.warning("reconciliation: the provider could not be asked: %s", exc.code)
        asked = checker.asked
    return Outcome(findings, checked, asked, error)


# ----------------------------------------------------------------------------- runs


def start_run() -> ReconciliationRun:
    """A new run, committed; 409 while another one runs."""
    since = utcnow() - STALE_AFTER
    running = sa.select(ReconciliationRun.id).where(
        ReconciliationRun.finished_at.is_(None), ReconciliationRun.started_at > since
    )
    if db.session.scalar(running.limit(1)) is not None:
        raise ReconciliationRunning(_l("Un rapprochement est déjà en cours ; attendez sa fin."))
    run = ReconciliationRun(started_at=utcnow())
    db.session.add(run)
    db.session.commit()
    # Two started at once: the one that started first (then the smaller id) goes on.
    first = db.session.execute(
        running.order_by(ReconciliationRun.started_at, ReconciliationRun.id).limit(1)
    ).scalar()
    if first != run.id:
        db.session.delete(run)
        db.session.commit()
        raise ReconciliationRunning(_l("Un rapprochement est déjà en cours ; attendez sa fin."))
    return run


def run() -> ReconciliationRun:
    """Check everything and keep what was found (the command and the page)."""
    current = start_run()
    run_id = current.id
    try:
        outcome = check()
    except Exception:
        db.session.rollback()  # no half run: it is taken back, the next one may start
        db.session.execute(sa.delete(ReconciliationRun).where(ReconciliationRun.id == run_id))
        db.session.commit()
        raise
    for found in outcome.findings:
        db.session.add(
            ReconciliationFinding(
                run_id=current.id,
                contract_id=found.contract_id,
                part_id=found.part_id,
                code=found.code,
                reference=(found.reference or None) and found.reference[:255],
                ledger_cents=found.ledger_cents,
                provider_cents=found.provider_cents,
                detail=found.detail[:500],
            )
        )
    current.contracts_checked = outcome.contracts_checked
    current.provider_objects_checked = outcome.provider_objects_checked
    current.findings_count = len(outcome.findings)
    current.provider_error = outcome.provider_error
    current.finished_at = utcnow()
    db.session.commit()
    log.info(
        "reconciliation %s: %d contract(s), %d provider object(s), %d finding(s)",
        current.id,
        outcome.contracts_checked,
        outcome.provider_objects_checked,
        len(outcome.findings),
    )
    return current


def latest_run() -> ReconciliationRun | None:
    return db.session.scalars(
        sa.select(ReconciliationRun)
        .where(ReconciliationRun.finished_at.is_not(None))
        .order_by(ReconciliationRun.finished_at.desc())
        .limit(1)
    ).first()


def findings_of(run_id: uuid.UUID) -> sa.Select[ReconciliationFinding, Contract]:
    """A run's findings with their contract (for the page), contract by contract."""
    return (
        sa.select(ReconciliationFinding, Contract)
        .join(Contract, Contract.id == ReconciliationFinding.contract_id)
        .where(ReconciliationFinding.run_id == run_id)
        .options(selectinload(Contract.mission))
        .order_by(Contract.created_at.desc(), Contract.id, ReconciliationFinding.code)
    )


def by_contract(findings: Iterable[Finding]) -> dict[uuid.UUID, list[Finding]]:
    grouped: dict[uuid.UUID, list[Finding]] = defaultdict(list)
    for found in findings:
        grouped[found.contract_id].append(found)
    return grouped
