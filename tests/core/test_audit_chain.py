"""The audit log proves itself: a hash chain that shows an edited, deleted or inserted row."""
from __future__ import annotations

import os
import threading
import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from webapp.cli import main
from workflow import schema
from workflow.audit import audit, verify_chain
from workflow.audit_chain import chain_hash
from workflow.context import Context
from workflow.models import AuditEntry


def audited(ctx, n: int, action: str = "test_action") -> None:
    for i in range(n):
        with ctx.db.transaction() as s:
            audit(s, ctx, actor_id=None, action=action, entity_type="test", entity_id=i, comment=f"Ghi chú {i}",
                  payload={"lý do": "Bổ sung", "số": i, "danh sách": [1, 2]})


def tamper(ctx, *statements: str) -> None:
    """What someone with the database's own rights could do, triggers out of the way."""
    with ctx.db.engine.begin() as conn:
        if ctx.db.is_sqlite:
            for name in ("audit_log_no_update", "audit_log_no_delete", "audit_log_no_replace"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        else:  # a superuser's session: ordinary triggers do not fire
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        for sql in statements:
            conn.execute(text(sql))


def verify(ctx):
    with ctx.db.reading() as s:
        return verify_chain(s)


@pytest.fixture
def run(settings, ctx):
    env = {"THIDUA_DATABASE__URL": settings.database_url, "THIDUA_APP__INSTANCE_PATH": str(settings.instance_path)}
    return lambda *args: CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_an_untouched_log_verifies_and_the_command_says_so(ctx, make, run):
    a = make.agency()
    make.nomination(a, person_id=a.staff_person)
    audited(ctx, 3)
    checked, broken = verify(ctx)
    assert broken is None and checked >= 5
    result = run("audit", "verify")
    assert result.exit_code == 0 and "Nhật ký toàn vẹn" in result.output and "chuỗi băm nối liền" in result.output


def test_an_edited_row_is_named(ctx, run):
    audited(ctx, 5)
    tamper(ctx, "UPDATE audit_log SET comment = 'Đã sửa' WHERE seq = 3")
    _, broken = verify(ctx)
    assert broken.seq == 3 and "đã bị sửa" in broken.message
    result = run("audit", "verify")
    assert result.exit_code == 1 and "KHÔNG toàn vẹn" in result.output and "vị trí 3" in result.output


def test_a_deleted_row_is_named(ctx):
    audited(ctx, 5)
    tamper(ctx, "DELETE FROM audit_log WHERE seq = 2")
    _, broken = verify(ctx)
    assert broken.seq == 2 and "thiếu bản ghi" in broken.message


def test_a_deleted_last_row_is_seen_from_the_chain_head(ctx):
    audited(ctx, 4)
    tamper(ctx, "DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)")
    _, broken = verify(ctx)
    assert broken is not None and "Đầu chuỗi" in broken.message


def test_a_row_slipped_in_with_a_well_formed_hash_still_breaks_the_next_link(ctx):
    audited(ctx, 4)
    with ctx.db.reading() as s:
        last = s.scalar(select(func.max(AuditEntry.seq)))
        before = s.scalars(select(AuditEntry).where(AuditEntry.seq == last - 2)).one()
        at, prev = before.at, before.row_hash
    slot = last - 1  # slip a back-dated row in before the last two
    forged = {"seq": slot, "at": at, "actor_id": None, "on_behalf_of": None, "action": "test_action",
              "entity_type": "test", "entity_id": 99, "nomination_id": None, "from_state": None, "to_state": None,
              "comment": "Bản ghi lùi ngày", "payload": None}
    digest = chain_hash(forged, prev)
    # make room (from the top, so the unique seq never collides), then insert it with a correct hash
    tamper(ctx, f"UPDATE audit_log SET seq = seq + 100 WHERE seq >= {slot}",
           f"UPDATE audit_log SET seq = seq - 99 WHERE seq >= {slot + 100}",
           "INSERT INTO audit_log (at, action, entity_type, entity_id, comment, seq, prev_hash, row_hash) "
           f"SELECT at, 'test_action', 'test', 99, 'Bản ghi lùi ngày', {slot}, '{prev}', '{digest}' "
           f"FROM audit_log WHERE seq = {last - 2}")
    _, broken = verify(ctx)
    assert broken.seq == slot + 1 and "không nối" in broken.message


def test_insert_or_replace_cannot_overwrite_an_audit_row(ctx):
    audited(ctx, 2)
    with ctx.db.engine.connect() as conn:
        if ctx.db.is_sqlite:
            sql = ("INSERT OR REPLACE INTO audit_log (id, at, action, entity_type, seq, prev_hash, row_hash) "
                   "SELECT id, at, 'rewritten', entity_type, seq, prev_hash, row_hash FROM audit_log WHERE seq = 1")
        else:
            sql = ("INSERT INTO audit_log (id, at, action, entity_type, seq, prev_hash, row_hash) "
                   "SELECT id, at, 'rewritten', entity_type, seq, prev_hash, row_hash FROM audit_log WHERE seq = 1 "
                   "ON CONFLICT (id) DO UPDATE SET action = EXCLUDED.action")
        with pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text(sql))
            conn.commit()
    assert verify(ctx)[1] is None


