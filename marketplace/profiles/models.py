from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db import JSONList, utcnow
from marketplace.extensions import db


class PlaceMixin:
    """The place resolved offline from a French postal code."""

    postal_code: Mapped[str] = mapped_column(sa.String(5), nullable=False)
    country: Mapped[str] = mapped_column(sa.String(2), default="FR", nullable=False)
    city: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    department_code: Mapped[str] = mapped_column(sa.String(3), nullable=False)
    department: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    region: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    lat: Mapped[float] = mapped_column(sa.Float, nullable=False)
    lon: Mapped[float] = mapped_column(sa.Float, nullable=False)


class InvoicingMixin:
    """What an invoice names the party by besides the place: the street (the postal code
    and city come from the place) and the VAT regime: `vat_exempt` is the franchise en
    base (art. 293 B du CGI), otherwise she or it charges VAT under `vat_number`."""

    street_line1: Mapped[str] = mapped_column(sa.String(120), default="", nullable=False)
    street_line2: Mapped[str] = mapped_column(sa.String(120), default="", nullable=False)
    vat_exempt: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)
    vat_number: Mapped[str | None] = mapped_column(sa.String(13), nullable=True)


class SecretaryProfile(PlaceMixin, InvoicingMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "secretary_profiles"

    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    headline: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    bio: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    specialties: Mapped[list[str]] = mapped_column(JSONList, default=list, nullable=False)
    skills: Mapped[list[str]] = mapped_column(JSONList, default=list, nullable=False)
    hourly_rate_cents: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    # Surcharges on her hourly rate, each its own percentage: `surcharge_percent` is the
    # urgent one (its historical name), then evening (after 19:00) and weekend work.
    surcharge_percent: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    evening_surcharge_percent: Mapped[int] = mapped_column(
        sa.Integer, default=0, server_default="0", nullable=False
    )
    weekend_surcharge_percent: Mapped[int] = mapped_column(
        sa.Integer, default=0, server_default="0", nullable=False
    )
    remote: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)
    onsite_radius_km: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    languages: Mapped[list[str]] = mapped_column(JSONList, default=list, nullable=False)
    weekdays: Mapped[list[str]] = mapped_column(JSONList, default=list, nullable=False)
    hours_per_week: Mapped[int] = mapped_column(sa.Integer, default=35, nullable=False)
    available_from: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    # Her weekly time slots (marketplace/slots.py), e.g. Mon-Fri 08:00-12:00; [] when she has
    # not said. Matched against a recurring mission's `weekly_slots`.
    slots: Mapped[list[dict[str, str]]] = mapped_column(
        JSONList, default=list, server_default="[]", nullable=False
    )
    siret: Mapped[str | None] = mapped_column(sa.String(14), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, nullable=False)

    user: Mapped[User] = relationship()

    __table_args__ = (
        sa.CheckConstraint("hourly_rate_cents > 0", name="rate_positive"),
        sa.CheckConstraint("surcharge_percent BETWEEN 0 AND 100", name="surcharge_range"),
        sa.CheckConstraint(
            "evening_surcharge_percent BETWEEN 0 AND 100", name="evening_surcharge_range"
        ),
        sa.CheckConstraint(
            "weekend_surcharge_percent BETWEEN 0 AND 100", name="weekend_surcharge_range"
        ),
        sa.CheckConstraint("onsite_radius_km >= 0", name="radius_positive"),
    )


class BusinessProfile(PlaceMixin, InvoicingMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "business_profiles"

    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    company_name: Mapped[str] = mapped_column(sa.String(160), nullable=False)
    siret: Mapped[str | None] = mapped_column(sa.String(14), nullable=True)
    sector: Mapped[str] = mapped_column(sa.String(120), default="", nullable=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, nullable=False)

    user: Mapped[User] = relationship()
