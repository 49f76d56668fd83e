"""search embeddings: each text's sentence embedding, computed once (keyed by model and text)

Revision ID: b7e2d4f6a8c1
Revises: c4d5e6f7a8b9
Create Date: 2026-12-02 06:40:00

"""
import sqlalchemy as sa
from alembic import op

import marketplace.db

revision = 'b7e2d4f6a8c1'
down_revision = 'c4d5e6f7a8b9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'search_embeddings',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('vector', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', marketplace.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_search_embeddings')),
    )


def downgrade():
    op.drop_table('search_embeddings')
