from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import utcnow
from marketplace.extensions import db


class TaxProfile(db.Model):  # type: ignore[name-defined]
    """What DAC7 needs about a secretary (a reportable seller), and no more: her legal
    name and main address, her date of birth or her SIREN, her tax identification number
    and the IBAN her payouts go to (reported in full, shown masked)."""

    __tablename__ = "tax_profiles"

    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    legal_name: Mapped[str] = mapped_column(sa.String(160), nullable=False)
    street_line1: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    street_line2: Mapped[str] = mapped_column(sa.String(120), default="", nullable=False)
    postal_code: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    city: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    country: Mapped[str] = mapped_column(sa.String(2), default="FR", nullable=False)
    birth_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    siren: Mapped[str | None] = mapped_column(sa.String(9), nullable=True)
    tin: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    iban: Mapped[str] = mapped_column(sa.String(34), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, nullable=False)

    __table_args__ = (
        sa.CheckConstraint("birth_date IS NOT NULL OR siren IS NOT NULL", name="birth_or_siren"),
    )
