"""reviews know when they become public (publish_after), so reviews never read contracts

Revision ID: e5f6a7b8c9d0
Revises: d4e5f6a7b8c9
"""
from alembic import op
import sqlalchemy as sa

import marketplace.db

revision = 'e5f6a7b8c9d0'
down_revision = 'd4e5f6a7b8c9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('publish_after', marketplace.db.UTCDateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE reviews SET publish_after = "
        "(SELECT contracts.review_deadline FROM contracts WHERE contracts.id = reviews.contract_id)"
    )


def downgrade():
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_column('publish_after')
