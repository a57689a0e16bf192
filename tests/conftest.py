"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL is the one at 127.0.0.1:5432 (THIDUA_TEST_PG_URL overrides it). When it is
unreachable its tests are skipped, unless THIDUA_REQUIRE_PG=1 (CI) makes that a failure.
Each test gets an empty database whose schema the Alembic migrations built (once per
process: copied for SQLite, truncated for PostgreSQL), never create_all.
"""
from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import hypothesis
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.database import DirectoryBasedExampleDatabase
from sqlalchemy import create_engine, text

from workflow import auth, bootstrap, schema
from workflow.clock import FixedClock
from workflow.config import Settings
from workflow.context import Context
from workflow.models import Base

from .factories import Factory

PG_ADMIN_URL = os.environ.get("THIDUA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TODAY = date(2025, 11, 20)
auth.use_cheap_hashing()
# Hypothesis keeps its example database and its other caches with the tests, not at the top of
# the repository (newer versions write a `.hypothesis/constants` cache wherever pytest runs).
set_hypothesis_home_dir(Path(__file__).parent / "artifacts" / "hypothesis-home")
hypothesis.settings.register_profile(
    "thidua", database=DirectoryBasedExampleDatabase(str(Path(__file__).parent / "artifacts" / "hypothesis")))
hypothesis.settings.load_profile("thidua")


class ServerLikeClient(FlaskClient):
    """Flask's test client, closing each response as every WSGI server does: what the app runs on close
    (a write request's events fanned out into mail and webhooks, webapp/__init__.py) runs here too."""

    def open(self, *args, buffered: bool = True, **kwargs):
        return super().open(*args, buffered=buffered, **kwargs)


Flask.test_client_class = ServerLikeClient


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


def _private_database(base: str) -> str:
    """A database of this test process's own, so that parallel runs never drop each other's tables."""
    name = f"thidua_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name


def _drop_private_database(base: str, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_private_url(pg_url):
    """This process's own PostgreSQL database, migrated once; tests empty it between them."""
    url = _private_database(pg_url)
    engine = create_engine(url)
    schema.upgrade(engine)
    engine.dispose()
    yield url
    _drop_private_database(pg_url, url)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite file, copied for each test (much faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "thidua.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        target = tmp_path / "thidua.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    url = request.getfixturevalue("pg_private_url")
    _empty_postgres(url)
    return url


def _empty_postgres(url: str) -> None:
    # TRUNCATE does not fire the audit log's row triggers, and resets the id sequences.
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


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
    bootstrap.init(context)
    yield context
    context.db.dispose()


@pytest.fixture
def make(ctx):
    """Factories for departments, people, users, registers and nominations in a given state."""
    return Factory(ctx)


# --- CI guard: the PostgreSQL half of the suite must really run ------------------------
_postgres_tests_run = 0


def pytest_runtest_logreport(report):
    global _postgres_tests_run
    if report.when == "call" and "[postgresql" in report.nodeid:
        _postgres_tests_run += 1


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("THIDUA_REQUIRE_PG") == "1" and session.testscollected and _postgres_tests_run == 0:
        print("\nTHIDUA_REQUIRE_PG=1 but no PostgreSQL test ran.")
        session.exitstatus = 1
