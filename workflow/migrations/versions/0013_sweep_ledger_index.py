"""sweep ledger: an index on the day a reminder was sent

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-01

- (sent_on, recipient_user_id) on reminder_sent: the daily sweep asks once which recipients already
  had today's digest (one statement for all of them), without reading the ledger of every past day.
"""
from alembic import op


revision = '0013'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reminder_sent', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_sent_sent_on_recipient', ['sent_on', 'recipient_user_id'])


def downgrade() -> None:
    with op.batch_alter_table('reminder_sent', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_sent_sent_on_recipient')
