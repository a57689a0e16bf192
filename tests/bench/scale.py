"""Scale benchmark: every page, sweep and export at several sizes, SQLite and PostgreSQL side by side.

    python -m tests.bench.scale [--sizes 1000,100000] [--huge] [--db sqlite,postgresql] [--repeat 7]
                                [--steps 200] [--only cases,export,step] [--json FILE]

Not collected by pytest. For each database and size it generates synthetic data straight into the
schema (tests/bench/data.py), then prints p50/p95 and the SQL statements of one request of each case,
the peak RSS of a process serving the nominations.xlsx export, and the step benchmark (one workflow
step through the use-case layer against the same writes with the raw driver, interleaved). The last
table gives ratios (largest size ÷ smallest): figures, not verdicts. `--huge` adds 1M nominations.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, event, select, text

from workflow import auth, bootstrap, schema
from workflow.audit import fan_out
from workflow.audit_chain import chain_hash
from workflow.clock import FixedClock
from workflow.config import Settings
from workflow.context import Context
from workflow.models import Nomination

from . import data

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CASES = ["inbox_secretary", "inbox_department_head", "dashboard", "dashboard_after_a_write",
         "dashboard_after_a_people_write", "eligibility_secretary",
         "eligibility_department_head", "reminder_sweep_dry_run", "search_rare_name", "nomination_page",
         "council_page", "history"]


def pg_database(name: str, create: bool = True) -> str:
    """A fresh database of that name (or, with create=False, none: it is dropped)."""
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if create:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG.rsplit("/", 1)[0] + "/" + name


def make_ctx(url: str, instance: Path) -> Context:
    settings = Settings.load(overrides={"app": {"instance_path": str(instance)}, "database": {"url": url}},
                             environ={})
    return Context.from_settings(settings, clock=FixedClock(datetime(2025, 11, 29, 2, tzinfo=UTC)))


class Counter:
    """SQL statements sent by an engine (before_cursor_execute; executemany counts once)."""

    def __init__(self, engine):
        self.n = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *args):
        self.n += 1


def measure(fn, counter: Counter, repeat: int, budget_s: float = 40.0, before=None) -> dict:
    """p50/p95 of `fn` and its SQL statements; `before`, if given, runs untimed ahead of each call
    (e.g. a write, so that every timed view is the first after one)."""
    samples, statements = [], 0
    start = time.perf_counter()
    for i in range(repeat + 1):
        if before is not None:
            before()
        sent = counter.n
        t0 = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - t0
        statements = counter.n - sent
        if i == 0 and elapsed < 1.0:
            continue  # a warm-up run, unless it is slow enough to warm itself
        samples.append(elapsed)
        if time.perf_counter() - start > budget_s:
            break
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return {"p50_ms": statistics.median(samples) * 1000, "p95_ms": p95 * 1000, "sql": statements,
            "n": len(samples)}


def _client(app, user_id: int):
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user_id)
        sess["epoch"] = 0  # a new user's session epoch (webapp/auth.py)
        sess["_fresh"] = True
    return client


def _get(client, url: str):
    def run():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:500])
        response.get_data()
    return run


def cases(ctx, seeded: data.Seeded) -> dict:
    """Each case a callable to time, or (an untimed callable to run before each, the callable to time)."""
    from notifications.reminders import run_reminders
    from webapp import create_app
    from webapp.server import settle_for_requests
    from workflow import directory

    app = create_app(context=ctx)
    app.config.update(TESTING=True)
    settle_for_requests()  # as each gunicorn worker does once it has built the app (webapp/server.py)
    secretary = _client(app, seeded.secretary_id)
    head = _client(app, seeded.department_head_id)
    api = app.test_client()
    token = {"Authorization": "Bearer " + directory.create_token(ctx, "bench_thuky")}
    cycle = seeded.cycle_id

    dashboard_page = _get(secretary, f"/reports/dashboard?cycle_id={cycle}")

    def search():
        response = api.get("/api/v1/nominations?q=hau+thi+quynh&limit=50", headers=token)
        assert response.status_code == 200 and response.json["items"], response.get_data(as_text=True)[:300]

    return {
        "inbox_secretary": _get(secretary, "/"),
        "inbox_department_head": _get(head, "/"),
        "dashboard": dashboard_page,
        "dashboard_after_a_write": (hold_or_resume(ctx, seeded), dashboard_page),
        "dashboard_after_a_people_write": (people_write(ctx, seeded), dashboard_page),
        "eligibility_secretary": _get(secretary, f"/reports/eligibility?cycle_id={cycle}"),
        "eligibility_department_head": _get(head, f"/reports/eligibility?cycle_id={cycle}"),
        "reminder_sweep_dry_run": lambda: run_reminders(ctx, data.AS_OF, dry_run=True),
        "search_rare_name": search,
        "nomination_page": _get(secretary, f"/nominations/{seeded.sample_nomination_id}"),
        "council_page": _get(secretary, f"/council?cycle_id={cycle}"),
        "history": _get(secretary, "/reports/history"),
    }


def hold_or_resume(ctx, seeded: data.Seeded):
    """A real workflow step through the use case (audited, with its events and mail): one registered
    nomination of the cycle put on hold, then resumed, and so on."""
    from workflow.nominations import ActionInput, take_action

    with ctx.db.reading() as s:
        nid = s.scalar(select(Nomination.id).where(Nomination.cycle_id == seeded.cycle_id,
                                                   Nomination.state == "registered")
                       .order_by(Nomination.id.desc()).limit(1))

    def step():
        with ctx.db.reading() as s:
            state, version = s.execute(select(Nomination.state, Nomination.version).where(Nomination.id == nid)).one()
        take_action(ctx, seeded.secretary_id, nid, "resume" if state == "on_hold" else "hold",
                    ActionInput(version=version, comment="Đang xác minh"))
    return step


def people_write(ctx, seeded: data.Seeded):
    """A write to the people register (as an import of people makes): the dashboard's people figures
    are read again."""
    def write():
        with ctx.db.transaction() as s:
            s.execute(text("UPDATE person SET active = active WHERE id = :id"), {"id": seeded.sample_person_id})
    return write


# --- export in its own process: its peak RSS is the export's, not the benchmark's -----------------

def peak_rss_kib() -> int:
    """This process's peak resident set (KiB). Not getrusage's ru_maxrss: Linux carries that across
    fork and exec, so a child started by a large benchmark would report the benchmark's peak."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def reset_peak_rss() -> None:
    """Start this process's peak resident set afresh at its current size (Linux: clear_refs "5")."""
    clear_refs = Path("/proc/self/clear_refs")
    if clear_refs.exists():
        clear_refs.write_text("5")


