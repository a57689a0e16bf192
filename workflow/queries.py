"""Read side: what the API and the pages show. Plain dicts, ready for JSON or a template."""
from __future__ import annotations

import base64
import binascii

from sqlalchemy import func, or_, select, union_all
from sqlalchemy.orm import Session, joinedload

from states import Action, State, actions_from, may
from states.permissions import is_the_nominee

from . import council, criteria, decisions, dossier_files, proposals, visibility
from .actors import sees_all_nominations, subject_of
from .dossier import active_documents, department_minutes, missing_documents
from .errors import Invalid, Problem
from .models import (
    AWARD_FORMS,
    CYCLE_KINDS,
    NOMINEE_TYPES,
    AuditEntry,
    Campaign,
    CouncilVote,
    Department,
    Document,
    Nomination,
    OutboxMessage,
    Person,
    ReviewCycle,
    User,
)
from .search import people_matching
from .text import like_pattern

PAGE_SIZE = 50


def allowed_actions(actor, nom: Nomination, settings=None) -> list[str]:
    """The actions this user may take on this nomination now (guards aside)."""
    subject = subject_of(nom)
    if settings is not None and settings.separation_of_duties and is_the_nominee(actor, subject):
        return []
    return [a.value for a in actions_from(nom.state, nom.held_from) if may(actor, a, subject)]


def cycle_dict(c: ReviewCycle) -> dict:
    return {"id": c.id, "kind": c.kind, "kind_title": CYCLE_KINDS[c.kind], "year": c.year, "title": c.title,
            "campaign": {"id": c.campaign.id, "code": c.campaign.code, "name": c.campaign.name,
                         "period": c.campaign.period},
            "registration_deadline": _iso(c.registration_deadline), "dossier_deadline": _iso(c.dossier_deadline),
            "council_meeting_on": _iso(c.council_meeting_on), "ceremony_on": _iso(c.ceremony_on)}


def _iso(value):
    return value.isoformat() if value is not None else None


def person_dict(p: Person) -> dict:
    return {"id": p.id, "full_name": p.full_name, "position": p.position, "department_id": p.department_id,
            "department": p.department.name if p.department else None, "email": p.email,
            "birth_date": _iso(p.birth_date), "hometown": p.hometown, "active": p.active}


def department_dict(d: Department) -> dict:
    return {"id": d.id, "code": d.code, "name": d.name, "active": d.active,
            "head": {"id": d.head.id, "full_name": d.head.full_name} if d.head else None}


def document_dict(d: Document) -> dict:
    return {"id": d.id, "kind": d.kind, "kind_title": d.kind_title, "name": d.original_name, "size": d.size,
            "sha256": d.sha256, "content_type": d.content_type, "generated": d.generated,
            "template_name": d.template_name, "template_version": d.template_version,
            "uploaded_at": d.uploaded_at.isoformat(), "uploaded_by": d.uploaded_by.name if d.uploaded_by else None,
            "download_url": f"/api/v1/documents/{d.id}"}


def audit_dict(e: AuditEntry) -> dict:
    return {"id": e.id, "at": e.at.isoformat(), "actor": e.actor.name if e.actor else "Hệ thống",
            "actor_username": e.actor.username if e.actor else None, "on_behalf_of": e.on_behalf_of,
            "action": e.action, "from_state": e.from_state, "to_state": e.to_state, "comment": e.comment,
            "payload": e.payload}


def email_dict(m: OutboxMessage) -> dict:
    """An email about a nomination, for its timeline (addresses are shown to those who see the nomination)."""
    return {"id": m.id, "created_at": m.created_at.isoformat(), "to": m.to_address, "subject": m.subject,
            "situation": m.situation, "state": m.state, "sent_at": _iso(m.sent_at)}


def nomination_summary(n: Nomination) -> dict:
    return {"id": n.id, "state": n.state, "state_title": State(n.state).title, "version": n.version,
            "nominee_type": n.nominee_type, "nominee_type_title": NOMINEE_TYPES[n.nominee_type],
            "nominee_name": n.nominee_name, "person_id": n.person_id, "department_id": n.department_id,
            "department": n.department.name, "cycle_id": n.cycle_id, "cycle_title": n.cycle.title,
            "award_form": n.award_form, "award_form_title": AWARD_FORMS[n.award_form],
            "held_from": n.held_from, "decision_number": n.decision_number,
            "decision_date": _iso(n.decision_date), "updated_at": n.updated_at.isoformat()}


