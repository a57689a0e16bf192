"""Measure `build_cycle` on a cycle with many nominees (not collected by pytest).

    python -m tests.documents.scale --nominees 200 [--pdf] [--database-url URL] [--keep DIR]

Builds a fresh agency (10 departments) in a temporary instance, carries every nominee to
the award through the real use cases, then times the whole-cycle build and prints its peak RSS
(measured from the build's start: each file is written as it is rendered and one meeting document made
at a time, so it stays flat; +8 MiB at 1000 nominees, +2 MiB at 5000 on SQLite, README "Benchmarks").
"""
from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from workflow import bootstrap, council, directory, dossier, nominations, registers, schema
from workflow.clock import FixedClock
from workflow.config import Settings
from workflow.context import Context
from workflow.documents import build_cycle
from workflow.nominations import ActionInput

from ..bench.scale import peak_rss_kib, reset_peak_rss
from ..factories import Factory

GIVEN = ["An", "Bình", "Chi", "Dũng", "Đào", "Giang", "Hà", "Hải", "Hoà", "Khánh", "Lan", "Long", "Minh",
         "Ngọc", "Phúc", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Uyên", "Việt", "Xuân", "Yến"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Quốc"]


def populate(ctx, nominees: int) -> tuple[int, int]:
    """Departments, people and evidence, then every nomination up to `awarded`; returns (secretary, cycle)."""
    make = Factory(ctx)
    a = make.agency()
    cycle = make.cycle("annual", 2025)
    departments = [a.department_id, a.other_department_id] + [make.department(f"Phòng Chuyên môn {i}")
                                                              for i in range(1, 9)]
    heads = {a.department_id: a.head, a.other_department_id: a.other_head}
    for d in departments[2:]:
        heads[d] = make.head_of(d, f"Trưởng Phòng {d}")
    ids = []
    for i in range(nominees):
        dept = departments[i % len(departments)]
        if i < len(departments):  # the departments themselves, as collectives
            make.rating(a, 2025, department_id=dept)
            make.initiative(a, department_id=dept, contest=True)
            nid = nominations.create_nomination(ctx, heads[dept], cycle_id=cycle, nominee_type="collective",
                                                department_id=dept, award_form="agency_certificate")
            dossier.upload_for_nomination(ctx, heads[dept], nid, "recognition_decision", "qd.pdf", b"%PDF qd")
        else:
            name = f"{FAMILY[i % 10]} {MIDDLE[i % 6]} {GIVEN[i % len(GIVEN)]} {i}"
            person = directory.create_person(ctx, None, full_name=name, department_id=dept, position="Chuyên viên",
                                             gender="nam" if i % 2 else "nu",
                                             birth_date=date(1980 + i % 20, 1 + i % 12, 1))
            registers.save_contest_result(ctx, a.secretary, contest_kind="online_cchc", year=2025, person_id=person,
                                          participated=True, score=90, prize="Giải Khuyến khích")
            nid = nominations.create_nomination(ctx, heads[dept], cycle_id=cycle, nominee_type="individual",
                                                person_id=person, award_form="agency_certificate")
        dossier.upload_for_nomination(ctx, heads[dept], nid, "achievement_report", "bc.docx", b"PK\x03\x04 report")
        ids.append((nid, dept))
    for d in departments:
        dossier.upload_for_department(ctx, heads[d], cycle, d, "department_minutes", "bb.pdf", b"%PDF minutes")
    for nid, dept in ids:
        nominations.take_action(ctx, heads[dept], nid, "department_review", ActionInput(version=1))
    meeting = make.meeting(a, cycle, present=8, total=9)
    for nid, _ in ids:
        council.record_vote(ctx, a.secretary, meeting, nomination_id=nid, votes_for=8, votes_against=0)
    council.advance_passed(ctx, a.secretary, meeting)
    batch = [(nid, None) for nid, _ in ids]
    nominations.take_action_on_many(ctx, a.agency_head, "head_approve", batch)
    nominations.take_action_on_many(ctx, a.secretary, "award", batch,
                                    ActionInput(decision_number="99/QĐ-SDTTG", decision_date=ctx.clock.today()))
    return a.secretary, cycle


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nominees", type=int, default=200)
    parser.add_argument("--pdf", action="store_true")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", type=Path, default=None, help="write the documents here (kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="thidua-scale-") as tmp:
        settings = Settings.load(overrides={"app": {"instance_path": tmp, "secret_key": "scale"},
                                            "database": {"url": args.database_url}}, environ={})
        ctx = Context.from_settings(settings, clock=FixedClock(date(2025, 11, 20)))
        schema.drop_everything(ctx.db.engine)
        bootstrap.init(ctx)
        started = time.monotonic()
        secretary, cycle = populate(ctx, args.nominees)
        print(f"populated {args.nominees} nominees in {time.monotonic() - started:.1f}s ({ctx.db.engine.dialect.name})")
        out = args.keep or Path(tmp) / "out"
        reset_peak_rss()  # from here the peak is the build's, not the population's
        before = peak_rss_kib()  # the process's size as the build starts
        started = time.monotonic()
        result = build_cycle(ctx, secretary, cycle, out, pdf=args.pdf)
        elapsed = time.monotonic() - started
        print(f"build_cycle pdf={args.pdf}: {len(result.written)} files in {elapsed:.1f}s, peak RSS"
              f" {peak_rss_kib() / 1024:.0f} MiB (at its start: {before / 1024:.0f} MiB);"
              f" {len(result.problems)} problems, e.g. {result.problems[:2]}")


if __name__ == "__main__":
    main()
