"""Who may act in the head's name, in which capacity, for which actions, from when to when.

A deputy approves in the head's place only under an authorisation in force that day: "KT." within
the domain the head assigned, or "TUQ." under a written authorisation (number and date). The audit
row of each such step names the capacity and the authorising act.

The same record names an acting head (phụ trách) of a department while its head is away: they take the
department's steps, signing as a deputy in charge does ("KT.", Decree 30/2020 Art. 13.1), and the audit
says in whose name. Who then sees whose work is workflow/stand_ins.py.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from states import Action, Actor, State
from states.permissions import acts_for_the_head

from .actors import load_actor
from .agency import identity_on, identity_today
from .audit import audit
from .errors import Conflict, Forbidden, Invalid, Problem, not_found
from .models import SIGNING_CAPACITIES, Authorisation, Department, Person, User
from .stand_ins import in_force_on
from .text import nfc
from .units import unit_on

# the head's own steps a deputy may be authorised to take
ACTIONS = {Action.HEAD_APPROVE.value: Action.HEAD_APPROVE.title, Action.SEND_BACK.value: Action.SEND_BACK.title,
           Action.REJECT.value: Action.REJECT.title}
# the department's steps an acting head takes (with the department head's part of send back, reject)
DEPARTMENT_ACTIONS = {Action.DEPARTMENT_REVIEW.value: Action.DEPARTMENT_REVIEW.title,
                      Action.REJECT.value: Action.REJECT.title, Action.WITHDRAW.value: Action.WITHDRAW.title}
DOMAIN_MAX = 120


def _period_problems(valid_from: date | None, valid_to: date | None) -> list[Problem]:
    if valid_from is None or valid_to is None:
        return [Problem("period", "Cần nhập thời hạn: từ ngày và đến ngày (dd/mm/yyyy).")]
    if valid_to < valid_from:
        return [Problem("period", "Ngày kết thúc không được trước ngày bắt đầu.")]
    return []


def _recorded(s: Session, ctx, user: User, row: Authorisation) -> int:
    s.add(row)
    s.flush()
    audit(s, ctx, actor_id=user.id, action="record_authorisation", entity_type="authorisation",
          entity_id=row.id, payload=as_dict(row))
    return row.id


def record_authorisation(ctx, user_id: int, *, delegate_id: int, capacity: str, actions: list[str],
                         valid_from: date | None, valid_to: date | None, domain: str = "",
                         act_number: str | None = None, act_date: date | None = None, away: bool = False) -> int:
    """The head records who may act in their name (audited); `away`: the head is absent over the period,
    so their work waits on the delegate too. Returns its id."""
    act_number = nfc(act_number or "").strip() or None
    problems = []
    if capacity not in SIGNING_CAPACITIES:
        problems.append(Problem("capacity", "Hình thức ký phải là “KT.” (ký thay) hoặc “TUQ.” (thừa ủy quyền)."))
    if not actions or any(a not in ACTIONS for a in actions):
        problems.append(Problem("actions", "Cần chọn thao tác được ủy quyền: "
                                           + ", ".join(f"“{t}”" for t in ACTIONS.values()) + "."))
    problems += _period_problems(valid_from, valid_to)
    if capacity == "tuq" and (act_number is None or act_date is None):
        problems.append(Problem("written_act", "Ký thừa ủy quyền (TUQ.) cần số và ngày của văn bản ủy quyền."))
    if capacity == "kt" and not nfc(domain or "").strip():
        problems.append(Problem("domain", "Ký thay (KT.) cần ghi lĩnh vực được Thủ trưởng phân công."))
    if len(nfc(domain or "").strip()) > DOMAIN_MAX:   # it is printed in each audit row's capacity
        problems.append(Problem("domain", f"Lĩnh vực được phân công ghi ngắn gọn, tối đa {DOMAIN_MAX} ký tự."))
    if problems:
        raise Invalid(problems)
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        if not actor.has("agency_head"):
            raise Forbidden("not_allowed", "Chỉ Thủ trưởng cơ quan được ủy quyền hoặc giao ký thay.")
        delegate = s.get(User, delegate_id)
        if delegate is None or not delegate.active:
            raise not_found("người được ủy quyền")
        if "deputy_head" not in delegate.roles:
            raise Invalid(Problem("delegate", "Người được giao ký thay hoặc ủy quyền phải là cấp phó của Thủ trưởng"
                                              " (vai trò Phó Thủ trưởng) trong phần mềm."))
        row = Authorisation(grantor_id=user.id, delegate_id=delegate.id, capacity=capacity, actions=sorted(actions),
                            domain=nfc(domain or "").strip(), act_number=act_number,
                            act_date=act_date if capacity == "tuq" else None, valid_from=valid_from,
                            valid_to=valid_to, created_by_id=user.id, created_at=ctx.clock.now(), away=bool(away))
        return _recorded(s, ctx, user, row)


def record_acting_head(ctx, user_id: int, *, department_id: int, delegate_id: int, valid_from: date | None,
                       valid_to: date | None) -> int:
    """A department head away names an acting head (phụ trách) for the department's steps over a period
    (audited); the agency head may name one for any department. Returns its id."""
    problems = _period_problems(valid_from, valid_to)
    if problems:
        raise Invalid(problems)
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        department = s.get(Department, department_id)
        if department is None:
            raise not_found("phòng")
        heads_it = actor.has("department_head") and department_id in actor.headed_department_ids
        if not (heads_it or actor.has("agency_head")):
            raise Forbidden("not_allowed", "Chỉ Trưởng phòng (hoặc Thủ trưởng cơ quan) được giao người phụ trách phòng.")
        delegate = s.get(User, delegate_id)
        if delegate is None or not delegate.active:
            raise not_found("người được giao phụ trách")
        if delegate.person_id is None or delegate.person_id == department.head_person_id:
            raise Invalid(Problem("delegate", "Người phụ trách phải là một cán bộ khác Trưởng phòng, có tài khoản"
                                              " gắn với hồ sơ cán bộ."))
        row = Authorisation(grantor_id=user.id, delegate_id=delegate.id, capacity="kt",
                            actions=sorted(DEPARTMENT_ACTIONS), domain="", department_id=department.id, away=True,
                            valid_from=valid_from, valid_to=valid_to, created_by_id=user.id,
                            created_at=ctx.clock.now())
        return _recorded(s, ctx, user, row)


def revoke_authorisation(ctx, user_id: int, authorisation_id: int, reason: str) -> None:
    """End an authorisation today, before its date (audited, with the reason)."""
    reason = nfc(reason or "").strip()
    if not reason:
        raise Invalid(Problem("reason_required", "Cần ghi rõ lý do thu hồi."))
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        row = s.get(Authorisation, authorisation_id, with_for_update=True)
        if row is None:
            raise not_found("ủy quyền")
        if not (actor.has("agency_head") or row.grantor_id == user.id):
            raise Forbidden("not_allowed", "Chỉ người đã giao (hoặc Thủ trưởng cơ quan) được thu hồi ủy quyền.")
        if row.revoked_on is not None:
            raise Conflict("already_revoked", "Ủy quyền này đã được thu hồi.")
        row.revoked_on, row.revoked_by_id, row.revoke_reason = ctx.clock.today(), user.id, reason
        audit(s, ctx, actor_id=user.id, action="revoke_authorisation", entity_type="authorisation",
              entity_id=row.id, comment=reason, payload={"revoked_on": row.revoked_on.isoformat()})


def in_force(s: Session, delegate_id: int, action: str, on: date) -> Authorisation | None:
    """The authorisation under which this user may take `action` in the head's name on `on` (latest first)."""
    rows = in_force_on(s, on, Authorisation.delegate_id == delegate_id, Authorisation.department_id.is_(None))
    return next((a for a in sorted(rows, key=lambda a: (a.valid_from, a.id), reverse=True) if action in a.actions),
                None)


