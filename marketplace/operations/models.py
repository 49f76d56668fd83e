"""What a reconciliation run found: the contracts whose ledger disagrees with itself or with the
payment provider's records (operations/reconcile.py)."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import UTCDateTime, created_at, uuid_pk
from marketplace.extensions import db


class ReconciliationRun(db.Model):  # type: ignore[name-defined]
    """One run of `flask payments reconcile` (or the operator's button). `finished_at` stays
    empty while it runs; a run that died leaves it empty and the next one may start after
    `reconcile.STALE_AFTER`."""

    __tablename__ = "reconciliation_runs"

    id: Mapped[uuid.UUID] = uuid_pk()
    started_at: Mapped[datetime] = created_at()
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    contracts_checked: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    provider_objects_checked: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    findings_count: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    # Why the provider could not be asked (unreachable): the run then only checked the ledger.
    provider_error: Mapped[str | None] = mapped_column(sa.String(500), nullable=True)

    findings: Mapped[list[ReconciliationFinding]] = relationship(
        back_populates="run", cascade="all, delete-orphan", passive_deletes=True
    )


class ReconciliationFinding(db.Model):  # type: ignore[name-defined]
    """One disagreement: `code` says which rule (reconcile.RULES), the amounts what each side
    says, `reference` the provider object or ledger transaction concerned."""

    __tablename__ = "reconciliation_findings"

    id: Mapped[uuid.UUID] = uuid_pk()
    run_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("reconciliation_runs.id", ondelete="CASCADE"), index=True, nullable=False
    )
    contract_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("contracts.id", ondelete="CASCADE"), index=True, nullable=False
    )
    part_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, nullable=True)
    code: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    reference: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    ledger_cents: Mapped[int | None] = mapped_column(sa.BigInteger, nullable=True)
    provider_cents: Mapped[int | None] = mapped_column(sa.BigInteger, nullable=True)
    detail: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")

    run: Mapped[ReconciliationRun] = relationship(back_populates="findings")
