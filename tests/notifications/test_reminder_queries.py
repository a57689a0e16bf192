"""The reminder sweep plans and queues in a number of statements that does not grow with nominations, departments
or recipients."""
from __future__ import annotations

from datetime import date

from sqlalchemy import event

from notifications.reminders import plan, run_reminders
from states import State
from workflow.agency import identity_today

from .helpers import digests, ledger


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


def _statements_of_sweep(ctx, as_of: date):
    count = []
    listener = lambda *args: count.append(1)
    event.listen(ctx.db.engine, "before_cursor_execute", listener)
    try:
        report = run_reminders(ctx, as_of)
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", listener)
    return len(count), report


def test_queueing_the_days_digests_takes_as_many_statements_for_many_recipients_as_for_few(ctx, make):
    make.agency()
    with ctx.db.reading() as s:
        identity_today(s, ctx)  # read once per process and day, by whichever email comes first
    # the registration deadline (31/03/2025): reminders 14 and 7 days before, to heads not registered yet
    few, report = _statements_of_sweep(ctx, date(2025, 3, 17))
    assert len(report.sent) == 2
    for _ in range(6):
        make.head_of(make.department())
    many, report = _statements_of_sweep(ctx, date(2025, 3, 24))
    assert len(report.sent) == 8 and report.deferred == []
    assert many == few
    rows = ledger(ctx)
    # the first two heads: one step each day; the new ones catch up the 14-day step with the 7-day one
    assert len(rows) == 2 + 2 + 6 * 2 and all(row.outbox_id is not None for row in rows)
    assert len({row.outbox_id for row in rows}) == len(digests(ctx)) == 10
