from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db import created_at, str_enum, utcnow, uuid_pk
from marketplace.extensions import db
from marketplace.missions.models import Mission, PeriodUnit
from marketplace.workflow import Workflow


class ContractStatus(enum.StrEnum):
    AWAITING_FUNDING = "awaiting_funding"
    FUNDED = "funded"
    DELIVERED = "delivered"
    RELEASED = "released"
    CANCELLED = "cancelled"
    DISPUTED = "disputed"
    RESOLVED = "resolved"
    # Regular work (hourly and recurring contracts): the work goes on period after period.
    ACTIVE = "active"  # a period is funded or being approved
    PAUSED = "paused"  # a period's charge failed: nothing new is funded until it is paid
    ENDED = "ended"  # the last period closed after the notice


class ContractKind(enum.StrEnum):
    FIXED = "fixed"  # one amount, funded, delivered and approved once
    HOURLY = "hourly"  # one-off work paid by the hour: one period, capped at the hours agreed
    RECURRING = "recurring"  # regular work: a period each week or month until either side ends it


class Contract(db.Model):  # type: ignore[name-defined]
    __tablename__ = "contracts"

    id: Mapped[uuid.UUID] = uuid_pk()
    mission_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("missions.id", ondelete="RESTRICT"), unique=True, nullable=False
    )
    bid_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("bids.id", ondelete="RESTRICT"), unique=True, nullable=False
    )
    # Indexed with the date (__table_args__): a party's contracts newest first.
    business_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), nullable=False
    )
    secretary_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), nullable=False
    )
    status: Mapped[ContractStatus] = mapped_column(
        str_enum(ContractStatus, 20),
        default=ContractStatus.AWAITING_FUNDING,
        index=True,
        nullable=False,
    )
    kind: Mapped[ContractKind] = mapped_column(
        str_enum(ContractKind, 10), default=ContractKind.FIXED, nullable=False
    )
    # Fixed: the price. Hourly and recurring: what one full period's capped hours come to at
    # the normal rate (what a period funds), with its commission and payout.
    amount_cents: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    # Hourly and recurring contracts: the terms frozen from the accepted bid and her profile.
    hourly_rate_cents: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    cap_minutes_per_period: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    period: Mapped[PeriodUnit | None] = mapped_column(str_enum(PeriodUnit, 8), nullable=True)
    notice_days: Mapped[int] = mapped_column(sa.Integer, default=7, nullable=False)
    urgent_surcharge_percent: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    evening_surcharge_percent: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    weekend_surcharge_percent: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    starts_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    # Set when a party ends the contract: the last day of work (after the notice).
    ends_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    end_requested_at: Mapped[datetime | None] = mapped_column(nullable=True)
    ended_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), nullable=True
    )
    end_reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # The payment method the business saved with the provider for the next periods
    # (Stripe: a Customer and its PaymentMethod, charged off-session).
    payment_customer_id: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    payment_method_id: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    # Fixed-price work paid milestone by milestone (`contracts.milestones`): each has its
    # own escrow; the contract is funded with its first and released with its last.
    by_milestones: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false(), nullable=False
    )
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
    periods: Mapped[list[ContractPeriod]] = relationship(
        back_populates="contract", order_by="ContractPeriod.sequence"
    )

    milestones: Mapped[list[ContractMilestone]] = relationship(
        back_populates="contract", order_by="ContractMilestone.position"
    )

    @property
    def is_regular(self) -> bool:
        """Hourly or recurring: paid period by period for the time logged."""
        return self.kind is not ContractKind.FIXED

    @property
    def life_total_cents(self) -> int:
        """What the contract adds up to over its life: its price, or for regular work every
        period it has (closed ones for what they came to, open ones for their cap)."""
        if not self.is_regular:
            return self.amount_cents
        closed = (PeriodStatus.APPROVED, PeriodStatus.RESOLVED)
        return sum(
            p.approved_cents if p.status in closed else p.cap_cents
            for p in self.periods
            if p.status is not PeriodStatus.CANCELLED
        )

    __table_args__ = (
        sa.CheckConstraint("amount_cents > 0", name="amount_positive"),
        sa.CheckConstraint(
            "commission_cents >= 0 AND payout_cents >= 0 "
            "AND commission_cents + payout_cents = amount_cents",
            name="split_adds_up",
        ),
        # A party's contracts newest first (the dashboards' latest, the lists' pages): the
        # first rows of the index, then their missions and parties, not a sort of the
        # whole history joined to them.
        sa.Index("ix_contracts_business_created", "business_id", "created_at", "id"),
        sa.Index("ix_contracts_secretary_created", "secretary_id", "created_at", "id"),
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


class PeriodStatus(enum.StrEnum):
    AWAITING_FUNDING = "awaiting_funding"
    FUNDED = "funded"  # money held: she logs her time
    SUBMITTED = "submitted"  # her timesheet waits for the business's approval
    APPROVED = "approved"  # released for the approved amount, the rest refunded
    DISPUTED = "disputed"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"  # never funded: the contract ended or was cancelled before it


class ContractPeriod(db.Model):  # type: ignore[name-defined]
    """One week or month of an hourly or recurring contract, with its own escrow.

    Funded before it starts (up to its cap), released on approval for the approved
    time, what was funded and not used refunded when it closes. Its money movements are
    ledger rows with `part_id` = this period's id; they balance on their own.
    """

    __tablename__ = "contract_periods"

    id: Mapped[uuid.UUID] = uuid_pk()
    contract_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("contracts.id", ondelete="RESTRICT"), index=True, nullable=False
    )
    sequence: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    starts_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    status: Mapped[PeriodStatus] = mapped_column(
        str_enum(PeriodStatus, 20),
        default=PeriodStatus.AWAITING_FUNDING,
        index=True,
        nullable=False,
    )
    cap_minutes: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    cap_cents: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    funded_cents: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    approved_cents: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    commission_cents: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    released_cents: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    refunded_cents: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    payment_intent_id: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    charge_id: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    payment_error: Mapped[str | None] = mapped_column(sa.String(500), nullable=True)
    transfer_id: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    refund_id: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    dispute_reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    resolution_note: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    auto_approved: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    created_at: Mapped[datetime] = created_at()
    funded_at: Mapped[datetime | None] = mapped_column(nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(nullable=True)
    disputed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(nullable=True)

    contract: Mapped[Contract] = relationship(back_populates="periods")

    __table_args__ = (
        sa.UniqueConstraint("contract_id", "sequence", name="uq_contract_periods_sequence"),
        # Two rollover jobs at once cannot both open the same period.
        sa.UniqueConstraint("contract_id", "starts_on", name="uq_contract_periods_start"),
        sa.CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
        sa.CheckConstraint("cap_minutes >= 0 AND cap_cents >= 0", name="cap_positive"),
        sa.CheckConstraint(
            "approved_cents <= funded_cents AND released_cents + refunded_cents <= funded_cents",
            name="within_funded",
        ),
    )


class MilestoneStatus(enum.StrEnum):
    AWAITING_FUNDING = "awaiting_funding"
    FUNDED = "funded"
    DELIVERED = "delivered"
    RELEASED = "released"
    CANCELLED = "cancelled"
    DISPUTED = "disputed"  # frozen by a dispute on the contract
    RESOLVED = "resolved"


class ContractMilestone(db.Model):  # type: ignore[name-defined]
    """One milestone of a fixed-price contract, with its own escrow: funded, delivered and
    approved on its own. Its money movements are ledger rows with `part_id` = its id; they
    balance on their own."""

    __tablename__ = "contract_milestones"

    id: Mapped[uuid.UUID] = uuid_pk()
    contract_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("contracts.id", ondelete="RESTRICT"), index=True, nullable=False
    )
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    title: Mapped[str] = mapped_column(sa.String(140), nullable=False)
    amount_cents: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    # Frozen when the contract is made (the contract's rate on this amount).
    commission_cents: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    payout_cents: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    due_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    status: Mapped[MilestoneStatus] = mapped_column(
        str_enum(MilestoneStatus, 20),
        default=MilestoneStatus.AWAITING_FUNDING,
        index=True,
        nullable=False,
    )
    payment_intent_id: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    charge_id: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    payment_error: Mapped[str | None] = mapped_column(sa.String(500), nullable=True)
    transfer_id: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    refund_id: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    # What a dispute's resolution gave this milestone (the rest of what it held refunded).
    resolution_release_cents: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    resolution_refund_cents: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    created_at: Mapped[datetime] = created_at()
    funded_at: Mapped[datetime | None] = mapped_column(nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(nullable=True)
    released_at: Mapped[datetime | None] = mapped_column(nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(nullable=True)
    disputed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(nullable=True)

    contract: Mapped[Contract] = relationship(back_populates="milestones")

    __table_args__ = (
        sa.UniqueConstraint("contract_id", "position", name="uq_contract_milestones_position"),
        sa.CheckConstraint("amount_cents > 0", name="amount_positive"),
        sa.CheckConstraint(
            "commission_cents >= 0 AND payout_cents >= 0 "
            "AND commission_cents + payout_cents = amount_cents",
            name="split_adds_up",
        ),
    )


class RateKind(enum.StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"
    EVENING = "evening"
    WEEKEND = "weekend"


class TimeEntry(db.Model):  # type: ignore[name-defined]
    """Time the secretary logged in a funded period, priced when logged (rate and surcharge
    frozen on the contract)."""

    __tablename__ = "time_entries"

    id: Mapped[uuid.UUID] = uuid_pk()
    contract_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("contracts.id", ondelete="RESTRICT"), index=True, nullable=False
    )
    period_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("contract_periods.id", ondelete="RESTRICT"), index=True, nullable=False
    )
    urgent_request_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("urgent_requests.id", ondelete="RESTRICT"), nullable=True
    )
    worked_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    minutes: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False)
    rate_kind: Mapped[RateKind] = mapped_column(str_enum(RateKind, 8), nullable=False)
    # The hourly rate with this kind's surcharge, and what the minutes come to at it.
    rate_cents: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    amount_cents: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, nullable=False)

    __table_args__ = (
        sa.CheckConstraint("minutes > 0 AND minutes <= 1440", name="minutes_range"),
        sa.CheckConstraint("amount_cents >= 0", name="amount_positive"),
    )


class UrgentStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"  # the deadline passed without an answer


class UrgentRequest(db.Model):  # type: ignore[name-defined]
    """An urgent task the business asks for within a recurring contract. She may decline
    (nobody can order an independent secretary to drop everything); accepted, its time is
    billed with her urgent surcharge."""

    __tablename__ = "urgent_requests"

    id: Mapped[uuid.UUID] = uuid_pk()
    contract_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("contracts.id", ondelete="RESTRICT"), index=True, nullable=False
    )
    secretary_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True, nullable=False
    )
    title: Mapped[str] = mapped_column(sa.String(140), nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    deadline: Mapped[datetime] = mapped_column(nullable=False)
    status: Mapped[UrgentStatus] = mapped_column(
        str_enum(UrgentStatus, 10), default=UrgentStatus.PENDING, nullable=False
    )
    decline_reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    created_at: Mapped[datetime] = created_at()
    answered_at: Mapped[datetime | None] = mapped_column(nullable=True)


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
        # Milestones: the contract is released once its last milestone is.
        "complete": {S.FUNDED: S.RELEASED},
        "review": {S.RELEASED: S.RELEASED, S.RESOLVED: S.RESOLVED, S.ENDED: S.ENDED},
        # Regular work: the first funded period starts it; a failed charge pauses it, a paid
        # one resumes it; it ends once the last period after the notice has closed.
        "activate": {S.AWAITING_FUNDING: S.ACTIVE, S.PAUSED: S.ACTIVE},
        "pause": {S.ACTIVE: S.PAUSED, S.AWAITING_FUNDING: S.AWAITING_FUNDING},
        "give_notice": {
            S.AWAITING_FUNDING: S.AWAITING_FUNDING,
            S.ACTIVE: S.ACTIVE,
            S.PAUSED: S.PAUSED,
        },
        "end": {S.ACTIVE: S.ENDED, S.PAUSED: S.ENDED},
        "cancel_regular": {S.AWAITING_FUNDING: S.CANCELLED},
    },
    labels={
        S.AWAITING_FUNDING: _l("En attente de paiement"),
        S.FUNDED: _l("Payé, fonds en séquestre"),
        S.DELIVERED: _l("Travail livré"),
        S.RELEASED: _l("Terminé, fonds versés"),
        S.CANCELLED: _l("Annulé"),
        S.DISPUTED: _l("En litige"),
        S.RESOLVED: _l("Litige résolu"),
        S.ACTIVE: _l("En cours"),
        S.PAUSED: _l("Suspendu, paiement en attente"),
        S.ENDED: _l("Terminé"),
    },
    stamps={
        S.FUNDED: "funded_at",
        S.DELIVERED: "delivered_at",
        S.RELEASED: "released_at",
        S.CANCELLED: "cancelled_at",
        S.DISPUTED: "disputed_at",
        S.RESOLVED: "resolved_at",
        S.ENDED: "ended_at",
    },
)

