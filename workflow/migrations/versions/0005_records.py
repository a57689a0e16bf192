"""records: replaced and withdrawn dossier files

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-01

- document.superseded_by_id: the file that replaced this one (who replaced it, and when);
  existing replaced files get the next file of their kind, owner and origin.
- document.withdrawn_at / withdrawn_by_id / withdrawal_reason: a wrong upload withdrawn by its
  uploader before the step that relied on it.
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0002'
branch_labels = None
depends_on = None

_OWNER = ("nomination_id", "cycle_id", "department_id", "council_meeting_id")


def _document_columns() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('superseded_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('withdrawal_reason', sa.Text(), nullable=True))
    _backfill_replacements()
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_document_superseded_by_id_document'), 'document',
                                    ['superseded_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_document_withdrawn_by_id_user_account'), 'user_account',
                                    ['withdrawn_by_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_document_replaced_is_superseded'),
                                         "superseded_by_id IS NULL OR superseded")
        batch_op.create_check_constraint(
            op.f('ck_document_withdrawn_has_reason'),
            "withdrawn_at IS NULL OR (superseded AND NOT generated AND withdrawn_by_id IS NOT NULL"
            " AND withdrawal_reason IS NOT NULL)")


def _backfill_replacements() -> None:
    """A replaced file's successor: the next file of the same kind, owner and origin."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT id, kind, generated, superseded, " + ", ".join(_OWNER) + " FROM document"
        " WHERE kind <> 'other' ORDER BY id")).mappings().all()
    by_group: dict[tuple, list] = {}
    for r in rows:
        by_group.setdefault((r["kind"], bool(r["generated"]), *(r[k] for k in _OWNER)), []).append(r)
    for group in by_group.values():
        for older, newer in zip(group, group[1:]):
            if older["superseded"]:
                bind.execute(sa.text("UPDATE document SET superseded_by_id = :n WHERE id = :o"),
                             {"n": newer["id"], "o": older["id"]})


def upgrade() -> None:
    _document_columns()


def downgrade() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_document_withdrawn_has_reason'), type_='check')
        batch_op.drop_constraint(op.f('ck_document_replaced_is_superseded'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_document_withdrawn_by_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_document_superseded_by_id_document'), type_='foreignkey')
        batch_op.drop_column('withdrawal_reason')
        batch_op.drop_column('withdrawn_by_id')
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('superseded_by_id')
