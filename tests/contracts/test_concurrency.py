"""Concurrent requests on PostgreSQL: of two that race for the same transition, one wins.

Each request runs in its own thread with its own test client, database session and
connection, released together by a barrier, so the two transactions really overlap.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from tests import factories as f
from tests.conftest import ApiClient

# Threads with their own connections race on row locks: the data must really be committed.
pytestmark = pytest.mark.committing

ROUNDS = 5


def race(app: Any, calls: list[Callable[[ApiClient], tuple[int, Any]]]) -> list[int]:
    barrier = threading.Barrier(len(calls))
    results: list[int] = [0] * len(calls)
    errors: list[BaseException] = []

    def run(i: int, call: Callable[[ApiClient], tuple[int, Any]]) -> None:
        client = ApiClient(app.test_client())
        barrier.wait()
        try:
            results[i] = call(client)[0]
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    return results


def test_two_accepts_on_the_same_mission_cannot_both_win(api, app) -> None:
    for _ in range(ROUNDS):
        deal = f.Deal(api)
        rival = f.secretary(api)
        rival_bid = f.bid(api, rival, deal.mission["id"], 90_000)
        token = deal.business["token"]
        codes = race(
            app,
            [
                lambda c: c.post(f"/api/v1/bids/{deal.bid['id']}/accept", token=token),
                lambda c: c.post(f"/api/v1/bids/{rival_bid['id']}/accept", token=token),
            ],
        )
        assert sorted(codes) == [201, 409]
        _, contracts = api.get("/api/v1/contracts", token=token)
        assert contracts["total"] == 1
        _, bids = api.get(f"/api/v1/missions/{deal.mission['id']}/bids", token=token)
        assert Counter(b["status"] for b in bids) == {"accepted": 1, "declined": 1}


def test_the_same_accept_sent_twice_acts_once(api, app) -> None:
    for _ in range(ROUNDS):
        deal = f.Deal(api)
        token = deal.business["token"]
        path = f"/api/v1/bids/{deal.bid['id']}/accept"
        codes = race(app, [lambda c: c.post(path, token=token)] * 2)
        assert sorted(codes) == [201, 409]


def test_two_approves_release_the_escrow_once(api, app) -> None:
    for _ in range(ROUNDS):
        deal = f.Deal(api).to("delivered")
        path = f"/api/v1/contracts/{deal.contract_id}/approve"
        token = deal.business["token"]
        codes = race(app, [lambda c: c.post(path, token=token)] * 2)
        assert sorted(codes) == [200, 409]
        ledger = deal.ledger()
        assert ledger["balanced"] and ledger["held_cents"] == 0
        assert [e["kind"] for e in ledger["entries"]].count("release") == 3  # one movement


def test_approve_racing_a_dispute_has_one_winner(api, app) -> None:
    for _ in range(ROUNDS):
        deal = f.Deal(api).to("delivered")
        base = f"/api/v1/contracts/{deal.contract_id}"
        codes = race(
            app,
            [
                lambda c: c.post(f"{base}/approve", token=deal.business["token"]),
                lambda c: c.post(
                    f"{base}/dispute",
                    {"reason": "Travail incomplet, il manque la moitié."},
                    token=deal.secretary["token"],
                ),
            ],
        )
        assert sorted(codes) == [200, 409]
        _, contract = api.get(base, token=deal.business["token"])
        ledger = deal.ledger()
        assert ledger["balanced"]
        assert ledger["held_cents"] == (0 if contract["status"] == "released" else 110_000)


def test_two_fundings_charge_once(api, app) -> None:
    for _ in range(ROUNDS):
        deal = f.Deal(api).hire()
        path = f"/api/v1/contracts/{deal.contract_id}/fund"
        codes = race(app, [lambda c: c.post(path, token=deal.business["token"])] * 2)
        assert sorted(codes) == [200, 409]
        ledger = deal.ledger()
        assert ledger["held_cents"] == 110_000
        assert [e["kind"] for e in ledger["entries"]] == ["funding", "funding"]


def test_double_submitted_bid_makes_one_bid(api, app) -> None:
    for _ in range(ROUNDS):
        owner = f.business(api)
        mission = f.mission(api, owner)
        sec = f.secretary(api)
        path = f"/api/v1/missions/{mission['id']}/bids"
        codes = race(
            app, [lambda c: c.post(path, {"amount_cents": 70_000}, token=sec["token"])] * 2
        )
        assert sorted(codes) == [201, 409]


def test_auto_release_run_twice_at_once_releases_each_contract_once(api, app) -> None:
    from marketplace.contracts.models import Contract
    from marketplace.contracts.services import auto_release_due
    from marketplace.db import utcnow
    from marketplace.extensions import db

    deals = [f.Deal(api).to("delivered") for _ in range(4)]
    with app.app_context():
        db.session.execute(
            sa.update(Contract).values(
                delivered_at=utcnow() - __import__("datetime").timedelta(days=8)
            )
        )
        db.session.commit()

    released: list[int] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        with app.app_context():
            barrier.wait()
            released.append(auto_release_due())

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sum(released) == 4
    for deal in deals:
        ledger = deal.ledger()
        assert ledger["balanced"] and ledger["held_cents"] == 0
        _, contract = api.get(f"/api/v1/contracts/{deal.contract_id}", token=deal.business["token"])
        assert contract["status"] == "released"


def test_two_approvals_of_one_milestone_release_it_once(api, app) -> None:
    from tests.contracts.test_milestones import Split

    for _ in range(ROUNDS):
        deal = Split(api, (60_000, 40_000)).hire()
        deal.walk(1, "fund", "deliver")
        first = deal.milestones()[0]
        path = f"{deal.path}/milestones/{first['id']}/approve"
        token = deal.business["token"]
        codes = race(app, [lambda c: c.post(path, token=token)] * 2)
        assert sorted(codes) == [200, 409]
        ledger = deal.ledger()
        assert ledger["balanced"] and ledger["held_cents"] == 0
        assert [e["kind"] for e in ledger["entries"]].count("release") == 3  # one movement
        assert [m["status"] for m in deal.milestones()] == ["released", "awaiting_funding"]


def test_the_last_two_milestones_approved_at_once_release_the_contract(api, app) -> None:
    from tests.contracts.test_milestones import Split

    for _ in range(ROUNDS):
        deal = Split(api, (60_000, 40_000)).hire()
        deal.walk(1, "fund", "deliver")
        deal.walk(2, "fund", "deliver")
        token = deal.business["token"]
        paths = [f"{deal.path}/milestones/{m['id']}/approve" for m in deal.milestones()]
        codes = race(app, [lambda c, p=p: c.post(p, token=token) for p in paths])
        assert codes == [200, 200]
        assert deal.get()["status"] == "released"
        assert deal.ledger()["held_cents"] == 0


def test_the_first_two_milestones_funded_at_once_both_hold_their_money(api, app) -> None:
    from tests.contracts.test_milestones import Split

    for _ in range(ROUNDS):
        deal = Split(api, (60_000, 40_000)).hire()
        token = deal.business["token"]
        paths = [f"{deal.path}/milestones/{m['id']}/fund" for m in deal.milestones()]
        codes = race(app, [lambda c, p=p: c.post(p, {}, token=token) for p in paths])
        assert codes == [200, 200]
        assert deal.get()["status"] == "funded"
        assert deal.ledger()["held_cents"] == 100_000


def test_two_refunds_of_one_invoice_at_once_credit_it_once(api, app) -> None:
    """Two credit notes asked at once on the same invoice: the contract's row lock makes the
    second wait, find the first's credit note and answer 409; the money goes back once."""
    for _ in range(ROUNDS):
        deal = f.Deal(api).to("released")
        token = deal.secretary["token"]
        _, listed = api.get(f"/api/v1/contracts/{deal.contract_id}/invoices", token=token)
        service = next(i for i in listed if i["kind"] == "service")
        path = f"/api/v1/contracts/{deal.contract_id}/credit-notes"
        codes = race(
            app,
            [
                lambda c, amount=amount: c.post(
                    path,
                    {"invoice_id": service["id"], "amount_cents": amount, "reason": "Geste"},
                    token=token,
                )
                for amount in (10_000, 20_000)
            ],
        )
        assert sorted(codes) == [201, 409], codes
        entries = deal.ledger()
        assert entries["balanced"] is True
        assert entries["balances"]["business"] in (-100_000, -90_000)
