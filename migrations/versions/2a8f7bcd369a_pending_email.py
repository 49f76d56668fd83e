"""users can change their e-mail address: the new one waits, unverified, until its link is followed

Revision ID: 2a8f7bcd369a
Revises: c9d0e1f2a3b4
"""
from alembic import op
import sqlalchemy as sa

revision = '2a8f7bcd369a'
down_revision = 'c9d0e1f2a3b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_email', sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('pending_email')
