"""`flask --app wsgi payments release-due`: safe from cron, twice at once, and after a crash."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.contracts.models import Contract
from marketplace.contracts.services import auto_release_due
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.payments import ledger
from marketplace.payments.models import Invoice, LedgerEntry, LedgerKind
from tests import factories as f
from tests.payments.helpers import assert_balanced, funded_deal

ROOT = Path(__file__).resolve().parents[2]


def _age_deliveries(app: Flask, days: int = 8) -> None:
    with app.app_context():
        db.session.execute(
            sa.update(Contract)
            .where(Contract.status == "delivered")
            .values(delivered_at=utcnow() - timedelta(days=days))
        )
        db.session.commit()


def _delivered_deals(api: Any, count: int, **kw: Any) -> list[f.Deal]:
    deals = []
    for _ in range(count):
        deal = funded_deal(api, **kw) if kw.get("payouts") is not None else f.Deal(api).to("funded")
        assert deal.act("deliver", "secretary")[0] == 200
        deals.append(deal)
    return deals


def _releases(app: Flask) -> int:
    with app.app_context():
        return int(
            db.session.scalar(
                sa.select(sa.func.count(sa.distinct(LedgerEntry.contract_id))).where(
                    LedgerEntry.kind == LedgerKind.RELEASE
                )
            )
            or 0
        )


def test_only_contracts_past_the_approval_window_are_released(api, app) -> None:
    [old] = _delivered_deals(api, 1)
    _age_deliveries(app)
    [recent] = _delivered_deals(api, 1)
    with app.app_context():
        assert auto_release_due() == 1
        assert auto_release_due() == 0  # again: nothing left to do
    assert (
        api.get(f"/api/v1/contracts/{old.contract_id}", token=old.business["token"])[1]["status"]
        == "released"
    )
    assert (
        api.get(f"/api/v1/contracts/{recent.contract_id}", token=recent.business["token"])[1][
            "status"
        ]
        == "delivered"
    )
    assert_balanced(old, 0)


@pytest.mark.committing  # two threads, two connections
def test_two_runs_at_the_same_time_release_each_contract_once(api, app) -> None:
    deals = _delivered_deals(api, 6)
    _age_deliveries(app)
    barrier = threading.Barrier(2)
    counts: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                barrier.wait()
                counts.append(auto_release_due())
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sum(counts) == 6
    assert _releases(app) == 6
    for deal in deals:
        assert_balanced(deal, 0)
    with app.app_context():
        numbers = sorted(
            db.session.scalars(sa.select(Invoice.sequence).where(Invoice.issuer_key == "platform"))
        )
    assert numbers == list(range(1, 7))  # no gap, no duplicate


@pytest.mark.committing  # two processes read what the test committed
def test_two_cron_processes_at_once(api, app, database_url: str) -> None:
    _delivered_deals(api, 5)
    _age_deliveries(app)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "PAYMENTS_PROVIDER": "sandbox",
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "payments", "release-due"]
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    released = [int(out.decode().split()[1]) for out, _err in outputs]
    assert sum(released) == 5, outputs
    assert _releases(app) == 5


def test_a_crash_mid_release_leaves_it_to_the_next_run(
    sapi, stripe_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The transfer went out, then the process died before committing: the next run makes the
    same Stripe call (same idempotency key, so Stripe answers with the same transfer) and
    books it once."""
    deals = _delivered_deals(sapi, 2, payouts=True)
    _age_deliveries(stripe_app)
    provider = stripe_app.extensions["payment_provider"]
    create = provider.client.v1.transfers.create
    keys: list[str] = []

    def recording_create(*args: Any, **kwargs: Any) -> Any:
        keys.append(kwargs["options"]["idempotency_key"])
        return create(*args, **kwargs)

    monkeypatch.setattr(provider.client.v1.transfers, "create", recording_create)
    real_record = ledger.record

    def crash(*args: Any, **kwargs: Any) -> Any:
        if args[1] is LedgerKind.RELEASE:
            raise SystemExit("killed")
        return real_record(*args, **kwargs)

    monkeypatch.setattr(ledger, "record", crash)
    with stripe_app.app_context(), pytest.raises(SystemExit):
        auto_release_due()
    with stripe_app.app_context():
        db.session.rollback()
    assert _releases(stripe_app) == 0
    assert (
        sapi.get(f"/api/v1/contracts/{deals[0].contract_id}", token=deals[0].business["token"])[1][
            "status"
        ]
        == "delivered"
    )

    monkeypatch.setattr(ledger, "record", real_record)
    with stripe_app.app_context():
        assert auto_release_due() == 2
        assert auto_release_due() == 0
    assert _releases(stripe_app) == 2
    assert keys[0] == keys[1]  # the retry re-sent the very same request
    assert keys[0] in {f"contract-{d.contract_id}-transfer-release" for d in deals}
    for deal in deals:
        assert_balanced(deal, 0)
