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
- authorisation: who may act in the head's name (KT. / TUQ. with its written act), for which
  actions, from when to when, and its revocation.
New tables only: existing meetings keep their typed ("paper") tallies; no authorisation is invented.
"""
from alembic import op
import sqlalchemy as sa
import workflow.models.base


revision = '0010'
down_revision = '0009'
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


    op.create_table(
        'authorisation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('grantor_id', sa.Integer(), nullable=False),
        sa.Column('delegate_id', sa.Integer(), nullable=False),
        sa.Column('capacity', sa.String(length=3), nullable=False),
        sa.Column('actions', sa.JSON(), nullable=False),
        sa.Column('domain', sa.Text(), nullable=False),
        sa.Column('act_number', sa.String(length=50), nullable=True),
        sa.Column('act_date', sa.Date(), nullable=True),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_to', sa.Date(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('revoked_on', sa.Date(), nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        sa.Column('revoke_reason', sa.Text(), nullable=True),
        sa.CheckConstraint("capacity IN ('kt', 'tuq')", name=op.f('ck_authorisation_capacity')),
        sa.CheckConstraint('valid_from <= valid_to', name=op.f('ck_authorisation_period')),
        sa.CheckConstraint("capacity = 'kt' OR (act_number IS NOT NULL AND act_date IS NOT NULL)",
                           name=op.f('ck_authorisation_written_act')),
        sa.CheckConstraint('(revoked_on IS NULL) = (revoked_by_id IS NULL)', name=op.f('ck_authorisation_revoked')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                                name=op.f('fk_authorisation_created_by_id_user_account')),
        sa.ForeignKeyConstraint(['delegate_id'], ['user_account.id'],
                                name=op.f('fk_authorisation_delegate_id_user_account')),
        sa.ForeignKeyConstraint(['grantor_id'], ['user_account.id'],
                                name=op.f('fk_authorisation_grantor_id_user_account')),
        sa.ForeignKeyConstraint(['revoked_by_id'], ['user_account.id'],
                                name=op.f('fk_authorisation_revoked_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_authorisation')),
    )
    with op.batch_alter_table('authorisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authorisation_delegate_id'), ['delegate_id'], unique=False)


def downgrade() -> None:
    op.drop_table('authorisation')
    op.drop_table('ballot')
    op.drop_table('ballot_participation')
    op.drop_table('voting_item')
    op.drop_table('council_voting')
