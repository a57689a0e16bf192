"""Benchmark: import a 5,000-row contest-results file; prints rows/s and peak memory.

Not collected by pytest (the name does not start with test_). Run:
    python -m tests.registers.bench_import [--rows 5000] [--db sqlite|postgresql] [--format xlsx|csv]
"""
from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

from workflow import bootstrap, directory, schema
from workflow.clock import FixedClock
from workflow.config import Settings
from workflow.context import Context
from workflow.imports import apply_file, preview_file
from workflow.imports.tables import read_table

from .sheets import csv_bytes, xlsx

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quốc", "Kim", "Xuân"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hòa", "Hùng", "Lan", "Linh", "Long", "Mai", "Nam",
         "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vân", "Yến"]


def _context(db: str, workdir: Path) -> Context:
    url = f"sqlite:///{workdir / 'bench.sqlite3'}" if db == "sqlite" else "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    settings = Settings.load(overrides={"app": {"instance_path": str(workdir), "secret_key": "bench"},
                                        "database": {"url": url}}, environ={})
    ctx = Context.from_settings(settings, clock=FixedClock(date(2025, 11, 20)))
    schema.drop_everything(ctx.db.engine)
    bootstrap.init(ctx)
    return ctx


def _people(ctx, n: int, rng: random.Random) -> tuple[int, list[tuple[str, date]]]:
    """n distinct people in five departments (through the import itself: it is the fast path)."""
    admin = directory.create_user(ctx, None, username="admin", password="mat-khau-bench", roles=["admin"])
    depts = [directory.create_department(ctx, admin, code=f"P{i}", name=f"Phòng Số {i}") for i in range(1, 6)]
    assert depts
    seen, people = set(), []
    while len(people) < n:
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        born = date(rng.randint(1965, 2000), rng.randint(1, 12), rng.randint(1, 28))
        if (name, born) not in seen:
            seen.add((name, born))
            people.append((name, born))
    rows = [["Họ và tên", "Ngày sinh", "Phòng"]] + [[p, b.strftime("%d/%m/%Y"), f"Phòng Số {i % 5 + 1}"]
                                                   for i, (p, b) in enumerate(people)]
    apply_file(ctx, admin, "people", csv_bytes(rows), "can-bo.csv")
    return admin, people


def _results_file(people, fmt: str, rng: random.Random) -> bytes:
    prizes = [None] * 12 + ["Giải Nhất", "Giải Nhì", "Giải Ba", "Khuyến khích"]
    header = [["KẾT QUẢ CUỘC THI TRỰC TUYẾN TÌM HIỂU CẢI CÁCH HÀNH CHÍNH NĂM 2025"], [],
              ["STT", "Họ và tên", "Ngày sinh", "Điểm", "Giải"]]
    body = [[i + 1, name, born, round(rng.uniform(4, 10), 2), rng.choice(prizes)]
            for i, (name, born) in enumerate(people)]
    if fmt == "xlsx":
        return xlsx(header + body, merges=("A1:E1",))
    return csv_bytes(header[2:] + [[r[0], r[1], r[2].strftime("%d/%m/%Y"), str(r[3]).replace(".", ","), r[4]]
                                   for r in body])


def _timed(fn):
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def _peak(fn) -> float:
    """Peak Python memory (MiB) of a call; measured apart from the timing, which tracemalloc slows."""
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    args = parser.parse_args()
    rng = random.Random(2025)
    workdir = Path(tempfile.mkdtemp(prefix="thidua-bench-"))
    try:
        ctx = _context(args.db, workdir)
        admin, people = _people(ctx, args.rows, rng)
        data = _results_file(people, args.format, rng)
        name = f"ket-qua.{args.format}"
        print(f"{args.rows} dòng kết quả cuộc thi, tệp .{args.format} {len(data) / 1024:.0f} KiB, CSDL {args.db}")
        opts = {"year": 2025}
        other = {"year": 2025, "contest_kind": "written_initiative"}  # same work, other rows: for the memory run
        steps = [
            ("đọc tệp", lambda: read_table(data, name), lambda: read_table(data, name)),
            ("xem trước", lambda: preview_file(ctx, admin, "contest-results", data, name, opts),
             lambda: preview_file(ctx, admin, "contest-results", data, name, opts)),
            ("nhập (tạo mới)", lambda: apply_file(ctx, admin, "contest-results", data, name, opts),
             lambda: apply_file(ctx, admin, "contest-results", data, name, other)),
            ("nhập lại (không đổi)", lambda: apply_file(ctx, admin, "contest-results", data, name, opts),
             lambda: apply_file(ctx, admin, "contest-results", data, name, opts)),
        ]
        for label, fn, again in steps:
            result, elapsed = _timed(fn)
            peak = _peak(again)
            counts = getattr(result, "counts", None)
            print(f"  {label:<22} {elapsed:6.2f} s  {args.rows / elapsed:7.0f} dòng/s  đỉnh bộ nhớ {peak:6.1f} MiB"
                  + (f"  {counts}" if counts else ""))
        ctx.db.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
