"""ballots: the council votes in the app, who voted kept apart from how

Revision ID: 0010
Revises: 0005
Create Date: 2026-12-01

- council_voting: the secretary opened (and closed) voting at a meeting; secret and abstain
  fixed at opening.
- voting_item: the agenda frozen at opening.
- ballot_participation: a member voted on a nomination (by themself or entered from paper by the
  secretary); the choice only in an open voting.
- ballot: anonymous ballots, random key, no voter and no time; on SQLite WITHOUT ROWID so no
  hidden counter records the order of casting.
New tables only: existing meetings keep their typed ("paper") tallies.
"""
from alembic import op
import sqlalchemy as sa
import workflow.models.base


revision = '0010'
down_revision = '0005'
branch_labels = None
depends_on = None

_ITEM_FK = (['meeting_id', 'nomination_id'], ['voting_item.meeting_id', 'voting_item.nomination_id'])


def upgrade() -> None:
    op.create_table(
        'council_voting',
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('secret', sa.Boolean(), nullable=False),
        sa.Column('abstain_allowed', sa.Boolean(), nullable=False),
        sa.Column('opened_by_id', sa.Integer(), nullable=False),
        sa.Column('opened_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('closed_by_id', sa.Integer(), nullable=True),
        sa.Column('closed_at', workflow.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint('(closed_at IS NULL) = (closed_by_id IS NULL)', name=op.f('ck_council_voting_closed')),
        sa.ForeignKeyConstraint(['closed_by_id'], ['user_account.id'],
                                name=op.f('fk_council_voting_closed_by_id_user_account')),
        sa.ForeignKeyConstraint(['meeting_id'], ['council_meeting.id'],
                                name=op.f('fk_council_voting_meeting_id_council_meeting')),
        sa.ForeignKeyConstraint(['opened_by_id'], ['user_account.id'],
                                name=op.f('fk_council_voting_opened_by_id_user_account')),
        sa.PrimaryKeyConstraint('meeting_id', name=op.f('pk_council_voting')),
    )
    op.create_table(
        'voting_item',
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('nomination_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['council_voting.meeting_id'], ondelete='CASCADE',
                                name=op.f('fk_voting_item_meeting_id_council_voting')),
        sa.ForeignKeyConstraint(['nomination_id'], ['nomination.id'],
                                name=op.f('fk_voting_item_nomination_id_nomination')),
        sa.PrimaryKeyConstraint('meeting_id', 'nomination_id', name=op.f('pk_voting_item')),
    )
    op.create_table(
        'ballot_participation',
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('nomination_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('cast_by_id', sa.Integer(), nullable=False),
        sa.Column('on_paper', sa.Boolean(), nullable=False),
        sa.Column('open_choice', sa.String(length=8), nullable=True),
        sa.CheckConstraint("open_choice IS NULL OR open_choice IN ('for', 'against', 'abstain')",
                           name=op.f('ck_ballot_participation_open_choice')),
        sa.ForeignKeyConstraint(['cast_by_id'], ['user_account.id'],
                                name=op.f('fk_ballot_participation_cast_by_id_user_account')),
        sa.ForeignKeyConstraint(*_ITEM_FK, ondelete='CASCADE',
                                name=op.f('fk_ballot_participation_meeting_id_voting_item')),
        sa.ForeignKeyConstraint(['member_id'], ['council_member.id'],
                                name=op.f('fk_ballot_participation_member_id_council_member')),
        sa.PrimaryKeyConstraint('meeting_id', 'nomination_id', 'member_id', name=op.f('pk_ballot_participation')),
    )
    op.create_table(
        'ballot',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('nomination_id', sa.Integer(), nullable=False),
        sa.Column('choice', sa.String(length=8), nullable=False),
        sa.CheckConstraint("choice IN ('for', 'against', 'abstain')", name=op.f('ck_ballot_choice')),
        sa.ForeignKeyConstraint(*_ITEM_FK, ondelete='CASCADE', name=op.f('fk_ballot_meeting_id_voting_item')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot')),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table('ballot')
    op.drop_table('ballot_participation')
    op.drop_table('voting_item')
    op.drop_table('council_voting')
