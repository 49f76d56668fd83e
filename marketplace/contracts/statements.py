"""What the dashboards say about money, derived from the append-only ledger.

Nothing here is stored: a secretary's earnings and a business's payments are sums of the
ledger legs of their contracts (`payments/models.py`), so they always agree with the
movements shown on each contract page. Read-only queries; no rule about money lives here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.contracts.models import Contract, ContractStatus
from marketplace.contracts.view import DISPLAY_TIMEZONE
from marketplace.extensions import db
from marketplace.payments.models import Account, LedgerEntry, LedgerKind

RECENT = 10
# Money held for a contract that is still under way (a dispute's outcome is not known).
_UNDER_WAY = (ContractStatus.FUNDED, ContractStatus.DELIVERED)


@dataclass(frozen=True)
class Movement:
    at: datetime
    kind: LedgerKind
    amount_cents: int
    contract: Contract


@dataclass(frozen=True)
class Earnings:
    """A secretary's money: paid to her, still in escrow for her, and the commission."""

    received_cents: int
    received_this_year_cents: int
    year: int
    commission_cents: int
    upcoming_cents: int  # what she will receive for funded or delivered contracts
    upcoming_count: int
    disputed_cents: int  # held while a dispute is open (before commission)
    completed_count: int
    recent: list[Movement]

    @property
    def empty(self) -> bool:
        return not (self.received_cents or self.upcoming_cents or self.disputed_cents)


@dataclass(frozen=True)
class Payments:
    """A business's money: paid into escrow, refunded, still held, and paid out."""

    paid_cents: int  # funding, before any refund
    refunded_cents: int
    held_cents: int
    spent_cents: int  # paid minus refunded
    recent: list[Movement]

    @property
    def empty(self) -> bool:
        return not self.paid_cents


def _party(user: User) -> Any:
    return Contract.business_id == user.id if user.is_business else Contract.secretary_id == user.id


def _legs(user: User, account: Account) -> sa.Select[Any]:
    return (
        sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_cents), 0))
        .join(Contract, Contract.id == LedgerEntry.contract_id)
        .where(_party(user), LedgerEntry.account == account)
    )


def _sum(query: sa.Select[Any]) -> int:
    return int(db.session.scalar(query) or 0)


def _recent(user: User, account: Account, kinds: tuple[LedgerKind, ...]) -> list[Movement]:
    rows = db.session.execute(
        sa.select(LedgerEntry, Contract)
        .join(Contract, Contract.id == LedgerEntry.contract_id)
        .where(_party(user), LedgerEntry.account == account, LedgerEntry.kind.in_(kinds))
        .order_by(LedgerEntry.created_at.desc())
        .limit(RECENT)
    )
    return [Movement(e.created_at, e.kind, e.amount_cents, c) for e, c in rows]


def _held_by_contract(user: User) -> dict[uuid.UUID, int]:
    rows = db.session.execute(
        sa.select(LedgerEntry.contract_id, sa.func.sum(LedgerEntry.amount_cents))
        .join(Contract, Contract.id == LedgerEntry.contract_id)
        .where(_party(user), LedgerEntry.account == Account.ESCROW)
        .group_by(LedgerEntry.contract_id)
    )
    return {contract_id: int(total) for contract_id, total in rows if total}


def secretary_earnings(user: User, now: datetime | None = None) -> Earnings:
    today = (now or datetime.now(DISPLAY_TIMEZONE)).astimezone(DISPLAY_TIMEZONE)
    year_start = datetime(today.year, 1, 1, tzinfo=DISPLAY_TIMEZONE)
    held = _held_by_contract(user)
    upcoming = disputed = upcoming_count = 0
    if held:
        for contract in db.session.scalars(sa.select(Contract).where(Contract.id.in_(held))):
            if contract.status in _UNDER_WAY:
                upcoming += contract.payout_cents
                upcoming_count += 1
            elif contract.status is ContractStatus.DISPUTED:
                disputed += held[contract.id]
    completed = _sum(
        sa.select(sa.func.count())
        .select_from(Contract)
        .where(
            _party(user),
            Contract.status.in_((ContractStatus.RELEASED, ContractStatus.RESOLVED)),
        )
    )
    return Earnings(
        received_cents=_sum(_legs(user, Account.SECRETARY)),
        received_this_year_cents=_sum(
            _legs(user, Account.SECRETARY).where(LedgerEntry.created_at >= year_start)
        ),
        year=today.year,
        commission_cents=_sum(_legs(user, Account.PLATFORM)),
        upcoming_cents=upcoming,
        upcoming_count=upcoming_count,
        disputed_cents=disputed,
        completed_count=completed,
        recent=_recent(user, Account.SECRETARY, (LedgerKind.RELEASE, LedgerKind.RESOLUTION)),
    )


def business_payments(user: User) -> Payments:
    business_legs = _legs(user, Account.BUSINESS)
    paid = -_sum(business_legs.where(LedgerEntry.amount_cents < 0))
    refunded = _sum(business_legs.where(LedgerEntry.amount_cents > 0))
    return Payments(
        paid_cents=paid,
        refunded_cents=refunded,
        held_cents=_sum(_legs(user, Account.ESCROW)),
        spent_cents=paid - refunded,
        recent=_recent(
            user,
            Account.BUSINESS,
            (LedgerKind.FUNDING, LedgerKind.REFUND, LedgerKind.RESOLUTION),
        ),
    )
