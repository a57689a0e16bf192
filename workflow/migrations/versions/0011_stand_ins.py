"""stand-ins: the head marked away, and acting heads (phụ trách) of departments

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

- authorisation.away: the grantor is away over the period; their inbox items and reminders reach the
  delegate too.
- authorisation.department_id: an acting head of that department for the department's steps (away,
  signing KT. as a deputy in charge does, Decree 30/2020 Art. 13.1).
Existing authorisations stay as they were: the head's, not away.
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('authorisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('away', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('department_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_authorisation_department_id_department'), 'department',
                                    ['department_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_authorisation_department_id'), ['department_id'], unique=False)
        batch_op.create_check_constraint(batch_op.f('ck_authorisation_acting_head'),
                                         "department_id IS NULL OR (away AND capacity = 'kt')")


def downgrade():
    with op.batch_alter_table('authorisation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_authorisation_acting_head'), type_='check')
        batch_op.drop_index(batch_op.f('ix_authorisation_department_id'))
        batch_op.drop_constraint(batch_op.f('fk_authorisation_department_id_department'), type_='foreignkey')
        batch_op.drop_column('department_id')
        batch_op.drop_column('away')
