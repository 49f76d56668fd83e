"""reconciliation runs and what they found: contracts whose ledger disagrees with itself or with
the payment provider; failed jobs indexed for the operator's page

Revision ID: c4d5e6f7a8b9
Revises: b3c4d5e6f7a8
"""
import sqlalchemy as sa
from alembic import op

from marketplace.db import UTCDateTime

revision = 'c4d5e6f7a8b9'
down_revision = 'b3c4d5e6f7a8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reconciliation_runs',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('started_at', UTCDateTime(), nullable=False),
        sa.Column('finished_at', UTCDateTime(), nullable=True),
        sa.Column('contracts_checked', sa.Integer(), nullable=False),
        sa.Column('provider_objects_checked', sa.Integer(), nullable=False),
        sa.Column('findings_count', sa.Integer(), nullable=False),
        sa.Column('provider_error', sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reconciliation_runs')),
    )
    op.create_table(
        'reconciliation_findings',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('run_id', sa.Uuid(), nullable=False),
        sa.Column('contract_id', sa.Uuid(), nullable=False),
        sa.Column('part_id', sa.Uuid(), nullable=True),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('reference', sa.String(length=255), nullable=True),
        sa.Column('ledger_cents', sa.BigInteger(), nullable=True),
        sa.Column('provider_cents', sa.BigInteger(), nullable=True),
        sa.Column('detail', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ['contract_id'], ['contracts.id'],
            name=op.f('fk_reconciliation_findings_contract_id_contracts'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['run_id'], ['reconciliation_runs.id'],
            name=op.f('fk_reconciliation_findings_run_id_reconciliation_runs'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reconciliation_findings')),
    )
    op.create_index(
        op.f('ix_reconciliation_findings_contract_id'), 'reconciliation_findings', ['contract_id']
    )
    op.create_index(
        op.f('ix_reconciliation_findings_run_id'), 'reconciliation_findings', ['run_id']
    )
    op.create_index(
        'ix_job_outbox_failed',
        'job_outbox',
        ['failed_at'],
        postgresql_where=sa.text('failed_at IS NOT NULL'),
        sqlite_where=sa.text('failed_at IS NOT NULL'),
    )


def downgrade():
    op.drop_index('ix_job_outbox_failed', table_name='job_outbox')
    op.drop_index(op.f('ix_reconciliation_findings_run_id'), table_name='reconciliation_findings')
    op.drop_index(
        op.f('ix_reconciliation_findings_contract_id'), table_name='reconciliation_findings'
    )
    op.drop_table('reconciliation_findings')
    op.drop_table('reconciliation_runs')
