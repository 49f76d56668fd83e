from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db import JSONList, created_at, str_enum, utcnow, uuid_pk
from marketplace.extensions import db


class LedgerKind(enum.StrEnum):
    FUNDING = "funding"  # the business pays into escrow
    RELEASE = "release"  # escrow to the secretary, minus the platform commission
    REFUND = "refund"  # escrow back to the business
    RESOLUTION = "resolution"  # a dispute split between the two
    # After a release: the secretary gives back part or all of what she was paid, the
    # platform its commission on it, to the business (credited by credit notes).
    CREDIT = "credit"


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
    # The part of the contract the money is for: a period of regular work or a milestone
    # (their own escrow, balanced on its own); None for a fixed contract paid at once.
    part_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, nullable=True)
    transaction_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, index=True, nullable=False)
    kind: Mapped[LedgerKind] = mapped_column(str_enum(LedgerKind, 12), nullable=False)
    account: Mapped[Account] = mapped_column(str_enum(Account, 12), nullable=False)
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    provider_reference: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    created_at: Mapped[datetime] = created_at()

    __table_args__ = (
        # Each kind of movement once per contract, or once per part of it.
        sa.Index(
            "uq_ledger_once_per_kind",
            "contract_id",
            "kind",
            "account",
            unique=True,
            postgresql_where=sa.text("part_id IS NULL"),
            sqlite_where=sa.text("part_id IS NULL"),
        ),
        sa.Index(
            "uq_ledger_once_per_kind_and_part",
            "part_id",
            "kind",
            "account",
            unique=True,
            postgresql_where=sa.text("part_id IS NOT NULL"),
            sqlite_where=sa.text("part_id IS NOT NULL"),
        ),
        sa.CheckConstraint("amount_cents <> 0", name="non_zero"),
        # The money totals (dashboards, contract views) sum a party's legs per contract and
        # account, and the dashboards list a party's latest movements (contracts.statements):
        # both read from this index alone (an append-only table stays all-visible), each
        # contract's legs newest first.
        sa.Index(
            "ix_ledger_entries_contract_account_date",
            "contract_id",
            "account",
            "created_at",
            postgresql_include=["kind", "amount_cents"],
        ),
        # The operator's money by month (operations/money.py) scans a range of dates and
        # sums by account: read from this index alone.
        sa.Index(
            "ix_ledger_entries_created_at",
            "created_at",
            postgresql_include=["account", "amount_cents", "transaction_id"],
        ),
    )


@event.listens_for(LedgerEntry, "before_update")
def _refuse_update(mapper: object, connection: object, target: LedgerEntry) -> None:
    raise RuntimeError("ledger entries are append-only")


@event.listens_for(LedgerEntry, "before_delete")
def _refuse_delete(mapper: object, connection: object, target: LedgerEntry) -> None:
    raise RuntimeError("ledger entries are append-only")


class PayoutAccount(db.Model):  # type: ignore[name-defined]
    """A secretary's payout account at the provider (Stripe: an Express connected account).

    `status_event_created` is the `created` time of the provider event the flags
    come from, so an older event delivered late never overwrites a newer state.
    """

    __tablename__ = "payout_accounts"

    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), primary_key=True
    )
    provider: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    account_id: Mapped[str] = mapped_column(sa.String(255), unique=True, nullable=False)
    payouts_enabled: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    details_submitted: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    status_event_created: Mapped[int] = mapped_column(sa.BigInteger, default=0, nullable=False)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, nullable=False)


class PaymentEvent(db.Model):  # type: ignore[name-defined]
    """A provider webhook event, recorded once by its id.

    The row and the effects of the event commit together; `processed_at` stays
    empty if handling failed half-way, so the provider's retry handles it again
    (every handler is idempotent) instead of being skipped as a duplicate.
    """

    __tablename__ = "payment_events"

    id: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    created: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    livemode: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    object_id: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    contract_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, index=True, nullable=True)
    # What was read from the event (amounts, codes, our French message); never card data.
    summary: Mapped[dict[str, Any]] = mapped_column(JSONList, default=dict, nullable=False)
    received_at: Mapped[datetime] = created_at()
    processed_at: Mapped[datetime | None] = mapped_column(nullable=True)


