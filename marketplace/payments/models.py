from __future__ import annotations

import enum
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import created_at, str_enum, uuid_pk
from marketplace.extensions import db


class LedgerKind(enum.StrEnum):
    FUNDING = "funding"  # the business pays into escrow
    RELEASE = "release"  # escrow to the secretary, minus the platform commission
    REFUND = "refund"  # escrow back to the business
    RESOLUTION = "resolution"  # a dispute split between the two


class Account(enum.StrEnum):
    BUSINESS = "business"  # the business's payment method (negative: money it paid in)
    ESCROW = "escrow"  # held by the platform for the contract
    SECRETARY = "secretary"  # paid out to the secretary
    PLATFORM = "platform"  # the platform's commission


class LedgerEntry(db.Model):  # type: ignore[name-defined]
    """One leg of a money movement. Append-only: never updated, never deleted.

    The legs of one movement share `transaction_id` and sum to zero. Each kind
    of movement happens at most once per contract (unique constraint), so a
    retried or concurrent request can never move the money twice.
    """

    __tablename__ = "ledger_entries"

    id: Mapped[uuid.UUID] = uuid_pk()
    contract_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("contracts.id", ondelete="RESTRICT"), index=True, nullable=False
    )
    transaction_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, index=True, nullable=False)
    kind: Mapped[LedgerKind] = mapped_column(str_enum(LedgerKind, 12), nullable=False)
    account: Mapped[Account] = mapped_column(str_enum(Account, 12), nullable=False)
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    provider_reference: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    created_at: Mapped[datetime] = created_at()

    __table_args__ = (
        sa.UniqueConstraint("contract_id", "kind", "account", name="uq_ledger_once_per_kind"),
        sa.CheckConstraint("amount_cents <> 0", name="non_zero"),
    )


@event.listens_for(LedgerEntry, "before_update")
def _refuse_update(mapper: object, connection: object, target: LedgerEntry) -> None:
    raise RuntimeError("ledger entries are append-only")


@event.listens_for(LedgerEntry, "before_delete")
def _refuse_delete(mapper: object, connection: object, target: LedgerEntry) -> None:
    raise RuntimeError("ledger entries are append-only")
