from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db import created_at, uuid_pk
from marketplace.extensions import db


class Review(db.Model):  # type: ignore[name-defined]
    __tablename__ = "reviews"

    id: Mapped[uuid.UUID] = uuid_pk()
    contract_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("contracts.id", ondelete="CASCADE"), index=True, nullable=False
    )
    author_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    subject_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    # 0: the review at the end of the contract. 1, 2, ...: the interim reviews of a long
    # recurring contract, one per three months of work (`contracts.periods.review_round`).
    round: Mapped[int] = mapped_column(
        sa.SmallInteger, default=0, server_default="0", nullable=False
    )
    rating: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)
    comment: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    created_at: Mapped[datetime] = created_at()
    # Set when both parties have rated, or by `payments release-due` once the window closed.
    published_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # The end of the contract's review window, copied when the review is written: past it
    # the review is public even if the other party never rated.
    publish_after: Mapped[datetime | None] = mapped_column(nullable=True)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    subject: Mapped[User] = relationship(foreign_keys=[subject_id])

    __table_args__ = (
        sa.UniqueConstraint(
            "contract_id", "author_id", "round", name="uq_review_once_per_party_and_round"
        ),
        sa.CheckConstraint("round >= 0", name="round_positive"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )
