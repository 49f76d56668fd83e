from __future__ import annotations

import enum
import uuid
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db import created_at, str_enum, uuid_pk
from marketplace.extensions import db
from marketplace.missions.models import Mission
from marketplace.workflow import Workflow


class ContractStatus(enum.StrEnum):
    AWAITING_FUNDING = "awaiting_funding"
    FUNDED = "funded"
    DELIVERED = "delivered"
    RELEASED = "released"
    CANCELLED = "cancelled"
    DISPUTED = "disputed"
    RESOLVED = "resolved"


class Contract(db.Model):  # type: ignore[name-defined]
    __tablename__ = "contracts"

    id: Mapped[uuid.UUID] = uuid_pk()
    mission_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("missions.id", ondelete="RESTRICT"), unique=True, nullable=False
    )
    bid_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("bids.id", ondelete="RESTRICT"), unique=True, nullable=False
    )
    business_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True, nullable=False
    )
    secretary_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True, nullable=False
    )
    status: Mapped[ContractStatus] = mapped_column(
        str_enum(ContractStatus, 20),
        default=ContractStatus.AWAITING_FUNDING,
        index=True,
        nullable=False,
    )
    amount_cents: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    # The commission rate is frozen when the contract is made.
    commission_basis_points: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    commission_cents: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    payout_cents: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    payment_provider: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    payment_intent_id: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    payment_error: Mapped[str | None] = mapped_column(sa.String(500), nullable=True)
    # Provider references (payments/escrow.py): the funding charge, the payout, the refund.
    charge_id: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    transfer_id: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    refund_id: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    dispute_reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    disputed_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), nullable=True
    )
    resolution_release_cents: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    resolution_refund_cents: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    resolution_note: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    created_at: Mapped[datetime] = created_at()
    funded_at: Mapped[datetime | None] = mapped_column(nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # The business approved; the release may wait for the secretary's payout account.
    approved_at: Mapped[datetime | None] = mapped_column(nullable=True)
    released_at: Mapped[datetime | None] = mapped_column(nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(nullable=True)
    disputed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # Set when the contract ends (released or resolved): reviews become public after it.
    review_deadline: Mapped[datetime | None] = mapped_column(nullable=True)

    mission: Mapped[Mission] = relationship()
    business: Mapped[User] = relationship(foreign_keys=[business_id])
    secretary: Mapped[User] = relationship(foreign_keys=[secretary_id])
    events: Mapped[list[ContractEvent]] = relationship(
        back_populates="contract", order_by="ContractEvent.at"
    )

    __table_args__ = (
        sa.CheckConstraint("amount_cents > 0", name="amount_positive"),
        sa.CheckConstraint(
            "commission_cents >= 0 AND payout_cents >= 0 "
            "AND commission_cents + payout_cents = amount_cents",
            name="split_adds_up",
        ),
    )

    def party_role(self, user_id: uuid.UUID) -> str | None:
        if user_id == self.business_id:
            return "business"
        if user_id == self.secretary_id:
            return "secretary"
        return None


class ContractEvent(db.Model):  # type: ignore[name-defined]
    """Audit trail: who moved the contract from which status to which, and when."""

    __tablename__ = "contract_events"

    id: Mapped[uuid.UUID] = uuid_pk()
    contract_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("contracts.id", ondelete="CASCADE"), index=True, nullable=False
    )
    actor_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    action: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    from_status: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    to_status: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    note: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    at: Mapped[datetime] = created_at()

    contract: Mapped[Contract] = relationship(back_populates="events")


S = ContractStatus

# The contract workflow (the services in `contracts/services.py` claim along it).
CONTRACT: Workflow[ContractStatus] = Workflow(
    model=Contract,
    entity=_l("le contrat"),
    transitions={
        "fund": {S.AWAITING_FUNDING: S.FUNDED},
        "deliver": {S.FUNDED: S.DELIVERED},
        "approve": {S.DELIVERED: S.RELEASED},
        # Approved while the secretary could not be paid: recorded, the money stays held.
        "approve_held": {S.DELIVERED: S.DELIVERED},
        "auto_release": {S.DELIVERED: S.RELEASED},
        # An approval recorded while the secretary could not be paid, released once she can.
        "release": {S.DELIVERED: S.RELEASED},
        # The business's bank opened a chargeback (Stripe `charge.dispute.created`).
        "bank_dispute": {S.FUNDED: S.DISPUTED, S.DELIVERED: S.DISPUTED},
        "cancel": {S.AWAITING_FUNDING: S.CANCELLED, S.FUNDED: S.CANCELLED},
        "dispute": {S.FUNDED: S.DISPUTED, S.DELIVERED: S.DISPUTED},
        "resolve": {S.DISPUTED: S.RESOLVED},
        "review": {S.RELEASED: S.RELEASED, S.RESOLVED: S.RESOLVED},
    },
    labels={
        S.AWAITING_FUNDING: _l("En attente de paiement"),
        S.FUNDED: _l("Payé, fonds en séquestre"),
        S.DELIVERED: _l("Travail livré"),
        S.RELEASED: _l("Terminé, fonds versés"),
        S.CANCELLED: _l("Annulé"),
        S.DISPUTED: _l("En litige"),
        S.RESOLVED: _l("Litige résolu"),
    },
    stamps={
        S.FUNDED: "funded_at",
        S.DELIVERED: "delivered_at",
        S.RELEASED: "released_at",
        S.CANCELLED: "cancelled_at",
        S.DISPUTED: "disputed_at",
        S.RESOLVED: "resolved_at",
    },
)
