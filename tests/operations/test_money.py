"""The operator's money by month: totals from the ledger that balance against its rows."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.extensions import db
from marketplace.operations.money import Month
from marketplace.payments.models import Account, LedgerEntry, LedgerKind
from tests import factories as f
from tests.budgets.statements import count_statements


def _movement(contract_id: str, kind: LedgerKind, legs: dict[Account, int], at: datetime) -> None:
    """A balanced movement written on a past date (a part of its own, as a period's)."""
    assert sum(legs.values()) == 0
    transaction, part = uuid.uuid4(), uuid.uuid4()
    for account, cents in legs.items():
        db.session.add(
            LedgerEntry(
                contract_id=uuid.UUID(contract_id),
                part_id=part,
                transaction_id=transaction,
                kind=kind,
                account=account,
                amount_cents=cents,
                created_at=at,
            )
        )


def _history(api: Any, app: Flask) -> dict[str, f.Deal]:
    """Contracts in several states through the API, plus movements in earlier months."""
    deals = {
        "released": f.Deal(api, 110_000).to("released"),
        "held": f.Deal(api, 45_000).to("funded"),
        "disputed": f.Deal(api, 80_000).to("disputed"),
    }
    with app.app_context():
        past = deals["held"].contract_id
        # January (Paris): a period funded; 31 January 23:30 UTC is already February in Paris.
        _movement(
            past,
            LedgerKind.FUNDING,
            {Account.BUSINESS: -20_000, Account.ESCROW: 20_000},
            datetime(2026, 1, 10, 9, tzinfo=UTC),
        )
        _movement(
            past,
            LedgerKind.RELEASE,
            {Account.ESCROW: -15_000, Account.SECRETARY: 13_200, Account.PLATFORM: 1_800},
            datetime(2026, 1, 31, 23, 30, tzinfo=UTC),
        )
        _movement(
            past,
            LedgerKind.REFUND,
            {Account.ESCROW: -5_000, Account.BUSINESS: 5_000},
            datetime(2026, 3, 2, 8, tzinfo=UTC),
        )
        db.session.commit()
    return deals


def _expected(first: Month, last: Month) -> dict[str, dict[str, int]]:
    """Each month's figures summed here from every ledger row, one by one."""
    sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for leg in db.session.scalars(sa.select(LedgerEntry)):
        month = str(Month.of(leg.created_at))
        row = sums[month]
        if leg.account is Account.ESCROW:
            row["escrow"] += leg.amount_cents
            if leg.amount_cents > 0:
                row["funded_cents"] += leg.amount_cents
        elif leg.account is Account.SECRETARY:
            row["paid_out_cents"] += leg.amount_cents
        elif leg.account is Account.PLATFORM:
            row["commission_cents"] += leg.amount_cents
        elif leg.amount_cents > 0:
            row["refunded_cents"] += leg.amount_cents
    return sums


def test_monthly_totals_equal_the_sums_of_the_ledger_rows_and_balance(api, app) -> None:
    deals = _history(api, app)
    resolved = deals["disputed"]
    operator = f.operator(api, app)
    assert resolved.resolve(operator, 50_000, 30_000)[0] == 200

    now = Month.of(datetime.now(UTC))
    status, body = api.get(f"/api/v1/admin/money?from=2025-12&to={now}", token=operator["token"])
    assert status == 200, body
    assert body["currency"] == "EUR" and body["from"] == "2025-12" and body["to"] == str(now)
    assert body["opening_held_cents"] == 0
    assert [m["month"] for m in body["months"]] == [str(m) for m in _months(Month(2025, 12), now)]

    with app.app_context():
        expected = _expected(Month(2025, 12), now)
        all_escrow = int(
            db.session.scalar(
                sa.select(sa.func.sum(LedgerEntry.amount_cents)).where(
                    LedgerEntry.account == Account.ESCROW
                )
            )
        )
        all_legs = int(db.session.scalar(sa.select(sa.func.sum(LedgerEntry.amount_cents))))
    assert all_legs == 0  # the whole ledger balances

    held = body["opening_held_cents"]
    for month in body["months"]:
        want = expected.get(month["month"], {})
        for name in ("funded_cents", "paid_out_cents", "commission_cents", "refunded_cents"):
            assert month[name] == want.get(name, 0), (month, name)
        assert month["released_cents"] == month["paid_out_cents"] + month["commission_cents"]
        # held = funded - released - refunded, and it is what the escrow legs sum to
        assert month["funded_cents"] - month["released_cents"] - month[
            "refunded_cents"
        ] == want.get("escrow", 0)
        held += month["funded_cents"] - month["released_cents"] - month["refunded_cents"]
        assert month["held_cents"] == held, month

    # The dates: January has the period's funding, February its release (Paris time),
    # March its refund.
    by_month = {m["month"]: m for m in body["months"]}
    assert by_month["2026-01"]["funded_cents"] == 20_000
    assert by_month["2026-01"]["released_cents"] == 0
    assert by_month["2026-02"]["released_cents"] == 15_000
    assert by_month["2026-02"]["commission_cents"] == 1_800
    assert by_month["2026-03"]["refunded_cents"] == 5_000
    assert by_month["2026-03"]["held_cents"] == 0

    totals = body["totals"]
    assert totals["held_cents"] == all_escrow == 45_000  # only the funded contract holds money
    assert totals["funded_cents"] == 20_000 + 110_000 + 45_000 + 80_000
    assert totals["refunded_cents"] == 5_000 + 30_000
    released = deals["released"]
    commission = (
        released.ledger()["balances"]["platform"] + resolved.ledger()["balances"]["platform"]
    )
    assert totals["commission_cents"] == 1_800 + commission
    assert totals["funded_cents"] - totals["released_cents"] - totals["refunded_cents"] == (
        totals["held_cents"] - body["opening_held_cents"]
    )

    # A range that starts later opens with what was held before it.
    status, later = api.get("/api/v1/admin/money?from=2026-02&to=2026-02", token=operator["token"])
    assert status == 200
    assert later["opening_held_cents"] == 20_000
    assert later["months"][0]["held_cents"] == 5_000 == later["totals"]["held_cents"]


def _months(first: Month, last: Month) -> list[Month]:
    found = [first]
    while found[-1] < last:
        found.append(found[-1].next())
    return found


def test_the_totals_take_the_same_few_queries_whatever_the_number_of_contracts(api, app) -> None:
    operator = f.operator(api, app)
    counts = []
    for _round in range(2):
        for _deal in range(3):
            f.Deal(api, 30_000).to("released")
        with count_statements(app) as seen:
            status, _body = api.get("/api/v1/admin/money", token=operator["token"])
        assert status == 200
        counts.append(seen.count)
    assert counts[0] == counts[1] <= 4, counts


def test_the_range_is_checked_and_only_operators_see_it(api, app) -> None:
    operator = f.operator(api, app)
    business = f.business(api)
    assert api.get("/api/v1/admin/money")[0] == 401
    assert api.get("/api/v1/admin/money", token=business["token"])[0] == 403
    for query, field in (
        ("from=2026-13", "from"),
        ("from=janvier", "from"),
        ("to=2026-1", "to"),
        ("from=2026-05&to=2026-04", "to"),
        ("from=2010-01&to=2026-01", "from"),
    ):
        status, body = api.get(f"/api/v1/admin/money?{query}", token=operator["token"])
        assert status == 422, (query, body)
        assert field in body["errors"]["query"], (query, body)
    status, body = api.get("/api/v1/admin/money", token=operator["token"])
    assert status == 200 and len(body["months"]) == 12
    assert body["to"] == str(Month.of(datetime.now(UTC)))
