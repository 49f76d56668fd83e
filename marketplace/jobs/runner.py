"""Running a job: claim it, run its handler, record the outcome. Twice acts once.

The claim is a conditional UPDATE on a pending, due row that pushes `next_attempt_at` a
lease ahead: a second `run_job` of the same id (a redelivery, the relay's re-send, two
workers) finds nothing to claim and returns. The handler runs in its own transaction and
`done_at` is written in it, so its database effects and "done" commit together; a handler
that only talks to the outside (SMTP) is at-least-once: if the process dies between the
send and the commit, the job runs again after the lease.

A failure records `last_error` and retries after `BACKOFF_BASE * 2**(attempts-1)` (capped);
after `MAX_ATTEMPTS` the job is failed for good (`failed_at`) and shown to operators.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.jobs.models import JobOutbox
from marketplace.jobs.outbox import PENDING_IDS
from marketplace.jobs.registry import handler_for

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=2)
LEASE = timedelta(minutes=10)  # a claimed job whose runner died is due again after this
RELAY_BATCH = 500


def backoff(attempts: int) -> timedelta:
    """Wait before the next try, after `attempts` failed tries (30 s, 1 min, 2 min, ...)."""
    return min(BACKOFF_MAX, BACKOFF_BASE * 2 ** min(20, max(0, attempts - 1)))


def _pending() -> sa.ColumnElement[bool]:
    return sa.and_(JobOutbox.done_at.is_(None), JobOutbox.failed_at.is_(None))


def run_job(job_id: uuid.UUID | str) -> str:
    """Run one job if it is pending and due. Returns what happened: done, retry, failed, skipped."""
    job_id = uuid.UUID(str(job_id))
    now = utcnow()
    claimed = db.session.execute(
        sa.update(JobOutbox)
        .where(JobOutbox.id == job_id, _pending(), JobOutbox.next_attempt_at <= now)
        .values(attempts=JobOutbox.attempts + 1, next_attempt_at=now + LEASE)
        .returning(JobOutbox.kind, JobOutbox.payload, JobOutbox.attempts)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    db.session.commit()
    if claimed is None:
        return "skipped"  # done, failed, claimed by another runner, or not due yet
    kind, payload, attempts = claimed
    handle = handler_for(kind)
    try:
        if handle is None:
            raise LookupError(f"no handler registered for job kind {kind!r}")
        handle(payload)
        db.session.execute(
            sa.update(JobOutbox)
            .where(JobOutbox.id == job_id)
            .values(done_at=utcnow(), last_error=None)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        return _record_failure(job_id, kind, attempts, exc)
    log.info("job %s (%s) done after %d attempt(s)", job_id, kind, attempts)
    return "done"


def _record_failure(job_id: uuid.UUID, kind: str, attempts: int, exc: Exception) -> str:
    # The exception's type and text only: handlers must not put secrets in their messages.
    message = f"{type(exc).__name__}: {exc}"[:1000]
    now = utcnow()
    final = attempts >= MAX_ATTEMPTS
    values: dict[str, object] = {"last_error": message}
    if final:
        values["failed_at"] = now
    else:
        values["next_attempt_at"] = now + backoff(attempts)
    db.session.execute(
        sa.update(JobOutbox)
        .where(JobOutbox.id == job_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if final:
        log.error(
            "job %s (%s) failed for good after %d attempts: %s", job_id, kind, attempts, message
        )
        return "failed"
    log.warning("job %s (%s) attempt %d failed, retrying: %s", job_id, kind, attempts, message)
    return "retry"


def due_ids(now: datetime | None = None, limit: int = RELAY_BATCH) -> list[uuid.UUID]:
    """Pending jobs that may run now, oldest first."""
    rows = db.session.execute(
        sa.select(JobOutbox.id)
        .where(_pending(), JobOutbox.next_attempt_at <= (now or utcnow()))
        .order_by(JobOutbox.next_attempt_at)
        .limit(limit)
    ).scalars()
    return list(rows)


def run_pending(limit: int = RELAY_BATCH) -> dict[str, int]:
    """Run every due job here and now (the embedded sweep, `flask jobs run-pending`)."""
    outcomes: dict[str, int] = {}
    for job_id in due_ids(limit=limit):
        outcome = run_job(job_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def failed_select() -> sa.Select[JobOutbox]:
    """Jobs that gave up, newest first (the operator's page pages through it)."""
    return (
        sa.select(JobOutbox)
        .where(JobOutbox.failed_at.is_not(None))
        .order_by(JobOutbox.failed_at.desc(), JobOutbox.id)
    )


def failed_jobs(limit: int = 50) -> list[JobOutbox]:
    """Jobs that gave up, newest first: what an operator must look at."""
    return list(db.session.execute(failed_select().limit(limit)).scalars())


def retry_failed(job_id: uuid.UUID) -> bool:
    """Give a failed job a fresh set of attempts (an operator fixed the cause)."""
    result: sa.CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
        sa.update(JobOutbox)
        .where(JobOutbox.id == job_id, JobOutbox.failed_at.is_not(None))
        .values(failed_at=None, attempts=0, next_attempt_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:
        return False
    db.session.info.setdefault(PENDING_IDS, []).append(job_id)  # relayed after the commit
    return True
