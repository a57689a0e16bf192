"""scale indexes: the sweep's ledger by day, the demo data mark, the inbox's first items

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01

- (sent_on, recipient_user_id) on reminder_sent: the daily sweep asks once which recipients already
  had today's digest (one statement for all of them), without reading the ledger of every past day.
- ix_audit_log_demo_mark: a partial index on audit_log (action = 'build_demo_data'); every page asks
  whether the database holds demo data, which scanned the whole log (48 ms at 100k nominations).
- (cycle_id, state, id) on nomination, and the same for returned nominations only (sent_back_at IS
  NOT NULL): the inbox's first items of a step, returned first then oldest, read by two short index
  scans instead of sorting every nomination waiting at that step.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reminder_sent', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_sent_sent_on_recipient', ['sent_on', 'recipient_user_id'])
    demo = sa.text("action = 'build_demo_data'")
    op.create_index('ix_audit_log_demo_mark', 'audit_log', ['id'], sqlite_where=demo, postgresql_where=demo)
    returned = sa.text("sent_back_at IS NOT NULL")
    op.create_index('ix_nomination_cycle_state_id', 'nomination', ['cycle_id', 'state', 'id'])
    op.create_index('ix_nomination_returned', 'nomination', ['cycle_id', 'state', 'id'], sqlite_where=returned,
                    postgresql_where=returned)


def downgrade() -> None:
    op.drop_index('ix_nomination_returned', table_name='nomination')
    op.drop_index('ix_nomination_cycle_state_id', table_name='nomination')
    op.drop_index('ix_audit_log_demo_mark', table_name='audit_log')
    with op.batch_alter_table('reminder_sent', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_sent_sent_on_recipient')