def export_child(url: str, instance: str, user_id: int) -> None:
    from webapp import create_app

    ctx = make_ctx(url, Path(instance))
    app = create_app(context=ctx)
    app.config.update(TESTING=True)
    client = _client(app, user_id)
    client.get("/reports/dashboard")  # import and warm everything a worker has before the export
    base = peak_rss_kib()
    reset_peak_rss()  # from here the peak is the export's (at 1M the warm-up page alone peaks higher)
    t0 = time.perf_counter()
    response = client.get("/reports/export/nominations.xlsx")
    assert response.status_code == 200, response.status_code
    # read as a server sends it, a block at a time: get_data() would hold the whole file in this process
    # (a 1M-row workbook is tens of MiB) and measure the benchmark, not the export
    size = sum(len(block) for block in response.iter_encoded())
    response.close()
    elapsed = time.perf_counter() - t0
    peak = peak_rss_kib()
    print(json.dumps({"export_s": elapsed, "export_bytes": size, "rss_before_mib": base / 1024,
                      "rss_peak_mib": peak / 1024}))


def export_in_child(url: str, instance: Path, user_id: int) -> dict:
    out = subprocess.run([sys.executable, "-m", "tests.bench.scale", "--export-child", url, str(instance),
                          str(user_id)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- the step: use-case layer against the raw driver, interleaved -----------------------------------

def _raw_step(ctx, nomination_id: int, actor_id: int) -> None:
    """The writes of one step with the driver alone: lock and check, update, audit, event, outbox, commit."""
    now = datetime.now(UTC)
    conn = ctx.db.engine.raw_connection()
    try:
        pg = ctx.db.engine.dialect.name == "postgresql"
        p = "%s" if pg else "?"
        when = now if pg else now.replace(tzinfo=None).isoformat(" ")
        cur = conn.cursor()
        if not pg:
            cur.execute("BEGIN IMMEDIATE")
        cur.execute(f"SELECT version, state FROM nomination WHERE id = {p}" + (" FOR UPDATE" if pg else ""),
                    (nomination_id,))
        version, state = cur.fetchone()
        cur.execute(f"UPDATE nomination SET state = 'on_hold', held_from = {p}, version = {p}, updated_at = {p}"
                    f" WHERE id = {p} AND version = {p}", (state, version + 1, when, nomination_id, version))
        # the audit log's hash chain, as workflow.audit does it: lock the head, link, move the head
        cur.execute("SELECT seq, row_hash FROM audit_chain_head WHERE id = 1" + (" FOR UPDATE" if pg else ""))
        head_seq, head_hash = cur.fetchone()
        row = {"seq": head_seq + 1, "at": now, "actor_id": actor_id, "on_behalf_of": None, "action": "hold",
               "entity_type": "nomination", "entity_id": nomination_id, "nomination_id": nomination_id,
               "from_state": state, "to_state": "on_hold", "comment": "Đang xác minh", "payload": None}
        row_hash = chain_hash(row, head_hash)
        cur.execute(f"INSERT INTO audit_log (at, actor_id, action, entity_type, entity_id, nomination_id,"
                    f" from_state, to_state, comment, seq, prev_hash, row_hash) VALUES ({p}, {p}, 'hold',"
                    f" 'nomination', {p}, {p}, {p}, 'on_hold', {p}, {p}, {p}, {p})",
                    (when, actor_id, nomination_id, nomination_id, state, "Đang xác minh", row["seq"], head_hash,
                     row_hash))
        cur.execute(f"UPDATE audit_chain_head SET seq = {p}, row_hash = {p} WHERE id = 1", (row["seq"], row_hash))
        cur.execute(f"INSERT INTO domain_event (at, name, nomination_id, actor_id, payload) VALUES"
                    f" ({p}, 'nomination_held', {p}, {p}, '{{}}')", (when, nomination_id, actor_id))
        cur.execute(f"INSERT INTO outbox_message (created_at, message_id, situation, to_address, subject,"
                    f" body_text, nomination_id, state, attempts) VALUES ({p}, {p}, 'nomination_held', {p}, {p},"
                    f" {p}, {p}, 'pending', 0)",
                    (when, f"<raw-{nomination_id}@bench>", "thuky@example.vn", "Hồ sơ tạm dừng xét",
                     "Hồ sơ tạm dừng xét.", nomination_id))
        conn.commit()
    finally:
        conn.close()


def step_benchmark(ctx, seeded: data.Seeded, steps: int) -> dict:
    from workflow.nominations import ActionInput, take_action

    # any nomination waiting on a step can be held (the raw floor keeps the state it was held in), so the
    # smallest size has pairs enough too; the first few pairs only warm both paths up
    warm_up = 2 * 5
    with ctx.db.reading() as s:
        rows = s.execute(select(Nomination.id, Nomination.version).where(Nomination.state.in_(data.WAITING))
                         .order_by(Nomination.id).limit(2 * steps + warm_up)).all()
    for i in range(0, min(warm_up, len(rows) - 1), 2):
        take_action(ctx, seeded.secretary_id, rows[i].id, "hold",
                    ActionInput(version=rows[i].version, comment="Đang xác minh"))
        _raw_step(ctx, rows[i + 1].id, seeded.secretary_id)
    rows = rows[warm_up:]
    layer, raw = [], []
    for i in range(0, len(rows) - 1, 2):
        t0 = time.perf_counter()
        take_action(ctx, seeded.secretary_id, rows[i].id, "hold",
                    ActionInput(version=rows[i].version, comment="Đang xác minh"))
        layer.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        _raw_step(ctx, rows[i + 1].id, seeded.secretary_id)
        raw.append(time.perf_counter() - t0)
    layer_rate, raw_rate = len(layer) / sum(layer), len(raw) / sum(raw)
    # the emails and webhook deliveries of those steps, made after their commits (the web app does it once
    # the response is sent, the relay for anything left): timed apart, per event
    t0 = time.perf_counter()
    fanned = fan_out(ctx)
    fan_out_ms = (time.perf_counter() - t0) * 1000 / max(1, fanned)
    return {"layer_steps_per_s": layer_rate, "raw_steps_per_s": raw_rate, "layer_over_raw": layer_rate / raw_rate,
            "fan_out_ms_per_event": fan_out_ms, "pairs": len(layer)}


def statements_of_one_step(ctx, seeded: data.Seeded, counter: Counter) -> int:
    from workflow.nominations import ActionInput, take_action

    with ctx.db.reading() as s:
        row = s.execute(select(Nomination.id, Nomination.version).where(Nomination.state == "registered")
                        .order_by(Nomination.id.desc()).limit(1)).one()
    before = counter.n
    take_action(ctx, seeded.secretary_id, row.id, "hold", ActionInput(version=row.version, comment="Đang xác minh"))
    return counter.n - before


# --- one database at one size ----------------------------------------------------------------

PARTS = ("cases", "export", "step")


def run_one(db: str, size: int, repeat: int, steps: int, tmp: Path, parts=PARTS) -> dict:
    label = f"{db}-{size}"
    instance = tmp / label
    pg_name = f"thidua_scale_{os.getpid()}_{size}"  # two runs side by side never share a database
    url = f"sqlite:///{tmp / (label + '.sqlite3')}" if db == "sqlite" else pg_database(pg_name)
    ctx = make_ctx(url, instance)
    schema.drop_everything(ctx.db.engine)
    bootstrap.init(ctx)
    t0 = time.perf_counter()
    seeded = data.generate(ctx, size)
    generated = time.perf_counter() - t0
    print(f"[{label}] generated {size} nominations, {seeded.people} people, {seeded.departments} departments"
          f" in {generated:.1f} s", file=sys.stderr, flush=True)
    counter = Counter(ctx.db.engine)
    results = {}
    steps_of_the_app = cases(ctx, seeded)  # the app's subscribers are installed for the step too
    for name, fn in steps_of_the_app.items() if "cases" in parts else ():
        before, fn = fn if isinstance(fn, tuple) else (None, fn)
        results[name] = measure(fn, counter, repeat, before=before)
        print(f"[{label}] {name}: {results[name]}", file=sys.stderr, flush=True)
    if "export" in parts:
        results["export_nominations_xlsx"] = export_in_child(url, instance, seeded.secretary_id)
        print(f"[{label}] export: {results['export_nominations_xlsx']}", file=sys.stderr, flush=True)
    if "step" in parts:
        results["step_sql"] = statements_of_one_step(ctx, seeded, counter)
        results["step"] = step_benchmark(ctx, seeded, steps)
        print(f"[{label}] step: {results['step']} ({results['step_sql']} statements)", file=sys.stderr, flush=True)
    ctx.db.dispose()
    if db == "postgresql":
        pg_database(pg_name, create=False)
    return results


def print_tables(all_results: dict, sizes: list[int]) -> None:
    for db, by_size in all_results.items():
        print(f"\n## {db}: p50 / p95 ms (SQL statements)")
        print("| case | " + " | ".join(f"{s:,}" for s in sizes) + f" | p95 {sizes[-1]:,}÷{sizes[0]:,} | SQL ratio |")
        print("|---|" + "---|" * (len(sizes) + 2))
        for case in [c for c in CASES if c in by_size[sizes[0]]]:
            cells = [by_size[s][case] for s in sizes]
            row = [f"{c['p50_ms']:.0f} / {c['p95_ms']:.0f} ({c['sql']})" for c in cells]
            ratio = cells[-1]["p95_ms"] / cells[0]["p95_ms"]
            sql_ratio = cells[-1]["sql"] / max(1, cells[0]["sql"])
            print(f"| {case} | " + " | ".join(row) + f" | {ratio:.1f}× | {sql_ratio:.1f}× |")
        ex = [by_size[s].get("export_nominations_xlsx") for s in sizes]
        if ex[0]:
            print("| nominations.xlsx: s, peak RSS MiB (before) | " + " | ".join(
                f"{e['export_s']:.1f} s, {e['rss_peak_mib']:.0f} ({e['rss_before_mib']:.0f})" for e in ex)
                  + f" | {ex[-1]['export_s'] / ex[0]['export_s']:.1f}× | RSS {ex[-1]['rss_peak_mib'] / ex[0]['rss_peak_mib']:.2f}× |")
        st = [by_size[s].get("step") for s in sizes]
        if st[0]:
            print("| step: layer / raw steps/s (ratio, pairs), SQL | " + " | ".join(
                f"{x['layer_steps_per_s']:.0f} / {x['raw_steps_per_s']:.0f} ({x['layer_over_raw']:.3f}×, {x['pairs']} pairs), "
                f"{by_size[s]['step_sql']}" for x, s in zip(st, sizes, strict=True)) + " | | |")
            print("| its fan-out after the commit, ms per event | " + " | ".join(
                f"{x['fan_out_ms_per_event']:.1f}" for x in st) + " | | |")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--export-child":
        auth.use_cheap_hashing()
        export_child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--huge", action="store_true", help="add 1,000,000 nominations")
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--json", help="also write the raw figures to this file")
    parser.add_argument("--only", default=",".join(PARTS),
                        help="comma-separated parts to run: cases (pages, sweep), export, step")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")] + ([1_000_000] if args.huge else [])
    auth.use_cheap_hashing()
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for db in args.db.split(","):
            for size in sizes:
                results.setdefault(db, {})[size] = run_one(db, size, args.repeat, args.steps, Path(tmp),
                                                           parts=args.only.split(","))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    only = "" if args.only == ",".join(PARTS) else f" --only {args.only}"
    print(f"\npython -m tests.bench.scale --sizes {args.sizes}{' --huge' if args.huge else ''} --db {args.db}{only}"
          f" (pid {os.getpid()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC)")
    print_tables(results, sizes)


if __name__ == "__main__":
    main()
