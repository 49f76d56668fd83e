"""milestones: a fixed-price bid split into milestones, and the contract's milestones,
each with its own escrow

Revision ID: f1a2b3c4d5e6
Revises: f1b2c3d4e5a6
Create Date: 2026-12-02 01:00:00.000000

"""

from alembic import op
import sqlalchemy as sa

import marketplace.db

# revision identifiers, used by Alembic.
revision = "f1a2b3c4d5e6"
down_revision = "f1b2c3d4e5a6"
branch_labels = None
depends_on = None

STATUSES = (
    "awaiting_funding",
    "funded",
    "delivered",
    "released",
    "cancelled",
    "disputed",
    "resolved",
)


def upgrade():
    op.create_table(
        "bid_milestones",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("bid_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=140), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_bid_milestones_amount_positive")),
        sa.ForeignKeyConstraint(
            ["bid_id"], ["bids.id"], name=op.f("fk_bid_milestones_bid_id_bids"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bid_milestones")),
        sa.UniqueConstraint("bid_id", "position", name="uq_bid_milestones_position"),
    )
    with op.batch_alter_table("bid_milestones", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bid_milestones_bid_id"), ["bid_id"], unique=False)

    op.create_table(
        "contract_milestones",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("contract_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=140), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("commission_cents", sa.Integer(), nullable=False),
        sa.Column("payout_cents", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                *STATUSES,
                name="milestonestatus",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("payment_intent_id", sa.String(length=255), nullable=True),
        sa.Column("charge_id", sa.String(length=255), nullable=True),
        sa.Column("payment_error", sa.String(length=500), nullable=True),
        sa.Column("transfer_id", sa.String(length=255), nullable=True),
        sa.Column("refund_id", sa.String(length=255), nullable=True),
        sa.Column("resolution_release_cents", sa.Integer(), nullable=True),
        sa.Column("resolution_refund_cents", sa.Integer(), nullable=True),
        sa.Column("created_at", marketplace.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("funded_at", marketplace.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", marketplace.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("released_at", marketplace.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", marketplace.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("disputed_at", marketplace.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", marketplace.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_contract_milestones_amount_positive")),
        sa.CheckConstraint(
            "commission_cents >= 0 AND payout_cents >= 0 AND commission_cents + payout_cents = amount_cents",
            name=op.f("ck_contract_milestones_split_adds_up"),
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_contract_milestones_contract_id_contracts"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_milestones")),
        sa.UniqueConstraint("contract_id", "position", name="uq_contract_milestones_position"),
    )
    with op.batch_alter_table("contract_milestones", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_milestones_contract_id"), ["contract_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contract_milestones_status"), ["status"], unique=False)

    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("by_milestones", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_column("by_milestones")
    with op.batch_alter_table("contract_milestones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_milestones_status"))
        batch_op.drop_index(batch_op.f("ix_contract_milestones_contract_id"))
    op.drop_table("contract_milestones")
    with op.batch_alter_table("bid_milestones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bid_milestones_bid_id"))
    op.drop_table("bid_milestones")
