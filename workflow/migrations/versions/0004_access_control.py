"""access control: token scope and expiry, session epochs, personal-data access log, login throttle

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-01

- api_token.scope ('read' | 'full') and expires_at: existing tokens keep full access, no expiry.
- user_account.session_epoch: carried in the signed session; raised on logout, password change
  and deactivation, so older cookies are refused by every worker. Existing users start at 0.
- personal_data_access: who was shown whose birth date, hometown, ratings (Law 91/2025/QH15).
- login_throttle: failed logins per account and per address, shared by all workers.
"""
from alembic import op
import sqlalchemy as sa

import workflow.models.base

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.String(length=10), server_default='full', nullable=False))
        batch_op.add_column(sa.Column('expires_at', workflow.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(op.f('ck_api_token_scope'), "scope IN ('read', 'full')")
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))

    op.create_table('personal_data_access',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('via', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_personal_data_access_person_id_person'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                            name=op.f('fk_personal_data_access_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_data_access'))
    )
    with op.batch_alter_table('personal_data_access', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_personal_data_access_at'), ['at'], unique=False)
        batch_op.create_index('ix_personal_data_access_person_at', ['person_id', 'at'], unique=False)
        batch_op.create_index('ix_personal_data_access_user_at', ['user_id', 'at'], unique=False)

    op.create_table('login_throttle',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('first_failure_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_failure_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', workflow.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttle'))
    )


def downgrade() -> None:
    op.drop_table('login_throttle')
    with op.batch_alter_table('personal_data_access', schema=None) as batch_op:
        batch_op.drop_index('ix_personal_data_access_user_at')
        batch_op.drop_index('ix_personal_data_access_person_at')
        batch_op.drop_index(batch_op.f('ix_personal_data_access_at'))
    op.drop_table('personal_data_access')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_api_token_scope'), type_='check')
        batch_op.drop_column('expires_at')
        batch_op.drop_column('scope')
