"""The head's dashboard: per department and cycle, where the movement stands.

Figures, for one review cycle (its period: the year, or the campaign's years for a final review):
- contest participation rate = active staff of the department who took part in the online CCHC
  contest in the period / active staff of the department, against the plan's 100% target;
- initiatives recognised at the agency in the period, and how many of them Sở Nội vụ appraised
  (an initiative counts for the department named on it and for each author's department);
- nominations of the cycle by state;
- overdue steps: nominations still waiting on a step whose deadline in the cycle calendar has passed.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, joinedload

from states import State

from ..errors import not_found
from ..models import ContestResult, Department, Initiative, InitiativeAuthor, Nomination, Person, ReviewCycle
from ..queries import cycle_dict
from .scope import actor_and_scope

TARGET_RATE = 1.0
# The calendar date by which each waiting step should have been taken.
STEP_DEADLINES = {
    State.REGISTERED: ("dossier_deadline", "Phòng xét, gửi hồ sơ"),
    State.DEPARTMENT_REVIEWED: ("council_meeting_on", "Hội đồng xét"),
    State.COUNCIL_REVIEWED: ("ceremony_on", "Thủ trưởng phê duyệt"),
    State.HEAD_APPROVED: ("ceremony_on", "Ghi nhận quyết định khen thưởng"),
}
STATES_SHOWN = [State.REGISTERED, State.DEPARTMENT_REVIEWED, State.COUNCIL_REVIEWED, State.HEAD_APPROVED,
                State.AWARDED, State.ON_HOLD, State.REJECTED, State.WITHDRAWN]


@dataclass
class Figures:
    department_id: int | None
    name: str
    active_staff: int = 0
    participants: int = 0
    recognised: int = 0
    appraised: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    overdue: int = 0

    @property
    def participation_rate(self) -> float | None:
        return self.participants / self.active_staff if self.active_staff else None

    @property
    def nominations(self) -> int:
        return sum(self.by_state.values())

    def as_dict(self) -> dict:
        return {"department_id": self.department_id, "name": self.name, "active_staff": self.active_staff,
                "participants": self.participants, "participation_rate": self.participation_rate,
                "recognised": self.recognised, "appraised": self.appraised, "by_state": dict(self.by_state),
                "nominations": self.nominations, "overdue": self.overdue}


@dataclass
class Dashboard:
    cycle: dict
    period: tuple[int, int]
    today: date
    rows: list[Figures]
    total: Figures
    overdue_items: list[dict]
    target: float = TARGET_RATE

    @property
    def period_label(self) -> str:
        first, last = self.period
        return f"năm {first}" if first == last else f"giai đoạn {first}-{last}"


def _departments(s: Session, scope) -> list[Department]:
    q = select(Department).where(Department.active.is_(True))
    if scope is not None:
        q = q.where(Department.id.in_(scope))
    return list(s.scalars(q.order_by(Department.sort_key)))


def _staff(s: Session, dept_ids) -> Counter:
    rows = s.execute(select(Person.department_id, func.count(Person.id)).where(
        Person.active.is_(True), Person.department_id.in_(dept_ids)).group_by(Person.department_id))
    return Counter(dict(rows.all()))


def _participants(s: Session, dept_ids, first: int, last: int) -> Counter:
    rows = s.execute(select(Person.department_id, func.count(func.distinct(ContestResult.person_id)))
                     .join(Person, ContestResult.person_id == Person.id)
                     .where(Person.active.is_(True), Person.department_id.in_(dept_ids),
                            ContestResult.contest_kind == "online_cchc", ContestResult.participated.is_(True),
                            ContestResult.year.between(first, last))
                     .group_by(Person.department_id))
    return Counter(dict(rows.all()))


def _initiatives(s: Session, dept_ids, first: int, last: int) -> dict[int, dict[int, bool]]:
    """department id -> {initiative id: appraised?} for initiatives recognised in the period."""
    in_period = and_(Initiative.recognition_date >= date(first, 1, 1), Initiative.recognition_date <= date(last, 12, 31))
    own = select(Initiative.department_id, Initiative.id, Initiative.appraisal_number).where(
        in_period, Initiative.department_id.in_(dept_ids))
    authored = (select(Person.department_id, Initiative.id, Initiative.appraisal_number)
                .join(InitiativeAuthor, InitiativeAuthor.initiative_id == Initiative.id)
                .join(Person, Person.id == InitiativeAuthor.person_id)
                .where(in_period, Person.department_id.in_(dept_ids)))
    found: dict[int, dict[int, bool]] = defaultdict(dict)
    for query in (own, authored):
        for dept, iid, appraisal in s.execute(query):
            found[dept][iid] = appraisal is not None
    return found


def _overdue(nom: Nomination, cycle: ReviewCycle, today: date) -> dict | None:
    step = STEP_DEADLINES.get(State(nom.state))
    if step is None:
        return None
    deadline = getattr(cycle, step[0])
    if deadline is None or today <= deadline:
        return None
    return {"nomination_id": nom.id, "nominee": nom.nominee_name, "department_id": nom.department_id,
            "department": nom.department.name, "state": nom.state, "state_title": State(nom.state).title,
            "waiting_for": step[1], "deadline": deadline, "days_late": (today - deadline).days}


def dashboard(session: Session, ctx, user_id: int, cycle_id: int) -> Dashboard:
    """The figures of one cycle for the departments this user may see, with their total."""
    _, _, scope = actor_and_scope(session, user_id)
    cycle = session.get(ReviewCycle, cycle_id)
    if cycle is None:
        raise not_found("kỳ xét")
    first, last = cycle.period
    today = ctx.clock.today()
    depts = _departments(session, scope)
    ids = [d.id for d in depts]
    staff, participants = _staff(session, ids), _participants(session, ids, first, last)
    initiatives = _initiatives(session, ids, first, last)
    noms = session.scalars(select(Nomination).where(Nomination.cycle_id == cycle_id, Nomination.department_id.in_(ids))
                           .options(joinedload(Nomination.person), joinedload(Nomination.department))
                           .order_by(Nomination.id)).all()
    rows = {d.id: Figures(d.id, d.name, staff[d.id], participants[d.id],
                          len(initiatives[d.id]), sum(initiatives[d.id].values())) for d in depts}
    overdue = []
    for nom in noms:
        fig = rows[nom.department_id]
        fig.by_state[nom.state] = fig.by_state.get(nom.state, 0) + 1
        late = _overdue(nom, cycle, today)
        if late:
            fig.overdue += 1
            overdue.append(late)
    total = _total(list(rows.values()), initiatives)
    overdue.sort(key=lambda x: (-x["days_late"], x["nomination_id"]))
    return Dashboard(cycle_dict(cycle), (first, last), today, list(rows.values()), total, overdue)


def _total(rows: list[Figures], initiatives: dict[int, dict[int, bool]]) -> Figures:
    # An initiative shared by two departments is one initiative of the agency.
    distinct = {iid: appraised for per_dept in initiatives.values() for iid, appraised in per_dept.items()}
    by_state: Counter = Counter()
    for r in rows:
        by_state.update(r.by_state)
    return Figures(None, "Toàn cơ quan" if rows else "—", sum(r.active_staff for r in rows),
                   sum(r.participants for r in rows), len(distinct), sum(distinct.values()), dict(by_state),
                   sum(r.overdue for r in rows))