def _decision(s: Session, nom: Nomination) -> dict | None:
    """The registered decision that awarded it, its signer and capacity, and the certificate's register number."""
    d = nom.decision
    if d is None:
        return None
    return {"id": d.id, "number": d.number, "signed_on": d.signed_on.isoformat(), "capacity": d.capacity,
            "signed_as": decisions.capacity_label(s, d.capacity, d.signer_name, d.signed_on),
            "certificate_number": decisions.certificate_number(s, nom.id)}


def _proposal(s: Session, nom: Nomination) -> dict | None:
    """What the department sent at its review, as frozen then."""
    row = proposals.latest(s, nom.cycle_id, nom.department_id).get(nom.id)
    if row is None:
        return None
    by = s.get(User, row.reviewed_by_id) if row.reviewed_by_id else None
    return {"line": row.line, "note": row.note, "reviewed_at": row.reviewed_at.isoformat(),
            "reviewed_by": by.name if by else None}


def nomination_detail(s: Session, ctx, actor, nom: Nomination) -> dict:
    """Everything about one nomination that its page and the API show."""
    if nom.criteria is not None:
        checklist = {**nom.criteria, "stored": True,
                     "evaluated_at": _iso(nom.criteria_evaluated_at)}
    else:
        live = criteria.evaluate(s, ctx.settings, nom.cycle, nominee_type=nom.nominee_type,
                                 person_id=nom.person_id, department_id=nom.department_id)
        checklist = {**live.as_dict(), "stored": False, "evaluated_at": None}
    history = s.scalars(select(AuditEntry).where(AuditEntry.nomination_id == nom.id)
                        .options(joinedload(AuditEntry.actor)).order_by(AuditEntry.id)).all()
    votes = s.scalars(select(CouncilVote).where(CouncilVote.nomination_id == nom.id)
                      .order_by(CouncilVote.id)).all()
    return {
        **nomination_summary(nom),
        "nominee": {"type": nom.nominee_type,
                    "person": person_dict(nom.person) if nom.person else None,
                    "department": department_dict(nom.department)},
        "cycle": cycle_dict(nom.cycle),
        "summary": nom.summary,
        "criteria": checklist,
        "documents": [document_dict(d) for d in active_documents(s, nomination_id=nom.id)],
        "department_documents": [document_dict(d) for d in department_minutes(s, nom.cycle_id, nom.department_id)],
        "missing_documents": missing_documents(s, nom),
        # per required document: a draft exists / a signed copy was uploaded; then every file, replaced ones too
        "requirements": dossier_files.requirements(s, nom),
        "decision": _decision(s, nom),
        "files": dossier_files.dossier_files(s, actor, nom),
        "council_meeting_id": nom.council_meeting_id,
        "proposal": _proposal(s, nom),
        "votes": [{"meeting_id": v.meeting_id, "held_on": v.meeting.held_on.isoformat(),
                   "meeting_label": council.meeting_label(v.meeting),
                   "votes_for": v.votes_for, "votes_against": v.votes_against,
                   "members_present": v.meeting.members_present} for v in votes],
        "approved_by": nom.approved_by.name if nom.approved_by else None,
        "approved_for_head": nom.approved_for_head,
        "approved_at": _iso(nom.approved_at),
        "history": [audit_dict(e) for e in history],
        "emails": [email_dict(m) for m in s.scalars(
            select(OutboxMessage).where(OutboxMessage.nomination_id == nom.id).order_by(OutboxMessage.id))],
        "allowed_actions": allowed_actions(actor, nom, ctx.settings),
    }


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"n:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        if kind != "n":
            raise ValueError(raw)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Invalid(Problem("bad_cursor", "Tham số phân trang (cursor) không hợp lệ.")) from None


def visible_nominations(actor):
    """A SELECT of the nominations this actor may see."""
    q = select(Nomination)
    if sees_all_nominations(actor):
        return q
    conditions = []
    if actor.headed_department_ids:
        conditions.append(Nomination.department_id.in_(actor.headed_department_ids))
    if actor.person_id is not None:
        conditions.append(Nomination.person_id == actor.person_id)
    return q.where(or_(*conditions)) if conditions else q.where(False)


