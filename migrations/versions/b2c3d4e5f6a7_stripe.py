"""stripe payments, payout accounts, webhooks, invoices (issue 4)

Revision ID: b2c3d4e5f6a7
Revises: a1b2c3d4e5f6
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import marketplace.db

revision = "b2c3d4e5f6a7"
down_revision = "a1b2c3d4e5f6"
branch_labels = None
depends_on = None

# Issued invoices are never changed nor deleted, in the database itself too.
INVOICE_GUARD = """
CREATE FUNCTION invoices_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'invoices are immutable once issued (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER invoices_immutable
    BEFORE UPDATE OR DELETE ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_immutable();
"""


def upgrade():
    op.create_table(
        "invoice_counters",
        sa.Column("issuer_key", sa.String(length=64), nullable=False),
        sa.Column("last_sequence", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("issuer_key", name=op.f("pk_invoice_counters")),
    )
    op.create_table(
        "payment_events",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=80), nullable=False),
        sa.Column("created", sa.BigInteger(), nullable=False),
        sa.Column("livemode", sa.Boolean(), nullable=False),
        sa.Column("object_id", sa.String(length=255), nullable=True),
        sa.Column("contract_id", sa.Uuid(), nullable=True),
        sa.Column(
            "summary",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("received_at", marketplace.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("processed_at", marketplace.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_events")),
    )
    with op.batch_alter_table("payment_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_events_contract_id"), ["contract_id"], unique=False
        )

    op.create_table(
        "payout_accounts",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("account_id", sa.String(length=255), nullable=False),
        sa.Column("payouts_enabled", sa.Boolean(), nullable=False),
        sa.Column("details_submitted", sa.Boolean(), nullable=False),
        sa.Column("status_event_created", sa.BigInteger(), nullable=False),
        sa.Column("created_at", marketplace.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", marketplace.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_payout_accounts_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_payout_accounts")),
        sa.UniqueConstraint("account_id", name=op.f("uq_payout_accounts_account_id")),
    )
    op.create_table(
        "invoices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("contract_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "service",
                "commission",
                name="invoicekind",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("issuer_key", sa.String(length=64), nullable=False),
        sa.Column("issuer_user_id", sa.Uuid(), nullable=True),
        sa.Column("recipient_user_id", sa.Uuid(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("issued_at", marketplace.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("total_excl_tax_cents", sa.Integer(), nullable=False),
        sa.Column("vat_cents", sa.Integer(), nullable=False),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint(
            "total_excl_tax_cents + vat_cents = total_cents", name=op.f("ck_invoices_totals_add_up")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_invoices_contract_id_contracts"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["issuer_user_id"],
            ["users.id"],
            name=op.f("fk_invoices_issuer_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_user_id"],
            ["users.id"],
            name=op.f("fk_invoices_recipient_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("contract_id", "kind", name="uq_invoices_contract_kind"),
        sa.UniqueConstraint("issuer_key", "sequence", name="uq_invoices_issuer_sequence"),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoices_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_invoices_recipient_user_id"), ["recipient_user_id"], unique=False
        )

    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("charge_id", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("transfer_id", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("refund_id", sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column("approved_at", marketplace.db.UTCDateTime(timezone=True), nullable=True)
        )

    if op.get_bind().dialect.name == "postgresql":
        op.execute(INVOICE_GUARD)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS invoices_immutable ON invoices")
        op.execute("DROP FUNCTION IF EXISTS invoices_immutable()")
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_column("approved_at")
        batch_op.drop_column("refund_id")
        batch_op.drop_column("transfer_id")
        batch_op.drop_column("charge_id")

    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoices_recipient_user_id"))
        batch_op.drop_index(batch_op.f("ix_invoices_contract_id"))

    op.drop_table("invoices")
    op.drop_table("payout_accounts")
    with op.batch_alter_table("payment_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_events_contract_id"))

    op.drop_table("payment_events")
    op.drop_table("invoice_counters")
