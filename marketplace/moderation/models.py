"""The moderation journal: every operator decision, who took it, on whom, and why."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db import created_at, str_enum, uuid_pk
from marketplace.extensions import db
from marketplace.missions.models import Mission


class ModerationKind(enum.StrEnum):
    SUSPEND_ACCOUNT = "suspend_account"
    RESTORE_ACCOUNT = "restore_account"
    CLOSE_MISSION = "close_mission"


class ModerationAction(db.Model):  # type: ignore[name-defined]
    """Append-only: a decision is never edited; a restore is a new row."""

    __tablename__ = "moderation_actions"

    id: Mapped[uuid.UUID] = uuid_pk()
    operator_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    kind: Mapped[ModerationKind] = mapped_column(str_enum(ModerationKind), nullable=False)
    # The account concerned (for a mission: its owner), and the mission if it is one.
    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    mission_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("missions.id", ondelete="CASCADE"), index=True, nullable=True
    )
    reason: Mapped[str] = mapped_column(sa.Text, nullable=False)
    created_at: Mapped[datetime] = created_at()

    operator: Mapped[User] = relationship(foreign_keys=[operator_id])
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    mission: Mapped[Mission | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "(kind = 'close_mission') = (mission_id IS NOT NULL)", name="mission_iff_close"
        ),
        sa.Index("ix_moderation_actions_created_at", "created_at"),
    )
