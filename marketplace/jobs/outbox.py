"""Writing jobs: a row in the current transaction, its id noted for the relay after commit."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.jobs.models import JobOutbox
from marketplace.jobs.registry import handler_for

PENDING_IDS = "jobs_outbox_pending"  # session.info key: ids written by this transaction


def enqueue(
    kind: str,
    payload: dict[str, Any],
    *,
    key: str | None = None,
    delay: timedelta | None = None,
) -> uuid.UUID | None:
    """Write the job in the current transaction; None when a job with this key exists already.

    `payload` must be JSON and hold no secret (tokens, passwords): rows are kept and shown
    to operators. Pass `key` to make the intent idempotent ("verify-email:<user id>:<n>").
    With a `delay`, the job is not run before then: it is left to the sweep (beat's
    `relay_pending` every minute, the embedded runner's every 30 s), not relayed at commit.
    """
    if handler_for(kind) is None:
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
        "next_attempt_at": utcnow() + (delay or timedelta(0)),
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
    if delay:
        return inserted
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
