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

    def check(nominee_type, person_id=None, department_id=None):
        return criteria.evaluate(s, ctx.settings, cycle, nominee_type=nominee_type, person_id=person_id,
                                 department_id=department_id)

    eligible = []
    for d in depts:
        if d.id not in nominated_depts and (c := check("collective", department_id=d.id)).met:
            eligible.append({"nominee_type": "collective", "name": d.name, "department": d.name,
                             "department_id": d.id, "person_id": None, "met": _met_lines(c)})
    for p in people:
        if p.id not in nominated_people and (c := check("individual", person_id=p.id)).met:
            eligible.append({"nominee_type": "individual", "name": p.full_name, "department": p.department.name,
                             "department_id": p.department_id, "person_id": p.id, "met": _met_lines(c)})
    not_yet = []
    for n in sorted(noms, key=lambda n: (n.department.sort_key, n.nominee_type, n.id)):
        c = check(n.nominee_type, person_id=n.person_id, department_id=n.department_id)
        if not c.met:
            not_yet.append({"nomination_id": n.id, "nominee_type": n.nominee_type, "name": n.nominee_name,
                            "department": n.department.name, "department_id": n.department_id,
                            "person_id": n.person_id, "state": n.state, "state_title": State(n.state).title,
                            "reasons": _reasons(c)})
    return {"cycle": cycle_dict(cycle), "eligible_not_nominated": eligible, "nominated_not_eligible": not_yet}
