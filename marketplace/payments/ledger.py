"""The append-only escrow ledger: every money movement is a balanced set of legs."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.payments.models import Account, LedgerEntry, LedgerKind


class UnbalancedMovement(ValueError):
    pass


def commission_for(amount_cents: int, basis_points: int) -> int:
    """The platform's share, rounded half up to the cent."""
    return (amount_cents * basis_points + 5_000) // 10_000


def record(
    contract_id: uuid.UUID,
    kind: LedgerKind,
    legs: dict[Account, int],
    provider_reference: str | None = None,
    part_id: uuid.UUID | None = None,
) -> list[LedgerEntry]:
    """Append one movement (for the contract, or for one part of it: a period, a
    milestone); legs with a zero amount are left out."""
    legs = {account: cents for account, cents in legs.items() if cents != 0}
    if sum(legs.values()) != 0 or not legs:
        raise UnbalancedMovement(f"{kind} legs do not balance: {legs}")
    transaction_id = uuid.uuid4()
    entries = [
        LedgerEntry(
            contract_id=contract_id,
            part_id=part_id,
            transaction_id=transaction_id,
            kind=kind,
            account=account,
            amount_cents=cents,
            provider_reference=provider_reference,
        )
        for account, cents in sorted(legs.items())
    ]
    db.session.add_all(entries)
    db.session.flush()
    return entries


def entries_for(contract_id: uuid.UUID) -> list[LedgerEntry]:
    return list(
        db.session.scalars(
            sa.select(LedgerEntry)
            .where(LedgerEntry.contract_id == contract_id)
            .order_by(LedgerEntry.created_at, LedgerEntry.kind, LedgerEntry.account)
        )
    )


@dataclass(frozen=True)
class LedgerSummary:
    entries: list[LedgerEntry]
    balances: dict[str, int]
    held_cents: int
    balanced: bool


def summary(contract_id: uuid.UUID) -> LedgerSummary:
    entries = entries_for(contract_id)
    balances: dict[str, int] = {a.value: 0 for a in Account}
    per_transaction: dict[uuid.UUID, int] = defaultdict(int)
    for entry in entries:
        balances[entry.account.value] += entry.amount_cents
        per_transaction[entry.transaction_id] += entry.amount_cents
    balanced = sum(balances.values()) == 0 and all(v == 0 for v in per_transaction.values())
    return LedgerSummary(entries, balances, balances[Account.ESCROW.value], balanced)


def held_cents(contract_id: uuid.UUID, part_id: uuid.UUID | None = None) -> int:
    """What escrow holds for the contract (part_id None: its own legs, not its parts') or
    for one part of it."""
    part = LedgerEntry.part_id.is_(None) if part_id is None else LedgerEntry.part_id == part_id
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_cents), 0)).where(
            LedgerEntry.contract_id == contract_id, LedgerEntry.account == Account.ESCROW, part
        )
    )
    return int(total or 0)


def part_balances(contract_id: uuid.UUID) -> dict[uuid.UUID | None, int]:
    """Each part's legs summed (zero when the part balances), in one query."""
    rows = db.session.execute(
        sa.select(LedgerEntry.part_id, sa.func.sum(LedgerEntry.amount_cents))
        .where(LedgerEntry.contract_id == contract_id)
        .group_by(LedgerEntry.part_id)
    )
    return {part: int(total) for part, total in rows}


def global_imbalance() -> int:
    """Sum of every leg ever written; zero when the whole ledger balances."""
    total = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_cents), 0)))
    return int(total or 0)


def part_held(contract_id: uuid.UUID) -> dict[uuid.UUID | None, int]:
    """What escrow holds for each part of the contract, in one query."""
    rows = db.session.execute(
        sa.select(LedgerEntry.part_id, sa.func.sum(LedgerEntry.amount_cents))
        .where(LedgerEntry.contract_id == contract_id, LedgerEntry.account == Account.ESCROW)
        .group_by(LedgerEntry.part_id)
    )
    return {part: int(total) for part, total in rows}


@dataclass(frozen=True)
class Paid:
    """What a release (or a dispute resolution) paid for a contract or one part of it."""

    payout_cents: int
    commission_cents: int
    # The provider's transfer that paid her (None when nothing was transferred).
    transfer_id: str | None


def paid_for(contract_id: uuid.UUID, part_id: uuid.UUID | None) -> Paid | None:
    """The paying movement of the contract (part_id None) or of one of its parts; None if
    nothing was released to her."""
    part = LedgerEntry.part_id.is_(None) if part_id is None else LedgerEntry.part_id == part_id
    rows = list(
        db.session.scalars(
            sa.select(LedgerEntry).where(
                LedgerEntry.contract_id == contract_id,
                part,
                LedgerEntry.kind.in_((LedgerKind.RELEASE, LedgerKind.RESOLUTION)),
                LedgerEntry.account.in_((Account.SECRETARY, Account.PLATFORM)),
            )
        )
    )
    if not rows:
        return None
    payout = sum(r.amount_cents for r in rows if r.account is Account.SECRETARY)
    commission = sum(r.amount_cents for r in rows if r.account is Account.PLATFORM)
    transfer = None
    if payout:
        reference = next(r.provider_reference for r in rows if r.account is Account.SECRETARY)
        # A resolution's reference is "<transfer> <refund>", the transfer first.
        transfer = reference.split()[0] if reference else None
    return Paid(payout, commission, transfer)


def credited(contract_id: uuid.UUID, part_id: uuid.UUID | None) -> bool:
    part = LedgerEntry.part_id.is_(None) if part_id is None else LedgerEntry.part_id == part_id
    found = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(LedgerEntry)
        .where(LedgerEntry.contract_id == contract_id, part, LedgerEntry.kind == LedgerKind.CREDIT)
    )
    return bool(found)
