"""reviews have a round: 0 at the end of a contract, 1, 2, ... every three months of a long
recurring contract; one review per party and round

Revision ID: f1b2c3d4e5a6
Revises: e8a1c2d3f4b5
Create Date: 2026-12-02 01:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "f1b2c3d4e5a6"
down_revision = "e8a1c2d3f4b5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("round", sa.SmallInteger(), server_default="0", nullable=False)
        )
        batch_op.drop_constraint("uq_review_once_per_party", type_="unique")
        batch_op.create_unique_constraint(
            "uq_review_once_per_party_and_round", ["contract_id", "author_id", "round"]
        )
        batch_op.create_check_constraint(op.f("ck_reviews_round_positive"), sa.text("round >= 0"))


def downgrade():
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_reviews_round_positive"), type_="check")
        batch_op.drop_constraint("uq_review_once_per_party_and_round", type_="unique")
        batch_op.create_unique_constraint("uq_review_once_per_party", ["contract_id", "author_id"])
        batch_op.drop_column("round")