def capacity_line(s: Session, a: Authorisation, on: date) -> str:
    """'TUQ. Giám đốc Sở (văn bản ủy quyền số 05/GUQ-SDTTG ngày 01/12/2025)' or 'KT. Giám đốc Sở (lĩnh vực: …)'."""
    head = identity_on(s, on).head_title
    basis = (f"văn bản ủy quyền số {a.act_number} ngày {a.act_date:%d/%m/%Y}" if a.capacity == "tuq"
             else f"được phân công lĩnh vực: {a.domain}")
    return f"{SIGNING_CAPACITIES[a.capacity]} {head} ({basis})"


def acting_head_line(s: Session, a: Authorisation, on: date) -> str:
    """'Phụ trách Phòng Kế hoạch thay Trưởng phòng Trần Thị B (KT. Trưởng phòng, giao từ 18/11/2025 đến 25/11/2025)'."""
    unit = unit_on(a.department, on)
    person = s.get(Person, a.department.head_person_id) if a.department.head_person_id else None
    head = person.full_name if person else ""
    line = (f"Phụ trách {unit.name} thay {unit.head_title} {head}".rstrip()
            + f" (KT. {unit.head_title}, giao từ {a.valid_from:%d/%m/%Y} đến {a.valid_to:%d/%m/%Y})")
    return line[:200]   # the audit column's width: the authorisation itself keeps the whole record


