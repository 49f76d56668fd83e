"""money totals read from one index: ledger legs by contract and account, with their amounts

Revision ID: 7c41d9e2b5a8
Revises: d0e1f2a3b4c5
"""
from alembic import op

revision = '7c41d9e2b5a8'
down_revision = 'd0e1f2a3b4c5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_ledger_entries_contract_account',
        'ledger_entries',
        ['contract_id', 'account'],
        unique=False,
        postgresql_include=['amount_cents', 'created_at'],
    )


def downgrade():
    op.drop_index('ix_ledger_entries_contract_account', table_name='ledger_entries')
