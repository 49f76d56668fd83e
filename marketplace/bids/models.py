from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db import created_at, str_enum, uuid_pk
from marketplace.extensions import db
from marketplace.missions.models import Mission
from marketplace.workflow import Workflow


class BidStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


LIVE_BID_STATUSES = (BidStatus.PENDING, BidStatus.ACCEPTED)


class Bid(db.Model):  # type: ignore[name-defined]
    __tablename__ = "bids"

    id: Mapped[uuid.UUID] = uuid_pk()
    mission_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("missions.id", ondelete="CASCADE"), index=True, nullable=False
    )
    secretary_id: Mapped[uuid.UUID] = mapped_column(  # indexed with the date (__table_args__)
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    amount_cents: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    estimated_hours: Mapped[float | None] = mapped_column(sa.Float, nullable=True)
    # Hourly or recurring missions: the rate she asks, and for recurring work the hours of
    # one period; `amount_cents` is then what those hours come to (the cap of a period).
    hourly_rate_cents: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    hours_per_period: Mapped[float | None] = mapped_column(sa.Float, nullable=True)
    start_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    message: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    status: Mapped[BidStatus] = mapped_column(
        str_enum(BidStatus, 10), default=BidStatus.PENDING, nullable=False
    )
    created_at: Mapped[datetime] = created_at()
    decided_at: Mapped[datetime | None] = mapped_column(nullable=True)

    mission: Mapped[Mission] = relationship()
    secretary: Mapped[User] = relationship()
    # Fixed-price work split into milestones (none: paid at once).
    milestones: Mapped[list[BidMilestone]] = relationship(
        order_by="BidMilestone.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("amount_cents > 0", name="amount_positive"),
        sa.CheckConstraint(
            "hourly_rate_cents IS NULL OR hourly_rate_cents > 0", name="rate_positive"
        ),
        # One live bid per secretary per mission, enforced by the database itself.
        sa.Index(
            "uq_bids_one_live_per_secretary",
            "mission_id",
            "secretary_id",
            unique=True,
            postgresql_where=sa.text("status IN ('pending', 'accepted')"),
            sqlite_where=sa.text("status IN ('pending', 'accepted')"),
        ),
        # Her quotes newest first (her dashboard, `GET /api/v1/me/bids`).
        sa.Index("ix_bids_secretary_created", "secretary_id", "created_at"),
    )


class BidMilestone(db.Model):  # type: ignore[name-defined]
    """One step of a fixed-price quote: its title, its share of the amount, its due date.
    The contract made from the bid copies them (`contracts.milestones`)."""

    __tablename__ = "bid_milestones"

    id: Mapped[uuid.UUID] = uuid_pk()
    bid_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("bids.id", ondelete="CASCADE"), index=True, nullable=False
    )
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    title: Mapped[str] = mapped_column(sa.String(140), nullable=False)
    amount_cents: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    due_date: Mapped[date] = mapped_column(sa.Date, nullable=False)

    __table_args__ = (
        sa.UniqueConstraint("bid_id", "position", name="uq_bid_milestones_position"),
        sa.CheckConstraint("amount_cents > 0", name="amount_positive"),
    )


BID: Workflow[BidStatus] = Workflow(
    model=Bid,
    entity=_l("le devis"),
    transitions={
        "accept": {BidStatus.PENDING: BidStatus.ACCEPTED},
        "decline": {BidStatus.PENDING: BidStatus.DECLINED},
        "withdraw": {BidStatus.PENDING: BidStatus.WITHDRAWN},
    },
    labels={
        BidStatus.PENDING: _l("En attente de réponse"),
        BidStatus.ACCEPTED: _l("Accepté"),
        BidStatus.DECLINED: _l("Non retenu"),
        BidStatus.WITHDRAWN: _l("Retiré"),
    },
    stamps={
        BidStatus.ACCEPTED: "decided_at",
        BidStatus.DECLINED: "decided_at",
        BidStatus.WITHDRAWN: "decided_at",
    },
)
