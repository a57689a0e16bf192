"""Bring a database to the latest schema with Alembic; compare models and migrations."""
from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

# The index behind the name search lives outside the models (a pg_trgm GIN index, an SQLite
# FTS5 table and its shadow tables; migration 0008): comparisons leave these names alone.
SEARCH_INDEX_NAMES = ("ix_person_search_trgm", "person_name_fts")


def include_name(name, type_, parent_names) -> bool:
    """For Alembic comparisons: everything but the search index's own objects."""
    return not (name or "").startswith(SEARCH_INDEX_NAMES)


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "workflow:migrations")
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration not yet applied."""
    migrate(engine, command.upgrade, revision)


def migrate(engine: Engine, step, revision: str) -> None:
    """Run an Alembic command (upgrade, downgrade) in one transaction.

    On SQLite, altering a table rebuilds it, and rows of other tables point at it meanwhile: as
    SQLite's own procedure says, foreign keys are off during the rebuild (the pragma works only
    outside a transaction) and checked before the commit."""
    cfg = alembic_config(engine)
    with engine.connect() as conn:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                step(cfg, revision)
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise RuntimeError("migration left rows pointing at missing rows (PRAGMA foreign_key_check)")
        finally:
            if sqlite:
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def is_up_to_date(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()


def drop_everything(engine: Engine) -> None:
    """For tests and `thidua demo --reset`: drop every table, including Alembic's."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        return
    # Tables reference each other in a cycle (department <-> person), so drop them with foreign
    # keys off; that pragma only works outside a transaction, hence the raw connection.
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA foreign_keys=OFF")
        names = [r[0] for r in cur.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").fetchall()]
        for name in names:
            cur.execute(f'DROP TABLE IF EXISTS "{name}"')
        cur.execute("PRAGMA foreign_keys=ON")
        raw.commit()
    finally:
        raw.close()
