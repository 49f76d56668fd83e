"""Money totals by month, from the ledger alone (months are Europe/Paris calendar months).

Every movement is a set of legs summing to zero (`payments/ledger.py`); the totals read the
legs by account:

- funded     = escrow legs > 0: what businesses paid into escrow (FUNDING);
- paid_out   = secretary legs: what went to the secretaries (RELEASE, a RESOLUTION's part);
- commission = platform legs: the platform's commission earned on what was released;
- released   = paid_out + commission: what left escrow for the work;
- refunded   = business legs > 0: what went back to businesses (REFUND, a RESOLUTION's part);
- held       = the escrow balance at the end of the month:
               held at the start + funded - released - refunded.

Money leaves escrow only in legs to a secretary, the platform or the business of the same
movement, so a month's escrow legs sum to exactly funded - released - refunded;
`tests/operations/test_money.py` checks both against the raw rows. One GROUP BY query over the
range (conditional sums read from `ix_ledger_entries_created_at`, index-only on PostgreSQL) and
one sum for the balance before it: no loop over contracts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.payments.models import Account, LedgerEntry

PARIS = ZoneInfo("Europe/Paris")
MAX_MONTHS = 120  # ten years: the ledger's retention


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """ "2026-03" → Month(2026, 3); ValueError otherwise."""
        year, sep, month = text.partition("-")
        if not (sep and len(year) == 4 and len(month) == 2 and year.isdigit() and month.isdigit()):
            raise ValueError(text)
        parsed = cls(int(year), int(month))
        if not (1 <= parsed.month <= 12 and parsed.year >= 2000):
            raise ValueError(text)
        return parsed

    @classmethod
    def of(cls, moment: datetime) -> Month:
        local = moment.astimezone(PARIS)
        return cls(local.year, local.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def minus(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 - months
        return Month(index // 12, index % 12 + 1)

    def start(self) -> datetime:
        """Midnight on the 1st in Paris, as a UTC moment."""
        return datetime(self.year, self.month, 1, tzinfo=PARIS).astimezone(UTC)

    def count_to(self, last: Month) -> int:
        return (last.year - self.year) * 12 + last.month - self.month + 1


def current_month() -> Month:
    return Month.of(utcnow())


@dataclass
class MonthTotals:
    month: str
    funded_cents: int = 0
    released_cents: int = 0
    paid_out_cents: int = 0
    commission_cents: int = 0
    refunded_cents: int = 0
    held_cents: int = 0  # escrow balance at the end of the month
    movements: int = 0  # ledger transactions in the month


@dataclass
class MoneyReport:
    first: str
    last: str
    opening_held_cents: int
    months: list[MonthTotals]
    totals: MonthTotals = field(init=False)

    def __post_init__(self) -> None:
        total = MonthTotals(month=f"{self.first}/{self.last}")
        for m in self.months:
            total.funded_cents += m.funded_cents
            total.released_cents += m.released_cents
            total.paid_out_cents += m.paid_out_cents
            total.commission_cents += m.commission_cents
            total.refunded_cents += m.refunded_cents
            total.movements += m.movements
        total.held_cents = self.months[-1].held_cents if self.months else self.opening_held_cents
        self.totals = total


def _month_key() -> sa.ColumnElement[str]:
    """The Paris calendar month of a leg, as "YYYY-MM", in SQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.to_char(sa.func.timezone("Europe/Paris", LedgerEntry.created_at), "YYYY-MM")
    # SQLite (small installs): months in UTC, off by at most the first hours of a month.
    return sa.func.strftime("%Y-%m", LedgerEntry.created_at)


def _sum_where(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, LedgerEntry.amount_cents), else_=0)), 0)


def report(first: Month, last: Month) -> MoneyReport:
    """The totals of each month from `first` to `last` (both included; empty months too)."""
    if last < first:
        raise ValueError("last month before the first")
    start, end = first.start(), last.next().start()
    _positive = LedgerEntry.amount_cents > 0
    month = _month_key().label("month")
    rows = db.session.execute(
        sa.select(
            month,
            _sum_where(
                sa.and_(LedgerEntry.account == Account.ESCROW, LedgerEntry.amount_cents > 0)
            ),
            _sum_where(LedgerEntry.account == Account.SECRETARY),
            _sum_where(LedgerEntry.account == Account.PLATFORM),
            _sum_where(
                sa.and_(LedgerEntry.account == Account.BUSINESS, LedgerEntry.amount_cents > 0)
            ),
            _sum_where(LedgerEntry.account == Account.ESCROW),
            sa.func.count(sa.distinct(LedgerEntry.transaction_id)),
        )
        .where(LedgerEntry.created_at >= start, LedgerEntry.created_at < end)
        .group_by(month)
    ).all()
    opening = int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_cents), 0)).where(
                LedgerEntry.account == Account.ESCROW, LedgerEntry.created_at < start
            )
        )
        or 0
    )
    found = {row[0]: row for row in rows}
    months: list[MonthTotals] = []
    held = opening
    current = first
    while current <= last:
        totals = MonthTotals(month=str(current))
        row = found.get(str(current))
        if row is not None:
            _, funded, paid_out, commission, refunded, escrow, movements = row
            totals.funded_cents = int(funded)
            totals.paid_out_cents = int(paid_out)
            totals.commission_cents = int(commission)
            totals.released_cents = int(paid_out) + int(commission)
            totals.refunded_cents = int(refunded)
            totals.movements = int(movements)
            held += int(escrow)
        totals.held_cents = held
        months.append(totals)
        current = current.next()
    return MoneyReport(str(first), str(last), opening, months)
