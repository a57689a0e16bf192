"""Who still has work pending for each deadline of a review cycle, and who is late.

Each function returns a `Work`: the reminders to send before the deadline (per user), and
the lines of an escalation if the deadline has passed (who is late, with what).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session, aliased

from states import State
from workflow.models import (
    Department,
    Document,
    Nomination,
    NominationTally,
    Person,
    Registration,
    ReviewCycle,
)
from workflow.stand_ins import StandIns

from .recipients import Recipient, head_and_stand_ins, heads_of_departments, users_with_roles

SHOWN_NAMES = 8  # nominees named in a line; the rest are counted


@dataclass
class Work:
    todo: dict[int, tuple[Recipient, list[str]]] = field(default_factory=dict)
    late: list[str] = field(default_factory=list)

    def add(self, recipients: list[Recipient], line: str) -> None:
        for r in recipients:
            self.todo.setdefault(r.user_id, (r, []))[1].append(line)


def _names(names: list[str], total: int) -> str:
    more = total - len(names)
    return ", ".join(names) + (f" và {more} hồ sơ khác" if more > 0 else "")


def _departments(s: Session) -> list[Department]:
    return list(s.scalars(select(Department).where(Department.active).order_by(Department.sort_key)))


def _first_rows(s: Session, cycle: ReviewCycle, state: State, by_department: bool):
    """The first SHOWN_NAMES nominations in `state` (of each department, if asked) in name order, a few entries
    of the step's name index (ix_nomination_cycle_state_name / _department) each: never the step sorted."""
    n = aliased(Nomination)
    order = (n.nominee_type, n.nominee_sort_key, n.id)
    first = (select(n.department_id, n.person_id, *order).where(n.cycle_id == cycle.id, n.state == state.value)
             .order_by(*order).limit(SHOWN_NAMES))
    if not by_department:
        return first.subquery()
    first = first.where(n.department_id == Department.id)  # for each department
    if s.get_bind().dialect.name == "postgresql":
        first = first.lateral()
        return select(first).select_from(Department).join(first, true()).subquery()
    # SQLite has no LATERAL; it runs the correlated list once per department, on the index
    ids = first.with_only_columns(n.id)
    return (select(Nomination.department_id, Nomination.person_id, Nomination.nominee_type,
                   Nomination.nominee_sort_key, Nomination.id)
            .select_from(Department).join(Nomination, Nomination.id.in_(ids)).subquery())


def _first_names(s: Session, cycle: ReviewCycle, state: State, by_department: bool = False):
    """The names of the first SHOWN_NAMES nominees in `state` (of each department, if asked), in name order:
    one query."""
    first = _first_rows(s, cycle, state, by_department)
    keys = [first.c.department_id] if by_department else []
    rows = s.execute(select(first.c.department_id, func.coalesce(Person.full_name, Department.name))
                     .join(Department, first.c.department_id == Department.id)
                     .outerjoin(Person, first.c.person_id == Person.id)
                     .order_by(*keys, first.c.nominee_type, first.c.nominee_sort_key, first.c.id))
    out: dict[int | None, list[str]] = {}
    for department_id, nominee in rows:
        out.setdefault(department_id if by_department else None, []).append(nominee)
    return out


def _count(s: Session, cycle: ReviewCycle, state: State) -> int:
    """From the tally the triggers keep (migration 0014): a few rows, whatever the cycle's size."""
    return s.scalar(select(func.sum(NominationTally.count)).where(
        NominationTally.cycle_id == cycle.id, NominationTally.state == state.value)) or 0


def registration(s: Session, cycle: ReviewCycle, stand_ins: StandIns) -> Work:
    """Departments that have not sent (or must send again) their registration for the cycle's year."""
    states = dict(s.execute(select(Registration.department_id, Registration.state).where(
        Registration.campaign_id == cycle.campaign_id, Registration.year == cycle.year)).all())
    heads = heads_of_departments(s, stand_ins)
    work = Work()
    for dept in _departments(s):
        state = states.get(dept.id)
        if state in ("awaiting", "approved"):
            continue
        what = ("bản đăng ký thi đua bị trả lại, chưa gửi lại" if state == "refused"
                else "chưa gửi đăng ký thi đua")
        work.add(heads.get(dept.id, []), f"{dept.name}: {what} năm {cycle.year}.")
        work.late.append(f"{dept.name}: {what}.")
    return work


