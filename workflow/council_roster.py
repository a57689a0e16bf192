"""The council's roster: who sits on it, in which council role and title, for which term."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .actors import load_actor
from .audit import audit
from .errors import Forbidden, Invalid, Problem, not_found
from .models import COUNCIL_ROLES, CouncilMember, Person
from .text import nfc


def _require_secretary(actor) -> None:
    if not actor.has("council_secretary"):
        raise Forbidden("not_allowed", "Chỉ Thư ký Hội đồng TĐKT được cập nhật danh sách thành viên Hội đồng.")


def add_member(ctx, user_id: int, *, person_id: int, council_role: str, title: str = "",
               term_from: date | None, term_to: date | None = None) -> int:
    """Seat a person on the council for a term."""
    problems = []
    if council_role not in COUNCIL_ROLES:
        problems.append(Problem("council_role", "Vai trò trong Hội đồng phải là chủ tịch, phó chủ tịch, thư ký"
                                                " hoặc ủy viên."))
    if term_from is None:
        problems.append(Problem("term_from", "Cần nhập ngày bắt đầu nhiệm kỳ."))
    elif term_to is not None and term_to < term_from:
        problems.append(Problem("term_to", "Ngày kết thúc nhiệm kỳ không được trước ngày bắt đầu."))
    if problems:
        raise Invalid(problems)
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        _require_secretary(actor)
        person = s.get(Person, person_id)
        if person is None:
            raise not_found("cá nhân")
        member = CouncilMember(person_id=person.id, council_role=council_role,
                               title=nfc(title) or (person.position or ""), term_from=term_from, term_to=term_to,
                               created_at=ctx.clock.now())
        s.add(member)
        s.flush()
        audit(s, ctx, actor_id=user.id, action="add_council_member", entity_type="council_member",
              entity_id=member.id, payload={"person_id": person.id, "council_role": council_role,
                                            "term_from": term_from.isoformat(),
                                            "term_to": term_to.isoformat() if term_to else None})
        return member.id


def end_term(ctx, user_id: int, member_id: int, term_to: date) -> None:
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        _require_secretary(actor)
        member = s.get(CouncilMember, member_id)
        if member is None:
            raise not_found("thành viên Hội đồng")
        if term_to is None or term_to < member.term_from:
            raise Invalid(Problem("term_to", "Ngày kết thúc nhiệm kỳ không được trước ngày bắt đầu."))
        member.term_to = term_to
        audit(s, ctx, actor_id=user.id, action="end_council_term", entity_type="council_member",
              entity_id=member.id, payload={"term_to": term_to.isoformat()})


def in_office(s: Session, on: date) -> list[CouncilMember]:
    """The members whose term covers `on`, chair first, then by council role and name."""
    rows = s.scalars(select(CouncilMember).where(CouncilMember.term_from <= on)).all()
    order = list(COUNCIL_ROLES)
    return sorted((m for m in rows if m.in_office(on)),
                  key=lambda m: (order.index(m.council_role), m.person.sort_key))


def member_dict(m: CouncilMember) -> dict:
    return {"id": m.id, "person_id": m.person_id, "name": m.name, "council_role": m.council_role,
            "role_title": m.role_title, "title": m.title, "term_from": m.term_from.isoformat(),
            "term_to": m.term_to.isoformat() if m.term_to else None}


def roster(s: Session, on: date | None = None) -> list[dict]:
    if on is not None:
        return [member_dict(m) for m in in_office(s, on)]
    order = list(COUNCIL_ROLES)
    rows = s.scalars(select(CouncilMember)).all()
    return [member_dict(m) for m in sorted(rows, key=lambda m: (m.term_to is not None, order.index(m.council_role),
                                                                  m.person.sort_key))]


def people_choices(s: Session) -> list[tuple[int, str]]:
    """Active people, Vietnamese order, for the roster's picker."""
    rows = s.scalars(select(Person).where(Person.active.is_(True)).order_by(Person.sort_key))
    return [(p.id, p.full_name + (f" — {p.position}" if p.position else "")) for p in rows]
