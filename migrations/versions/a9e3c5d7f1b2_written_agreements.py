"""written agreements: the service agreement of a contract (PDF, SHA-256, version) and each
party's acceptance; the confidentiality agreement of a mission as a document, and its
acceptances with name and SHA-256

Revision ID: a9e3c5d7f1b2
Revises: 642245f29bb7
Create Date: 2026-12-02 01:00:00

"""
from alembic import op
import sqlalchemy as sa

import marketplace.db
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'a9e3c5d7f1b2'
down_revision = '642245f29bb7'
branch_labels = None
depends_on = None

# An agreement and its acceptances are evidence: never changed nor deleted, in the database
# itself too. A stored confidentiality agreement is never changed (it goes with its mission).
GUARD = """
CREATE FUNCTION agreements_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is immutable once written (% refused)', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER contract_agreements_immutable
    BEFORE UPDATE OR DELETE ON contract_agreements
    FOR EACH ROW EXECUTE FUNCTION agreements_immutable();
CREATE TRIGGER agreement_acceptances_immutable
    BEFORE UPDATE OR DELETE ON agreement_acceptances
    FOR EACH ROW EXECUTE FUNCTION agreements_immutable();
CREATE TRIGGER nda_documents_immutable
    BEFORE UPDATE ON nda_documents
    FOR EACH ROW EXECUTE FUNCTION agreements_immutable();
"""


def upgrade():
    op.create_table('contract_agreements',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('contract_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('facts', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', marketplace.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_agreements_contract_id_contracts'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_agreements')),
    sa.UniqueConstraint('contract_id', 'version', name='uq_contract_agreements_version')
    )
    with op.batch_alter_table('contract_agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_agreements_contract_id'), ['contract_id'], unique=False)

    op.create_table('agreement_acceptances',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('agreement_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('accepted_at', marketplace.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['contract_agreements.id'], name=op.f('fk_agreement_acceptances_agreement_id_contract_agreements'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_agreement_acceptances_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_acceptances')),
    sa.UniqueConstraint('agreement_id', 'role', name='uq_agreement_acceptance_once')
    )
    with op.batch_alter_table('agreement_acceptances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_acceptances_agreement_id'), ['agreement_id'], unique=False)

    op.create_table('nda_documents',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('mission_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', marketplace.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mission_id'], ['missions.id'], name=op.f('fk_nda_documents_mission_id_missions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nda_documents')),
    sa.UniqueConstraint('mission_id', 'sha256', name='uq_nda_documents_content'),
    sa.UniqueConstraint('mission_id', 'version', name='uq_nda_documents_version')
    )
    with op.batch_alter_table('nda_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nda_documents_mission_id'), ['mission_id'], unique=False)

    with op.batch_alter_table('nda_acceptances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('sha256', sa.String(length=64), nullable=True))

    if op.get_bind().dialect.name == "postgresql":
        op.execute(GUARD)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in ("nda_documents", "agreement_acceptances", "contract_agreements"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
        op.execute("DROP FUNCTION IF EXISTS agreements_immutable()")
    with op.batch_alter_table('nda_acceptances', schema=None) as batch_op:
        batch_op.drop_column('sha256')
        batch_op.drop_column('name')
    with op.batch_alter_table('nda_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nda_documents_mission_id'))
    op.drop_table('nda_documents')
    with op.batch_alter_table('agreement_acceptances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_acceptances_agreement_id'))
    op.drop_table('agreement_acceptances')
    with op.batch_alter_table('contract_agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_agreements_contract_id'))
    op.drop_table('contract_agreements')
