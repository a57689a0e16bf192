"""hardening: outbox rendered at send time with a per-message lease; a hash-chained audit log

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

- outbox_message.template / variables: the relay renders the body when it sends, so the
  workflow's write transaction no longer runs Jinja; body_text may be NULL until then.
  Existing rows were rendered at queue time and keep their text.
- outbox_message.claimed_by: the lease of one relay run on one message.
- audit_log.seq / prev_hash / row_hash and audit_chain_head: the tamper-evident chain.
  Existing rows are chained in id order. The append-only triggers are re-created (batch
  mode rebuilds the SQLite table), and on SQLite a new one refuses INSERT OR REPLACE,
  whose implicit DELETE fires no DELETE trigger.
"""
from alembic import op
import sqlalchemy as sa

from workflow.audit_chain import FIELDS, GENESIS, chain_hash


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

APPEND_ONLY_MESSAGE = "audit_log is append-only"


def upgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('template', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('variables', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=40), nullable=True))
        batch_op.alter_column('body_text', existing_type=sa.Text(), nullable=True)
        batch_op.create_check_constraint(op.f('ck_outbox_message_renderable'),
                                         "body_text IS NOT NULL OR template IS NOT NULL")
        batch_op.create_check_constraint(op.f('ck_outbox_message_sent_is_rendered'),
                                         "state <> 'sent' OR body_text IS NOT NULL")

    _drop_append_only()
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('row_hash', sa.String(length=64), nullable=True))
    last_seq, last_hash = _backfill_chain()
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('row_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_log_seq'), ['seq'])
    head = op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('row_hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_audit_chain_head_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    op.bulk_insert(head, [{"id": 1, "seq": last_seq, "row_hash": last_hash}])
    _make_append_only()


def _backfill_chain() -> tuple[int, str]:
    log = sa.table('audit_log', sa.column('id', sa.Integer()), sa.column('at', sa.DateTime()),
                   sa.column('payload', sa.JSON()), sa.column('seq', sa.Integer()),
                   sa.column('prev_hash', sa.String()), sa.column('row_hash', sa.String()),
                   *[sa.column(name) for name in FIELDS if name not in ('seq', 'at', 'payload')])
    bind = op.get_bind()
    rows = bind.execute(sa.select(log).order_by(log.c.id)).mappings().all()
    prev, seq = GENESIS, 0
    for row in rows:
        seq += 1
        digest = chain_hash({**row, "seq": seq}, prev)
        bind.execute(log.update().where(log.c.id == row["id"]).values(seq=seq, prev_hash=prev, row_hash=digest))
        prev = digest
    return seq, prev


def _make_append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$""")
        op.execute("""CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
                      FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()""")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log
                           BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END""")
        # INSERT OR REPLACE deletes the row it collides with without firing DELETE triggers.
        op.execute(f"""CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
                       WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id OR seq = NEW.seq)
                       BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END""")


def _drop_append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_refuse_change()")
    else:
        for name in ("audit_log_no_update", "audit_log_no_delete", "audit_log_no_replace"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def downgrade() -> None:
    _drop_append_only()
    op.drop_table('audit_chain_head')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_log_seq'), type_='unique')
        batch_op.drop_column('row_hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')
    if op.get_bind().dialect.name == "postgresql":
        _make_append_only()
    else:  # as 0001 left them: without the INSERT OR REPLACE guard, which needs seq
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log
                           BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END""")

    # Rows not yet rendered get their body from the relay; the old schema needs one: render nothing,
    # say so, and let an administrator re-send.
    op.execute("UPDATE outbox_message SET body_text = '(thư chưa được soạn trước khi hạ cấp cơ sở dữ liệu)', "
               "state = CASE WHEN state IN ('pending', 'sending') THEN 'failed' ELSE state END "
               "WHERE body_text IS NULL")
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_message_sent_is_rendered'), type_='check')
        batch_op.drop_constraint(op.f('ck_outbox_message_renderable'), type_='check')
        batch_op.alter_column('body_text', existing_type=sa.Text(), nullable=False)
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('variables')
        batch_op.drop_column('template')
