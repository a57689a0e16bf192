"""The people tallies (migration 0016): after any mix of writes to person and contest_result — people
moving department, deactivated, removed; results added, removed, flipped, moved; multi-row Core
statements, the unit of work, TRUNCATE on PostgreSQL — each person's contest years, the active staff
and the contest participants of any period equal a count over the registers."""
from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import case, delete, insert, select, text, update

from workflow.models import ContestResult, Person

from .helpers import people_counted, people_tallies

KINDS = ["online_cchc", "written_initiative"]
# the bounds of the years the import accepts, both sides of 2063/2064 (a 63-bit mask from 2000 ends there)
YEARS = [2000, 2021, 2022, 2025, 2063, 2064, 2100]


def _assert_exact(ctx) -> None:
    with ctx.db.reading() as s:
        assert people_tallies(s) == people_counted(s)


# --- any mix of writes ------------------------------------------------------------------------------

pick = st.lists(st.integers(0, 1000), min_size=1, max_size=4)  # which of the rows there are (modulo)
RESULT = st.tuples(st.integers(0, 7), st.sampled_from(KINDS), st.sampled_from(YEARS), st.integers(0, 1),
                   st.booleans())  # person, kind, year, round, participated
OPS = st.one_of(
    st.tuples(st.just("people"), st.lists(st.tuples(st.integers(0, 4), st.booleans()), min_size=1, max_size=3)),
    st.tuples(st.just("move"), pick, st.integers(0, 4)),
    st.tuples(st.just("active"), pick, st.booleans()),
    st.tuples(st.just("swap"), st.integers(0, 3), st.integers(0, 3)),
    st.tuples(st.just("remove_person"), pick),
    st.tuples(st.just("results"), st.lists(RESULT, min_size=1, max_size=5)),
    st.tuples(st.just("flip"), pick),
    st.tuples(st.just("year"), pick, st.sampled_from(YEARS)),
    st.tuples(st.just("kind"), pick, st.sampled_from(KINDS)),
    st.tuples(st.just("owner"), pick, st.integers(0, 7)),
    st.tuples(st.just("remove_results"), pick),
    st.tuples(st.just("orm"), pick, st.integers(0, 4), st.sampled_from(YEARS)),
    st.tuples(st.just("truncate")),
)


@pytest.fixture
def ground(ctx, make):
    """Four departments (index 4: no department) and eight people to start with."""
    departments = [make.department() for _ in range(4)] + [None]
    for i in range(8):
        make.person(departments[i % 5])
    return departments


def _apply(ctx, op, departments) -> None:
    """One write in its own transaction; a move that would break a unique rule is left out."""
    kind, now = op[0], datetime.now(UTC)
    with ctx.db.transaction() as s:
        people = sorted(s.scalars(select(Person.id)))
        results = {r.id: (r.contest_kind, r.year, r.round, r.person_id) for r in s.execute(
            select(ContestResult.id, ContestResult.contest_kind, ContestResult.year, ContestResult.round,
                   ContestResult.person_id))}

        def chosen(rows):
            rows = sorted(rows)
            return sorted({rows[i % len(rows)] for i in op[1]}) if rows else []

        def person(i):
            return people[i % len(people)] if people else None

        def unique(moved: dict[int, tuple]) -> bool:  # the result rows' unique key still holds once moved
            keys = [moved.get(i, key) for i, key in results.items()]
            return len(set(keys)) == len(keys)

        if kind == "people":  # one multi-row statement
            s.execute(insert(Person), [{"full_name": f"Người {i}", "search_name": f"nguoi {i}", "sort_key": "",
                                        "department_id": departments[d], "active": active}
                                       for i, (d, active) in enumerate(op[1])])
        elif kind == "move":
            s.execute(update(Person).where(Person.id.in_(chosen(people))).values(department_id=departments[op[2]]))
        elif kind == "active":
            s.execute(update(Person).where(Person.id.in_(chosen(people))).values(active=op[2]))
        elif kind == "swap":  # A -> B and B -> A in one statement
            x, y = departments[op[1]], departments[op[2]]
            s.execute(update(Person).where(Person.department_id.in_([x, y])).values(
                department_id=case((Person.department_id == x, y), else_=x)))
        elif kind == "remove_person":  # with their results, as a register clean-up would
            ids = chosen(people)
            s.execute(delete(ContestResult).where(ContestResult.person_id.in_(ids)))
            s.execute(delete(Person).where(Person.id.in_(ids)))
        elif kind == "results":
            values, taken = [], set(results.values())
            for p, contest, year, round_, participated in op[1]:
                key = (contest, year, str(round_) if round_ else "", person(p))
                if key[3] is not None and key not in taken:
                    taken.add(key)
                    values.append({"contest_kind": contest, "year": year, "round": key[2], "person_id": key[3],
                                   "participated": participated, "created_at": now})
            if values:
                s.execute(insert(ContestResult), values)
        elif kind == "flip":  # participated <-> not, in one statement (a prize needs participation)
            s.execute(update(ContestResult).where(ContestResult.id.in_(chosen(results))).values(
                participated=~ContestResult.participated, prize=None))
        elif kind == "year":
            ids = chosen(results)
            if unique({i: (results[i][0], op[2], *results[i][2:]) for i in ids}):
                s.execute(update(ContestResult).where(ContestResult.id.in_(ids)).values(year=op[2]))
        elif kind == "kind":
            ids = chosen(results)
            if unique({i: (op[2], *results[i][1:]) for i in ids}):
                s.execute(update(ContestResult).where(ContestResult.id.in_(ids)).values(contest_kind=op[2]))
        elif kind == "owner":
            ids, owner = chosen(results), person(op[2])
            if owner is not None and unique({i: (*results[i][:3], owner) for i in ids}):
                s.execute(update(ContestResult).where(ContestResult.id.in_(ids)).values(person_id=owner))
        elif kind == "remove_results":
            s.execute(delete(ContestResult).where(ContestResult.id.in_(chosen(results))))
        elif kind == "orm":  # through the unit of work: a person moves, and a result of theirs is added
            for p in s.scalars(select(Person).where(Person.id.in_(chosen(people)))):
                p.department_id = departments[op[2]]
                if ("online_cchc", op[3], "orm", p.id) not in results.values():
                    s.add(ContestResult(contest_kind="online_cchc", year=op[3], round="orm", person_id=p.id,
                                        participated=True, created_at=now))
        elif kind == "truncate" and not ctx.db.is_sqlite:
            s.execute(text("TRUNCATE contest_result"))


