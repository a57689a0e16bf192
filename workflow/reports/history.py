"""Award history: every award of a person or a department across campaigns, with decision numbers,
and for a person the evidence the five-year criteria rest on."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from ..actors import load_actor, sees_all_nominations
from ..decisions import revoking_decisions
from ..errors import Forbidden, not_found
from ..models import (
    AWARD_FORMS,
    CYCLE_KINDS,
    NOMINEE_TYPES,
    AwardDecision,
    Campaign,
    Department,
    Nomination,
    Person,
    ReviewCycle,
)
from ..register_queries import list_contest_results, list_initiatives, list_task_ratings


def _may_see(actor, *, person: Person | None = None, department_id: int | None = None) -> bool:
    if sees_all_nominations(actor):
        return True
    if person is not None:
        return person.id == actor.person_id or person.department_id in actor.headed_department_ids
    return department_id in actor.headed_department_ids


def is_thematic(n: Nomination) -> bool:
    """The agency's Giấy khen in a thematic movement (thi đua theo chuyên đề) is a thematic award."""
    return bool(n.cycle.campaign.thematic and n.award_form == "agency_certificate")


def award_dict(n: Nomination, revoked_by: AwardDecision | None = None) -> dict:
    """One award; `revoked_by` is the decision that revoked the one awarding it, if any."""
    c = n.cycle
    thematic = is_thematic(n)
    # A revoked award is kept in the history (the record stays) but is no basis for anything more.
    return {"thematic": thematic, "counts_for_merit": not thematic and revoked_by is None,
            "revoked_by": ({"id": revoked_by.id, "number": revoked_by.number, "signed_on": revoked_by.signed_on}
                           if revoked_by else None),
            "award_kind": "Khen thưởng theo chuyên đề" if thematic else "Khen thưởng thường xuyên",
            "nomination_id": n.id, "campaign": c.campaign.name, "campaign_code": c.campaign.code,
            "period": c.campaign.period, "cycle": c.title, "cycle_kind": CYCLE_KINDS[c.kind], "year": c.year,
            "nominee_type": n.nominee_type, "nominee_type_title": NOMINEE_TYPES[n.nominee_type],
            "nominee": n.nominee_name, "department": n.department.name,
            "award_form": AWARD_FORMS[n.award_form], "decision_number": n.decision_number,
            "decision_date": n.decision_date, "summary": n.summary}


def _awards(s: Session, condition, *, newest_decisions_first: bool = False, limit: int | None = None) -> list[dict]:
    # The agency's register reads newest decisions first, from an index, so its first screen stays cheap.
    order = ((Nomination.decision_date.desc(), Nomination.id.desc()) if newest_decisions_first else
             (ReviewCycle.year.desc(), Campaign.start_year.desc(), Nomination.decision_date.desc(), Nomination.id))
    q = (select(Nomination).join(ReviewCycle).join(Campaign)
         .where(Nomination.state == "awarded", condition)
         .options(joinedload(Nomination.cycle).joinedload(ReviewCycle.campaign),
                  joinedload(Nomination.person), joinedload(Nomination.department))
         .order_by(*order))
    rows = s.scalars(q if limit is None else q.limit(limit)).unique().all()
    revoked = revoking_decisions(s, {n.decision_id for n in rows if n.decision_id})
    return [award_dict(n, revoked.get(n.decision_id)) for n in rows]


def person_history(s: Session, user_id: int, person_id: int) -> dict:
    """A person's awards (newest first) with their initiatives, contest results and task ratings."""
    _, actor = load_actor(s, user_id)
    person = s.get(Person, person_id)
    if person is None:
        raise not_found("cá nhân")
    if not _may_see(actor, person=person):
        raise Forbidden("not_allowed", "Bạn chỉ xem được lịch sử khen thưởng của mình hoặc của phòng mình phụ trách.")
    return {"person": {"id": person.id, "full_name": person.full_name,
                       "department": person.department.name if person.department else None,
                       "birth_date": person.birth_date, "position": person.position},
            "awards": (awards := _awards(s, Nomination.person_id == person.id)),
            # Decree 152/2025 Art. 4: thematic awards are no basis for a higher-level merit proposal;
            # nor is an award whose decision was revoked.
            "merit_basis": [a for a in awards if a["counts_for_merit"]],
            "initiatives": list_initiatives(s, person_id=person.id),
            "contest_results": list_contest_results(s, person_id=person.id),
            "task_ratings": list_task_ratings(s, person_id=person.id)}


def department_history(s: Session, user_id: int, department_id: int) -> dict:
    """The department's own (collective) awards and its staff's individual awards."""
    _, actor = load_actor(s, user_id)
    dept = s.get(Department, department_id)
    if dept is None:
        raise not_found("phòng")
    if not _may_see(actor, department_id=dept.id):
        raise Forbidden("not_allowed", "Bạn chỉ xem được lịch sử khen thưởng của phòng mình phụ trách.")
    staff = select(Person.id).where(Person.department_id == dept.id).scalar_subquery()
    awards = _awards(s, or_(Nomination.department_id == dept.id, Nomination.person_id.in_(staff)))
    return {"department": {"id": dept.id, "name": dept.name},
            "collective": [a for a in awards if a["nominee_type"] == "collective"],
            "individual": [a for a in awards if a["nominee_type"] == "individual"],
            "initiatives": list_initiatives(s, department_id=dept.id),
            "task_ratings": list_task_ratings(s, department_id=dept.id)}


def all_awards(s: Session, user_id: int, *, campaign_id: int | None = None, limit: int | None = None) -> list[dict]:
    """The award register of the agency (or of the departments a head sees), newest decisions first."""
    _, actor = load_actor(s, user_id)
    if sees_all_nominations(actor):
        condition = Nomination.id.is_not(None)
    elif actor.headed_department_ids:
        condition = Nomination.department_id.in_(actor.headed_department_ids)
    else:
        condition = Nomination.person_id == actor.person_id
    if campaign_id:
        condition = condition & (ReviewCycle.campaign_id == campaign_id)
    return _awards(s, condition, newest_decisions_first=True, limit=limit)
