"""Regular work under concurrent requests on PostgreSQL: of two that race, exactly one acts.

Each request runs in its own thread with its own client and connection, released together
by a barrier (`tests.contracts.test_concurrency.race`).
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from marketplace.contracts import periods as periods_service
from tests.contracts.test_concurrency import race
from tests.regular.steps import Engagement, travel

pytestmark = pytest.mark.committing

ROUNDS = 3


def _two_approvals_of_one_period_pay_once_once(api, app) -> None:
    e = Engagement(api)
    first = e.period()
    e.fund(first["id"])
    e.log(120)
    e.act(first["id"], "submit", "secretary")
    path = f"/api/v1/contracts/{e.id}/periods/{first['id']}/approve"
    token = e.token("business")
    codes = race(app, [lambda c: c.post(path, token=token)] * 2)
    assert Counter(codes) == Counter({200: 1, 409: 1}), codes
    ledger = e.ledger()
    assert ledger["balanced"] is True and ledger["held_cents"] == 0
    assert ledger["balances"]["business"] == -6_000  # released once, refunded once


def test_two_approvals_of_one_period_pay_once(api, app) -> None:
    for _ in range(ROUNDS):
        _two_approvals_of_one_period_pay_once_once(api, app)


def _a_time_entry_racing_the_submit_is_in_the_timesheet_or_refused_once(api, app) -> None:
    e = Engagement(api)
    first = e.period()
    e.fund(first["id"])
    e.log(60)
    token = e.token("secretary")
    entry = {"date": first["starts_on"], "minutes": 45, "description": "Appels"}
    codes = race(
        app,
        [
            lambda c: c.post(f"/api/v1/contracts/{e.id}/time-entries", entry, token=token),
            lambda c: c.post(f"/api/v1/contracts/{e.id}/periods/{first['id']}/submit", token=token),
        ],
    )
    entry_code, submit_code = codes
    assert submit_code == 200, codes
    assert entry_code in (201, 409), codes
    # Whatever won, the approved amount is exactly the time the timesheet holds.
    status, body = e.act(first["id"], "approve", "business")
    assert status == 200, body
    minutes = 60 + (45 if entry_code == 201 else 0)
    assert body["approved_cents"] == minutes * 3_000 // 60
    assert body["logged_minutes"] == minutes


def test_a_time_entry_racing_the_submit_is_in_the_timesheet_or_refused(api, app) -> None:
    for _ in range(ROUNDS):
        _a_time_entry_racing_the_submit_is_in_the_timesheet_or_refused_once(api, app)


def _two_rollover_jobs_at_once_open_the_next_period_once_once(api, app) -> None:
    e = Engagement(api)
    first = e.period()
    e.fund(first["id"])
    travel(app, first["id"], 6)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def job() -> None:
        with app.app_context():
            barrier.wait()
            try:
                periods_service.run_due()
            except BaseException as exc:  # surfaced below
                errors.append(exc)

    threads = [threading.Thread(target=job) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    listed = e.periods()
    assert [p["sequence"] for p in listed] == [1, 2]
    assert listed[1]["status"] == "funded"
    ledger = e.ledger()
    assert ledger["balanced"] is True and ledger["held_cents"] == 60_000  # charged once


def test_two_rollover_jobs_at_once_open_the_next_period_once(api, app) -> None:
    for _ in range(ROUNDS):
        _two_rollover_jobs_at_once_open_the_next_period_once_once(api, app)
