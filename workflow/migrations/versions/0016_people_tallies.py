"""people tallies: active staff and online contest participants per department, kept by triggers

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01

The head's dashboard counted the active staff and the contest participants live over person and
contest_result (1M nominations: 200k people, 1M results; 181 ms at the first view after any write to
the registers). Kept by triggers instead, in the style of migration 0014, so that every path that writes
(the use cases, Core bulk statements, imports, COPY, TRUNCATE) keeps them exact:

- person.online_contest_years: the years the person took part in the online CCHC contest, as text
  ",2021,2023," ('' for none): recomputed for the persons a write to contest_result touches. Text and
  not a bit mask, so that every year the column can hold is covered; "took part in [first, last]" is
  `online_contest_years LIKE '%,<year>,%'` for one of the period's years.
- staff_tally (department_id, count): the active people of each department.
- participation_tally (department_id, years, count): the active people of each department per distinct
  set of contest years (non-empty sets only). A person counts once in the row of their set, so the
  participants of a period are the sum of the rows whose set meets the period, however many years or
  rounds each took part in. A department has as many rows as distinct sets among its staff (~30 for
  five years of contests with 70% taking part each year), whatever the number of results; a row that
  falls to 0 is deleted, since sets are left behind every year (",2021," once everyone has ",2021,2022,").

Both tallies are moved by the person triggers from each row's old and new (department, active, years);
the contest_result triggers only rewrite the column, and that update moves the tallies. PostgreSQL:
statement-level triggers reading the transition tables (a COPY of a million results is one recompute of
the persons it names and one aggregated upsert); SQLite: row triggers.

Locks (PostgreSQL), as in 0014: each trigger that writes first locks the audit chain head, and then
its rows. For the contest_result triggers this also orders the recomputes: a person's years are read
after the lock, so a concurrent writer's results are either committed (and read) or recomputed by that
writer after it gets the lock. Updates that move no count take no lock.

Backups copy these like any column or table (SQLite page by page; pg_restore loads the data before it
creates the triggers): a restored database has its tallies as they were. The SQLite triggers belong to
person and contest_result: a later migration that rebuilds one of them in batch mode must create its
triggers again (tests/registers/test_dashboard_summaries.py checks the tallies at head).
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

_LOCK_HEAD = "PERFORM 1 FROM audit_chain_head WHERE id = 1 FOR UPDATE;"
# The years of the persons in `affected` (a query of person ids, each once), '' for none. Years of four
# digits sort as text the way they sort as numbers; the order only makes equal sets equal strings.
_PG_YEARS = """UPDATE person AS p SET online_contest_years = y.years
        FROM (SELECT a.person_id,
                     coalesce(',' || string_agg(DISTINCT c.year::text, ',' ORDER BY c.year::text) || ',', '') AS years
              FROM ({affected}) AS a (person_id)
              LEFT JOIN contest_result AS c
                ON c.person_id = a.person_id AND c.contest_kind = 'online_cchc' AND c.participated
              GROUP BY a.person_id) AS y
        WHERE p.id = y.person_id AND p.online_contest_years <> y.years;"""
_RESULT = "SELECT id, person_id, contest_kind, year, participated FROM {rows}"
# an UPDATE moves the years only if a result changed kind, year, person or participation
_PG_CHANGED = (f"SELECT DISTINCT person_id FROM (({_RESULT.format(rows='new_rows')} EXCEPT {_RESULT.format(rows='old_rows')})"
               f" UNION ALL ({_RESULT.format(rows='old_rows')} EXCEPT {_RESULT.format(rows='new_rows')})) AS moved"
               " WHERE contest_kind = 'online_cchc'")
_PG_AFFECTED = {
    'INSERT': "SELECT DISTINCT person_id FROM new_rows WHERE contest_kind = 'online_cchc'",
    'DELETE': "SELECT DISTINCT person_id FROM old_rows WHERE contest_kind = 'online_cchc'",
    'UPDATE': _PG_CHANGED,
}


def _pg_recompute(verb: str) -> str:
    affected = _PG_AFFECTED[verb]
    return f"""IF EXISTS ({affected}) THEN
            {_LOCK_HEAD}
            {_PG_YEARS.format(affected=affected)}
        END IF;"""


def _pg_function(name: str, per_verb, on_truncate: str) -> str:
    """A statement-level trigger function: `per_verb(verb)` for INSERT, DELETE and UPDATE, then TRUNCATE."""
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {per_verb('INSERT')}
    ELSIF TG_OP = 'DELETE' THEN
        {per_verb('DELETE')}
    ELSIF TG_OP = 'UPDATE' THEN
        {per_verb('UPDATE')}
    ELSE  -- TRUNCATE
        {_LOCK_HEAD}
        {on_truncate}
    END IF;
    RETURN NULL;
END $$"""


