"""a party's contracts, missions, quotes and invitations indexed with their date

Revision ID: d2f4a6c8e0b1
Revises: c8d0e2f4a6b8
Create Date: 2026-12-02 20:10:00

The dashboards and lists show a party's latest rows. With an index on the party alone,
PostgreSQL read all of a business's contracts (692 in bench/site), joined each to its
mission and both parties, then sorted to keep eleven: 9.5 ms of one statement. With the date
(and the id, the lists' tie-break) in the index, it reads the first rows in order and joins
only those. Each new index replaces the party's own index, which it also serves.
"""
from alembic import op

revision = 'd2f4a6c8e0b1'
down_revision = 'c8d0e2f4a6b8'
branch_labels = None
depends_on = None

# (table, old index on the party alone, new index, its columns)
INDEXES = [
    ('contracts', 'ix_contracts_business_id', 'ix_contracts_business_created',
     ['business_id', 'created_at', 'id']),
    ('contracts', 'ix_contracts_secretary_id', 'ix_contracts_secretary_created',
     ['secretary_id', 'created_at', 'id']),
    ('missions', 'ix_missions_business_id', 'ix_missions_business_created',
     ['business_id', 'created_at', 'id']),
    ('bids', 'ix_bids_secretary_id', 'ix_bids_secretary_created',
     ['secretary_id', 'created_at']),
    ('invitations', 'ix_invitations_secretary_id', 'ix_invitations_secretary_created',
     ['secretary_id', 'created_at']),
]


def upgrade():
    for table, old, new, columns in INDEXES:
        op.create_index(new, table, columns, unique=False)
        op.drop_index(old, table_name=table)


def downgrade():
    for table, old, new, columns in INDEXES:
        op.create_index(old, table, [columns[0]], unique=False)
        op.drop_index(new, table_name=table)
