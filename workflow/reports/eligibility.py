"""Eligibility lookup for a cycle: who meets the criteria but is not nominated, and who is
nominated but does not (yet) meet them, with the reason — so a department head sees whom to nominate."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from states import State

from .. import criteria
from ..errors import not_found
from ..models import Department, Nomination, Person, ReviewCycle
from ..queries import cycle_dict
from .scope import actor_and_scope

# A nomination that ended without an award no longer stands for its nominee.
CLOSED = (State.REJECTED.value, State.WITHDRAWN.value)


def _reasons(checklist: criteria.Checklist) -> list[str]:
    return [line.note or f"Chưa đạt: {line.label}" for line in checklist.unmet_lines()]


def _met_lines(checklist: criteria.Checklist) -> list[str]:
    return [line.label for line in checklist.lines if line.met]


def eligibility(s: Session, ctx, user_id: int, cycle_id: int) -> dict:
    """Both lists for one cycle, restricted to the departments this user may see."""
    _, _, scope = actor_and_scope(s, user_id)
    cycle = s.get(ReviewCycle, cycle_id)
    if cycle is None:
        raise not_found("kỳ xét")
    depts = s.scalars(select(Department).where(Department.active.is_(True)).order_by(Department.sort_key)).all()
    depts = [d for d in depts if scope is None or d.id in scope]
    dept_ids = {d.id for d in depts}
    noms = s.scalars(select(Nomination).where(Nomination.cycle_id == cycle.id, Nomination.state.not_in(CLOSED),
                                              Nomination.department_id.in_(dept_ids))
                     .options(joinedload(Nomination.person), joinedload(Nomination.department))).all()
    nominated_people = {n.person_id for n in noms if n.person_id}
    nominated_depts = {n.department_id for n in noms if n.person_id is None}
    people = s.scalars(select(Person).where(Person.active.is_(True), Person.department_id.in_(dept_ids))
                       .options(joinedload(Person.department)).order_by(Person.sort_key)).all()

    eligible = []
    for d in depts:
        if d.id not in nominated_depts and (c := check(s, ctx, cycle, "collective", department_id=d.id)).met:
            eligible.append({"nominee_type": "collective", "name": d.name, "department": d.name,
                             "department_id": d.id, "person_id": None, "met": _met_lines(c)})
    for p in people:
        if p.id not in nominated_people and (c := check(s, ctx, cycle, "individual", person_id=p.id)).met:
            eligible.append({"nominee_type": "individual", "name": p.full_name, "department": p.department.name,
                             "department_id": p.department_id, "person_id": p.id, "met": _met_lines(c)})
    not_yet = []
    for n in sorted(noms, key=lambda n: (n.department.sort_key, n.nominee_type, n.id)):
        c = check(s, ctx, cycle, n.nominee_type, person_id=n.person_id, department_id=n.department_id)
        if not c.met:
            not_yet.append({"nomination_id": n.id, "nominee_type": n.nominee_type, "name": n.nominee_name,
                            "department": n.department.name, "department_id": n.department_id,
                            "person_id": n.person_id, "state": n.state, "state_title": State(n.state).title,
                            "reasons": _reasons(c)})
    return {"cycle": cycle_dict(cycle), "eligible_not_nominated": eligible, "nominated_not_eligible": not_yet}


# What the department page says of each nominee, and whether "Đề nghị" makes sense for them.
STANDING_TITLES = {"awarded": "Đã khen thưởng", "nominated": "Đã đề nghị", "eligible": "Đủ tiêu chuẩn",
                   "not_eligible": "Chưa đủ tiêu chuẩn"}


def check(s: Session, ctx, cycle: ReviewCycle, nominee_type: str, *, person_id=None, department_id=None):
    """The one way the pages ask whether a nominee meets the plan's criteria in a cycle."""
    return criteria.evaluate(s, ctx.settings, cycle, nominee_type=nominee_type, person_id=person_id,
                             department_id=department_id)


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
    out = []
    for nominee_type, person_id, name, position, nomination in subjects:
        row = {"nominee_type": nominee_type, "person_id": person_id, "name": name, "position": position,
               "nomination_id": nomination.id if nomination else None, "reasons": []}
        if nomination is not None:
            row["standing"] = "awarded" if nomination.state == State.AWARDED.value else "nominated"
            row["state"] = nomination.state
        else:
            c = check(s, ctx, cycle, nominee_type, person_id=person_id, department_id=department_id)
            row["standing"] = "eligible" if c.met else "not_eligible"
            row["reasons"] = [] if c.met else _reasons(c)
        row["standing_title"] = STANDING_TITLES[row["standing"]]
        out.append(row)
    return out