# TRUNCATE of contest_result: nobody has results left
PG_YEARS = _pg_function('online_contest_years_apply', _pg_recompute,
                        "UPDATE person SET online_contest_years = '' WHERE online_contest_years <> '';")

# One person row's part in the tallies: +1 for a new row, -1 for an old one (an UPDATE has both).
_PG_MOVED = {
    'INSERT': "SELECT department_id, active, online_contest_years, 1 AS n FROM new_rows",
    'DELETE': "SELECT department_id, active, online_contest_years, -1 AS n FROM old_rows",
    'UPDATE': ("SELECT department_id, active, online_contest_years, 1 AS n FROM new_rows UNION ALL"
               " SELECT department_id, active, online_contest_years, -1 FROM old_rows"),
}
_PG_STAFF = ("SELECT department_id, sum(n) FROM ({moved}) AS moved WHERE active AND department_id IS NOT NULL"
             " GROUP BY department_id HAVING sum(n) <> 0")
_PG_JOINED = ("SELECT department_id, online_contest_years, sum(n) FROM ({moved}) AS moved"
              " WHERE active AND department_id IS NOT NULL AND online_contest_years <> ''"
              " GROUP BY department_id, online_contest_years HAVING sum(n) <> 0")


def _pg_tallies(verb: str) -> str:
    staff, joined = _PG_STAFF.format(moved=_PG_MOVED[verb]), _PG_JOINED.format(moved=_PG_MOVED[verb])
    # most updates (a name, an email, a no-op) move no count: no lock, no write
    return f"""IF EXISTS ({staff}) OR EXISTS ({joined}) THEN
            {_LOCK_HEAD}
            INSERT INTO staff_tally AS t (department_id, count) {staff} ORDER BY department_id
            ON CONFLICT (department_id) DO UPDATE SET count = t.count + excluded.count;
            INSERT INTO participation_tally AS t (department_id, years, count) {joined} ORDER BY 1, 2
            ON CONFLICT (department_id, years) DO UPDATE SET count = t.count + excluded.count;
            DELETE FROM participation_tally AS t USING ({joined}) AS moved (department_id, years, n)
            WHERE t.department_id = moved.department_id AND t.years = moved.years AND t.count = 0;
        END IF;"""


PG_TALLIES = _pg_function('person_tallies_apply', _pg_tallies,
                         "DELETE FROM staff_tally;\n        DELETE FROM participation_tally;")


def _pg_triggers(table: str, name: str, function: str) -> list[str]:
    each = f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
    return [
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows {each}",
        f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table}"
        f" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows {each}",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows {each}",
        f"CREATE TRIGGER {name}_truncate AFTER TRUNCATE ON {table} {each}",
    ]


# SQLite: the years of the person `person.id` (the row the UPDATE rewrites), '' for none
_SQLITE_YEARS = ("UPDATE person SET online_contest_years = coalesce((SELECT ',' || group_concat(year, ',') || ','"
                 " FROM (SELECT DISTINCT year FROM contest_result WHERE person_id = person.id"
                 " AND contest_kind = 'online_cchc' AND participated ORDER BY year)), '')")
SQLITE_YEARS = [
    "CREATE TRIGGER online_contest_years_insert AFTER INSERT ON contest_result"
    f" WHEN new.contest_kind = 'online_cchc' BEGIN {_SQLITE_YEARS} WHERE id = new.person_id; END",
    "CREATE TRIGGER online_contest_years_delete AFTER DELETE ON contest_result"
    f" WHEN old.contest_kind = 'online_cchc' BEGIN {_SQLITE_YEARS} WHERE id = old.person_id; END",
    "CREATE TRIGGER online_contest_years_update AFTER UPDATE OF contest_kind, year, person_id, participated"
    " ON contest_result WHEN 'online_cchc' IN (old.contest_kind, new.contest_kind)"
    " AND (old.contest_kind IS NOT new.contest_kind OR old.year IS NOT new.year"
    " OR old.person_id IS NOT new.person_id OR old.participated IS NOT new.participated)"
    f" BEGIN {_SQLITE_YEARS} WHERE id IN (old.person_id, new.person_id); END",
]


