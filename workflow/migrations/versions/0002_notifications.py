"""notifications: how a sent email left (smtp or sink), and the day each reminder was sent

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

- outbox_message.transport: "smtp" or "sink" once sent, so the "Thư đã gửi" page can
  tell mail kept locally (no SMTP configured) from mail a server accepted.
- reminder_sent.sent_on: the as-of day of the sweep that sent the reminder, so a
  recipient gets at most one digest a day whatever runs the sweep.
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('transport', sa.String(length=10), nullable=True))
    # Rows sent before this revision went through SMTP (there was no sink yet).
    op.execute("UPDATE outbox_message SET transport = 'smtp' WHERE state = 'sent'")
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_outbox_message_transport'),
                                         "transport IS NULL OR transport IN ('smtp', 'sink')")
        batch_op.create_check_constraint(op.f('ck_outbox_message_sent_has_transport'),
                                         "state <> 'sent' OR transport IS NOT NULL")

    with op.batch_alter_table('reminder_sent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sent_on', sa.Date(), nullable=True))
    op.execute("UPDATE reminder_sent SET sent_on = due_on")
    with op.batch_alter_table('reminder_sent', schema=None) as batch_op:
        batch_op.alter_column('sent_on', existing_type=sa.Date(), nullable=False)
        batch_op.create_index('ix_reminder_sent_recipient_sent_on', ['recipient_user_id', 'sent_on'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reminder_sent', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_sent_recipient_sent_on')
        batch_op.drop_column('sent_on')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_message_sent_has_transport'), type_='check')
        batch_op.drop_constraint(op.f('ck_outbox_message_transport'), type_='check')
        batch_op.drop_column('transport')
