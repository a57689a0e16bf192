"""The reminder sweep plans in a number of queries that does not grow with nominations or departments."""
from __future__ import annotations

from datetime import date

from sqlalchemy import event

from notifications.reminders import plan
from states import State


def _statements_of_plan(ctx, as_of: date) -> tuple[int, list]:
    count = []
    listener = lambda *args: count.append(1)
    event.listen(ctx.db.engine, "before_cursor_execute", listener)
    try:
        with ctx.db.reading() as s:
            digests = plan(s, ctx, as_of)
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", listener)
    return len(count), digests


def test_the_sweep_runs_as_many_queries_for_many_departments_and_nominations_as_for_few(ctx, make):
    a = make.agency()
    make.nomination(a)
    make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    as_of = date(2025, 11, 29)  # the day before the dossier deadline
    few, digests = _statements_of_plan(ctx, as_of)
    assert digests
    for _ in range(3):
        department = make.department()
        make.head_of(department)
        for _ in range(3):
            make.nomination(a, person_id=make.person(department), by=a.secretary)
    make.nomination(a, state=State.COUNCIL_REVIEWED)
    many, digests = _statements_of_plan(ctx, as_of)
    assert many == few
    lines = [line for d in digests for line in d.lines for line in line.details]
    assert any("3 đề nghị chưa được Phòng xét" in line for line in lines)