def _sqlite_add(row: str) -> str:
    return (f"INSERT INTO staff_tally (department_id, count) SELECT {row}.department_id, 1"
            f" WHERE {row}.active AND {row}.department_id IS NOT NULL"
            " ON CONFLICT (department_id) DO UPDATE SET count = count + 1;"
            f" INSERT INTO participation_tally (department_id, years, count)"
            f" SELECT {row}.department_id, {row}.online_contest_years, 1"
            f" WHERE {row}.active AND {row}.department_id IS NOT NULL AND {row}.online_contest_years <> ''"
            " ON CONFLICT (department_id, years) DO UPDATE SET count = count + 1;")


def _sqlite_remove(row: str) -> str:
    return (f"UPDATE staff_tally SET count = count - 1 WHERE {row}.active AND department_id = {row}.department_id;"
            f" UPDATE participation_tally SET count = count - 1 WHERE {row}.active"
            f" AND department_id = {row}.department_id AND years = {row}.online_contest_years;"
            f" DELETE FROM participation_tally WHERE department_id = {row}.department_id"
            f" AND years = {row}.online_contest_years AND count = 0;")


SQLITE_TALLIES = [
    f"CREATE TRIGGER person_tallies_insert AFTER INSERT ON person BEGIN {_sqlite_add('new')} END",
    f"CREATE TRIGGER person_tallies_delete AFTER DELETE ON person BEGIN {_sqlite_remove('old')} END",
    "CREATE TRIGGER person_tallies_update AFTER UPDATE OF active, department_id, online_contest_years ON person"
    " WHEN old.active IS NOT new.active OR old.department_id IS NOT new.department_id"
    " OR old.online_contest_years IS NOT new.online_contest_years"
    f" BEGIN {_sqlite_remove('old')} {_sqlite_add('new')} END",
]

BACKFILL_YEARS = {
    'postgresql': _PG_YEARS.format(affected="SELECT DISTINCT person_id FROM contest_result"
                                            " WHERE contest_kind = 'online_cchc'"),
    'sqlite': _SQLITE_YEARS + " WHERE id IN (SELECT person_id FROM contest_result WHERE contest_kind = 'online_cchc')",
}
BACKFILL_TALLIES = [
    "INSERT INTO staff_tally (department_id, count) SELECT department_id, count(*) FROM person"
    " WHERE active AND department_id IS NOT NULL GROUP BY department_id",
    "INSERT INTO participation_tally (department_id, years, count) SELECT department_id, online_contest_years, count(*)"
    " FROM person WHERE active AND department_id IS NOT NULL AND online_contest_years <> ''"
    " GROUP BY department_id, online_contest_years",
]


def upgrade() -> None:
    # adding the column locks person against writes until this migration commits (PostgreSQL)
    op.add_column('person', sa.Column('online_contest_years', sa.Text(), server_default='', nullable=False))
    op.create_table(
        'staff_tally',
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('department_id', name=op.f('pk_staff_tally')),
    )
    op.create_table(
        'participation_tally',
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('years', sa.Text(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('department_id', 'years', name=op.f('pk_participation_tally')),
    )
    dialect = op.get_bind().dialect.name
    # contest_result's triggers first (creating one locks the table against writes), so no result slips
    # between the backfill of the years and the triggers; the person triggers after that backfill, which
    # the tallies' backfill then counts once
    if dialect == 'postgresql':
        op.execute(PG_YEARS)
        for statement in _pg_triggers('contest_result', 'online_contest_years', 'online_contest_years_apply'):
            op.execute(statement)
    else:
        for statement in SQLITE_YEARS:
            op.execute(statement)
    op.execute(BACKFILL_YEARS[dialect])
    if dialect == 'postgresql':
        op.execute(PG_TALLIES)
        for statement in _pg_triggers('person', 'person_tallies', 'person_tallies_apply'):
            op.execute(statement)
    else:
        for statement in SQLITE_TALLIES:
            op.execute(statement)
    for statement in BACKFILL_TALLIES:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for verb in ('insert', 'update', 'delete', 'truncate'):
            op.execute(f"DROP TRIGGER IF EXISTS online_contest_years_{verb} ON contest_result")
            op.execute(f"DROP TRIGGER IF EXISTS person_tallies_{verb} ON person")
        op.execute("DROP FUNCTION IF EXISTS online_contest_years_apply()")
        op.execute("DROP FUNCTION IF EXISTS person_tallies_apply()")
    else:
        for verb in ('insert', 'update', 'delete'):
            op.execute(f"DROP TRIGGER IF EXISTS online_contest_years_{verb}")
            op.execute(f"DROP TRIGGER IF EXISTS person_tallies_{verb}")
    op.drop_table('participation_tally')
    op.drop_table('staff_tally')
    # SQLite drops a column in place (3.35+), keeping person's other triggers (a batch rebuild would not)
    op.execute("ALTER TABLE person DROP COLUMN online_contest_years")
