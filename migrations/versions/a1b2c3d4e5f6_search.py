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
    pass


def downgrade():
    pass
