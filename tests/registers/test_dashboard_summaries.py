"""The dashboard's summaries (migrations 0014, 0016): the nomination tally the triggers keep equals a
GROUP BY over nomination after any mix of writes, the people figures are read again (from the people
tallies, with the initiatives) exactly when the registers change, and the figures equal a direct
count on the demo data (the people tallies on their own: test_people_tallies.py)."""
from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import case, delete, event, func, insert, select, update

from states import State
from workflow import demo, registers
from workflow.imports import apply_file
from workflow.models import (
    ContestResult,
    Department,
    Nomination,
    NominationTally,
    Person,
    RegisterStamp,
    ReviewCycle,
    User,
)
from workflow.reports import dashboard as dash

from .sheets import csv_bytes

KEY = (Nomination.cycle_id, Nomination.department_id, Nomination.state)


def _tally_and_truth(ctx) -> tuple[dict, dict]:
    with ctx.db.reading() as s:
        t = NominationTally
        tally = {(c, d, st_): n for c, d, st_, n in s.execute(
            select(t.cycle_id, t.department_id, t.state, t.count)) if n}
        negative = s.scalar(select(func.count()).where(t.count < 0))
        truth = {tuple(row[:3]): row[3] for row in s.execute(select(*KEY, func.count()).group_by(*KEY))}
    assert negative == 0
    return tally, truth


# --- the tally after any mix of writes ------------------------------------------------------------

STATES = ["registered", "on_hold", "withdrawn", "rejected"]  # the states that need no other data
FORMS = ["agency_certificate", "higher_level_proposal"]
pick = st.lists(st.integers(0, 1000), min_size=1, max_size=4)  # which of the rows there are (modulo)
OPS = st.one_of(
    st.tuples(st.just("insert"), st.lists(st.tuples(st.integers(0, 5), st.integers(0, 1), st.integers(0, 1),
                                                    st.integers(0, 3), st.sampled_from(STATES)), min_size=1, max_size=4)),
    st.tuples(st.just("state"), pick, st.sampled_from(STATES)),
    st.tuples(st.just("department"), pick, st.integers(0, 3)),
    st.tuples(st.just("swap"), st.integers(0, 3), st.integers(0, 3)),
    st.tuples(st.just("cycle"), pick, st.integers(0, 1)),
    st.tuples(st.just("delete"), pick),
    st.tuples(st.just("orm"), pick, st.sampled_from(STATES)),
)


@pytest.fixture
def ground(ctx, make):
    """Departments, people and cycles for nominations written straight into the table."""
    a = make.agency()
    departments = [a.department_id, a.other_department_id, make.department(), make.department()]
    people = [make.person(departments[i % 4]) for i in range(6)]
    cycles = [make.cycle(year=2025), make.cycle(year=2024)]
    return a, departments, people, cycles


def _state_values(state: str) -> dict:
    return {"state": state, "held_from": "registered" if state == "on_hold" else None}


def _apply(ctx, op, a, departments, people, cycles) -> None:
    """One write in its own transaction; a move that would break a unique rule is left out."""
    kind, now = op[0], datetime.now(UTC)
    with ctx.db.transaction() as s:
        rows = {r.id: (r.cycle_id, r.person_id, r.award_form) for r in s.execute(
            select(Nomination.id, Nomination.cycle_id, Nomination.person_id, Nomination.award_form))}
        ids = sorted(rows)
        chosen = sorted({ids[i % len(ids)] for i in op[1]}) if ids and kind not in ("insert", "swap") else []
        if kind == "insert":  # one multi-row statement
            values, taken = [], set(rows.values())
            for person, form, cycle, dept, state in op[1]:
                slot = (cycles[cycle], people[person], FORMS[form])
                if slot not in taken:
                    taken.add(slot)
                    values.append({"cycle_id": slot[0], "nominee_type": "individual", "person_id": slot[1],
                                   "award_form": slot[2], "department_id": departments[dept], "nominee_sort_key": "",
                                   "version": 1, "summary": "", "created_by_id": a.secretary, "created_at": now,
                                   "updated_at": now, **_state_values(state)})
            if values:
                s.execute(insert(Nomination), values)
        elif kind == "swap":  # A -> B and B -> A in one statement
            x, y = departments[op[1]], departments[op[2]]
            s.execute(update(Nomination).where(Nomination.department_id.in_([x, y])).values(
                department_id=case((Nomination.department_id == x, y), else_=x)))
        elif not chosen:
            return
        elif kind == "state":
            s.execute(update(Nomination).where(Nomination.id.in_(chosen)).values(**_state_values(op[2])))
        elif kind == "department":
            s.execute(update(Nomination).where(Nomination.id.in_(chosen)).values(department_id=departments[op[2]]))
        elif kind == "cycle":
            target, others = cycles[op[2]], {slot for i, slot in rows.items() if i not in chosen}
            moved = [(target, *rows[i][1:]) for i in chosen]
            if len(set(moved)) == len(moved) and not set(moved) & others:
                s.execute(update(Nomination).where(Nomination.id.in_(chosen)).values(cycle_id=target))
        elif kind == "delete":
            s.execute(delete(Nomination).where(Nomination.id.in_(chosen)))
        elif kind == "orm":  # through the unit of work, one row at a time
            for nom in s.scalars(select(Nomination).where(Nomination.id.in_(chosen))):
                values = _state_values(op[2])
                nom.state, nom.held_from = values["state"], values["held_from"]


