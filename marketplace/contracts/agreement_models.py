"""The written service agreement of a contract and each party's acceptance of it
(`contracts.agreement` makes and accepts them)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import JSONList, created_at, uuid_pk
from marketplace.extensions import db


class ContractAgreement(db.Model):  # type: ignore[name-defined]
    """The agreement PDF as generated, with its SHA-256 and the facts it was written from.
    Never changed once written (PostgreSQL refuses an UPDATE); a new version would be a
    new row."""

    __tablename__ = "contract_agreements"

    id: Mapped[uuid.UUID] = uuid_pk()
    contract_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("contracts.id", ondelete="RESTRICT"), index=True, nullable=False
    )
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    pdf: Mapped[bytes] = mapped_column(sa.LargeBinary, nullable=False)
    facts: Mapped[dict[str, Any]] = mapped_column(JSONList, nullable=False)
    created_at: Mapped[datetime] = created_at()

    acceptances: Mapped[list[AgreementAcceptance]] = relationship(
        order_by="AgreementAcceptance.accepted_at"
    )

    __table_args__ = (
        sa.UniqueConstraint("contract_id", "version", name="uq_contract_agreements_version"),
    )


class AgreementAcceptance(db.Model):  # type: ignore[name-defined]
    """One party accepted one version of the agreement: who (the name as it was then),
    when, and the SHA-256 of the document accepted."""

    __tablename__ = "agreement_acceptances"

    id: Mapped[uuid.UUID] = uuid_pk()
    agreement_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("contract_agreements.id", ondelete="RESTRICT"), index=True, nullable=False
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), nullable=False
    )
    role: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    name: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    accepted_at: Mapped[datetime] = created_at()

    __table_args__ = (
        sa.UniqueConstraint("agreement_id", "role", name="uq_agreement_acceptance_once"),
    )