P = PeriodStatus

# The period workflow (`contracts/periods.py` claims along it).
PERIOD: Workflow[PeriodStatus] = Workflow(
    model=ContractPeriod,
    entity=_l("la période"),
    transitions={
        "fund": {P.AWAITING_FUNDING: P.FUNDED},
        # Logging time (and changing it) keeps the period funded; the claim locks its row.
        "log_time": {P.FUNDED: P.FUNDED},
        "submit": {P.FUNDED: P.SUBMITTED},
        "approve": {P.SUBMITTED: P.APPROVED},
        "auto_approve": {P.SUBMITTED: P.APPROVED},
        "dispute": {P.SUBMITTED: P.DISPUTED},
        "resolve": {P.DISPUTED: P.RESOLVED},
        "cancel": {P.AWAITING_FUNDING: P.CANCELLED},
    },
    labels={
        P.AWAITING_FUNDING: _l("À payer"),
        P.FUNDED: _l("Payée, en cours"),
        P.SUBMITTED: _l("Relevé envoyé, à valider"),
        P.APPROVED: _l("Validée, versée"),
        P.DISPUTED: _l("En litige"),
        P.RESOLVED: _l("Litige résolu"),
        P.CANCELLED: _l("Annulée"),
    },
    stamps={
        P.FUNDED: "funded_at",
        P.SUBMITTED: "submitted_at",
        P.APPROVED: "approved_at",
        P.DISPUTED: "disputed_at",
        P.RESOLVED: "resolved_at",
        P.CANCELLED: "cancelled_at",
    },
)

