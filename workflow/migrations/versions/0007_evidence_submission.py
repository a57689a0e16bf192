"""evidence a department head sends to the Office, to be recorded in the registers

Revision ID: 0007
Revises: 0002
Create Date: 2026-12-01

A new table only: no existing data to carry over.
"""
from alembic import op
import sqlalchemy as sa

import workflow.models.base


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'evidence_submission',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('original_name', sa.String(length=255), nullable=False),
        sa.Column('stored_name', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('submitted_by_id', sa.Integer(), nullable=False),
        sa.Column('submitted_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', workflow.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('decision_note', sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('contest_result', 'initiative', 'task_rating', 'other')",
                           name=op.f('ck_evidence_submission_kind')),
        sa.CheckConstraint("state IN ('submitted', 'confirmed', 'refused')", name=op.f('ck_evidence_submission_state')),
        sa.CheckConstraint("(state = 'submitted') = (decided_by_id IS NULL AND decided_at IS NULL)",
                           name=op.f('ck_evidence_submission_decided')),
        sa.CheckConstraint("state <> 'refused' OR decision_note <> ''",
                           name=op.f('ck_evidence_submission_refusal_reason')),
        sa.ForeignKeyConstraint(['department_id'], ['department.id'],
                                name=op.f('fk_evidence_submission_department_id_department')),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_evidence_submission_person_id_person')),
        sa.ForeignKeyConstraint(['submitted_by_id'], ['user_account.id'],
                                name=op.f('fk_evidence_submission_submitted_by_id_user_account')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'],
                                name=op.f('fk_evidence_submission_decided_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_submission')),
    )
    op.create_index(op.f('ix_evidence_submission_department_id'), 'evidence_submission', ['department_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_evidence_submission_department_id'), table_name='evidence_submission')
    op.drop_table('evidence_submission')
