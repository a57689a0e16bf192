"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL is the one at 127.0.0.1:5432 (THIDUA_TEST_PG_URL overrides it). When it is
unreachable its tests are skipped, unless THIDUA_REQUIRE_PG=1 (CI) makes that a failure.
Each test gets a fresh schema, built by the Alembic migrations, not by create_all.
"""
from __future__ import annotations

import os
from datetime import date

import pytest
from sqlalchemy import create_engine, text

from workflow import bootstrap, schema
from workflow.clock import FixedClock
from workflow.config import Settings
from workflow.context import Context

from .factories import Factory

PG_ADMIN_URL = os.environ.get("THIDUA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TODAY = date(2025, 11, 20)


def _pg_available() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return str(exc).splitlines()[0]


@pytest.fixture(scope="session")
def pg_url():
    reason = _pg_available()
    if reason:
        if os.environ.get("THIDUA_REQUIRE_PG") == "1":
            pytest.fail(f"PostgreSQL required (THIDUA_REQUIRE_PG=1) but unreachable: {reason}")
        pytest.skip(f"PostgreSQL unreachable: {reason}")
    return PG_ADMIN_URL


def _worker_schema_url(base: str) -> str:
    # pytest-xdist workers each get their own database so that they never collide.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return base
    name = f"thidua_test_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'thidua.sqlite3'}"
    return _worker_schema_url(request.getfixturevalue("pg_url"))


@pytest.fixture
def settings(tmp_path, db_url):
    return Settings.load(overrides={
        "app": {"instance_path": str(tmp_path / "instance"), "secret_key": "test-secret",
                "base_url": "http://thidua.test"},
        "database": {"url": db_url},
        "mail": {"smtp_host": ""},
    }, environ={})


@pytest.fixture
def clock():
    return FixedClock(TODAY)


@pytest.fixture
def ctx(settings, clock):
    context = Context.from_settings(settings, clock=clock)
    schema.drop_everything(context.db.engine)
    bootstrap.init(context)
    yield context
    context.db.dispose()


@pytest.fixture
def make(ctx):
    """Factories for departments, people, users, registers and nominations in a given state."""
    return Factory(ctx)
