from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import JSONList, created_at, uuid_pk
from marketplace.extensions import db

KINDS = ("secretaries", "missions")


class SavedSearch(db.Model):  # type: ignore[name-defined]
    """A search a user keeps: its kind, the search endpoint's filters, and whether to alert.

    `criteria` are the filters as the search endpoint takes them, validated by its schema
    when saved (dates as ISO strings), so the same criteria run the same search later.
    """

    __tablename__ = "saved_searches"

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    criteria: Mapped[dict[str, Any]] = mapped_column(JSONList, default=dict, nullable=False)
    alert: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)
    created_at: Mapped[datetime] = created_at()

    __table_args__ = (
        sa.CheckConstraint("kind IN ('secretaries', 'missions')", name="kind_known"),
        sa.Index("ix_saved_searches_user_created", "user_id", "created_at"),
        sa.Index("ix_saved_searches_kind_alert", "kind", "alert"),
    )
