"""scale: a sent-back marker, composite indexes, and an index behind the name search

Revision ID: 0008
Revises: 0002
Create Date: 2026-12-01

- nomination.sent_back_at: when the nomination was last sent back, cleared by its next move, so
  the inbox counts and lists returned dossiers without reading the audit log of every row.
  Backfilled from the audit log (the latest state change of each nomination).
- (cycle_id, state, department_id) and (cycle_id, department_id, state) on nomination: the
  inbox, the dashboard, the sweep and the eligibility lookup filter a cycle by state or department.
- (decision_date, id) of awarded nominations: the award register's first screen, newest first.
- Diacritic-insensitive name search backed by an index (person.search_name is the folded name):
  PostgreSQL a pg_trgm GIN index, SQLite an FTS5 trigram table kept in step by triggers. Neither is
  in the models (see workflow.schema.SEARCH_INDEX_NAMES).
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE person_name_fts USING fts5(search_name, content='person', content_rowid='id',"
    " tokenize='trigram')",
    "CREATE TRIGGER person_name_fts_insert AFTER INSERT ON person BEGIN"
    " INSERT INTO person_name_fts(rowid, search_name) VALUES (new.id, new.search_name); END",
    "CREATE TRIGGER person_name_fts_delete AFTER DELETE ON person BEGIN"
    " INSERT INTO person_name_fts(person_name_fts, rowid, search_name) VALUES ('delete', old.id, old.search_name);"
    " END",
    "CREATE TRIGGER person_name_fts_update AFTER UPDATE OF search_name ON person BEGIN"
    " INSERT INTO person_name_fts(person_name_fts, rowid, search_name) VALUES ('delete', old.id, old.search_name);"
    " INSERT INTO person_name_fts(rowid, search_name) VALUES (new.id, new.search_name); END",
    "INSERT INTO person_name_fts(person_name_fts) VALUES ('rebuild')",
]


def upgrade() -> None:
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sent_back_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_nomination_cycle_state_department', ['cycle_id', 'state', 'department_id'])
        batch_op.create_index('ix_nomination_cycle_department_state', ['cycle_id', 'department_id', 'state'])
        batch_op.create_index('ix_nomination_awarded', ['decision_date', 'id'], sqlite_where=sa.text("state = 'awarded'"),
                              postgresql_where=sa.text("state = 'awarded'"))
    # Returned dossiers: those whose latest state change is a send-back.
    op.execute("""
        UPDATE nomination SET sent_back_at = (
            SELECT a.at FROM audit_log a WHERE a.id = (
                SELECT MAX(b.id) FROM audit_log b WHERE b.nomination_id = nomination.id AND b.to_state IS NOT NULL)
            AND a.action = 'send_back')
    """)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_person_search_trgm ON person USING gin (search_name gin_trgm_ops)")
    else:
        for statement in SQLITE_FTS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_person_search_trgm")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS person_name_fts_{name}")
        op.execute("DROP TABLE IF EXISTS person_name_fts")
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.drop_index('ix_nomination_awarded')
        batch_op.drop_index('ix_nomination_cycle_department_state')
        batch_op.drop_index('ix_nomination_cycle_state_department')
        batch_op.drop_column('sent_back_at')
