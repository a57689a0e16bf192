"""Who may act in the head's name, in which capacity, for which actions, from when to when.

A deputy approves in the head's place only under an authorisation in force that day: "KT." within
the domain the head assigned, or "TUQ." under a written authorisation (number and date). The audit
row of each such step names the capacity and the authorising act.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from states import Action, Actor
from states.permissions import acts_for_the_head

from .actors import load_actor
from .agency import identity_on, identity_today
from .audit import audit
from .errors import Conflict, Forbidden, Invalid, Problem, not_found
from .models import SIGNING_CAPACITIES, Authorisation, User
from .text import nfc

# the head's own steps a deputy may be authorised to take
ACTIONS = {Action.HEAD_APPROVE.value: Action.HEAD_APPROVE.title, Action.SEND_BACK.value: Action.SEND_BACK.title,
           Action.REJECT.value: Action.REJECT.title}
DOMAIN_MAX = 120


def record_authorisation(ctx, user_id: int, *, delegate_id: int, capacity: str, actions: list[str],
                         valid_from: date | None, valid_to: date | None, domain: str = "",
                         act_number: str | None = None, act_date: date | None = None) -> int:
    """The head records who may act in their name (audited). Returns its id."""
    act_number = nfc(act_number or "").strip() or None
    problems = []
    if capacity not in SIGNING_CAPACITIES:
        problems.append(Problem("capacity", "Hình thức ký phải là “KT.” (ký thay) hoặc “TUQ.” (thừa ủy quyền)."))
    if not actions or any(a not in ACTIONS for a in actions):
        problems.append(Problem("actions", "Cần chọn thao tác được ủy quyền: "
                                           + ", ".join(f"“{t}”" for t in ACTIONS.values()) + "."))
    if valid_from is None or valid_to is None:
        problems.append(Problem("period", "Cần nhập thời hạn: từ ngày và đến ngày."))
    elif valid_to < valid_from:
        problems.append(Problem("period", "Ngày kết thúc không được trước ngày bắt đầu."))
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
                            valid_to=valid_to, created_by_id=user.id, created_at=ctx.clock.now())
        s.add(row)
        s.flush()
        audit(s, ctx, actor_id=user.id, action="record_authorisation", entity_type="authorisation",
              entity_id=row.id, payload=as_dict(row))
        return row.id


def revoke_authorisation(ctx, user_id: int, authorisation_id: int, reason: str) -> None:
    """End an authorisation today, before its date (audited, with the reason)."""
    reason = nfc(reason or "").strip()
    if not reason:
        raise Invalid(Problem("reason_required", "Cần ghi rõ lý do thu hồi."))
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        if not actor.has("agency_head"):
            raise Forbidden("not_allowed", "Chỉ Thủ trưởng cơ quan được thu hồi ủy quyền.")
        row = s.get(Authorisation, authorisation_id, with_for_update=True)
        if row is None:
            raise not_found("ủy quyền")
        if row.revoked_on is not None:
            raise Conflict("already_revoked", "Ủy quyền này đã được thu hồi.")
        row.revoked_on, row.revoked_by_id, row.revoke_reason = ctx.clock.today(), user.id, reason
        audit(s, ctx, actor_id=user.id, action="revoke_authorisation", entity_type="authorisation",
              entity_id=row.id, comment=reason, payload={"revoked_on": row.revoked_on.isoformat()})


def in_force(s: Session, delegate_id: int, action: str, on: date) -> Authorisation | None:
    """The authorisation under which this user may take `action` in the head's name on `on` (latest first)."""
    rows = s.scalars(select(Authorisation).where(Authorisation.delegate_id == delegate_id,
                                                 Authorisation.valid_from <= on, Authorisation.valid_to >= on)
                     .order_by(Authorisation.valid_from.desc(), Authorisation.id.desc())).all()
    return next((a for a in rows if a.in_force(on) and action in a.actions), None)


def capacity_line(s: Session, a: Authorisation, on: date) -> str:
    """'TUQ. Giám đốc Sở (văn bản ủy quyền số 05/GUQ-SDTTG ngày 01/12/2025)' or 'KT. Giám đốc Sở (lĩnh vực: …)'."""
    head = identity_on(s, on).head_title
    basis = (f"văn bản ủy quyền số {a.act_number} ngày {a.act_date:%d/%m/%Y}" if a.capacity == "tuq"
             else f"được phân công lĩnh vực: {a.domain}")
    return f"{SIGNING_CAPACITIES[a.capacity]} {head} ({basis})"


def on_behalf_of(s: Session, ctx, actor: Actor, action: Action) -> str | None:
    """What the audit records when someone acts in the head's name; refuses a deputy without a capacity
    in force today for this step (the head's own steps only)."""
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


def as_dict(a: Authorisation) -> dict:
    return {"id": a.id, "grantor_id": a.grantor_id, "delegate_id": a.delegate_id, "capacity": a.capacity,
            "capacity_label": SIGNING_CAPACITIES[a.capacity], "actions": list(a.actions), "domain": a.domain,
            "act_number": a.act_number, "act_date": a.act_date.isoformat() if a.act_date else None,
            "valid_from": a.valid_from.isoformat(), "valid_to": a.valid_to.isoformat(),
            "revoked_on": a.revoked_on.isoformat() if a.revoked_on else None, "revoke_reason": a.revoke_reason}


def listing(s: Session, actor: Actor) -> list[dict]:
    """Every authorisation, newest first, with the names: for the head, deputies, the secretary and admins."""
    if not any(actor.has(r) for r in ("agency_head", "deputy_head", "council_secretary", "admin")):
        raise Forbidden("not_allowed", "Chỉ lãnh đạo, Thư ký Hội đồng và quản trị xem được danh sách ủy quyền.")
    return [{**as_dict(a), "delegate_name": a.delegate.name, "grantor_name": a.grantor.name}
            for a in s.scalars(select(Authorisation).order_by(Authorisation.valid_from.desc(), Authorisation.id.desc()))]
