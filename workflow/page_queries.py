"""Read side for the web pages: what each role's page shows. Plain dicts, like `queries`."""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, joinedload

from states import State

from .dossier import active_documents, department_minutes, missing_documents_for
from .errors import Invalid, Problem
from .models import (
    AuditEntry,
    Campaign,
    ContestResult,
    CouncilMeeting,
    CouncilVote,
    Department,
    Initiative,
    Nomination,
    Person,
    Registration,
    ReviewCycle,
    TaskRating,
    User,
)
from .queries import cycle_dict, document_dict, nomination_summary, visible_nominations
from .register_queries import (
    MEETING_LOADS,
    contest_result_dict,
    initiative_dict,
    list_meetings,
    meeting_dict,
    registration_dict,
    task_rating_dict,
)
from .text import fold, natural_key


def last_moves(s: Session, nomination_ids: list[int]) -> dict[int, AuditEntry]:
    """The latest state change of each nomination (who moved it, why)."""
    if not nomination_ids:
        return {}
    latest = (select(func.max(AuditEntry.id)).where(AuditEntry.nomination_id.in_(nomination_ids),
                                                    AuditEntry.to_state.is_not(None))
              .group_by(AuditEntry.nomination_id))
    rows = s.scalars(select(AuditEntry).options(joinedload(AuditEntry.actor)).where(AuditEntry.id.in_(latest)))
    return {e.nomination_id: e for e in rows}


def cycle_choices(s: Session) -> list[tuple[int, str]]:
    rows = s.scalars(select(ReviewCycle).join(Campaign).options(joinedload(ReviewCycle.campaign))
                     .order_by(ReviewCycle.council_meeting_on.desc(), ReviewCycle.kind))
    return [(c.id, f"{c.title} — {c.campaign.period}" if c.kind == "annual" else c.title) for c in rows]


def open_cycle_choices(s: Session, today: date) -> list[tuple[int, str]]:
    """Cycles still taking nominations (their council has not met yet)."""
    rows = s.scalars(select(ReviewCycle).options(joinedload(ReviewCycle.campaign))
                     .where(ReviewCycle.council_meeting_on >= today).order_by(ReviewCycle.council_meeting_on))
    return [(c.id, c.title) for c in rows]


def late_cycles(s: Session, today: date) -> dict[int, date]:
    """Open cycles whose dossier deadline has passed (a nomination made now is late)."""
    rows = s.execute(select(ReviewCycle.id, ReviewCycle.dossier_deadline)
                     .where(ReviewCycle.council_meeting_on >= today, ReviewCycle.dossier_deadline < today)).all()
    return dict(rows)


def default_cycle_id(s: Session, today: date) -> int | None:
    """The cycle being worked on now: the next council meeting, else the latest cycle."""
    upcoming = s.scalars(select(ReviewCycle.id).where(ReviewCycle.council_meeting_on >= today)
                         .order_by(ReviewCycle.council_meeting_on)).first()
    if upcoming is not None:
        return upcoming
    return s.scalars(select(ReviewCycle.id).order_by(ReviewCycle.council_meeting_on.desc())).first()


def cycle_info(s: Session, cycle_id: int) -> dict | None:
    c = s.get(ReviewCycle, cycle_id)
    return cycle_dict(c) if c else None


def _nominations(s: Session, query) -> list[Nomination]:
    return s.scalars(query.options(joinedload(Nomination.person), joinedload(Nomination.department),
                                   joinedload(Nomination.cycle).joinedload(ReviewCycle.campaign))).unique().all()


def _by_name(rows: list[Nomination]) -> list[Nomination]:
    # Vietnamese order: people by given name, departments by name.
    return sorted(rows, key=lambda n: (n.nominee_type, n.person.sort_key if n.person else n.department.sort_key))


def _missing_in_chunks(s: Session, rows: list[Nomination]) -> dict[int, list[dict]]:
    out = {}
    for i in range(0, len(rows), 1000):
        out.update(missing_documents_for(s, rows[i:i + 1000]))
    return out


AGENDA_PAGE = 100


