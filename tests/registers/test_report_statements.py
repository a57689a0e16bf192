"""The dashboard and the eligibility lookup cost the same number of SQL statements for a small agency
and a larger one, and the dashboard's pages of departments add up to its total."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from states import State
from workflow.reports import dashboard as dash
from workflow.reports import eligibility


@pytest.fixture
def statements(ctx):
    sent: list[str] = []
    event.listen(ctx.db.engine, "before_cursor_execute", lambda _c, _cur, stmt, *args: sent.append(stmt))
    return sent


def _count(ctx, statements, page) -> int:
    statements.clear()
    with ctx.db.reading() as s:
        page(s)
    return len(statements)


def _grow(make, a, cycle, departments: int, nominations: int) -> None:
    """More departments with staff and evidence, and more nominations in several states."""
    for _ in range(departments):
        dept = make.department()
        make.prize(a, make.person(dept), 2025)
        make.person(dept)
        make.initiative(a, authors=[make.person(dept)], appraised=True)
    states = [State.REGISTERED, State.DEPARTMENT_REVIEWED]
    for i in range(nominations):
        make.nomination(a, cycle_id=cycle, state=states[i % 2])


def test_statements_do_not_grow_with_the_agency(ctx, make, statements):
    a = make.agency()
    cycle = make.cycle()
    make.nomination(a, cycle_id=cycle)
    make.prize(a, make.person(a.department_id), 2025)  # someone to evaluate on each list, as at any size

    def dashboard_page(s):
        dash.dashboard(s, ctx, a.secretary, cycle, limit=2)

    def eligibility_secretary(s):
        eligibility.eligibility(s, ctx, a.secretary, cycle, limit=2)

    def eligibility_head(s):
        eligibility.eligibility(s, ctx, a.head, cycle, limit=2)

    pages = (dashboard_page, eligibility_secretary, eligibility_head)
    small = [_count(ctx, statements, page) for page in pages]
    _grow(make, a, cycle, departments=4, nominations=6)
    assert [_count(ctx, statements, page) for page in pages] == small


def test_the_pages_of_departments_add_up_to_the_total_which_follows_every_write(ctx, make):
    a = make.agency()
    cycle = make.cycle()
    _grow(make, a, cycle, departments=3, nominations=3)
    with ctx.db.reading() as s:
        whole = dash.dashboard(s, ctx, a.secretary, cycle)
        pages, after = [], None
        while True:
            d = dash.dashboard(s, ctx, a.secretary, cycle, after=after, limit=2)
            assert len(d.rows) <= 2 and d.total.as_dict() == whole.total.as_dict()
            pages += d.rows
            if not (after := d.next_after):
                break
    assert [f.as_dict() for f in pages] == [f.as_dict() for f in whole.rows] and len(pages) == 5
    assert whole.total.active_staff == sum(f.active_staff for f in pages)
    assert whole.total.nominations == sum(f.nominations for f in pages) == 3

    make.nomination(a, cycle_id=cycle)  # a write: the kept total is not reused
    with ctx.db.reading() as s:
        assert dash.dashboard(s, ctx, a.secretary, cycle, limit=2).total.nominations == 4
