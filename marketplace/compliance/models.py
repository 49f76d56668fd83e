from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import created_at, uuid_pk
from marketplace.extensions import db


class VigilanceDocument(db.Model):  # type: ignore[name-defined]
    """An URSSAF attestation de vigilance a secretary uploaded (Code du travail D8222-5):
    the file (in the storage), its issue date, the security code that lets the business
    check it on urssaf.fr, and the date it stops counting (six months after issue)."""

    __tablename__ = "vigilance_documents"

    id: Mapped[uuid.UUID] = uuid_pk()
    secretary_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    issued_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    expires_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    security_code: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    filename: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    size_bytes: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    storage_key: Mapped[str] = mapped_column(sa.String(512), unique=True, nullable=False)
    created_at: Mapped[datetime] = created_at()
