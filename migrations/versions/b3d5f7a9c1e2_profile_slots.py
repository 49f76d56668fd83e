"""profile slots: a secretary's weekly time slots (Mon-Fri 08:00-12:00...), matched
against a recurring mission's weekly slots

Revision ID: b3d5f7a9c1e2
Revises: a9e3c5d7f1b2
Create Date: 2026-12-02 06:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'b3d5f7a9c1e2'
down_revision = 'a9e3c5d7f1b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('secretary_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slots', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), server_default='[]', nullable=False))


def downgrade():
    with op.batch_alter_table('secretary_profiles', schema=None) as batch_op:
        batch_op.drop_column('slots')