M = MilestoneStatus

# The milestone workflow (`contracts/milestones.py` claims along it).
MILESTONE: Workflow[MilestoneStatus] = Workflow(
    model=ContractMilestone,
    entity=_l("le jalon"),
    transitions={
        "fund": {M.AWAITING_FUNDING: M.FUNDED},
        "deliver": {M.FUNDED: M.DELIVERED},
        "approve": {M.DELIVERED: M.RELEASED},
        "auto_release": {M.DELIVERED: M.RELEASED},
        "cancel": {M.AWAITING_FUNDING: M.CANCELLED, M.FUNDED: M.CANCELLED},
        "dispute": {M.FUNDED: M.DISPUTED, M.DELIVERED: M.DISPUTED},
        "resolve": {M.DISPUTED: M.RESOLVED},
        # A dispute's resolution ends the contract: what was never funded is called off.
        "close": {M.AWAITING_FUNDING: M.CANCELLED},
    },
    labels={
        M.AWAITING_FUNDING: _l("À payer"),
        M.FUNDED: _l("Payé, en cours"),
        M.DELIVERED: _l("Livré, à valider"),
        M.RELEASED: _l("Validé, versé"),
        M.CANCELLED: _l("Annulé"),
        M.DISPUTED: _l("En litige"),
        M.RESOLVED: _l("Litige résolu"),
    },
    stamps={
        M.FUNDED: "funded_at",
        M.DELIVERED: "delivered_at",
        M.RELEASED: "released_at",
        M.CANCELLED: "cancelled_at",
        M.DISPUTED: "disputed_at",
        M.RESOLVED: "resolved_at",
    },
)
