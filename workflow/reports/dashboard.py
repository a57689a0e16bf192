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

from sqlalchemy import and_, func, select, true
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
    overdue_items: list[dict]   # the longest-waiting first; at most `overdue_limit` of them
    target: float = TARGET_RATE

    @property
    def period_label(self) -> str:
        first, last = self.period
        return f"năm {first}" if first == last else f"giai đoạn {first}-{last}"


OVERDUE_SHOWN = 100  # overdue items listed on the page; the counts cover them all


def _departments(s: Session, scope) -> list[Department]:
    q = select(Department).where(Department.active.is_(True))
    if scope is not None:
        q = q.where(Department.id.in_(scope))
    return list(s.scalars(q.order_by(Department.sort_key)))


def _in_scope(column, scope):
    # every department: no filter (never a list of all ids); else the few the user heads
    return true() if scope is None else column.in_(sorted(scope))


def _staff(s: Session, scope) -> Counter:
    rows = s.execute(select(Person.department_id, func.count(Person.id)).where(
        Person.active.is_(True), _in_scope(Person.department_id, scope)).group_by(Person.department_id))
    return Counter(dict(rows.all()))


def _participants(s: Session, scope, first: int, last: int) -> Counter:
    rows = s.execute(select(Person.department_id, func.count(func.distinct(ContestResult.person_id)))
                     .join(Person, ContestResult.person_id == Person.id)
                     .where(Person.active.is_(True), _in_scope(Person.department_id, scope),
                            ContestResult.contest_kind == "online_cchc", ContestResult.participated.is_(True),
                            ContestResult.year.between(first, last))
                     .group_by(Person.department_id))
    return Counter(dict(rows.all()))


def _initiatives(s: Session, scope, first: int, last: int) -> dict[int, dict[int, bool]]:
    """department id -> {initiative id: appraised?} for initiatives recognised in the period."""
    in_period = and_(Initiative.recognition_date >= date(first, 1, 1), Initiative.recognition_date <= date(last, 12, 31))
    own = select(Initiative.department_id, Initiative.id, Initiative.appraisal_number).where(
        in_period, _in_scope(Initiative.department_id, scope))
    authored = (select(Person.department_id, Initiative.id, Initiative.appraisal_number)
                .join(InitiativeAuthor, InitiativeAuthor.initiative_id == Initiative.id)
                .join(Person, Person.id == InitiativeAuthor.person_id)
                .where(in_period, _in_scope(Person.department_id, scope)))
    found: dict[int, dict[int, bool]] = defaultdict(dict)
    for query in (own, authored):
        for dept, iid, appraisal in s.execute(query):
            found[dept][iid] = appraisal is not None
    return found


def _late_states(cycle: ReviewCycle, today: date) -> dict[str, tuple[date, str]]:
    """The waiting states whose deadline has passed: state -> (deadline, what it waits for)."""
    late = {}
    for state, (column, waiting_for) in STEP_DEADLINES.items():
        deadline = getattr(cycle, column)
        if deadline is not None and today > deadline:
            late[state.value] = (deadline, waiting_for)
    return late


def _overdue_items(s: Session, cycle: ReviewCycle, scope, late: dict, today: date, limit: int | None) -> list[dict]:
    """The overdue nominations, longest late first (one query per late state, each limited)."""
    items = []
    for state, (deadline, waiting_for) in sorted(late.items(), key=lambda kv: kv[1][0]):
        if limit is not None and len(items) >= limit:
            break
        q = (select(Nomination).options(joinedload(Nomination.person), joinedload(Nomination.department))
             .join(Department, Nomination.department_id == Department.id)
             .where(Nomination.cycle_id == cycle.id, Nomination.state == state, Department.active.is_(True),
                    _in_scope(Nomination.department_id, scope)).order_by(Nomination.id))
        if limit is not None:
            q = q.limit(limit - len(items))
        items += [{"nomination_id": n.id, "nominee": n.nominee_name, "department_id": n.department_id,
                   "department": n.department.name, "state": n.state, "state_title": State(n.state).title,
                   "waiting_for": waiting_for, "deadline": deadline, "days_late": (today - deadline).days}
                  for n in s.scalars(q)]
    return items


def dashboard(session: Session, ctx, user_id: int, cycle_id: int, overdue_limit: int | None = OVERDUE_SHOWN
              ) -> Dashboard:
    """The figures of one cycle for the departments this user may see, with their total.

    Aggregated in SQL (GROUP BY department and state): its cost follows the departments, not the nominations.
    """
    _, _, scope = actor_and_scope(session, user_id)
    cycle = session.get(ReviewCycle, cycle_id)
    if cycle is None:
        raise not_found("kỳ xét")
    first, last = cycle.period
    today = ctx.clock.today()
    depts = _departments(session, scope)
    staff, participants = _staff(session, scope), _participants(session, scope, first, last)
    initiatives = _initiatives(session, scope, first, last)
    rows = {d.id: Figures(d.id, d.name, staff[d.id], participants[d.id],
                          len(initiatives[d.id]), sum(initiatives[d.id].values())) for d in depts}
    late = _late_states(cycle, today)
    counts = session.execute(select(Nomination.department_id, Nomination.state, func.count())
                             .where(Nomination.cycle_id == cycle_id, _in_scope(Nomination.department_id, scope))
                             .group_by(Nomination.department_id, Nomination.state))
    for department_id, state, n in counts:
        fig = rows.get(department_id)
        if fig is None:  # an inactive department's nominations are not shown, as before
            continue
        fig.by_state[state] = n
        if state in late:
            fig.overdue += n
    initiatives = {d: v for d, v in initiatives.items() if d in rows}
    total = _total(list(rows.values()), initiatives)
    overdue = _overdue_items(session, cycle, scope, late, today, overdue_limit)
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
