"""Small helpers for the registers tests (the shared factories stay untouched)."""
from __future__ import annotations

from sqlalchemy import func, select

from workflow.models import AuditEntry, Person


def count(ctx, model, *where) -> int:
    with ctx.db.reading() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def person_named(ctx, full_name: str) -> Person:
    with ctx.db.reading() as s:
        return s.scalars(select(Person).where(Person.full_name == full_name)).one()


def audit_actions(ctx) -> list[str]:
    with ctx.db.reading() as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def snapshot(ctx, *models) -> list:
    """Every row of these tables as plain tuples: equal snapshots mean nothing changed."""
    out = []
    with ctx.db.reading() as s:
        for model in models:
            cols = [c.key for c in model.__table__.columns]
            out.append(sorted(tuple(str(getattr(r, c)) for c in cols) for r in s.scalars(select(model))))
    return out


def set_inactive(ctx, person_id: int) -> None:
    """People who left the agency stay in the directory, inactive (no use case yet does this)."""
    with ctx.db.transaction() as s:
        s.get(Person, person_id).active = False