def test_concurrent_writers_never_fork_the_chain(ctx):
    contexts = [Context.from_settings(ctx.settings, clock=ctx.clock) for _ in range(4)]
    barrier, errors = threading.Barrier(4), []

    def write(c):
        barrier.wait()
        try:
            audited(c, 10)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(c,)) for c in contexts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for c in contexts:
        c.db.dispose()
    assert errors == []
    checked, broken = verify(ctx)
    assert broken is None and checked >= 40


def test_the_migration_chains_rows_written_before_it(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    schema.upgrade(engine, "0002")
    with engine.begin() as conn:
        for i in range(3):
            conn.execute(text("INSERT INTO audit_log (at, action, entity_type, entity_id, payload) "
                              "VALUES (:at, 'old', 'test', :i, '{\"k\": 1}')"),
                         {"i": i, "at": f"2025-01-0{i + 1} 08:00:00.000000"})
    schema.upgrade(engine)
    with engine.connect() as conn:
        seqs = conn.execute(text("SELECT seq FROM audit_log ORDER BY id")).scalars().all()
    engine.dispose()
    assert seqs == [1, 2, 3]
    from workflow.config import Settings

    settings = Settings.load(overrides={"database": {"url": f"sqlite:///{tmp_path / 'old.sqlite3'}"},
                                        "app": {"instance_path": str(tmp_path)}}, environ={})
    c = Context.from_settings(settings)
    try:
        assert verify(c) == (3, None)
        audited(c, 1)  # the chain goes on from the backfilled head
        assert verify(c) == (4, None)
    finally:
        c.db.dispose()


def test_postgresql_application_role_cannot_truncate_alter_or_drop_the_audit_log(ctx):
    if ctx.db.is_sqlite:
        pytest.skip("roles are a PostgreSQL matter")
    app_role = f"thidua_app_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    audited(ctx, 2)
    database = ctx.db.engine.url.database
    with ctx.db.engine.begin() as conn:  # the README's production grants, as the owner would run them
        conn.execute(text(f"CREATE ROLE {app_role} LOGIN"))
        conn.execute(text(f"GRANT CONNECT ON DATABASE \"{database}\" TO {app_role}"))
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {app_role}"))
        conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app_role}"))
        conn.execute(text(f"REVOKE UPDATE, DELETE ON audit_log FROM {app_role}"))
        conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app_role}"))
    app_url = ctx.db.engine.url.set(username=app_role, password=None)
    try:
        app = create_engine(app_url)
        try:
            for sql in ("TRUNCATE audit_log", "ALTER TABLE audit_log DISABLE TRIGGER ALL", "DROP TABLE audit_log",
                        "DELETE FROM audit_log", "UPDATE audit_log SET comment = 'x'"):
                with app.connect() as conn, pytest.raises(DBAPIError, match="permission denied|must be owner"):
                    conn.execute(text(sql))
            # … yet the application itself works under that role: it appends and verifies.
            settings = ctx.settings.__class__.load(overrides={"database": {"url": app_url.render_as_string(False)},
                                                              "app": {"instance_path": str(ctx.settings.instance_path)}},
                                                   environ={})
            as_app = Context.from_settings(settings, clock=ctx.clock)
            try:
                before = verify(ctx)[0]
                audited(as_app, 1)
                assert verify(as_app) == (before + 1, None)
            finally:
                as_app.db.dispose()
        finally:
            app.dispose()
    finally:
        with ctx.db.engine.begin() as conn:
            conn.execute(text(f"DROP OWNED BY {app_role}"))
            conn.execute(text(f"DROP ROLE {app_role}"))
