"""search outbox and ranking data (issue 3)

Revision ID: a1b2c3d4e5f6
Revises: f33474055bee
"""
from alembic import op
import sqlalchemy as sa

import marketplace.db

revision = 'a1b2c3d4e5f6'
down_revision = 'f33474055bee'
branch_labels = None
depends_on = None


def upgrade():
    # The transactional outbox of marketplace.search (see marketplace/search/outbox.py).
    op.create_table('search_outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('entity', sa.String(length=16), nullable=False),
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', marketplace.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.CheckConstraint("entity IN ('secretary', 'mission')", name=op.f('ck_search_outbox_entity_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_outbox'))
    )


def downgrade():
    op.drop_table('search_outbox')
