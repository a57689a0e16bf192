"""webhooks: subscribers and their deliveries (outbox rows of a webhook kind)

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-01

- webhook_subscription: an address another system registered, its signing secret, the event types.
- webhook_delivery: one event for one subscriber, leased, retried and settled like outbox_message;
  (subscription_id, event_uid) is unique so an event is queued once per subscriber.
New tables only: nothing to carry over.
"""
from alembic import op
import sqlalchemy as sa
import workflow.models.base


revision = '0009'
down_revision = '0005'
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


def downgrade() -> None:
    with op.batch_alter_table('webhook_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_delivery_subscription_id'))
        batch_op.drop_index(batch_op.f('ix_webhook_delivery_state'))
    op.drop_table('webhook_delivery')
    op.drop_table('webhook_subscription')
