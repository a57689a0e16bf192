"""dashboard summaries: nominations counted per cycle, department and state; a stamp of the registers

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01

The head's dashboard counted every nomination of the cycle and every active person for its total
at each first view after a write (1M nominations: 250 ms). Two summaries, kept by triggers so that
every path that writes (the use cases, Core bulk updates, imports, COPY) keeps them exact:

- nomination_tally (cycle_id, department_id, state, count): PostgreSQL one statement-level trigger
  per verb reading the transition tables (a COPY of a million rows is one aggregated upsert), SQLite
  row triggers; a TRUNCATE of nomination empties it. Backfilled here.
- register_stamp: one row whose random token changes with every write to person, department,
  contest_result, initiative and initiative_author (PostgreSQL once per statement, TRUNCATE
  included). The dashboard keeps its people and initiative figures per process under that token;
  a workflow step writes none of those tables, so it leaves them valid.

Locks (PostgreSQL): a summary row is shared by many writers. Each trigger first locks the audit
chain head, which every audited writer locks anyway before it commits (workflow/audit.py), so the
summary rows are only ever locked by the one transaction that holds the head: two steps cannot lock
two tally rows in opposite orders, nor one hold a tally row while waiting for the head that the
other holds. The upsert also touches its rows in key order, for a writer on a database whose head
row is missing (tests empty it).

The SQLite triggers belong to the nomination table and those five tables: a later migration that
rebuilds one of them in batch mode must create its triggers again (tests/registers/test_dashboard_
summaries.py checks the summaries at head).
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

REGISTERS = ('person', 'department', 'contest_result', 'initiative', 'initiative_author')
KEY = "cycle_id, department_id, state"
_LOCK_HEAD = "PERFORM 1 FROM audit_chain_head WHERE id = 1 FOR UPDATE;"
_UPSERT = ("INSERT INTO nomination_tally AS t (cycle_id, department_id, state, count) {rows}"
           " ON CONFLICT (cycle_id, department_id, state) DO UPDATE SET count = t.count + excluded.count;")
_DELTA = (f"SELECT {KEY}, sum(n) FROM (SELECT {KEY}, 1 AS n FROM new_rows"
          f" UNION ALL SELECT {KEY}, -1 FROM old_rows) AS moved GROUP BY {KEY} HAVING sum(n) <> 0")

PG_TALLY = f"""
CREATE FUNCTION nomination_tally_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_LOCK_HEAD}
        {_UPSERT.format(rows=f"SELECT {KEY}, count(*) FROM new_rows GROUP BY {KEY} ORDER BY {KEY}")}
    ELSIF TG_OP = 'DELETE' THEN
        {_LOCK_HEAD}
        {_UPSERT.format(rows=f"SELECT {KEY}, -count(*) FROM old_rows GROUP BY {KEY} ORDER BY {KEY}")}
    ELSIF TG_OP = 'UPDATE' THEN
        -- most updates (a comment, a sort key, a version) move no count: no lock, no write
        IF EXISTS ({_DELTA}) THEN
            {_LOCK_HEAD}
            {_UPSERT.format(rows=_DELTA + f" ORDER BY {KEY}")}
        END IF;
    ELSE  -- TRUNCATE
        DELETE FROM nomination_tally;
    END IF;
    RETURN NULL;
END $$"""
PG_TALLY_TRIGGERS = [
    "CREATE TRIGGER nomination_tally_insert AFTER INSERT ON nomination REFERENCING NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION nomination_tally_apply()",
    "CREATE TRIGGER nomination_tally_update AFTER UPDATE ON nomination"
    " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION nomination_tally_apply()",
    "CREATE TRIGGER nomination_tally_delete AFTER DELETE ON nomination REFERENCING OLD TABLE AS old_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION nomination_tally_apply()",
    "CREATE TRIGGER nomination_tally_truncate AFTER TRUNCATE ON nomination"
    " FOR EACH STATEMENT EXECUTE FUNCTION nomination_tally_apply()",
]
PG_STAMP = f"""
CREATE FUNCTION register_stamp_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_LOCK_HEAD}
    INSERT INTO register_stamp (id, token) VALUES (1, gen_random_uuid()::text)
    ON CONFLICT (id) DO UPDATE SET token = excluded.token;
    RETURN NULL;