LIVE = (State.REGISTERED, State.DEPARTMENT_REVIEWED, State.COUNCIL_REVIEWED, State.HEAD_APPROVED,
        State.ON_HOLD, State.AWARDED)


def dossier(s: Session, cycle: ReviewCycle, stand_ins: StandIns) -> Work:
    """Departments with nominations not yet reviewed, or without their review minutes."""
    counts: dict[int, dict[str, int]] = {}
    t = NominationTally
    for department_id, state, n in s.execute(
            select(t.department_id, t.state, t.count)
            .where(t.cycle_id == cycle.id, t.state.in_([st.value for st in LIVE]), t.count > 0)):
        counts.setdefault(department_id, {})[state] = n
    with_minutes = set(s.scalars(select(Document.department_id).where(
        Document.cycle_id == cycle.id, Document.kind == "department_minutes", Document.superseded.is_(False))))
    names = _first_names(s, cycle, State.REGISTERED, by_department=True)
    heads = heads_of_departments(s, stand_ins)
    work = Work()
    for dept in _departments(s):
        if dept.id not in counts:
            continue
        lines = []
        waiting = counts[dept.id].get(State.REGISTERED.value, 0)
        if waiting:
            lines.append(f"{waiting} đề nghị chưa được Phòng xét: {_names(names.get(dept.id, []), waiting)}")
        if dept.id not in with_minutes:
            lines.append("chưa có biên bản họp xét của Phòng")
        if lines:
            text = f"{dept.name}: " + "; ".join(lines) + "."
            work.add(heads.get(dept.id, []), text)
            work.late.append(text)
    return work


def _waiting_line(s: Session, cycle: ReviewCycle, state: State) -> tuple[int, str]:
    total = _count(s, cycle, state)
    return total, (_names(_first_names(s, cycle, state).get(None, []), total) if total else "")


def council(s: Session, cycle: ReviewCycle, stand_ins: StandIns) -> Work:
    """The secretary, while department-reviewed dossiers have not been put to the council."""
    work = Work()
    total, names = _waiting_line(s, cycle, State.DEPARTMENT_REVIEWED)
    if total:
        line = f"{total} hồ sơ Phòng đã xét chưa trình Hội đồng: {names}."
        work.add(users_with_roles(s, "council_secretary"), line)
        work.late.append(f"Thư ký Hội đồng: {line}")
    return work


def ceremony(s: Session, cycle: ReviewCycle, stand_ins: StandIns) -> Work:
    """The head (and the deputy standing in while the head is away) with approvals waiting; the secretary
    with awards to record."""
    work = Work()
    total, names = _waiting_line(s, cycle, State.COUNCIL_REVIEWED)
    if total:
        line = f"{total} đề nghị Hội đồng đã xét chờ Thủ trưởng phê duyệt: {names}."
        work.add(head_and_stand_ins(s, stand_ins), line)
        work.late.append(f"Thủ trưởng cơ quan: {line}")
    total, names = _waiting_line(s, cycle, State.HEAD_APPROVED)
    if total:
        line = f"{total} đề nghị đã phê duyệt chờ ghi nhận quyết định khen thưởng: {names}."
        work.add(users_with_roles(s, "council_secretary"), line)
        work.late.append(f"Thư ký Hội đồng: {line}")
    return work


BY_DEADLINE = {
    "registration_deadline": registration,
    "dossier_deadline": dossier,
    "council_meeting_on": council,
    "ceremony_on": ceremony,
}


def escalation_recipients(s: Session, stand_ins: StandIns) -> list[Recipient]:
    """Who hears that a deadline has passed with work undone: the secretary and the agency head (and the
    deputy standing in while the head is away)."""
    seen = {}
    for r in users_with_roles(s, "council_secretary") + head_and_stand_ins(s, stand_ins):
        seen.setdefault(r.user_id, r)
    return list(seen.values())
