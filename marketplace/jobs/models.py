"""The job outbox: the intent to do something later, written with the change that causes it.

A rolled-back change takes its job with it, so no e-mail goes out about something that did
not happen; a committed job stays until a runner marks it done (or failed for good).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import JSONList, UTCDateTime, created_at, utcnow, uuid_pk
from marketplace.extensions import db


class JobOutbox(db.Model):  # type: ignore[name-defined]
    """One job. `dedupe_key` is unique: enqueueing the same intent twice keeps one row.

    A row is pending while `done_at` and `failed_at` are both empty; `next_attempt_at` is
    when a runner may claim it next (a claim pushes it forward by a lease, a failure by the
    backoff). `payload` is JSON and never holds a secret: the handler looks secrets up.
    """

    __tablename__ = "job_outbox"

    id: Mapped[uuid.UUID] = uuid_pk()
    kind: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONList, nullable=False, default=dict)
    dedupe_key: Mapped[str] = mapped_column(sa.String(200), nullable=False, unique=True)
    created_at: Mapped[datetime] = created_at()
    attempts: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (
        # What the relay and the runners look for: pending rows, by when they are due.
        sa.Index(
            "ix_job_outbox_pending",
            "next_attempt_at",
            postgresql_where=sa.text("done_at IS NULL AND failed_at IS NULL"),
            sqlite_where=sa.text("done_at IS NULL AND failed_at IS NULL"),
        ),
        # The operator's failed-jobs page: the few rows that gave up, newest first.
        sa.Index(
            "ix_job_outbox_failed",
            "failed_at",
            postgresql_where=sa.text("failed_at IS NOT NULL"),
            sqlite_where=sa.text("failed_at IS NOT NULL"),
        ),
    )
