"""Read side of the registers: initiatives, contest results, task ratings, registrations, meetings."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from . import visibility
from .models import (
    CONTEST_KINDS,
    INITIATIVE_FIELDS,
    REGISTRATION_STATES,
    TASK_RATINGS,
    ContestResult,
    CouncilMeeting,
    CouncilVote,
    Initiative,
    InitiativeAuthor,
    Nomination,
    Person,
    Registration,
    TaskRating,
)
from .text import like_pattern


def _iso(v):
    return v.isoformat() if v is not None else None


def initiative_dict(i: Initiative) -> dict:
    return {"id": i.id, "title": i.title, "field": i.field, "field_title": INITIATIVE_FIELDS[i.field],
            "topic": i.topic, "year": i.year, "department_id": i.department_id,
            "department": i.department.name if i.department else None,
            "authors": [{"id": a.person_id, "full_name": a.person.full_name} for a in i.authors],
            "recognition_number": i.recognition_number, "recognition_date": _iso(i.recognition_date),
            "appraisal_number": i.appraisal_number, "appraisal_date": _iso(i.appraisal_date),
            "contest_recognition_number": i.contest_recognition_number,
            "contest_recognition_date": _iso(i.contest_recognition_date)}


def list_initiatives(s: Session, *, year=None, department_id=None, person_id=None, q=None, limit=500,
                     actor=None) -> list[dict]:
    """Newest first; with `actor`, only the rows that user may read."""
    query = select(Initiative).options(joinedload(Initiative.department),
                                       selectinload(Initiative.authors).joinedload(InitiativeAuthor.person))
    if year:
        query = query.where(Initiative.year == year)
    if department_id:
        query = query.where(Initiative.department_id == department_id)
    if person_id:
        query = query.where(Initiative.authors.any(InitiativeAuthor.person_id == person_id))
    if q:
        query = query.where(Initiative.search_title.like(like_pattern(q), escape="\\"))
    query = visibility.initiatives(query, actor)
    return [initiative_dict(i) for i in s.scalars(query.order_by(Initiative.year.desc(), Initiative.id).limit(limit))]


def contest_result_dict(c: ContestResult) -> dict:
    return {"id": c.id, "contest_kind": c.contest_kind, "contest_title": CONTEST_KINDS[c.contest_kind],
            "year": c.year, "round": c.round, "person_id": c.person_id, "full_name": c.person.full_name,
            "participated": c.participated, "score": float(c.score) if c.score is not None else None,
            "prize": c.prize}


def list_contest_results(s: Session, *, year=None, person_id=None, contest_kind=None, limit=2000,
                         actor=None) -> list[dict]:
    query = select(ContestResult).join(Person).options(joinedload(ContestResult.person))
    if year:
        query = query.where(ContestResult.year == year)
    if person_id:
        query = query.where(ContestResult.person_id == person_id)
    if contest_kind:
        query = query.where(ContestResult.contest_kind == contest_kind)
    query = visibility.contest_results(query, actor)
    rows = s.scalars(query.order_by(ContestResult.year.desc(), Person.sort_key).limit(limit))
    return [contest_result_dict(c) for c in rows]


def task_rating_dict(r: TaskRating) -> dict:
    return {"id": r.id, "year": r.year, "person_id": r.person_id, "department_id": r.department_id,
            "subject": r.person.full_name if r.person else r.department.name,
            "rating": r.rating, "rating_title": TASK_RATINGS[r.rating]}


def list_task_ratings(s: Session, *, year=None, person_id=None, department_id=None, limit=5000,
                      actor=None) -> list[dict]:
    query = select(TaskRating).options(joinedload(TaskRating.person), joinedload(TaskRating.department))
    if year:
        query = query.where(TaskRating.year == year)
    if person_id:
        query = query.where(TaskRating.person_id == person_id)
    if department_id:
        query = query.where(TaskRating.department_id == department_id)
    query = visibility.task_ratings(query, actor)
    return [task_rating_dict(r) for r in s.scalars(query.order_by(TaskRating.year.desc(), TaskRating.id).limit(limit))]


def registration_dict(r: Registration) -> dict:
    return {"id": r.id, "campaign_id": r.campaign_id, "department_id": r.department_id,
            "department": r.department.name, "year": r.year, "state": r.state,
            "state_title": REGISTRATION_STATES[r.state], "submitted_at": _iso(r.submitted_at),
            "decided_at": _iso(r.decided_at), "refusal_reason": r.refusal_reason, "version": r.version,
            "lines": [{"nominee_type": line.nominee_type, "person_id": line.person_id,
                       "full_name": line.person.full_name if line.person else None, "target": line.target}
                      for line in r.lines]}


def list_registrations(s: Session, *, year=None, department_id=None, state=None, campaign_id=None,
                       actor=None) -> list[dict]:
    query = select(Registration).options(joinedload(Registration.department))
    for column, value in ((Registration.year, year), (Registration.department_id, department_id),
                          (Registration.state, state), (Registration.campaign_id, campaign_id)):
        if value:
            query = query.where(column == value)
    query = visibility.registrations(query, actor)
    return [registration_dict(r) for r in s.scalars(query.order_by(Registration.year.desc(), Registration.id))]


def meeting_dict(m: CouncilMeeting, settings) -> dict:
    from .council import meeting_label
    from .nominations import quorum_met, vote_passes
    return {"id": m.id, "cycle_id": m.cycle_id, "held_on": m.held_on.isoformat(), "label": meeting_label(m),
            "starts_at": m.starts_at.strftime("%H:%M") if m.starts_at else None,
            "ends_at": m.ends_at.strftime("%H:%M") if m.ends_at else None, "place": m.place,
            "members_total": m.members_total, "members_present": m.members_present,
            "attendance_by_name": m.attendance_by_name,
            "attendance": [{"member_id": a.member_id, "name": a.member.name, "council_role": a.member.council_role,
                            "role_title": a.member.role_title, "title": a.member.title, "present": a.present}
                           for a in m.attendance],
            "chair": _member(m.chair), "secretary": _member(m.secretary),
            "quorum_met": quorum_met(settings, m), "chair_name": m.chair_name, "note": m.note,
            "updated_at": m.updated_at.isoformat() if m.updated_at else None,
            "votes": [{"nomination_id": v.nomination_id, "nominee_name": v.nomination.nominee_name,
                       "votes_for": v.votes_for, "votes_against": v.votes_against,
                       "passed": vote_passes(settings, m, v), "state": v.nomination.state, "tally": v.tally}
                      for v in m.votes]}


def _member(member) -> dict | None:
    if member is None:
        return None
    return {"id": member.id, "name": member.name, "role_title": member.role_title, "title": member.title}


# What meeting_dict reads of a meeting, loaded with it in a fixed number of statements (not one per vote).
MEETING_LOADS = (
    selectinload(CouncilMeeting.votes).joinedload(CouncilVote.nomination)
    .options(joinedload(Nomination.person), joinedload(Nomination.department)),
    selectinload(CouncilMeeting.attendance), joinedload(CouncilMeeting.chair), joinedload(CouncilMeeting.secretary),
)


def list_meetings(s: Session, settings, cycle_id: int | None = None) -> list[dict]:
    query = select(CouncilMeeting).options(*MEETING_LOADS)
    if cycle_id:
        query = query.where(CouncilMeeting.cycle_id == cycle_id)
    return [meeting_dict(m, settings) for m in s.scalars(query.order_by(
        CouncilMeeting.held_on.desc(), CouncilMeeting.starts_at.desc(), CouncilMeeting.id.desc()))]
