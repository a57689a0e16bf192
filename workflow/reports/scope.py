"""Who sees which rows of a report: the agency-wide roles everything, a department head their departments."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ..actors import load_actor, sees_all_nominations
from ..errors import Forbidden


def departments_in_scope(actor) -> frozenset[int] | None:
    """None means every department; else the departments this actor heads (Forbidden if none)."""
    if sees_all_nominations(actor):
        return None
    if actor.headed_department_ids:
        return frozenset(actor.headed_department_ids)
    raise Forbidden("not_allowed", "Chỉ Thủ trưởng, Hội đồng TĐKT, Văn phòng và Trưởng phòng xem được báo cáo này.")


def actor_and_scope(session: Session, user_id: int):
    user, actor = load_actor(session, user_id)
    return user, actor, departments_in_scope(actor)


def within(scope: frozenset[int] | None, department_id: int | None) -> bool:
    return scope is None or department_id in scope
