"""moderation journal: operators' decisions on accounts and missions; session epochs

Revision ID: d4e5f6a7b8c9
Revises: c3d4e5f6a7b8
"""
from alembic import op
import sqlalchemy as sa

import marketplace.db

revision = 'd4e5f6a7b8c9'
down_revision = 'c3d4e5f6a7b8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))

    op.create_table('moderation_actions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('operator_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Enum('suspend_account', 'restore_account', 'close_mission', name='moderationkind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('mission_id', sa.Uuid(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', marketplace.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'close_mission') = (mission_id IS NOT NULL)", name=op.f('ck_moderation_actions_mission_iff_close')),
    sa.ForeignKeyConstraint(['mission_id'], ['missions.id'], name=op.f('fk_moderation_actions_mission_id_missions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['operator_id'], ['users.id'], name=op.f('fk_moderation_actions_operator_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_moderation_actions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_actions'))
    )
    with op.batch_alter_table('moderation_actions', schema=None) as batch_op:
        batch_op.create_index('ix_moderation_actions_created_at', ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_actions_mission_id'), ['mission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_actions_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('moderation_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_actions_user_id'))
        batch_op.drop_index(batch_op.f('ix_moderation_actions_mission_id'))
        batch_op.drop_index('ix_moderation_actions_created_at')

    op.drop_table('moderation_actions')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
