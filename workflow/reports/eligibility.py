"""Eligibility lookup for a cycle: who meets the criteria but is not nominated, and who is
nominated but does not (yet) meet them, with the reason — so a department head sees whom to nominate.

Paged: each list is read in keyset order, a bounded window per page, evaluated at once by
`criteria.evaluate_many` (the one implementation of the rules). People are first narrowed in SQL
to those holding some evidence the rules could accept (a necessary condition, not the rule).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import exists, or_, select, true, tuple_
from sqlalchemy.orm import Session, joinedload

from states import State

from .. import criteria
from ..errors import not_found
from ..models import ContestResult, Department, Initiative, InitiativeAuthor, Nomination, Person, ReviewCycle
from ..queries import cycle_dict
from . import paging
from .scope import actor_and_scope

# A nomination that ended without an award no longer stands for its nominee.
CLOSED = (State.REJECTED.value, State.WITHDRAWN.value)
PAGE = 50
WINDOW = 500    # people examined per page (ids bound in one query), however few of them qualify
DEPARTMENT_WINDOW = 100  # departments examined per page of collectives
EXAMINED = 200  # standing nominations examined per page, however few of them fall short


def _reasons(checklist: criteria.Checklist) -> list[str]:
    return [line.note or f"Chưa đạt: {line.label}" for line in checklist.unmet_lines()]


def _met_lines(checklist: criteria.Checklist) -> list[str]:
    return [line.label for line in checklist.lines if line.met]


def _may_meet(settings, cycle: ReviewCycle):
    """People with some evidence the individual criteria could accept in this cycle."""
    first, last = cycle.period
    authored = (select(1).select_from(InitiativeAuthor).join(Initiative)
                .where(InitiativeAuthor.person_id == Person.id,
                       Initiative.recognition_date.between(date(first, 1, 1), date(last, 12, 31))))
    if cycle.kind == "annual":
        prize = exists().where(ContestResult.person_id == Person.id, ContestResult.year == first,
                               ContestResult.prize.is_not(None))
        return or_(prize, exists(authored.where(Initiative.appraisal_number.is_not(None))))
    return exists(authored) if settings.many_initiatives > 0 else true()


def _eligible_people(s, ctx, cycle, scope, after: str | None, limit: int) -> tuple[list[dict], str | None]:
    """Eligible people not nominated among the next window of people in name order: a fixed set of
    queries, whatever the size of the agency and however few qualify.

    The window is cut before the selective filters, so a call reads a bounded number of rows even
    when almost no one qualifies; the cursor then points past the window (or past the last one shown).
    """
    people = (select(Person.sort_key, Person.id).join(Department, Person.department_id == Department.id)
              .where(Person.active.is_(True), Department.active.is_(True)).order_by(Person.sort_key, Person.id))
    if scope is not None:
        people = people.where(Person.department_id.in_(sorted(scope)))
    people = paging.after(people, Person.sort_key, Person.id, after)
    window_size = max(limit, WINDOW)
    window = s.execute(people.limit(window_size)).all()
    ids = [w.id for w in window]
    # read by person (their few nominations), never the whole cycle's
    nominated = set(s.scalars(select(Nomination.person_id).where(
        Nomination.person_id.in_(ids), Nomination.cycle_id == cycle.id, Nomination.state.not_in(CLOSED))))
    candidates = s.scalars(select(Person).options(joinedload(Person.department))
                           .where(Person.id.in_([i for i in ids if i not in nominated]),
                                  _may_meet(ctx.settings, cycle))
                           .order_by(Person.sort_key, Person.id)).all() if len(nominated) < len(ids) else []
    checks = criteria.evaluate_many(s, ctx.settings, cycle,
                                    [criteria.Nominee("individual", person_id=p.id) for p in candidates])
    eligible = [p for p in candidates if checks[("individual", p.id)].met]
    found = [{"nominee_type": "individual", "name": p.full_name, "department": p.department.name,
              "department_id": p.department_id, "person_id": p.id, "met": _met_lines(checks[("individual", p.id)])}
             for p in eligible[:limit]]
    if len(eligible) > limit:
        return found, paging.cursor_of(eligible[limit - 1].sort_key, eligible[limit - 1].id)
    if len(window) < window_size:
        return found, None
    return found, paging.cursor_of(window[-1].sort_key, window[-1].id)


def _eligible_departments(s, ctx, cycle, scope, after: str | None, limit: int) -> tuple[list[dict], str | None]:
    """Eligible departments not nominated (as collectives) among the next DEPARTMENT_WINDOW in name
    order; the cursor points past the window (or past the last one shown)."""
    q = select(Department).where(Department.active.is_(True)).order_by(Department.sort_key, Department.id)
    if scope is not None:
        q = q.where(Department.id.in_(sorted(scope)))
    q = paging.after(q, Department.sort_key, Department.id, after)
    size = max(limit, DEPARTMENT_WINDOW)
    window = s.scalars(q.limit(size)).all()
    nominated = set(s.scalars(select(Nomination.department_id).where(
        Nomination.cycle_id == cycle.id, Nomination.person_id.is_(None), Nomination.state.not_in(CLOSED),
        Nomination.department_id.in_([d.id for d in window])))) if window else set()
    depts = [d for d in window if d.id not in nominated]
    checks = criteria.evaluate_many(s, ctx.settings, cycle,
                                    [criteria.Nominee("collective", department_id=d.id) for d in depts])
    eligible = [d for d in depts if checks[("collective", d.id)].met]
    found = [{"nominee_type": "collective", "name": d.name, "department": d.name, "department_id": d.id,
              "person_id": None, "met": _met_lines(checks[("collective", d.id)])} for d in eligible[:limit]]
    if len(eligible) > limit:
        return found, paging.cursor_of(eligible[limit - 1].sort_key, eligible[limit - 1].id)
    return (found, None) if len(window) < size else (found, paging.cursor_of(window[-1].sort_key, window[-1].id))


def _standing_nominations(cycle_id: int, scope, after: tuple[str, int] | None, n: int):
    """The ids of the cycle's next `n` standing nominations in active departments this user sees, by
    (state, id): the order of the (cycle_id, state, id) index, which the primary key cannot give, so
    the scan never walks other cycles' rows (ordered by id alone, PostgreSQL did: 0.5-1 s at 1M)."""
    departments = select(Department.id).where(Department.active.is_(True))
    if scope is not None:
        departments = departments.where(Department.id.in_(sorted(scope)))
    q = select(Nomination.id).where(Nomination.cycle_id == cycle_id, Nomination.state.not_in(CLOSED),
                                    Nomination.department_id.in_(departments))
    if after is not None:
        q = q.where(tuple_(Nomination.state, Nomination.id) > after)
    return q.order_by(Nomination.state, Nomination.id).limit(n)


