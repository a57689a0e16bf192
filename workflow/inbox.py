"""“Việc cần xử lý”: what waits for this user's own step, counted by group, the first few listed.

Bounded whatever the size of the agency: one statement of capped counts, one short query per
group for its first items (returned dossiers first), and their missing documents and
send-back reasons for those items only.
"""
from __future__ import annotations

from sqlalchemy import and_, false, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, joinedload

from states import Actor, Role, State

from .dossier import missing_documents_for
from .models import AuditEntry, Nomination, Registration, ReviewCycle
from .queries import WAITING_ON, cycle_dict, nomination_summary

FIRST_ITEMS = 10   # items shown per group; "xem tất cả" opens the full, paged list
MAX_GROUPS = 12    # groups listed; older ones are still counted in the total
COUNT_CAP = 1000   # a group's count is exact up to this, then shown as "hơn 1000"

# The calendar date each waiting step is due by.
STEP_DEADLINE = {
    State.REGISTERED: "dossier_deadline",
    State.DEPARTMENT_REVIEWED: "council_meeting_on",
    State.COUNCIL_REVIEWED: "ceremony_on",
    State.HEAD_APPROVED: "ceremony_on",
}


def my_steps(actor: Actor):
    """A WHERE clause: the nominations waiting on a step this actor takes (the permission rules, as SQL)."""
    clauses = []
    if actor.has(Role.DEPARTMENT_HEAD) and actor.headed_department_ids:
        clauses.append(and_(Nomination.state == State.REGISTERED.value,
                            Nomination.department_id.in_(sorted(actor.headed_department_ids))))
    if actor.has(Role.COUNCIL_SECRETARY):
        clauses.append(Nomination.state.in_([State.DEPARTMENT_REVIEWED.value, State.HEAD_APPROVED.value]))
    # a deputy has the head's work only while standing in for the head (workflow/stand_ins.py)
    if actor.has(Role.AGENCY_HEAD) or (actor.has(Role.DEPUTY_HEAD) and actor.stands_for_head):
        clauses.append(Nomination.state == State.COUNCIL_REVIEWED.value)
    return or_(*clauses) if clauses else false()


def _reasons(s: Session, ids: list[int]) -> dict[int, dict]:
    """The send-back (reason, who, when) of each returned nomination among `ids` (a short list)."""
    if not ids:
        return {}
    latest = (select(func.max(AuditEntry.id)).where(AuditEntry.nomination_id.in_(ids), AuditEntry.action == "send_back")
              .group_by(AuditEntry.nomination_id))
    rows = s.scalars(select(AuditEntry).options(joinedload(AuditEntry.actor)).where(AuditEntry.id.in_(latest)))
    return {e.nomination_id: {"reason": e.comment, "by": e.actor.name if e.actor else "Hệ thống", "at": e.at,
                              "from_state": e.from_state, "from_title": State(e.from_state).title} for e in rows}


def _first_items(s: Session, where, n: int) -> list[Nomination]:
    """The first `n` nominations matching `where` by id, with what the inbox shows of them."""
    if n <= 0:
        return []
    ids = select(Nomination.id).where(where).order_by(Nomination.id).limit(n).scalar_subquery()
    return list(s.scalars(select(Nomination).where(Nomination.id.in_(ids))
                          .options(joinedload(Nomination.person), joinedload(Nomination.department),
                                   joinedload(Nomination.cycle)).order_by(Nomination.id)).unique())


def inbox_groups(s: Session, actor: Actor, first: int = FIRST_ITEMS) -> dict:
    """{"groups": [...], "total": n, "returned": n}: counts per (cycle, step) and the first items of each."""
    mine = my_steps(actor)
    counts = [r for r in s.execute(_capped_counts(mine)) if r[2]]
    order = list(WAITING_ON)
    counts = sorted(counts, key=lambda r: (r.cycle_id, order.index(State(r.state))))
    # a capped count stands for "more than COUNT_CAP": the total sums the caps (+1 to keep "more than")
    total = sum(min(r[2], COUNT_CAP) for r in counts) + any(r[2] > COUNT_CAP for r in counts)
    returned = sum(min(r[3], COUNT_CAP) for r in counts) + any(r[3] > COUNT_CAP for r in counts)
    shown = counts[:MAX_GROUPS]
    cycles = {c.id: c for c in s.scalars(select(ReviewCycle).options(joinedload(ReviewCycle.campaign))
                                         .where(ReviewCycle.id.in_({r.cycle_id for r in shown})))}
    groups = []
    for cycle_id, state_value, count, returned_count in shown:
        state = State(state_value)
        group = and_(mine, Nomination.cycle_id == cycle_id, Nomination.state == state_value)
        # returned dossiers first, then the oldest: two short index scans (cycle, state, id), never the
        # sort of a whole group (thousands of rows at a province's size)
        rows = _first_items(s, and_(group, Nomination.sent_back_at.is_not(None)), first) if returned_count else []
        rows += _first_items(s, and_(group, Nomination.sent_back_at.is_(None)), first - len(rows))
        groups.append({"state": state.value, "state_title": state.title, "action": WAITING_ON[state].value,
                       "action_title": WAITING_ON[state].title, "cycle": cycle_dict(cycles[cycle_id]),
                       "deadline": getattr(cycles[cycle_id], STEP_DEADLINE[state]), "count": count,
                       "count_label": _label(count, count > COUNT_CAP),
                       "returned_count": returned_count, "returned_label": _label(returned_count, returned_count > COUNT_CAP), "rows": rows})
    every = [n for g in groups for n in g["rows"]]
    # the department's step is where dossiers get completed: say what is still missing
    missing = missing_documents_for(s, [n for n in every if n.state == State.REGISTERED.value])
    reasons = _reasons(s, [n.id for n in every if n.sent_back_at is not None])
    for g in groups:
        g["items"] = [{**nomination_summary(n), "returned": reasons.get(n.id),
                       "missing_documents": missing.get(n.id, [])} for n in g.pop("rows")]
    return {"groups": groups, "total": total, "total_label": _label(total, any(r[2] > COUNT_CAP for r in counts)),
            "returned": returned, "returned_label": _label(returned, any(r[3] > COUNT_CAP for r in counts)),
            "hidden_groups": len(counts) - len(groups)}


def _capped(where):
    """How many rows match `where`, counted up to COUNT_CAP + 1: a short index scan, never every row."""
    some = select(literal(1).label("one")).where(where).correlate(ReviewCycle).limit(COUNT_CAP + 1).subquery()
    return select(func.count()).select_from(some).scalar_subquery()


def _capped_counts(mine):
    """(cycle id, state, waiting, returned) for every cycle and waiting state, each count capped: one
    statement whose work follows the number of cycles, not of dossiers."""
    per_state = []
    for state in WAITING_ON:
        group = and_(mine, Nomination.cycle_id == ReviewCycle.id, Nomination.state == state.value)
        per_state.append(select(ReviewCycle.id.label("cycle_id"), literal(state.value).label("state"),
                                _capped(group), _capped(and_(group, Nomination.sent_back_at.is_not(None)))))
    return union_all(*per_state)


def _label(n: int, capped: bool) -> str:
    """A count as shown: a capped one reads "hơn 1000" (the exact figure would cost a scan)."""
    return f"hơn {n - 1}" if capped else str(n)


def awaiting_registrations_count(s: Session) -> int:
    """Registrations sent by departments and not yet decided (the secretary's to approve)."""
    return s.scalar(select(func.count()).select_from(Registration).where(Registration.state == "awaiting")) or 0