END $$"""

_SQLITE_ADD = ("INSERT INTO nomination_tally (cycle_id, department_id, state, count)"
               " VALUES (new.cycle_id, new.department_id, new.state, 1)"
               " ON CONFLICT (cycle_id, department_id, state) DO UPDATE SET count = count + 1;")
_SQLITE_REMOVE = ("UPDATE nomination_tally SET count = count - 1"
                  " WHERE cycle_id = old.cycle_id AND department_id = old.department_id AND state = old.state;")
SQLITE_TALLY = [
    f"CREATE TRIGGER nomination_tally_insert AFTER INSERT ON nomination BEGIN {_SQLITE_ADD} END",
    f"CREATE TRIGGER nomination_tally_delete AFTER DELETE ON nomination BEGIN {_SQLITE_REMOVE} END",
    "CREATE TRIGGER nomination_tally_update AFTER UPDATE OF cycle_id, department_id, state ON nomination"
    " WHEN old.cycle_id IS NOT new.cycle_id OR old.department_id IS NOT new.department_id"
    f" OR old.state IS NOT new.state BEGIN {_SQLITE_REMOVE} {_SQLITE_ADD} END",
]
_SQLITE_STAMP = ("INSERT INTO register_stamp (id, token) VALUES (1, lower(hex(randomblob(16))))"
                 " ON CONFLICT (id) DO UPDATE SET token = excluded.token;")


def upgrade() -> None:
    op.create_table(
        'nomination_tally',
        sa.Column('cycle_id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=30), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('cycle_id', 'department_id', 'state', name=op.f('pk_nomination_tally')),
    )
    op.create_table(
        'register_stamp',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=36), nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_register_stamp_single_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_register_stamp')),
    )
    # the triggers first: on PostgreSQL creating one locks the table against writes until this
    # migration commits, so no nomination can slip between the backfill and the trigger
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(PG_TALLY)
        for statement in PG_TALLY_TRIGGERS:
            op.execute(statement)
        op.execute(PG_STAMP)
        for table in REGISTERS:
            op.execute(f"CREATE TRIGGER register_stamp_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
                       f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION register_stamp_move()")
        token = "gen_random_uuid()::text"
    else:
        for statement in SQLITE_TALLY:
            op.execute(statement)
        for table in REGISTERS:
            for verb in ('INSERT', 'UPDATE', 'DELETE'):
                op.execute(f"CREATE TRIGGER register_stamp_{table}_{verb.lower()} AFTER {verb} ON {table}"
                           f" BEGIN {_SQLITE_STAMP} END")
        token = "lower(hex(randomblob(16)))"
    op.execute(f"INSERT INTO nomination_tally ({KEY}, count) SELECT {KEY}, count(*) FROM nomination GROUP BY {KEY}")
    op.execute(f"INSERT INTO register_stamp (id, token) VALUES (1, {token})")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for verb in ('insert', 'update', 'delete', 'truncate'):
            op.execute(f"DROP TRIGGER IF EXISTS nomination_tally_{verb} ON nomination")
        for table in REGISTERS:
            op.execute(f"DROP TRIGGER IF EXISTS register_stamp_{table} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS nomination_tally_apply()")
        op.execute("DROP FUNCTION IF EXISTS register_stamp_move()")
    else:
        for verb in ('insert', 'update', 'delete'):
            op.execute(f"DROP TRIGGER IF EXISTS nomination_tally_{verb}")
            for table in REGISTERS:
                op.execute(f"DROP TRIGGER IF EXISTS register_stamp_{table}_{verb}")
    op.drop_table('register_stamp')
    op.drop_table('nomination_tally')
