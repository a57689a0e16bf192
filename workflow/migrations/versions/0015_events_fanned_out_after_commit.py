"""events fanned out after commit: a step's emails and webhooks leave its write transaction

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01

- domain_event.fanned_out_at: empty until the subscribers (emails, webhooks) have turned the event into
  outbox rows. A step used to resolve recipients and queue its mail inside its own transaction (40% of
  its time, with the write locks held); now it records the event only, and the relay, or the web request
  once its response is sent, fans it out (workflow/audit.py `fan_out`). Events recorded before this
  migration were fanned out when they were recorded: they are marked so.
- domain_event.fan_out_error: why a subscriber failed on the event (a bug, not bad input); the mail page
  lists such events and an administrator can fan them out again once the cause is fixed.
- ix_domain_event_pending: the few events still waiting, found without reading the others.
"""
from alembic import op
import sqlalchemy as sa

import workflow.models.base

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

PENDING = "fanned_out_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table('domain_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fanned_out_at', workflow.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('fan_out_error', sa.String(length=500), nullable=True))
    op.execute("UPDATE domain_event SET fanned_out_at = at")
    with op.batch_alter_table('domain_event', schema=None) as batch_op:
        batch_op.create_index('ix_domain_event_pending', ['id'], unique=False,
                              sqlite_where=sa.text(PENDING), postgresql_where=sa.text(PENDING))


def downgrade() -> None:
    with op.batch_alter_table('domain_event', schema=None) as batch_op:
        batch_op.drop_index('ix_domain_event_pending', sqlite_where=sa.text(PENDING), postgresql_where=sa.text(PENDING))
        batch_op.drop_column('fan_out_error')
        batch_op.drop_column('fanned_out_at')
