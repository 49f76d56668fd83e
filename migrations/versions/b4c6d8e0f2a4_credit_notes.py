"""credit notes: invoices of kind service_credit / commission_credit correcting an issued
invoice (corrects_id), and the ledger's credit movement (money given back after a release)

Revision ID: b4c6d8e0f2a4
Revises: b7e2d4f6a8c1
Create Date: 2026-12-02 06:10:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'b4c6d8e0f2a4'
down_revision = 'b7e2d4f6a8c1'
branch_labels = None
depends_on = None

OLD_INVOICE_KINDS = "'service', 'commission'"
NEW_INVOICE_KINDS = "'service', 'commission', 'service_credit', 'commission_credit'"
OLD_LEDGER_KINDS = "'funding', 'release', 'refund', 'resolution'"
NEW_LEDGER_KINDS = "'funding', 'release', 'refund', 'resolution', 'credit'"


def upgrade():
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_invoices_invoicekind'), type_='check')
        batch_op.alter_column(
            'kind', existing_type=sa.String(length=12), type_=sa.String(length=20)
        )
        batch_op.create_check_constraint(
            op.f('ck_invoices_invoicekind'), sa.text(f"kind IN ({NEW_INVOICE_KINDS})")
        )
        batch_op.add_column(sa.Column('corrects_id', sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f('ix_invoices_corrects_id'), ['corrects_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_invoices_corrects_id_invoices'),
            'invoices',
            ['corrects_id'],
            ['id'],
            ondelete='RESTRICT',
        )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_ledger_entries_ledgerkind'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_ledger_entries_ledgerkind'), sa.text(f"kind IN ({NEW_LEDGER_KINDS})")
        )


def downgrade():
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_ledger_entries_ledgerkind'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_ledger_entries_ledgerkind'), sa.text(f"kind IN ({OLD_LEDGER_KINDS})")
        )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invoices_corrects_id_invoices'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_invoices_corrects_id'))
        batch_op.drop_column('corrects_id')
        batch_op.drop_constraint(op.f('ck_invoices_invoicekind'), type_='check')
        batch_op.alter_column(
            'kind', existing_type=sa.String(length=20), type_=sa.String(length=12)
        )
        batch_op.create_check_constraint(
            op.f('ck_invoices_invoicekind'), sa.text(f"kind IN ({OLD_INVOICE_KINDS})")
        )
