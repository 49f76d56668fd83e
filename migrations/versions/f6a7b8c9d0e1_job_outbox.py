"""job outbox: background jobs written in the transaction of the change that causes them

Revision ID: f6a7b8c9d0e1
Revises: e5f6a7b8c9d0
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import marketplace.db

revision = 'f6a7b8c9d0e1'
down_revision = 'e5f6a7b8c9d0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_outbox',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('created_at', marketplace.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', marketplace.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('done_at', marketplace.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failed_at', marketplace.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_outbox')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_job_outbox_dedupe_key'))
    )
    with op.batch_alter_table('job_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_job_outbox_pending', ['next_attempt_at'], unique=False, postgresql_where=sa.text('done_at IS NULL AND failed_at IS NULL'), sqlite_where=sa.text('done_at IS NULL AND failed_at IS NULL'))


def downgrade():
    with op.batch_alter_table('job_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_job_outbox_pending', postgresql_where=sa.text('done_at IS NULL AND failed_at IS NULL'), sqlite_where=sa.text('done_at IS NULL AND failed_at IS NULL'))

    op.drop_table('job_outbox')