def test_the_tallies_equal_a_count_over_the_registers_after_any_mix_of_writes(ctx, ground):
    _assert_exact(ctx)  # the ground itself, written through the use cases

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(OPS, min_size=1, max_size=10))
    def run(ops):
        for op in ops:
            _apply(ctx, op, ground)
        _assert_exact(ctx)

    run()


def test_a_person_counts_once_however_many_years_and_rounds(ctx, make):
    dept = make.department()
    pid = make.person(dept)
    make.person(dept)
    now = datetime.now(UTC)
    with ctx.db.transaction() as s:
        s.execute(insert(ContestResult), [
            {"contest_kind": "online_cchc", "year": y, "round": r, "person_id": pid, "participated": True,
             "created_at": now} for y in (2021, 2022, 2100) for r in ("", "Đợt 2")])
    with ctx.db.reading() as s:
        assert s.scalar(select(Person.online_contest_years).where(Person.id == pid)) == ",2021,2022,2100,"
        tallied = people_tallies(s)
    assert tallied["staff"] == {dept: 2}
    assert tallied["participants"][(2021, 2025)] == tallied["participants"][(2000, 2100)] == {dept: 1}
    assert tallied["participants"][(2064, 2100)] == {dept: 1} and tallied["participants"][(2000, 2000)] == {}
    _assert_exact(ctx)


# --- PostgreSQL: two writers -------------------------------------------------------------------------

def test_two_writers_adding_results_of_one_person_keep_both_years(ctx, make):
    """T1 adds a 2021 result of a person and holds its transaction open; T2 adds a 2022 result of the
    same person and commits. Each recompute reads the person's results after the audit chain head's
    lock, so T2 reads T1's row once T1 has committed: both years stay (a recompute read before the lock
    would have lost 2021)."""
    if ctx.db.is_sqlite:
        pytest.skip("SQLite has one writer at a time")
    dept = make.department()
    pid = make.person(dept)
    now = datetime.now(UTC)

    def add(conn, year):
        conn.execute(insert(ContestResult).values(contest_kind="online_cchc", year=year, round="", person_id=pid,
                                                  participated=True, created_at=now))

    failures = []

    def other():
        try:
            with ctx.db.engine.begin() as conn:
                add(conn, 2022)
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    with ctx.db.engine.begin() as conn:
        add(conn, 2021)
        t2 = threading.Thread(target=other)
        t2.start()
        time.sleep(0.5)  # T2 is waiting for the head
    t2.join(10)
    assert not t2.is_alive() and failures == []
    with ctx.db.reading() as s:
        assert s.scalar(select(Person.online_contest_years).where(Person.id == pid)) == ",2021,2022,"
    _assert_exact(ctx)