def agenda(s: Session, ctx, cycle_id: int, *, after: str | None = None, limit: int | None = None) -> dict:
    """The council's agenda for a cycle: the department-reviewed nominations in name order, and the meetings.

    With `limit`, one page in keyset order (`after` is the previous page's `next`), with the total count.
    """
    sort = Nomination.nominee_sort_key
    q = (select(Nomination).where(Nomination.cycle_id == cycle_id, Nomination.state == State.DEPARTMENT_REVIEWED)
         .order_by(Nomination.nominee_type, sort, Nomination.id))
    if after:
        kind, key, ident = (after.split("~") + ["", "", ""])[:3]
        if not ident.isdigit():
            raise Invalid(Problem("bad_cursor", "Tham số phân trang (cursor) không hợp lệ."))
        q = q.where(or_(Nomination.nominee_type > kind, and_(Nomination.nominee_type == kind, or_(
            sort > key, and_(sort == key, Nomination.id > int(ident))))))
    rows = _nominations(s, q if limit is None else q.limit(limit + 1))
    more = limit is not None and len(rows) > limit
    rows = rows[:limit] if limit is not None else rows
    votes = {}
    for v in s.scalars(select(CouncilVote).join(Nomination).where(Nomination.id.in_([n.id for n in rows]))
                       if limit is not None else
                       select(CouncilVote).join(Nomination).where(Nomination.cycle_id == cycle_id,
                                                                  Nomination.state == State.DEPARTMENT_REVIEWED)):
        votes.setdefault(v.nomination_id, []).append(v)
    missing = _missing_in_chunks(s, rows)
    items = [{**nomination_summary(n), "missing_documents": missing[n.id],
              "votes": {v.meeting_id: {"for": v.votes_for, "against": v.votes_against}
                        for v in votes.get(n.id, [])}} for n in rows]
    last = rows[-1] if more else None
    total = len(items) if limit is None else s.scalar(select(func.count()).select_from(Nomination).where(
        Nomination.cycle_id == cycle_id, Nomination.state == State.DEPARTMENT_REVIEWED))
    return {"items": items, "meetings": list_meetings(s, ctx.settings, cycle_id), "total": total,
            "next": f"{last.nominee_type}~{last.nominee_sort_key}~{last.id}" if last else None}


def in_state(s: Session, actor, state: State, cycle_id: int | None = None) -> list[dict]:
    """Visible nominations in one state (for the head's page), in name order."""
    q = visible_nominations(actor).where(Nomination.state == state.value)
    if cycle_id:
        q = q.where(Nomination.cycle_id == cycle_id)
    return [nomination_summary(n) for n in _by_name(_nominations(s, q))]


def nominations_by_ids(s: Session, actor, ids: list[int]) -> list[dict]:
    """The visible ones among `ids`, in the order given (a bulk action's confirmation)."""
    rows = {n.id: n for n in _nominations(s, visible_nominations(actor).where(Nomination.id.in_(ids)))}
    return [nomination_summary(rows[i]) for i in ids if i in rows]


def campaign_for_year(s: Session, year: int) -> Campaign | None:
    return s.scalars(select(Campaign).where(Campaign.start_year <= year, Campaign.end_year >= year)
                     .order_by(Campaign.start_year.desc())).first()


def headed_departments(s: Session, actor) -> list[dict]:
    rows = s.scalars(select(Department).where(Department.id.in_(actor.headed_department_ids))
                     .order_by(Department.sort_key))
    return [{"id": d.id, "name": d.name, "code": d.code} for d in rows]


def department_overview(s: Session, actor, department_id: int, cycle_id: int | None, year: int) -> dict:
    """A department head's page: staff, the year's registration, the cycle's nominations and minutes."""
    dept = s.get(Department, department_id)
    staff = s.scalars(select(Person).where(Person.department_id == department_id, Person.active.is_(True))
                      .order_by(Person.sort_key)).all()
    campaign = campaign_for_year(s, year)
    registration = None
    if campaign is not None:
        reg = s.scalars(select(Registration).where(Registration.campaign_id == campaign.id,
                                                   Registration.department_id == department_id,
                                                   Registration.year == year)).first()
        registration = registration_dict(reg) if reg else None
    nominations, minutes = [], []
    if cycle_id:
        q = visible_nominations(actor).where(Nomination.department_id == department_id,
                                             Nomination.cycle_id == cycle_id)
        rows = _by_name(_nominations(s, q))
        missing = _missing_in_chunks(s, rows)
        nominations = [{**nomination_summary(n), "missing_documents": missing[n.id]} for n in rows]
        minutes = [document_dict(d) for d in department_minutes(s, cycle_id, department_id)]
        minutes += [document_dict(d) for d in active_documents(s, kind="department_list", cycle_id=cycle_id,
                                                                department_id=department_id)]
    return {"department": {"id": dept.id, "name": dept.name, "code": dept.code},
            "staff": [{"id": p.id, "full_name": p.full_name, "position": p.position} for p in staff],
            "campaign": {"id": campaign.id, "name": campaign.name, "period": campaign.period} if campaign else None,
            "registration": registration, "nominations": nominations, "documents": minutes}


def campaigns(s: Session) -> list[dict]:
    rows = s.scalars(select(Campaign).order_by(Campaign.start_year.desc()))
    return [{"id": c.id, "code": c.code, "name": c.name, "period": c.period, "plan_reference": c.plan_reference,
             "cycles": [cycle_dict(cy) for cy in c.cycles]} for c in rows]