def _as_acting_head(s: Session, ctx, actor: Actor, action: Action, department_id: int, before) -> str | None:
    """The audit line when an acting head takes a department head's step on their department."""
    department_step = action in (Action.DEPARTMENT_REVIEW, Action.WITHDRAW) or (
        action == Action.REJECT and before == State.REGISTERED)
    if not department_step or department_id not in actor.acting_department_ids:
        return None
    today = ctx.clock.today()
    a = next(iter(in_force_on(s, today, Authorisation.delegate_id == actor.user_id,
                              Authorisation.department_id == department_id)), None)
    return acting_head_line(s, a, today) if a else None


def on_behalf_of(s: Session, ctx, actor: Actor, action: Action, department_id: int | None = None,
                 before=None) -> str | None:
    """What the audit records when someone acts in another's name (the head's, or a department head's
    as its acting head); refuses a deputy without a capacity in force today for the head's steps."""
    if department_id is not None and (acting := _as_acting_head(s, ctx, actor, action, department_id, before)):
        return acting
    if not acts_for_the_head(actor) or actor.has("council_secretary"):
        return None
    today = ctx.clock.today()
    if action.value not in ACTIONS or not ctx.settings.deputy_needs_authorisation:
        a = in_force(s, actor.user_id, action.value, today) if action.value in ACTIONS else None
        return capacity_line(s, a, today) if a else "KT. " + identity_today(s, ctx).head_title
    a = in_force(s, actor.user_id, action.value, today)
    if a is None:
        raise Forbidden("no_authorisation",
                        f"Ngày {today:%d/%m/%Y} bạn không có ủy quyền hoặc phân công ký thay còn hiệu lực cho thao tác"
                        f" “{action.title}”. Thủ trưởng cần ghi nhận ủy quyền (KT. hoặc TUQ.) trước.")
    return capacity_line(s, a, today)


def capacity_today(s: Session, ctx, actor: Actor) -> str | None:
    """For a deputy: the capacity they would approve under today ("" when none is in force and one is
    needed); None for anyone who does not act in the head's name."""
    if not acts_for_the_head(actor) or actor.has("council_secretary"):
        return None
    today = ctx.clock.today()
    a = in_force(s, actor.user_id, Action.HEAD_APPROVE.value, today)
    if a is not None:
        return capacity_line(s, a, today)
    return "" if ctx.settings.deputy_needs_authorisation else "KT. " + identity_today(s, ctx).head_title


def as_dict(a: Authorisation) -> dict:
    return {"id": a.id, "grantor_id": a.grantor_id, "delegate_id": a.delegate_id, "capacity": a.capacity,
            "capacity_label": SIGNING_CAPACITIES[a.capacity], "actions": list(a.actions), "domain": a.domain,
            "act_number": a.act_number, "act_date": a.act_date.isoformat() if a.act_date else None,
            "valid_from": a.valid_from.isoformat(), "valid_to": a.valid_to.isoformat(),
            "revoked_on": a.revoked_on.isoformat() if a.revoked_on else None, "revoke_reason": a.revoke_reason,
            "away": bool(a.away), "department_id": a.department_id}


LISTS_ALL = ("agency_head", "deputy_head", "council_secretary", "admin")


def listing(s: Session, actor: Actor) -> list[dict]:
    """Authorisations and acting heads, newest first, with the names: all of them for the head, deputies, the
    secretary and admins; a department head those of their departments and those naming them."""
    q = select(Authorisation).order_by(Authorisation.valid_from.desc(), Authorisation.id.desc())
    if not any(actor.has(r) for r in LISTS_ALL):
        if not actor.has("department_head"):
            raise Forbidden("not_allowed", "Chỉ lãnh đạo, Trưởng phòng, Thư ký Hội đồng và quản trị xem được danh sách"
                                           " ủy quyền.")
        q = q.where(or_(Authorisation.department_id.in_(sorted(actor.headed_department_ids)),
                        Authorisation.delegate_id == actor.user_id, Authorisation.grantor_id == actor.user_id))
    return [{**as_dict(a), "delegate_name": a.delegate.name, "grantor_name": a.grantor.name,
             "department_name": a.department.name if a.department else None} for a in s.scalars(q)]
