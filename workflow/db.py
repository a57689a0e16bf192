"""Engine and the one session scope: `db.transaction()` for writes, `db.reading()` for reads."""
from __future__ import annotations

import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

WRITE_OPTION = "thidua_write"


def make_engine(url: str, *, sqlite_busy_timeout: float = 15, **kwargs) -> Engine:
    """An engine tuned for our two databases.

    SQLite: WAL (readers never block the writer), a busy timeout, foreign keys on, and
    write transactions opened with BEGIN IMMEDIATE so that two writers serialise at
    BEGIN instead of failing half-way with "database is locked".
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:" and not path.startswith("file:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": sqlite_busy_timeout, "check_same_thread": False}, **kwargs)
        _tune_sqlite(engine, sqlite_busy_timeout)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _tune_sqlite(engine: Engine, busy_timeout: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Take transaction control from pysqlite so that BEGIN is ours to emit.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = "IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


_databases: weakref.WeakSet[Database] = weakref.WeakSet()


def _forget_inherited_connections() -> None:
    """In a forked child: drop the parent's pooled connections without closing them (they are the parent's).

    SQLAlchemy's documented pattern for engines across fork (`dispose(close=False)`). thidua never
    forks after opening connections (see webapp/server.py); this is the second line of defence.
    """
    for database in list(_databases):
        database.engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_inherited_connections)


class Database:
    """Owns the engine; hands out sessions. Everything that writes goes through `transaction()`."""

    def __init__(self, url: str, *, sqlite_busy_timeout: float = 15, **engine_kwargs):
        self.url = url
        self.engine = make_engine(url, sqlite_busy_timeout=sqlite_busy_timeout, **engine_kwargs)
        _databases.add(self)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        writer = self.engine.execution_options(**{WRITE_OPTION: True})
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(writer, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One write transaction: committed on success, rolled back on any exception."""
        with self._write_sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for queries; nothing it does is committed (closing rolls back, keeps loaded objects)."""
        with self._read_sessions() as session:
            yield session

    def analyze(self) -> None:
        """Refresh the query planner's statistics, e.g. after a bulk import.

        SQLite has none until ANALYZE runs, and without them it picks poor indexes on large
        tables (the year index for `person_id = ? AND year = ?`).
        """
        with self.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()

    def optimize(self) -> None:
        """Cheap upkeep of the statistics (scheduler start, daily sweep): SQLite's PRAGMA optimize, or a
        full ANALYZE when it has never run. PostgreSQL's autovacuum keeps its own."""
        if not self.is_sqlite:
            return
        with self.engine.connect() as conn:
            analysed = conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'").first()
            conn.exec_driver_sql("PRAGMA optimize" if analysed else "ANALYZE")
            conn.commit()

    def dispose(self) -> None:
        self.engine.dispose()