class BillingMandate(db.Model):  # type: ignore[name-defined]
    """A secretary's acceptance of one version of the billing mandate (mandat de
    facturation, CGI art. 289 I-2), under which the platform issues her invoices in her
    name. Kept as accepted: the version, its text's SHA-256, when, and the name she
    accepted under; a new version is a new row (`payments/mandate.py`)."""

    __tablename__ = "billing_mandates"

    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    text_sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    signer_name: Mapped[str] = mapped_column(sa.String(160), nullable=False)
    accepted_at: Mapped[datetime] = created_at()

    user: Mapped[User] = relationship()


class InvoiceKind(enum.StrEnum):
    SERVICE = "service"  # from the secretary to the business, for the work
    COMMISSION = "commission"  # from the platform to the secretary, for its commission
    # Credit notes (avoirs), each correcting one issued invoice of the kind above, by the
    # same issuer in the same numbering sequence.
    SERVICE_CREDIT = "service_credit"
    COMMISSION_CREDIT = "commission_credit"


CREDIT_NOTE_KINDS = (InvoiceKind.SERVICE_CREDIT, InvoiceKind.COMMISSION_CREDIT)


class InvoiceCounter(db.Model):  # type: ignore[name-defined]
    """The last number given by one issuer; locked (FOR UPDATE) while an invoice is numbered.

    The counter moves in the same transaction as the invoice it numbers, so a
    rollback gives the number back: the sequence has no gap.
    """

    __tablename__ = "invoice_counters"

    issuer_key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    last_sequence: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)


class Invoice(db.Model):  # type: ignore[name-defined]
    """An issued invoice: numbered, with the PDF and the data it was made from. Immutable."""

    __tablename__ = "invoices"

    id: Mapped[uuid.UUID] = uuid_pk()
    contract_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("contracts.id", ondelete="RESTRICT"), index=True, nullable=False
    )
    kind: Mapped[InvoiceKind] = mapped_column(str_enum(InvoiceKind, 20), nullable=False)
    # The period or milestone invoiced (None: the whole contract).
    part_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, nullable=True)
    # "secretary:<user id>" or "platform": whose numbering sequence this is.
    issuer_key: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    issuer_user_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), nullable=True
    )
    recipient_user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True, nullable=False
    )
    sequence: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    number: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    # A credit note: the invoice it corrects (issued by the same issuer, never changed).
    corrects_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("invoices.id", ondelete="RESTRICT"), index=True, nullable=True
    )
    issued_at: Mapped[datetime] = created_at()
    total_excl_tax_cents: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    vat_cents: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    total_cents: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSONList, nullable=False)
    # Deferred: lists of invoices never carry the PDF bytes; the download loads them.
    pdf: Mapped[bytes] = mapped_column(sa.LargeBinary, nullable=False, deferred=True)

    __table_args__ = (
        sa.UniqueConstraint("issuer_key", "sequence", name="uq_invoices_issuer_sequence"),
        sa.Index(
            "uq_invoices_contract_kind",
            "contract_id",
            "kind",
            unique=True,
            postgresql_where=sa.text("part_id IS NULL"),
            sqlite_where=sa.text("part_id IS NULL"),
        ),
        sa.Index(
            "uq_invoices_part_kind",
            "part_id",
            "kind",
            unique=True,
            postgresql_where=sa.text("part_id IS NOT NULL"),
            sqlite_where=sa.text("part_id IS NOT NULL"),
        ),
        sa.CheckConstraint("total_excl_tax_cents + vat_cents = total_cents", name="totals_add_up"),
    )

    @property
    def is_credit_note(self) -> bool:
        return self.kind in CREDIT_NOTE_KINDS


@event.listens_for(Invoice, "before_update")
def _refuse_invoice_update(mapper: object, connection: object, target: Invoice) -> None:
    raise RuntimeError("issued invoices are never changed")


@event.listens_for(Invoice, "before_delete")
def _refuse_invoice_delete(mapper: object, connection: object, target: Invoice) -> None:
    raise RuntimeError("issued invoices are never deleted")