def _not_yet(s, ctx, cycle, scope, after: str | None, limit: int) -> tuple[list[dict], str | None]:
    """Nominated but not eligible, among the next EXAMINED standing nominations (a fixed set of
    queries); the cursor points past the last examined (or past the last one shown)."""
    examined = max(limit, EXAMINED)
    ids = s.scalars(_standing_nominations(cycle.id, scope, paging.parse_cursor(after), examined)).all()
    noms = s.scalars(select(Nomination).options(joinedload(Nomination.person), joinedload(Nomination.department))
                     .where(Nomination.id.in_(ids)).order_by(Nomination.state, Nomination.id)).all() if ids else []
    checks = criteria.evaluate_many(s, ctx.settings, cycle, [
        criteria.Nominee(n.nominee_type, n.person_id, n.department_id) for n in noms])
    unmet = [(n, c) for n in noms if not (c := checks[criteria.Nominee(n.nominee_type, n.person_id,
                                                                            n.department_id).key]).met]
    found = [{"nomination_id": n.id, "nominee_type": n.nominee_type, "name": n.nominee_name,
              "department": n.department.name, "department_id": n.department_id, "person_id": n.person_id,
              "state": n.state, "state_title": State(n.state).title, "reasons": _reasons(c)}
             for n, c in unmet[:limit]]
    if len(unmet) > limit:
        return found, paging.cursor_of(unmet[limit - 1][0].state, unmet[limit - 1][0].id)
    return (found, None) if len(ids) < examined else (found, paging.cursor_of(noms[-1].state, noms[-1].id))


