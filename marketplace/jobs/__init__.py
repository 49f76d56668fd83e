"""Background jobs: the intent is committed with the change that causes it, then run once.

* `enqueue(kind, payload, key=...)` adds a `job_outbox` row to the current session, in the
  same transaction as the change (a rollback takes it away: nothing runs for what did not
  happen). The unique `key` makes enqueueing the same intent twice keep one row.
* After the commit the new ids are relayed (`relay.py`): with `JOBS_BROKER_URL` to Celery
  (task `marketplace.jobs.run_job`), without it to a thread of the web process
  (`JOBS_EMBEDDED=thread`, the default) or to nobody (`off`: `flask jobs run-pending`).
* `run_job(id)` (`runner.py`) claims the row, runs the handler registered with
  `@handler(kind)`, and marks it done: running it twice acts once. A failure retries with
  an exponential backoff, then the job is marked failed and listed for operators
  (`flask jobs status`, the operator dashboard).
* `relay_pending()` re-sends what is due and was never done (worker or broker down, a relay
  lost): a job is never lost, at worst late. Celery beat calls it every minute
  (`schedule.py`); the embedded thread sweeps as often.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.jobs.models import JobOutbox

Handler = Callable[[dict[str, Any]], None]
_handlers: dict[str, Handler] = {}
PENDING_IDS = "jobs_outbox_pending"  # session.info key: ids written by this transaction


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that runs jobs of this kind (one per kind)."""

    def register(fn: Handler) -> Handler:
        existing = _handlers.get(kind)
        if existing is not None and existing is not fn:
            raise ValueError(f"a handler for job kind {kind!r} is already registered")
        _handlers[kind] = fn
        return fn

    return register


def handler_for(kind: str) -> Handler | None:
    return _handlers.get(kind)


def enqueue(kind: str, payload: dict[str, Any], *, key: str | None = None) -> uuid.UUID | None:
    """Write the job in the current transaction; None when a job with this key exists already.

    `payload` must be JSON and hold no secret (tokens, passwords): rows are kept and shown
    to operators. Pass `key` to make the intent idempotent ("verify-email:<user id>:<n>").
    """
    if kind not in _handlers:
        raise ValueError(f"no handler registered for job kind {kind!r}")
    session = db.session
    job_id = uuid.uuid4()
    values = {
        "id": job_id,
        "kind": kind,
        "payload": payload,
        "dedupe_key": key or f"{kind}:{job_id}",
        "created_at": utcnow(),
        "attempts": 0,
        "next_attempt_at": utcnow(),
    }
    connection = session.connection()
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(JobOutbox)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(JobOutbox.id)
    )
    inserted = connection.execute(statement).scalar()
    if inserted is None:
        return None
    session.info.setdefault(PENDING_IDS, []).append(inserted)
    return inserted


def pending_count() -> int:
    return int(
        db.session.execute(
            sa.select(sa.func.count())
            .select_from(JobOutbox)
            .where(JobOutbox.done_at.is_(None), JobOutbox.failed_at.is_(None))
        ).scalar_one()
    )


def init_app(app: Flask) -> None:
    from marketplace.jobs import relay

    relay.init_app(app)