def test_the_tally_equals_a_count_of_the_nominations_after_any_mix_of_writes(ctx, ground):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(OPS, min_size=1, max_size=8))
    def run(ops):
        for op in ops:
            _apply(ctx, op, *ground)
        tally, truth = _tally_and_truth(ctx)
        assert tally == truth

    run()


def test_the_tally_follows_the_use_cases(ctx, make):
    a = make.agency()
    cycle = make.cycle()
    nid = make.nomination(a, cycle_id=cycle)
    make.nomination(a, cycle_id=cycle, person_id=make.person(a.department_id), state=State.DEPARTMENT_REVIEWED)
    make.act(a.secretary, nid, "hold", comment="Đang xác minh")
    tally, truth = _tally_and_truth(ctx)
    assert tally == truth == {(cycle, a.department_id, "on_hold"): 1, (cycle, a.department_id, "department_reviewed"): 1}


def test_two_writers_moving_nominations_in_opposite_orders_do_not_deadlock(ctx, ground):
    """T1 moves a nomination A -> B, T2 one C -> D then one A -> B, T1 then one C -> D: with each
    transaction locking the tally rows it touches, T1 and T2 would wait on each other. The triggers
    take the audit chain head first, so T2 waits for T1 at its first move instead."""
    if ctx.db.is_sqlite:
        pytest.skip("SQLite has one writer at a time")
    _, departments, _, cycles = ground
    _apply(ctx, ("insert", [(i, 0, 0, 0 if i in (0, 3) else 2, "registered") for i in range(4)]), *ground)
    with ctx.db.reading() as s:
        n1, n2, n3, n4 = s.scalars(select(Nomination.id).order_by(Nomination.id))
    _, B, _, D = departments

    def move(conn, nid, dept):
        conn.execute(update(Nomination).where(Nomination.id == nid).values(department_id=dept))

    failures = []

    def other():
        try:
            with ctx.db.engine.begin() as conn:
                move(conn, n2, D)
                move(conn, n4, B)
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    with ctx.db.engine.begin() as conn:
        move(conn, n1, B)
        t2 = threading.Thread(target=other)
        t2.start()
        time.sleep(0.5)  # T2 is under way (or waiting)
        move(conn, n3, D)
    t2.join(10)
    assert not t2.is_alive() and failures == []
    tally, truth = _tally_and_truth(ctx)
    assert tally == truth and truth[(cycles[0], B, "registered")] == 2 and truth[(cycles[0], D, "registered")] == 2


# --- the people figures: read again after a register write, not after a step ------------------------

@pytest.fixture
def statements(ctx):
    sent: list[str] = []
    event.listen(ctx.db.engine, "before_cursor_execute", lambda _c, _cur, stmt, *args: sent.append(stmt))
    return sent


def _page(ctx, statements, user_id, cycle):
    statements.clear()
    with ctx.db.reading() as s:
        d = dash.dashboard(s, ctx, user_id, cycle, limit=25)
    reads_people = any("staff_tally" in stmt or "initiative_author" in stmt for stmt in statements)
    assert not any("FROM person" in stmt or "contest_result" in stmt for stmt in statements)  # the tallies
    return d, reads_people


def _stamp(ctx):
    with ctx.db.reading() as s:
        return s.scalar(select(RegisterStamp.token))


