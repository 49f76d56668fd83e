from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db import JSONList, created_at, str_enum, utcnow, uuid_pk
from marketplace.extensions import db
from marketplace.profiles.models import PlaceMixin
from marketplace.workflow import Workflow


class MissionStatus(enum.StrEnum):
    OPEN = "open"  # taking bids
    HIRED = "hired"  # a bid was accepted: a contract exists
    CLOSED = "closed"  # withdrawn by its owner


class Pricing(enum.StrEnum):
    FIXED = "fixed"
    HOURLY = "hourly"


class Schedule(enum.StrEnum):
    ONE_OFF = "one_off"  # one piece of work
    RECURRING = "recurring"  # regular work, week after week or month after month


class PeriodUnit(enum.StrEnum):
    """How long one period of regular work lasts: never more than a month, so money held in
    escrow for a period never waits near the provider's limit for held funds (90 days)."""

    WEEK = "week"
    MONTH = "month"


class Mission(PlaceMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "missions"

    id: Mapped[uuid.UUID] = uuid_pk()
    business_id: Mapped[uuid.UUID] = mapped_column(  # indexed with the date (__table_args__)
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    title: Mapped[str] = mapped_column(sa.String(140), nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False)
    specialty: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    skills: Mapped[list[str]] = mapped_column(JSONList, default=list, nullable=False)
    pricing: Mapped[Pricing] = mapped_column(str_enum(Pricing, 10), nullable=False)
    # The total the business expects to pay, whatever the pricing; for hourly
    # missions budget / estimated_hours is the hourly rate it has in mind.
    budget_cents: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    estimated_hours: Mapped[float | None] = mapped_column(sa.Float, nullable=True)
    remote_ok: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)
    start_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    end_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    urgent: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    # Regular work (`schedule` recurring): hours per period, the period, the weekly time
    # slots ([{"day": "mon", "start": "08:00", "end": "12:00"}]) and the notice either side
    # gives to end it. For a recurring mission `budget_cents` is the budget of one period.
    schedule: Mapped[Schedule] = mapped_column(
        str_enum(Schedule, 10), default=Schedule.ONE_OFF, nullable=False
    )
    period: Mapped[PeriodUnit | None] = mapped_column(str_enum(PeriodUnit, 8), nullable=True)
    hours_per_period: Mapped[float | None] = mapped_column(sa.Float, nullable=True)
    weekly_slots: Mapped[list[dict[str, str]]] = mapped_column(
        JSONList, default=list, nullable=False
    )
    notice_days: Mapped[int] = mapped_column(sa.Integer, default=7, nullable=False)
    confidential: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    status: Mapped[MissionStatus] = mapped_column(
        str_enum(MissionStatus, 10), default=MissionStatus.OPEN, index=True, nullable=False
    )
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, nullable=False)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)

    business: Mapped[User] = relationship()

    __table_args__ = (
        sa.CheckConstraint("budget_cents > 0", name="budget_positive"),
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_ordered"),
        sa.CheckConstraint(
            "schedule = 'one_off' OR (period IS NOT NULL AND hours_per_period > 0)",
            name="recurring_has_period",
        ),
        sa.CheckConstraint("notice_days BETWEEN 0 AND 90", name="notice_range"),
        # A business's missions newest first (its dashboard, its list).
        sa.Index("ix_missions_business_created", "business_id", "created_at", "id"),
    )


class Invitation(db.Model):  # type: ignore[name-defined]
    """The business asks a secretary to bid on its mission."""

    __tablename__ = "invitations"

    id: Mapped[uuid.UUID] = uuid_pk()
    mission_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("missions.id", ondelete="CASCADE"), nullable=False
    )
    secretary_id: Mapped[uuid.UUID] = mapped_column(  # indexed with the date (__table_args__)
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    message: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    created_at: Mapped[datetime] = created_at()

    mission: Mapped[Mission] = relationship()
    secretary: Mapped[User] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("mission_id", "secretary_id", name="uq_invitation_once"),
        # Her invitations newest first (her dashboard).
        sa.Index("ix_invitations_secretary_created", "secretary_id", "created_at"),
    )


class NdaAcceptance(db.Model):  # type: ignore[name-defined]
    """A secretary accepted the confidentiality agreement of a confidential mission."""

    __tablename__ = "nda_acceptances"

    id: Mapped[uuid.UUID] = uuid_pk()
    mission_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("missions.id", ondelete="CASCADE"), nullable=False
    )
    secretary_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    # Who accepted (her name then) and the SHA-256 of the agreement's PDF she accepted
    # (`NdaDocument`); empty for acceptances recorded before the agreement was a document.
    name: Mapped[str] = mapped_column(sa.String(300), default="", server_default="", nullable=False)
    sha256: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    accepted_at: Mapped[datetime] = created_at()

    __table_args__ = (sa.UniqueConstraint("mission_id", "secretary_id", name="uq_nda_once"),)


class NdaDocument(db.Model):  # type: ignore[name-defined]
    """A confidential mission's confidentiality agreement as a PDF (`missions.nda`), stored
    once per content: editing the mission's title or the business's name makes a new
    version, and an acceptance names the SHA-256 of the one accepted."""

    __tablename__ = "nda_documents"

    id: Mapped[uuid.UUID] = uuid_pk()
    mission_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("missions.id", ondelete="CASCADE"), index=True, nullable=False
    )
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    pdf: Mapped[bytes] = mapped_column(sa.LargeBinary, nullable=False)
    created_at: Mapped[datetime] = created_at()

    __table_args__ = (
        sa.UniqueConstraint("mission_id", "sha256", name="uq_nda_documents_content"),
        sa.UniqueConstraint("mission_id", "version", name="uq_nda_documents_version"),
    )


# The mission workflow: "update" and "invite" keep it open; "hire" happens when a bid is
# accepted (marketplace.contracts.hiring), "close" when its owner or moderation closes it.
MISSION: Workflow[MissionStatus] = Workflow(
    model=Mission,
    entity=_l("la mission"),
    transitions={
        "update": {MissionStatus.OPEN: MissionStatus.OPEN},
        "invite": {MissionStatus.OPEN: MissionStatus.OPEN},
        "bid": {MissionStatus.OPEN: MissionStatus.OPEN},
        "hire": {MissionStatus.OPEN: MissionStatus.HIRED},
        "close": {MissionStatus.OPEN: MissionStatus.CLOSED},
    },
    labels={
        MissionStatus.OPEN: _l("Ouverte"),
        MissionStatus.HIRED: _l("Attribuée"),
        MissionStatus.CLOSED: _l("Fermée"),
    },
    stamps={MissionStatus.HIRED: "closed_at", MissionStatus.CLOSED: "closed_at"},
)
