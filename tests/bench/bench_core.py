"""Benchmark of the core: list pages and workflow actions at agency scale, on SQLite and PostgreSQL.

    python -m tests.bench.bench_core [--nominations 20000] [--actions 300]

Not collected by pytest. Prints, per database, side by side in one run:
- the latency of the first and of a deep page of GET /api/v1/nominations (keyset), and of the
  same deep page fetched with OFFSET, as a ratio (keyset should stay flat, OFFSET grows);
- the throughput of single workflow actions (one transaction each, audit row and event included);
- peak Python memory while serving a 200-row page (tracemalloc).
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text

from webapp import create_app
from workflow import auth, bootstrap, directory, nominations, schema
from workflow.clock import FixedClock
from workflow.config import Settings
from workflow.context import Context
from workflow.models import Department, Nomination, Person, ReviewCycle
from workflow.nominations import ActionInput
from workflow.queries import encode_cursor

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _pg_database() -> str:
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "thidua_bench" WITH (FORCE)'))
        conn.execute(text('CREATE DATABASE "thidua_bench"'))
    admin.dispose()
    return PG.rsplit("/", 1)[0] + "/thidua_bench"


def _seed(ctx: Context, count: int) -> tuple[int, list[int]]:
    """Departments, people and `count` nominations, inserted in bulk; returns (secretary id, ids)."""
    secretary = directory.create_user(ctx, None, username="bench", password="bench-password",
                                      roles=["council_secretary", "council_member"])
    now = datetime.now(UTC)
    with ctx.db.transaction() as s:
        departments = []
        for i in range(10):
            d = Department(code=f"B{i}", name=f"Phòng Thử {i}", active=True)
            s.add(d)
            departments.append(d)
        s.flush()
        people = [Person(full_name=f"Nguyễn Văn Thử {i}", department_id=departments[i % 10].id, active=True)
                  for i in range(count)]
        s.add_all(people)
        s.flush()
        cycles = s.scalars(select(ReviewCycle.id)).all()
        s.execute(insert(Nomination), [
            {"cycle_id": cycles[i % len(cycles)], "nominee_type": "individual", "department_id": p.department_id,
             "person_id": p.id, "nominee_sort_key": p.sort_key, "award_form": "agency_certificate", "state": "registered", "version": 1,
             "summary": "", "created_by_id": secretary, "created_at": now, "updated_at": now}
            for i, p in enumerate(people)])
    with ctx.db.reading() as s:
        ids = s.scalars(select(Nomination.id).order_by(Nomination.id)).all()
    return secretary, ids


def _time(fn, repeat: int = 15) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def run(url: str, label: str, count: int, actions: int, tmp: Path) -> dict:
    settings = Settings.load(overrides={"app": {"instance_path": str(tmp / label)}, "database": {"url": url}},
                             environ={})
    ctx = Context.from_settings(settings, clock=FixedClock(datetime(2025, 11, 20, tzinfo=UTC)))
    schema.drop_everything(ctx.db.engine)
    bootstrap.init(ctx)
    secretary, ids = _seed(ctx, count)
    client = create_app(context=ctx).test_client()
    headers = {"Authorization": "Bearer " + directory.create_token(ctx, "bench")}

    first = _time(lambda: client.get("/api/v1/nominations?limit=50", headers=headers))
    # the page after the 100 oldest nominations: as deep as a user can page in this list
    deep_cursor = encode_cursor(ids[100])
    deep = _time(lambda: client.get(f"/api/v1/nominations?limit=50&cursor={deep_cursor}", headers=headers))
    with ctx.db.reading() as s:
        offset = len(ids) - 150
        offset_ms = _time(lambda: s.scalars(select(Nomination).order_by(Nomination.id.desc())
                                            .offset(offset).limit(50)).all())
        keyset_ms = _time(lambda: s.scalars(select(Nomination).where(Nomination.id < ids[100])
                                            .order_by(Nomination.id.desc()).limit(50)).all())

    tracemalloc.start()
    client.get("/api/v1/nominations?limit=200", headers=headers)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    start = time.perf_counter()
    for nid in ids[-actions:]:
        nominations.take_action(ctx, secretary, nid, "hold", ActionInput(version=1, comment="Đang xác minh"))
    elapsed = time.perf_counter() - start
    ctx.db.dispose()
    return {"db": label, "first_page_ms": first, "deep_page_ms": deep, "keyset_sql_ms": keyset_ms,
            "offset_sql_ms": offset_ms, "offset_over_keyset": offset_ms / keyset_ms,
            "actions_per_s": actions / elapsed, "page200_peak_kib": peak / 1024}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nominations", type=int, default=20000)
    parser.add_argument("--actions", type=int, default=300)
    args = parser.parse_args()
    auth.use_cheap_hashing()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rows = [run(f"sqlite:///{tmp / 'bench.sqlite3'}", "sqlite", args.nominations, args.actions, tmp),
                run(_pg_database(), "postgresql", args.nominations, args.actions, tmp)]
    print(f"{args.nominations} nominations, {args.actions} actions")
    keys = list(rows[0])
    print(" | ".join(f"{k:>18}" for k in keys))
    for row in rows:
        print(" | ".join(f"{v:>18.2f}" if isinstance(v, float) else f"{v:>18}" for v in row.values()))


if __name__ == "__main__":
    main()
