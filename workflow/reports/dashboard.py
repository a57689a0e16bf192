"""The head's dashboard: per department and cycle, where the movement stands.

Figures, for one review cycle (its period: the year, or the campaign's years for a final review):
- contest participation rate = active staff of the department who took part in the online CCHC
  contest in the period / active staff of the department, against the plan's 100% target;
- initiatives recognised at the agency in the period, and how many of them Sở Nội vụ appraised
  (an initiative counts for the department named on it and for each author's department);
- nominations of the cycle by state;
- overdue steps: nominations still waiting on a step whose deadline in the cycle calendar has passed.

Where they come from: the counts by state, the active staff and the contest participants from the
tallies the database's triggers keep (migrations 0014, 0016: exact after any write, a few rows per
department); the initiatives live. The people and initiative figures are kept per process until the
registers change (`_PEOPLE`).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, literal, or_, select, union_all
from sqlalchemy.orm import Session, joinedload

from states import State

from ..errors import not_found
from ..models import (
    Department,
    Initiative,
    InitiativeAuthor,
    Nomination,
    NominationTally,
    ParticipationTally,
    Person,
    RegisterStamp,
    ReviewCycle,
    StaffTally,
)
from ..queries import cycle_dict
from . import paging
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
    next_after: str | None = None  # the next page of departments, if any

    @property
    def period_label(self) -> str:
        first, last = self.period
        return f"năm {first}" if first == last else f"giai đoạn {first}-{last}"


OVERDUE_SHOWN = 100  # overdue items listed on the page; the counts cover them all
DEPARTMENTS_SHOWN = 25  # departments per page of the table and charts; the total covers them all


def _visible(scope):
    """The active departments this user sees, as a filter on a department id column (a semi-join,
    never a list of every id)."""
    ids = select(Department.id).where(Department.active.is_(True))
    if scope is not None:
        ids = ids.where(Department.id.in_(sorted(scope)))
    return lambda column: column.in_(ids)


def _departments(s: Session, scope, after: str | None, limit: int | None) -> tuple[list[Department], str | None]:
    """One page of those departments in name order after the cursor (all of them without a limit),
    and the next page's cursor."""
    q = select(Department).where(_visible(scope)(Department.id)).order_by(Department.sort_key, Department.id)
    q = paging.after(q, Department.sort_key, Department.id, after)
    depts = list(s.scalars(q if limit is None else q.limit(limit + 1)))
    if limit is None or len(depts) <= limit:
        return depts, None
    depts = depts[:limit]
    return depts, paging.cursor_of(depts[-1].sort_key, depts[-1].id)


def _count_by(s: Session, value, department, where: list, per_department: bool, *keys) -> dict[tuple, int]:
    """(department id, or None for the whole set, *keys) -> value, aggregated in SQL."""
    cols = ([department] if per_department else []) + list(keys)
    q = select(*cols, value).where(*where)
    rows = s.execute(q.group_by(*cols) if cols else q)
    return {(tuple(row[:-1]) if per_department else (None, *row[:-1])): row[-1] or 0 for row in rows}


def _staff_and_participants(s: Session, departments, per_department: bool, first: int, last: int
                            ) -> dict[int | None, tuple[int, int]]:
    """(active staff, contest participants in [first, last]) keyed by department id (None: the whole
    set), in one query over the tallies the triggers keep (migration 0016). A participant counts once
    however many years or rounds they took part in: the tally keeps people per set of years, and the
    rows whose set meets the period add up to them."""
    staff, joined = StaffTally, ParticipationTally
    rows = union_all(
        select(staff.department_id, staff.count.label("staff"), literal(0).label("participants"))
        .where(departments(staff.department_id)),
        select(joined.department_id, literal(0), joined.count)
        .where(departments(joined.department_id), joined.meets(first, last)),
    ).subquery()
    keys = [rows.c.department_id] if per_department else []
    q = select(*keys, func.sum(rows.c.staff), func.sum(rows.c.participants))
    return {(row[0] if per_department else None): (row[-2] or 0, row[-1] or 0)
            for row in s.execute(q.group_by(*keys) if keys else q)}