def test_people_figures_are_read_again_after_an_import_and_not_after_a_step(ctx, make, statements):
    a = make.agency()
    cycle = make.cycle()
    nid = make.nomination(a, cycle_id=cycle)
    first, reads = _page(ctx, statements, a.secretary, cycle)
    assert reads
    assert _page(ctx, statements, a.secretary, cycle)[1] is False  # kept

    stamp = _stamp(ctx)
    make.act(a.secretary, nid, "hold", comment="Đang xác minh")  # a step: the counts move, the people stay
    d, reads = _page(ctx, statements, a.secretary, cycle)
    assert _stamp(ctx) == stamp and not reads
    assert d.total.by_state == {"on_hold": 1} and d.total.active_staff == first.total.active_staff

    # an import of contest results: read again at once, with the new participant
    data = csv_bytes([["STT", "Họ và tên", "Đơn vị", "Điểm", "Giải"], ["1", "Lê Thị Hoà", "Phòng Chính sách", "9", ""]])
    apply_file(ctx, a.admin, "contest-results", data, "kq.csv", {"year": 2025})
    d, reads = _page(ctx, statements, a.secretary, cycle)
    assert _stamp(ctx) != stamp and reads
    assert d.total.participants == first.total.participants + 1

    # an import of people: the new member of staff counts at once
    stamp = _stamp(ctx)
    data = csv_bytes([["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Phòng", "Chức vụ", "Email"],
                      ["1", "Ngô Văn Mới", "01/02/1990", "Nam", "Phòng Chính sách", "Chuyên viên", ""]])
    apply_file(ctx, a.admin, "people", data, "cb.csv")
    d, reads = _page(ctx, statements, a.secretary, cycle)
    assert _stamp(ctx) != stamp and reads
    assert d.total.active_staff == first.total.active_staff + 1

    registers.save_contest_result(ctx, a.secretary, contest_kind="online_cchc", year=2025,
                                  person_id=make.person(a.other_department_id), participated=True)
    assert _page(ctx, statements, a.secretary, cycle)[0].total.participants == first.total.participants + 2


# --- the demo: the same figures as a direct count -------------------------------------------------

def _live_people(s, departments, per_department: bool, first: int, last: int) -> dict:
    """Active staff and contest participants counted over person and contest_result (what the dashboard
    did before migration 0016), with the initiatives, keyed as dash._people keys them."""
    staff = dash._count_by(s, func.count(Person.id), Person.department_id,
                           [Person.active.is_(True), departments(Person.department_id)], per_department)
    took_part = select(ContestResult.person_id).where(
        ContestResult.contest_kind == "online_cchc", ContestResult.participated.is_(True),
        ContestResult.year.between(first, last))
    participants = dash._count_by(s, func.count(Person.id), Person.department_id,
                                  [Person.active.is_(True), departments(Person.department_id),
                                   Person.id.in_(took_part)], per_department)
    if per_department:
        initiatives = {d: (len(ids), sum(ids.values())) for d, ids in dash._initiatives(s, departments, first, last).items()}
    else:
        initiatives = {None: dash._initiatives_total(s, departments, first, last)}
    keys = {k[0] for k in staff} | {k[0] for k in participants} | set(initiatives)
    return {k: (staff.get((k,), 0), participants.get((k,), 0), *initiatives.get(k, (0, 0))) for k in keys}


def _direct(s, ctx, user_id, cycle_id) -> dict:
    """The dashboard counted directly: the people over person and contest_result, the counts by state
    grouped over the nominations."""
    _, _, scope = dash.actor_and_scope(s, user_id)
    cycle = s.get(ReviewCycle, cycle_id)
    late = dash._late_states(cycle, ctx.clock.today())
    first, last = cycle.period
    visible = dash._visible(scope)

    def by_state(per_department):
        return dash._count_by(s, func.count(), Nomination.department_id,
                              [Nomination.cycle_id == cycle_id, visible(Nomination.department_id)],
                              per_department, Nomination.state)
    rows = dash._figures(_live_people(s, visible, True, first, last), by_state(True), late)
    total = dash._figures(_live_people(s, visible, False, first, last), by_state(False), late)[None]
    return {"rows": {d: f.as_dict() | {"department_id": d, "name": ""} for d, f in rows.items()},
            "total": total.as_dict() | {"name": ""}}


def test_the_demo_figures_equal_a_direct_count(ctx):
    demo.build(ctx)
    with ctx.db.reading() as s:
        users = list(s.scalars(select(User.id).where(User.username.in_(["thuky", "truongban"]))))
        users += list(s.scalars(select(User.id).join(Department, Department.head_person_id == User.person_id)
                                .order_by(User.id).limit(2)))
        cycles = list(s.scalars(select(ReviewCycle.id)))
    assert len(users) == 4 and cycles
    participants = set()
    for user_id in users:
        for cycle_id in cycles:
            with ctx.db.reading() as s:
                expected = _direct(s, ctx, user_id, cycle_id)
                participants.add(expected["total"]["participants"])
                pages, after = [], None
                while True:
                    d = dash.dashboard(s, ctx, user_id, cycle_id, after=after, limit=3)
                    assert d.total.as_dict() | {"name": ""} == expected["total"]
                    pages += d.rows
                    if not (after := d.next_after):
                        break
                whole = dash.dashboard(s, ctx, user_id, cycle_id)  # the export's path
            assert whole.total.as_dict() | {"name": ""} == expected["total"]
            for rows in (pages, whole.rows):
                got = {f.department_id: f.as_dict() | {"name": ""} for f in rows}
                empty = dash.Figures(None, "").as_dict() | {"name": ""}
                assert got == {d: expected["rows"].get(d, empty | {"department_id": d}) for d in got}
    assert max(participants) > 0 and len(participants) > 1  # the demo's periods differ in who took part
