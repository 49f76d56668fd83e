"""the operator's money by month read from one index: ledger legs by date, with their account,
amount and transaction

Revision ID: b3c4d5e6f7a8
Revises: b3d5f7a9c1e2
"""
from alembic import op

revision = 'b3c4d5e6f7a8'
down_revision = 'b3d5f7a9c1e2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_ledger_entries_created_at',
        'ledger_entries',
        ['created_at'],
        unique=False,
        postgresql_include=['account', 'amount_cents', 'transaction_id'],
    )


def downgrade():
    op.drop_index('ix_ledger_entries_created_at', table_name='ledger_entries')
