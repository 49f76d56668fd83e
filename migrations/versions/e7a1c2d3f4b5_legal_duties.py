"""legal duties: billing mandates, street address and VAT regime on profiles, URSSAF
attestations de vigilance, DAC7 tax profiles

Revision ID: e7a1c2d3f4b5
Revises: f1a2b3c4d5e6
"""
import sqlalchemy as sa
from alembic import op

from marketplace.db import UTCDateTime

revision = 'e7a1c2d3f4b5'
down_revision = 'f1a2b3c4d5e6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'billing_mandates',
        sa.Column('user_id', sa.Uuid(), nullable=False),
        sa.Column('version', sa.String(length=20), nullable=False),
        sa.Column('text_sha256', sa.String(length=64), nullable=False),
        sa.Column('signer_name', sa.String(length=160), nullable=False),
        sa.Column('accepted_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_billing_mandates_user_id_users'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('user_id', 'version', name=op.f('pk_billing_mandates')),
    )
    for table in ('secretary_profiles', 'business_profiles'):
        op.add_column(
            table, sa.Column('street_line1', sa.String(length=120), server_default='', nullable=False)
        )
        op.add_column(
            table, sa.Column('street_line2', sa.String(length=120), server_default='', nullable=False)
        )
        op.add_column(table, sa.Column('vat_number', sa.String(length=13), nullable=True))
    op.add_column(
        'business_profiles',
        sa.Column('vat_exempt', sa.Boolean(), server_default=sa.true(), nullable=False),
    )
    for table in ('secretary_profiles', 'business_profiles'):
        with op.batch_alter_table(table) as batch:
            batch.alter_column('street_line1', server_default=None)
            batch.alter_column('street_line2', server_default=None)
    with op.batch_alter_table('business_profiles') as batch:
        batch.alter_column('vat_exempt', server_default=None)

    op.create_table(
        'vigilance_documents',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('secretary_id', sa.Uuid(), nullable=False),
        sa.Column('issued_on', sa.Date(), nullable=False),
        sa.Column('expires_on', sa.Date(), nullable=False),
        sa.Column('security_code', sa.String(length=32), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('content_type', sa.String(length=120), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('storage_key', sa.String(length=512), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['secretary_id'], ['users.id'], name=op.f('fk_vigilance_documents_secretary_id_users'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_vigilance_documents')),
        sa.UniqueConstraint('storage_key', name=op.f('uq_vigilance_documents_storage_key')),
    )
    op.create_index(
        op.f('ix_vigilance_documents_secretary_id'), 'vigilance_documents', ['secretary_id']
    )

    op.create_table(
        'tax_profiles',
        sa.Column('user_id', sa.Uuid(), nullable=False),
        sa.Column('legal_name', sa.String(length=160), nullable=False),
        sa.Column('street_line1', sa.String(length=120), nullable=False),
        sa.Column('street_line2', sa.String(length=120), nullable=False),
        sa.Column('postal_code', sa.String(length=10), nullable=False),
        sa.Column('city', sa.String(length=120), nullable=False),
        sa.Column('country', sa.String(length=2), nullable=False),
        sa.Column('birth_date', sa.Date(), nullable=True),
        sa.Column('siren', sa.String(length=9), nullable=True),
        sa.Column('tin', sa.String(length=20), nullable=False),
        sa.Column('iban', sa.String(length=34), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            'birth_date IS NOT NULL OR siren IS NOT NULL', name=op.f('ck_tax_profiles_birth_or_siren')
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_tax_profiles_user_id_users'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_tax_profiles')),
    )


def downgrade():
    op.drop_table('tax_profiles')
    op.drop_index(op.f('ix_vigilance_documents_secretary_id'), table_name='vigilance_documents')
    op.drop_table('vigilance_documents')
    with op.batch_alter_table('business_profiles') as batch:
        batch.drop_column('vat_exempt')
    for table in ('secretary_profiles', 'business_profiles'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('vat_number')
            batch.drop_column('street_line2')
            batch.drop_column('street_line1')
    op.drop_table('billing_mandates')
