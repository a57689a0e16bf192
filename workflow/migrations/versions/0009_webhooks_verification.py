"""webhooks: subscribers and their deliveries (outbox rows of a webhook kind)

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-01

- webhook_subscription: an address another system registered, its signing secret, the event types.
- webhook_delivery: one event for one subscriber, leased, retried and settled like outbox_message;
  (subscription_id, event_uid) is unique so an event is queued once per subscriber.
- register_entry.verification_code: the short random code printed (with a QR code) on every
  decision and certificate; existing entries get one each (backfill), then it is NOT NULL, unique.
- award_decision.revokes_id / revocation_reason: a decision revoking an earlier one.
"""
import secrets
from alembic import op
import sqlalchemy as sa
import workflow.models.base


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'webhook_subscription',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('secret', sa.String(length=200), nullable=False),
        sa.Column('event_types', sa.JSON(), nullable=False),
        sa.Column('description', sa.String(length=200), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                                name=op.f('fk_webhook_subscription_created_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_subscription')),
    )
    op.create_table(
        'webhook_delivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('subscription_id', sa.Integer(), nullable=False),
        sa.Column('event_uid', sa.String(length=64), nullable=False),
        sa.Column('event_type', sa.String(length=60), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', workflow.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('locked_at', workflow.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('claimed_by', sa.String(length=40), nullable=True),
        sa.Column('sent_at', workflow.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('last_status', sa.Integer(), nullable=True),
        sa.Column('last_response', sa.Text(), nullable=True),
        sa.CheckConstraint("state IN ('pending', 'sending', 'sent', 'failed')", name=op.f('ck_webhook_delivery_state')),
        sa.CheckConstraint("state <> 'sent' OR sent_at IS NOT NULL", name=op.f('ck_webhook_delivery_sent_has_time')),
        sa.ForeignKeyConstraint(['subscription_id'], ['webhook_subscription.id'],
                                name=op.f('fk_webhook_delivery_subscription_id_webhook_subscription')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_delivery')),
        sa.UniqueConstraint('subscription_id', 'event_uid', name=op.f('uq_webhook_delivery_subscription_id_event_uid')),
    )
    with op.batch_alter_table('webhook_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_delivery_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_webhook_delivery_subscription_id'), ['subscription_id'], unique=False)
    _verification()


ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # as workflow/verification.py


def _verification() -> None:
    with op.batch_alter_table('register_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verification_code', sa.String(length=16), nullable=True))
    conn = op.get_bind()
    entry = sa.table('register_entry', sa.column('id', sa.Integer), sa.column('verification_code', sa.String))
    for (entry_id,) in conn.execute(sa.select(entry.c.id)).all():
        code = "".join(secrets.choice(ALPHABET) for _ in range(10))
        conn.execute(entry.update().where(entry.c.id == entry_id).values(verification_code=code))
    with op.batch_alter_table('register_entry', schema=None) as batch_op:
        batch_op.alter_column('verification_code', existing_type=sa.String(length=16), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_register_entry_verification_code'), ['verification_code'])
    with op.batch_alter_table('award_decision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revokes_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('revocation_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_award_decision_revokes_id_award_decision'), 'award_decision',
                                    ['revokes_id'], ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_award_decision_revokes_id'), ['revokes_id'])
        batch_op.create_check_constraint(op.f('ck_award_decision_revocation_has_reason'),
                                         "revokes_id IS NULL OR revocation_reason IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('award_decision', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_award_decision_revocation_has_reason'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_award_decision_revokes_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_award_decision_revokes_id_award_decision'), type_='foreignkey')
        batch_op.drop_column('revocation_reason')
        batch_op.drop_column('revokes_id')
    with op.batch_alter_table('register_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_register_entry_verification_code'), type_='unique')
        batch_op.drop_column('verification_code')
    with op.batch_alter_table('webhook_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_delivery_subscription_id'))
        batch_op.drop_index(batch_op.f('ix_webhook_delivery_state'))
    op.drop_table('webhook_delivery')
    op.drop_table('webhook_subscription')