def users(s: Session, q: str | None = None) -> list[dict]:
    """Accounts in natural order (canbo_2 before canbo_10); `q` matches the user name or the
    person's name, ignoring case and diacritics."""
    rows = s.scalars(select(User).options(joinedload(User.person).joinedload(Person.department))).unique().all()
    out = [{"id": u.id, "username": u.username, "name": u.name, "roles": sorted(u.roles), "active": u.active,
            "person_id": u.person_id, "email": u.email,
            "department": u.person.department.name if u.person and u.person.department else None}
           for u in sorted(rows, key=lambda u: natural_key(u.username))]
    if q:
        needle = fold(q)
        out = [u for u in out if needle in fold(u["username"]) or needle in fold(u["name"])]
    return out


def people_without_account(s: Session) -> list[tuple[int, str]]:
    taken = select(User.person_id).where(User.person_id.is_not(None))
    rows = s.scalars(select(Person).where(Person.id.not_in(taken), Person.active.is_(True)).order_by(Person.sort_key))
    return [(p.id, p.full_name) for p in rows]


def person_choices(s: Session, department_id: int | None = None) -> list[tuple[int, str]]:
    q = select(Person).options(joinedload(Person.department)).where(Person.active.is_(True))
    if department_id:
        q = q.where(Person.department_id == department_id)
    # Within one department its name would only repeat itself (and cut the select on a phone).
    return [(p.id, f"{p.full_name} — {p.department.name}" if p.department and not department_id else p.full_name)
            for p in s.scalars(q.order_by(Person.sort_key))]


def person_groups(s: Session) -> dict[str, list[tuple[int, str]]]:
    """Active people grouped by department (for a select with one group per department)."""
    rows = s.execute(select(Person.id, Person.full_name, Department.name)
                     .outerjoin(Department, Person.department_id == Department.id)
                     .where(Person.active.is_(True))
                     .order_by(Department.sort_key, Person.sort_key)).all()
    groups: dict[str, list[tuple[int, str]]] = {}
    for pid, name, department in rows:
        groups.setdefault(department or "Lãnh đạo cơ quan", []).append((pid, name))
    return groups


def department_choices(s: Session, ids=None) -> list[tuple[int, str]]:
    q = select(Department).where(Department.active.is_(True))
    if ids is not None:
        q = q.where(Department.id.in_(list(ids)))
    return [(d.id, d.name) for d in s.scalars(q.order_by(Department.sort_key))]


def meetings_for(s: Session, settings, cycle_id: int) -> list[dict]:
    return list_meetings(s, settings, cycle_id)


def meetings_for_cycles(s: Session, settings, cycle_ids) -> list[dict]:
    out = []
    for cycle_id in sorted(cycle_ids):
        out += list_meetings(s, settings, cycle_id)
    return out


def meeting_page(s: Session, ctx, meeting_id: int, *, after: str | None = None,
                 limit: int | None = None) -> dict | None:
    """A council meeting with its votes, one page of its cycle's agenda (`after`: the previous page's
    `agenda_next`; `limit=None` for all of it) and its files."""
    meeting = s.get(CouncilMeeting, meeting_id, options=MEETING_LOADS)
    if meeting is None:
        return None
    items = agenda(s, ctx, meeting.cycle_id, after=after, limit=limit)
    return {"meeting": meeting_dict(meeting, ctx.settings), "cycle": cycle_dict(meeting.cycle),
            "agenda": items["items"], "agenda_total": items["total"], "agenda_next": items["next"],
            "documents": [document_dict(d) for d in active_documents(s, council_meeting_id=meeting.id)]}


def with_departments(s: Session, rows: list[dict]) -> list[dict]:
    """Register rows with the department they belong to ("department_name"): the person's
    department for a person's row, else the row's own department."""
    of_person = dict(s.execute(select(Person.id, Department.name)
                               .join(Department, Person.department_id == Department.id)).all())
    names = dict(s.execute(select(Department.id, Department.name)).all())
    return [{**r, "department_name": of_person.get(r.get("person_id")) or names.get(r.get("department_id")) or ""}
            for r in rows]


def matching(rows: list[dict], q: str | None, key: str) -> list[dict]:
    """Rows whose `key` contains `q`, ignoring case and diacritics."""
    if not q:
        return rows
    needle = fold(q)
    return [r for r in rows if needle in fold(r.get(key) or "")]


def initiative(s: Session, initiative_id: int) -> dict | None:
    row = s.get(Initiative, initiative_id)
    return initiative_dict(row) if row else None


def contest_result(s: Session, result_id: int) -> dict | None:
    row = s.get(ContestResult, result_id)
    return contest_result_dict(row) if row else None


def task_rating(s: Session, rating_id: int) -> dict | None:
    row = s.get(TaskRating, rating_id)
    return task_rating_dict(row) if row else None
