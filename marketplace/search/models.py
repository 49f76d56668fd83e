"""The search outbox: which documents to bring up to date, written with the change itself."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import created_at
from marketplace.extensions import db


class SearchOutbox(db.Model):  # type: ignore[name-defined]
    """One row per changed secretary or mission, inserted in the same transaction as the change.

    A rolled-back change takes its row with it; a committed one keeps it until the index
    has the new version (the row is then deleted). `attempts` and `last_error` tell an
    operator why rows are waiting (Elasticsearch down, a refused document).
    """

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    entity: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    entity_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, nullable=False)
    created_at: Mapped[datetime] = created_at()
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    last_error: Mapped[str | None] = mapped_column(sa.Text, nullable=True)

    __table_args__ = (
        sa.CheckConstraint("entity IN ('secretary', 'mission')", name="entity_known"),
    )


class SearchEmbedding(db.Model):  # type: ignore[name-defined]
    """A text's sentence embedding, computed once (`embeddings.py`): keyed by the SHA-256 of
    the model's name and the text, so a changed text simply has another key and nothing is
    ever stale. Reindexing and the embedded backend's start read vectors from here instead
    of encoding every profile again (350 texts per second per core)."""

    __tablename__ = "search_embeddings"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    vector: Mapped[bytes] = mapped_column(sa.LargeBinary, nullable=False)
    created_at: Mapped[datetime] = created_at()
