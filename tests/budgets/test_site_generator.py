"""The site benchmark's database (bench/site/history.py) is what the services would leave:
contracts of their mission's business over every status and two years, reviews by that
business, ledger movements that balance, invoices numbered without a gap per issuer."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from bench.search.generate import generate
from bench.search.run import drop_database, fresh_database, psycopg_dsn

FIXED_STATUSES = {
    "awaiting_funding",
    "funded",
    "delivered",
    "released",
    "cancelled",
    "disputed",
    "resolved",
}


@pytest.fixture(scope="module")
def bench_db() -> Iterator[str]:
    base = os.environ["TEST_DATABASE_URL"]
    name = f"mk_site_gen_{uuid.uuid4().hex[:8]}"
    url = fresh_database(base, name)
    try:
        yield psycopg_dsn(url)
    finally:
        drop_database(base, name)


def test_the_generated_history_is_what_the_services_write(bench_db: str):
    counts, _emails, _missions = generate(bench_db, 600, seed=3, site=True)
    assert counts.contracts > 1000 and counts.reviews > 500
    with psycopg.connect(bench_db) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # type: ignore[index]  # noqa: E731
        statuses = {r[0] for r in conn.execute("SELECT DISTINCT status FROM contracts")}
        assert statuses == FIXED_STATUSES
        # Two years of history, the latest weeks under way.
        assert one("SELECT max(created_at) - min(created_at) > interval '700 days' FROM contracts")
        assert (
            one(
                "SELECT count(*) FROM contracts c JOIN missions m ON m.id = c.mission_id"
                " WHERE m.business_id <> c.business_id"
            )
            == 0
        )
        assert (
            one(
                "SELECT count(*) FROM reviews r JOIN contracts c ON c.id = r.contract_id"
                " WHERE r.author_id <> c.business_id OR r.subject_id <> c.secretary_id"
                " OR c.status NOT IN ('released', 'resolved')"
            )
            == 0
        )
        # Every movement balances; escrow holds exactly the contracts under way.
        assert (
            one(
                "SELECT count(*) FROM (SELECT transaction_id FROM ledger_entries"
                " GROUP BY transaction_id HAVING sum(amount_cents) <> 0) t"
            )
            == 0
        )
        assert one("SELECT coalesce(sum(amount_cents), 0) FROM ledger_entries") == 0
        held = dict(
            conn.execute(
                "SELECT c.status, sum(l.amount_cents) FROM ledger_entries l"
                " JOIN contracts c ON c.id = l.contract_id WHERE l.account = 'escrow'"
                " GROUP BY c.status"
            ).fetchall()
        )
        assert held["released"] == held["resolved"] == held["cancelled"] == 0
        assert held["funded"] > 0 and held["delivered"] > 0
        # Invoices: two per release or resolution, numbered 1..n per issuer, counters at n.
        assert (
            one(
                "SELECT count(*) FROM contracts c WHERE c.status IN ('released', 'resolved')"
                " AND (SELECT count(*) FROM invoices i WHERE i.contract_id = c.id) <> 2"
            )
            == 0
        )
        assert (
            one(
                "SELECT count(*) FROM (SELECT issuer_key FROM invoices GROUP BY issuer_key"
                " HAVING max(sequence) <> count(*) OR min(sequence) <> 1) t"
            )
            == 0
        )
        assert (
            one(
                "SELECT count(*) FROM invoice_counters k WHERE k.last_sequence <>"
                " (SELECT max(sequence) FROM invoices i WHERE i.issuer_key = k.issuer_key)"
            )
            == 0
        )
        assert one("SELECT count(*) FROM invoices WHERE total_excl_tax_cents + vat_cents"
                   " <> total_cents") == 0  # fmt: skip
