"""actor and meeting indexes: two foreign keys that queries follow, indexed

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01

- ix_department_head_person_id: every actor load (each request, each workflow step) asks which
  departments the user's person heads; without the index PostgreSQL read every department (1,000 at a
  province's size), about a third of a step's actor query.
- ix_nomination_council_meeting_id: a meeting's award decision, its documents' checks and the meeting's
  own checks ask for the nominations it reviewed; without the index each read every nomination.

Plain CREATE INDEX, not a batch rebuild: SQLite would otherwise copy the tables and drop the triggers
that keep the tallies (migrations 0014 and 0016).
"""
from alembic import op


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_department_head_person_id', 'department', ['head_person_id'])
    op.create_index('ix_nomination_council_meeting_id', 'nomination', ['council_meeting_id'])


def downgrade() -> None:
    op.drop_index('ix_nomination_council_meeting_id', table_name='nomination')
    op.drop_index('ix_department_head_person_id', table_name='department')
