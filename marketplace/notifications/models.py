from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import JSONList, created_at, uuid_pk
from marketplace.extensions import db


class Notification(db.Model):  # type: ignore[name-defined]
    """Something a user is told about, in the site (and by e-mail, per her settings).

    `params` are the facts the sentence is made from (names, titles, amounts as
    written), so it is rendered in the reader's language when read. A notification
    with a `dedupe_key` is written once (e.g. one `auto_release_soon` per contract).
    """

    __tablename__ = "notifications"

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    subject_type: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    subject_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, nullable=False)
    url: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    params: Mapped[dict[str, Any]] = mapped_column(JSONList, default=dict, nullable=False)
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)
    created_at: Mapped[datetime] = created_at()
    read_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # When it went out by e-mail (at once or in a digest); None while it waits or never will.
    emailed_at: Mapped[datetime | None] = mapped_column(nullable=True)

    __table_args__ = (
        sa.Index("ix_notifications_user_created", "user_id", "created_at"),
        sa.UniqueConstraint("user_id", "dedupe_key", name="uq_notifications_once"),
    )


class NotificationSetting(db.Model):  # type: ignore[name-defined]
    """A user's e-mail choice for one kind; absent means the kind's default."""

    __tablename__ = "notification_settings"

    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    mode: Mapped[str] = mapped_column(sa.String(10), nullable=False)

    __table_args__ = (
        sa.CheckConstraint("mode IN ('immediate', 'daily', 'off')", name="mode_known"),
    )
