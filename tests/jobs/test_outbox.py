"""The job outbox on the test's own connection: rollback, run once, retries, failure."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import Result
from flask import Flask

from marketplace import jobs
from marketplace.extensions import db
from marketplace.jobs import runner
from marketplace.jobs.models import JobOutbox

calls: list[dict[str, Any]] = []


@jobs.handler("test_record")
def _record(payload: dict[str, Any]) -> None:
    calls.append(payload)


@jobs.handler("test_fail")
def _fail(payload: dict[str, Any]) -> None:
    raise RuntimeError(f"refused {payload['n']}")


@pytest.fixture(autouse=True)
def _calls() -> Iterator[None]:
    calls.clear()
    yield
    calls.clear()


def _make_due(job_id: uuid.UUID) -> None:
    """As if the backoff had passed."""
    db.session.execute(
        sa.update(JobOutbox)
        .where(JobOutbox.id == job_id)
        .values(next_attempt_at=sa.func.now() - sa.text("interval '1 second'"))
    )
    db.session.commit()


def test_job_enqueued_in_a_rolled_back_transaction_never_runs(app: Flask) -> None:
    with app.app_context():
        jobs.enqueue("test_record", {"n": 1})
        db.session.rollback()
        assert runner.run_pending() == {}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(JobOutbox)) == 0
    assert calls == []


def test_committed_job_runs_once_even_if_run_twice(app: Flask) -> None:
    with app.app_context():
        job_id = jobs.enqueue("test_record", {"n": 2})
        db.session.commit()
        assert job_id is not None
        assert runner.run_job(job_id) == "done"
        assert runner.run_job(job_id) == "skipped"
        assert runner.run_pending() == {}
        job = db.session.get(JobOutbox, job_id)
        assert job is not None and job.done_at is not None and job.attempts == 1
    assert calls == [{"n": 2}]


def test_same_key_enqueues_one_job(app: Flask) -> None:
    with app.app_context():
        first = jobs.enqueue("test_record", {"n": 3}, key="welcome:someone")
        second = jobs.enqueue("test_record", {"n": 3}, key="welcome:someone")
        db.session.commit()
        assert first is not None and second is None
        assert runner.run_pending() == {"done": 1}
    assert calls == [{"n": 3}]


def test_unknown_kind_is_refused_when_enqueued(app: Flask) -> None:
    with app.app_context(), pytest.raises(ValueError, match="no handler"):
        jobs.enqueue("no_such_kind", {})


def test_failing_job_retries_with_backoff_then_fails_and_is_listed(app: Flask) -> None:
    with app.app_context():
        job_id = jobs.enqueue("test_fail", {"n": 7})
        db.session.commit()
        assert job_id is not None
        assert runner.run_job(job_id) == "retry"
        job = db.session.get(JobOutbox, job_id)
        assert job is not None
        assert job.last_error == "RuntimeError: refused 7"
        wait = job.next_attempt_at - job.created_at
        assert runner.backoff(1).total_seconds() - 5 <= wait.total_seconds()
        # Not due yet: a second runner does nothing.
        assert runner.run_job(job_id) == "skipped"
        for _attempt in range(2, runner.MAX_ATTEMPTS):
            _make_due(job_id)
            assert runner.run_job(job_id) == "retry"
        _make_due(job_id)
        assert runner.run_job(job_id) == "failed"
        _make_due(job_id)
        assert runner.run_job(job_id) == "skipped"
        db.session.expire_all()
        failed = runner.failed_jobs()
        assert [j.id for j in failed] == [job_id]
        assert failed[0].attempts == runner.MAX_ATTEMPTS

        result: Result = app.test_cli_runner().invoke(args=["jobs", "status"])
        assert result.exit_code == 1
        assert "failed: 1" in result.output
        assert str(job_id) in result.output and "refused 7" in result.output

        assert runner.retry_failed(job_id)
        db.session.commit()
        assert runner.failed_jobs() == []


def test_backoff_doubles_and_is_capped() -> None:
    assert [runner.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert runner.backoff(50) == runner.BACKOFF_MAX


def test_status_command_without_failures_exits_zero(app: Flask) -> None:
    with app.app_context():
        jobs.enqueue("test_record", {"n": 4})
        db.session.commit()
        result = app.test_cli_runner().invoke(args=["jobs", "status"])
    assert result.exit_code == 0, result.output
    assert "pending: 1" in result.output and "failed: 0" in result.output


def test_a_delayed_job_waits_for_its_time_then_runs_once(app: Flask) -> None:
    with app.app_context():
        job_id = jobs.enqueue("test_record", {"n": 7}, delay=timedelta(minutes=5))
        db.session.commit()
        assert job_id is not None
        assert runner.run_pending() == {}  # not due: the sweep leaves it
        assert runner.run_job(job_id) == "skipped"  # nor does a relayed copy run it early
        assert calls == []
        _make_due(job_id)
        assert runner.run_pending() == {"done": 1}
        assert runner.run_pending() == {}
    assert calls == [{"n": 7}]