def eligibility(s: Session, ctx, user_id: int, cycle_id: int, *, after_eligible: str | None = None,
                after_nominated: str | None = None, after_collective: str | None = None,
                limit: int | None = PAGE) -> dict:
    """Both lists for one cycle, restricted to the departments this user may see.

    One page of each (`limit` rows or so, the next page's cursor beside it; the departments as
    collectives and the people page apart); `limit=None` reads all of them, in chunks (the export).
    """
    _, _, scope = actor_and_scope(s, user_id)
    cycle = s.get(ReviewCycle, cycle_id)
    if cycle is None:
        raise not_found("kỳ xét")
    chunk = limit or 1000
    lists = {"collective": (_eligible_departments, after_collective, not after_eligible),
             "eligible": (_eligible_people, after_eligible, True),
             "nominated": (_not_yet, after_nominated, True)}
    found, cursors = {}, {}
    for name, (read, after, shown) in lists.items():
        found[name], cursors[name] = read(s, ctx, cycle, scope, after, chunk) if shown else ([], None)
        while limit is None and cursors[name]:
            more, cursors[name] = read(s, ctx, cycle, scope, cursors[name], chunk)
            found[name] += more
    return {"cycle": cycle_dict(cycle), "eligible_not_nominated": found["collective"] + found["eligible"],
            "nominated_not_eligible": found["nominated"], "next_collective": cursors["collective"],
            "next_eligible": cursors["eligible"], "next_nominated": cursors["nominated"]}


# What the department page says of each nominee, and whether "Đề nghị" makes sense for them.
STANDING_TITLES = {"awarded": "Đã khen thưởng", "nominated": "Đã đề nghị", "eligible": "Đủ tiêu chuẩn",
                   "not_eligible": "Chưa đủ tiêu chuẩn"}


def department_standing(s: Session, ctx, cycle_id: int, department_id: int) -> list[dict]:
    """The department (as a collective) and each of its active staff, with their standing in the
    cycle: awarded, nominated (with the nomination), eligible, or not eligible with the reasons."""
    cycle = s.get(ReviewCycle, cycle_id)
    if cycle is None:
        raise not_found("kỳ xét")
    dept = s.get(Department, department_id)
    if dept is None:
        raise not_found("phòng")
    noms = s.scalars(select(Nomination).where(Nomination.cycle_id == cycle.id, Nomination.state.not_in(CLOSED),
                                              Nomination.department_id == department_id)).all()
    by_person = {n.person_id: n for n in noms if n.person_id}
    collective = next((n for n in noms if n.person_id is None), None)
    people = s.scalars(select(Person).where(Person.active.is_(True), Person.department_id == department_id)
                       .order_by(Person.sort_key)).all()
    subjects = [("collective", None, dept.name, None, collective)]
    subjects += [("individual", p.id, p.full_name, p.position, by_person.get(p.id)) for p in people]
    # the criteria of everyone not yet nominated, evaluated as one set (one query per kind of evidence)
    pending = [criteria.Nominee(t, pid, department_id) for t, pid, _n, _p, nom in subjects if nom is None]
    checked = criteria.evaluate_many(s, ctx.settings, cycle, pending)
    out = []
    for nominee_type, person_id, name, position, nomination in subjects:
        row = {"nominee_type": nominee_type, "person_id": person_id, "name": name, "position": position,
               "nomination_id": nomination.id if nomination else None, "reasons": []}
        if nomination is not None:
            row["standing"] = "awarded" if nomination.state == State.AWARDED.value else "nominated"
            row["state"] = nomination.state
        else:
            c = checked[criteria.Nominee(nominee_type, person_id, department_id).key]
            row["standing"] = "eligible" if c.met else "not_eligible"
            row["reasons"] = [] if c.met else _reasons(c)
        row["standing_title"] = STANDING_TITLES[row["standing"]]
        out.append(row)
    return out