def _recognised_in(first: int, last: int):
    return Initiative.recognition_date.between(date(first, 1, 1), date(last, 12, 31))


def _initiatives(s: Session, departments, first: int, last: int) -> dict[int, dict[int, bool]]:
    """department id -> {initiative id: appraised?} for initiatives recognised in the period."""
    own = select(Initiative.department_id, Initiative.id, Initiative.appraisal_number).where(
        _recognised_in(first, last), departments(Initiative.department_id))
    authored = (select(Person.department_id, Initiative.id, Initiative.appraisal_number)
                .join(InitiativeAuthor, InitiativeAuthor.initiative_id == Initiative.id)
                .join(Person, Person.id == InitiativeAuthor.person_id)
                .where(_recognised_in(first, last), departments(Person.department_id)))
    found: dict[int, dict[int, bool]] = defaultdict(dict)
    for query in (own, authored):
        for dept, iid, appraisal in s.execute(query):
            found[dept][iid] = appraisal is not None
    return found


def _initiatives_total(s: Session, departments, first: int, last: int) -> tuple[int, int]:
    """(recognised, appraised) for the whole set: an initiative shared by two departments counts once.

    The authors' side is an uncorrelated IN, not a correlated EXISTS: PostgreSQL charges a correlated
    subquery to every initiative scanned, an estimate that passes `jit_above_cost` at 1M nominations
    (compiling took 15-45 ms for a 3 ms query); the IN's set is built once, and only when an
    initiative's own department does not already count it."""
    authored = (select(InitiativeAuthor.initiative_id).join(Person, Person.id == InitiativeAuthor.person_id)
                .where(departments(Person.department_id)))
    recognised, appraised = s.execute(select(func.count(), func.count(Initiative.appraisal_number)).where(
        _recognised_in(first, last), or_(departments(Initiative.department_id), Initiative.id.in_(authored)))).one()
    return recognised, appraised


def _by_state(s: Session, cycle_id: int, departments, per_department: bool) -> dict[tuple, int]:
    """Read from the tally the triggers keep (migration 0014): a cycle's rows per department and
    state, never its nominations."""
    t = NominationTally
    return _count_by(s, func.sum(t.count), t.department_id,
                     [t.cycle_id == cycle_id, t.count > 0, departments(t.department_id)], per_department, t.state)


# (active staff, participants, recognised, appraised)
People = tuple[int, int, int, int]


def _people(s: Session, departments, per_department: bool, first: int, last: int) -> dict[int | None, People]:
    """The people figures from the tallies and the initiative figures read live, keyed by department
    id (None: the whole set), each a constant number of queries."""
    found: dict = defaultdict(lambda: [0, 0, 0, 0])
    for dept, figures in _staff_and_participants(s, departments, per_department, first, last).items():
        found[dept][:2] = figures
    if per_department:
        for dept, ids in _initiatives(s, departments, first, last).items():
            found[dept][2:] = [len(ids), sum(ids.values())]
    else:
        found[None][2:] = _initiatives_total(s, departments, first, last)
    return {dept: tuple(figures) for dept, figures in found.items()}


def _figures(people: dict[int | None, People], by_state: dict[tuple, int], late: dict) -> dict:
    found: dict = defaultdict(lambda: Figures(None, ""))
    for dept, (staff, participants, recognised, appraised) in people.items():
        fig = found[dept]
        fig.active_staff, fig.participants, fig.recognised, fig.appraised = staff, participants, recognised, appraised
    for (dept, state), n in by_state.items():
        found[dept].by_state[state] = n
        found[dept].overdue += n if state in late else 0
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
             .where(Nomination.cycle_id == cycle.id, Nomination.state == state,
                    _visible(scope)(Nomination.department_id)).order_by(Nomination.id))
        if limit is not None:
            q = q.limit(limit - len(items))
        items += [{"nomination_id": n.id, "nominee": n.nominee_name, "department_id": n.department_id,
                   "department": n.department.name, "state": n.state, "state_title": State(n.state).title,
                   "waiting_for": waiting_for, "deadline": deadline, "days_late": (today - deadline).days}
                  for n in s.scalars(q)]
    return items


