"""Who still has work pending for each deadline of a review cycle, and who is late.

Each function returns a `Work`: the reminders to send before the deadline (per user), and
the lines of an escalation if the deadline has passed (who is late, with what).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from states import State
from workflow.dossier import department_minutes
from workflow.models import Department, Nomination, Registration, ReviewCycle

from .recipients import Recipient, department_heads, users_with_roles

SHOWN_NAMES = 8  # nominees named in a line; the rest are counted


@dataclass
class Work:
    todo: dict[int, tuple[Recipient, list[str]]] = field(default_factory=dict)
    late: list[str] = field(default_factory=list)

    def add(self, recipients: list[Recipient], line: str) -> None:
        for r in recipients:
            self.todo.setdefault(r.user_id, (r, []))[1].append(line)


def _names(noms: list[Nomination]) -> str:
    names = sorted(n.nominee_name for n in noms)
    shown = ", ".join(names[:SHOWN_NAMES])
    more = len(names) - SHOWN_NAMES
    return shown + (f" và {more} hồ sơ khác" if more > 0 else "")


def _departments(s: Session) -> list[Department]:
    return list(s.scalars(select(Department).where(Department.active).order_by(Department.sort_key)))


def registration(s: Session, cycle: ReviewCycle) -> Work:
    """Departments that have not sent (or must send again) their registration for the cycle's year."""
    states = dict(s.execute(select(Registration.department_id, Registration.state).where(
        Registration.campaign_id == cycle.campaign_id, Registration.year == cycle.year)).all())
    work = Work()
    for dept in _departments(s):
        state = states.get(dept.id)
        if state in ("awaiting", "approved"):
            continue
        what = ("bản đăng ký thi đua bị trả lại, chưa gửi lại" if state == "refused"
                else "chưa gửi đăng ký thi đua")
        work.add(department_heads(s, dept.id), f"{dept.name}: {what} năm {cycle.year}.")
        work.late.append(f"{dept.name}: {what}.")
    return work


def _open_nominations(s: Session, cycle: ReviewCycle, *states: State) -> list[Nomination]:
    return list(s.scalars(select(Nomination).where(Nomination.cycle_id == cycle.id,
                                                   Nomination.state.in_([st.value for st in states]))
                          .order_by(Nomination.id)))


def dossier(s: Session, cycle: ReviewCycle) -> Work:
    """Departments with nominations not yet reviewed, or without their review minutes."""
    live = (State.REGISTERED, State.DEPARTMENT_REVIEWED, State.COUNCIL_REVIEWED, State.HEAD_APPROVED,
            State.ON_HOLD, State.AWARDED)
    by_department = defaultdict(list)
    for nom in _open_nominations(s, cycle, *live):
        by_department[nom.department_id].append(nom)
    work = Work()
    for dept in _departments(s):
        noms = by_department.get(dept.id)
        if not noms:
            continue
        lines = []
        waiting = [n for n in noms if n.state == State.REGISTERED]
        if waiting:
            lines.append(f"{len(waiting)} đề nghị chưa được Phòng xét: {_names(waiting)}")
        if not department_minutes(s, cycle.id, dept.id):
            lines.append("chưa có biên bản họp xét của Phòng")
        if lines:
            text = f"{dept.name}: " + "; ".join(lines) + "."
            work.add(department_heads(s, dept.id), text)
            work.late.append(text)
    return work


def council(s: Session, cycle: ReviewCycle) -> Work:
    """The secretary, while department-reviewed dossiers have not been put to the council."""
    waiting = _open_nominations(s, cycle, State.DEPARTMENT_REVIEWED)
    work = Work()
    if waiting:
        line = f"{len(waiting)} hồ sơ Phòng đã xét chưa trình Hội đồng: {_names(waiting)}."
        work.add(users_with_roles(s, "council_secretary"), line)
        work.late.append(f"Thư ký Hội đồng: {line}")
    return work


def ceremony(s: Session, cycle: ReviewCycle) -> Work:
    """The head and deputies with approvals waiting; the secretary with awards to record."""
    work = Work()
    to_approve = _open_nominations(s, cycle, State.COUNCIL_REVIEWED)
    if to_approve:
        line = f"{len(to_approve)} đề nghị Hội đồng đã xét chờ Thủ trưởng phê duyệt: {_names(to_approve)}."
        work.add(users_with_roles(s, "agency_head", "deputy_head"), line)
        work.late.append(f"Thủ trưởng cơ quan: {line}")
    to_record = _open_nominations(s, cycle, State.HEAD_APPROVED)
    if to_record:
        line = f"{len(to_record)} đề nghị đã phê duyệt chờ ghi nhận quyết định khen thưởng: {_names(to_record)}."
        work.add(users_with_roles(s, "council_secretary"), line)
        work.late.append(f"Thư ký Hội đồng: {line}")
    return work


BY_DEADLINE = {
    "registration_deadline": registration,
    "dossier_deadline": dossier,
    "council_meeting_on": council,
    "ceremony_on": ceremony,
}


def escalation_recipients(s: Session) -> list[Recipient]:
    """Who hears that a deadline has passed with work undone: the secretary and the agency head."""
    seen = {}
    for r in users_with_roles(s, "council_secretary") + users_with_roles(s, "agency_head"):
        seen.setdefault(r.user_id, r)
    return list(seen.values())