def filtered_nominations(s: Session, actor, *, state: str | None = None, cycle_id: int | None = None,
                         department_id: int | None = None, nominee_type: str | None = None, q: str | None = None):
    """The nominations the actor may see, narrowed by the list's filters (a Select of Nomination)."""
    query = visible_nominations(actor)
    if state:
        states = state.split(",")
        bad = [x for x in states if x not in {s.value for s in State}]
        if bad:
            raise Invalid(Problem("bad_state", "Trạng thái không hợp lệ: " + ", ".join(bad)))
        query = query.where(Nomination.state.in_(states))
    if cycle_id:
        query = query.where(Nomination.cycle_id == cycle_id)
    if department_id:
        query = query.where(Nomination.department_id == department_id)
    if nominee_type:
        query = query.where(Nomination.nominee_type == nominee_type)
    if q:
        # semi-joins on indexed name searches: a rare name never walks the whole list. One IN over a
        # UNION of the two lookups, not an OR of them: with the OR the planner walked every nomination
        # in id order testing each (the list's order and LIMIT), 23 ms at 100k, 0.5 s at 1M on PostgreSQL
        departments = select(Department.id).where(Department.search_name.like(like_pattern(q), escape="\\"))
        query = query.where(Nomination.id.in_(union_all(
            select(Nomination.id).where(Nomination.person_id.in_(people_matching(s, q))),
            select(Nomination.id).where(Nomination.person_id.is_(None), Nomination.department_id.in_(departments)))))
    return query


def count_nominations(s: Session, actor, **filters) -> int:
    """How many nominations the list shows in all its pages."""
    ids = filtered_nominations(s, actor, **filters).with_only_columns(Nomination.id).distinct().subquery()
    return s.scalar(select(func.count()).select_from(ids)) or 0


def list_nominations(s: Session, actor, *, cursor: str | None = None, limit: int = PAGE_SIZE, **filters) -> dict:
    """One page of nominations, newest first, with the cursor of the next page."""
    query = filtered_nominations(s, actor, **filters).options(
        joinedload(Nomination.person), joinedload(Nomination.department),
        joinedload(Nomination.cycle).joinedload(ReviewCycle.campaign))
    after = decode_cursor(cursor)
    if after is not None:
        query = query.where(Nomination.id < after)
    limit = max(1, min(int(limit), 200))
    rows = s.scalars(query.order_by(Nomination.id.desc()).limit(limit + 1)).unique().all()
    items = rows[:limit]
    next_cursor = encode_cursor(items[-1].id) if len(rows) > limit else None
    return {"items": [nomination_summary(n) for n in items], "next_cursor": next_cursor}


PERSONAL_FIELDS = ("birth_date", "hometown")


def search_people(s: Session, q: str | None = None, department_id: int | None = None, limit: int = 100,
                  actor=None, active_only: bool = True) -> list[dict]:
    """People whose name matches `q` ignoring case and diacritics, in Vietnamese name order.

    With `actor`, birth date and hometown are given only where that user may read them (else None).
    """
    query = select(Person).options(joinedload(Person.department))
    if active_only:
        query = query.where(Person.active.is_(True))
    if q:
        query = query.where(Person.id.in_(people_matching(s, q)))
    if department_id:
        query = query.where(Person.department_id == department_id)
    rows = []
    for p in s.scalars(query.order_by(Person.sort_key).limit(limit)):
        row = person_dict(p)
        if actor is not None and not visibility.personal_fields_visible(actor, p):
            row.update(dict.fromkeys(PERSONAL_FIELDS))
        rows.append(row)
    return rows


def people_with_personal_data(rows: list[dict]) -> list[int]:
    """The ids of the people whose birth date or hometown a list of person dicts shows."""
    return [r["id"] for r in rows if any(r.get(f) for f in PERSONAL_FIELDS)]


def list_departments(s: Session) -> list[dict]:
    return [department_dict(d) for d in s.scalars(
        select(Department).options(joinedload(Department.head)).order_by(Department.sort_key))]


def list_cycles(s: Session) -> list[dict]:
    rows = s.scalars(select(ReviewCycle).join(Campaign).options(joinedload(ReviewCycle.campaign))
                     .order_by(Campaign.start_year.desc(), ReviewCycle.year.desc(), ReviewCycle.kind.desc()))
    return [cycle_dict(c) for c in rows]


def user_dict(u: User, actor) -> dict:
    return {"id": u.id, "username": u.username, "name": u.name, "roles": sorted(u.roles),
            "person_id": u.person_id, "department_id": actor.department_id,
            "headed_department_ids": sorted(actor.headed_department_ids), "email": u.contact_email}


# What waits for whom: the web inbox and the reminder sweep read the same rule.
WAITING_ON = {
    State.REGISTERED: Action.DEPARTMENT_REVIEW,
    State.DEPARTMENT_REVIEWED: Action.COUNCIL_REVIEW,
    State.COUNCIL_REVIEWED: Action.HEAD_APPROVE,
    State.HEAD_APPROVED: Action.AWARD,
}