def dashboard(session: Session, ctx, user_id: int, cycle_id: int, overdue_limit: int | None = OVERDUE_SHOWN,
              *, after: str | None = None, limit: int | None = None) -> Dashboard:
    """The figures of one cycle for the departments this user may see (`limit` of them after the
    cursor `after`, or all), with the total of every one of them.

    A constant number of queries, none of which reads every nomination or person: the counts by
    state come from the tally the database keeps (migration 0014); the people and initiative figures
    of a page (staff and participants from the tallies of migration 0016, initiatives live) are kept
    per process until those registers change (see `_PEOPLE`). The exports (every row) read the people
    afresh.
    """
    _, _, scope = actor_and_scope(session, user_id)
    cycle = session.get(ReviewCycle, cycle_id)
    if cycle is None:
        raise not_found("kỳ xét")
    keep = limit is not None and overdue_limit is not None
    return _read(session, cycle, scope, ctx.clock.today(), overdue_limit, after, limit, keep)


# The people and initiative figures of a page change only with the registers, not with a workflow
# step: kept per process under the registers' stamp (migration 0014), which every write to them
# changes. Since migration 0016 the staff and participants are two cheap reads of the tallies; what
# the keeping still saves is the initiatives (each for its department and its authors' departments;
# 1M nominations: ~10 ms, three statements) and those two reads. The stamp is read before the figures,
# so a figure is never older than its stamp (READ COMMITTED reads each statement afresh; a write
# committed in between makes the kept figure newer than its key, and the next view reads the new
# stamp and reads afresh). Never stale.
_PEOPLE: dict[tuple, dict[int | None, People]] = {}
_PEOPLE_AT_MOST = 256


def _kept_people(s: Session, stamp: str | None, key: tuple, read) -> dict[int | None, People]:
    if stamp is None:  # no stamp (an emptied database): nothing to key on, read afresh
        return read()
    key = (str(s.get_bind().url), stamp, *key)
    found = _PEOPLE.get(key)
    if found is None:
        found = read()
        if len(_PEOPLE) >= _PEOPLE_AT_MOST:
            _PEOPLE.clear()
        _PEOPLE[key] = found
    return found


def _read(s: Session, cycle: ReviewCycle, scope, today: date, overdue_limit: int | None, after: str | None,
          limit: int | None, keep: bool = False) -> Dashboard:
    # first, before any figure it stands for (see _PEOPLE)
    stamp = s.scalar(select(RegisterStamp.token).where(RegisterStamp.id == 1)) if keep else None
    late = _late_states(cycle, today)
    first, last = cycle.period
    visible = _visible(scope)
    depts, next_after = _departments(s, scope, after, limit)
    shown = [d.id for d in depts]
    # a page filters on its few ids; the whole list (an export) on the same semi-join as the total
    listed = visible if limit is None else (lambda column: column.in_(shown))
    per_department = {}
    if depts:
        people = _kept_people(s, stamp, ("rows", tuple(shown), first, last),
                              lambda: _people(s, listed, True, first, last))
        per_department = _figures(people, _by_state(s, cycle.id, listed, True), late)
    rows = []
    for d in depts:
        fig = per_department.get(d.id) or Figures(None, "")
        fig.department_id, fig.name = d.id, d.name
        rows.append(fig)
    scope_key = None if scope is None else tuple(sorted(scope))
    people = _kept_people(s, stamp, ("total", scope_key, first, last),
                          lambda: _people(s, visible, False, first, last))
    total = _figures(people, _by_state(s, cycle.id, visible, False), late)[None]
    total.name = "Toàn cơ quan" if depts or after else "—"
    overdue = _overdue_items(s, cycle, scope, late, today, overdue_limit)
    return Dashboard(cycle_dict(cycle), cycle.period, today, rows, total, overdue, next_after=next_after)
