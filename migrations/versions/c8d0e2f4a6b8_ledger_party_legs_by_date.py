"""ledger legs by contract, account and date: the money totals and a party's latest
movements read from one index (the date a key, the kind and amount included)

Revision ID: c8d0e2f4a6b8
Revises: b4c6d8e0f2a4
Create Date: 2026-12-02 17:00:00

The dashboards' "latest movements" joined a party's contracts to their legs ordered by
date: without the date in this index PostgreSQL walked the whole ledger backwards by
ix_ledger_entries_created_at, probing each leg's contract (200 ms for a business with 692
contracts in a 1.4 million-leg ledger). With it, each contract's legs are read from the
index alone, newest first.
"""
from alembic import op

revision = 'c8d0e2f4a6b8'
down_revision = 'b4c6d8e0f2a4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_ledger_entries_contract_account_date',
        'ledger_entries',
        ['contract_id', 'account', 'created_at'],
        unique=False,
        postgresql_include=['kind', 'amount_cents'],
    )
    op.drop_index('ix_ledger_entries_contract_account', table_name='ledger_entries')


def downgrade():
    op.create_index(
        'ix_ledger_entries_contract_account',
        'ledger_entries',
        ['contract_id', 'account'],
        unique=False,
        postgresql_include=['amount_cents', 'created_at'],
    )
    op.drop_index('ix_ledger_entries_contract_account_date', table_name='ledger_entries')
