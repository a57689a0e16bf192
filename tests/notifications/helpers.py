"""Small helpers shared by the reminder tests (kept out of tests/factories.py, which is shared)."""
from __future__ import annotations

from sqlalchemy import select

from notifications.outbox import preview
from notifications.reminders import SITUATION
from workflow import registers
from workflow.models import Campaign, OutboxMessage, ReminderSent, User


def campaign_id(ctx, code: str = "CCHC-2021-2025") -> int:
    with ctx.db.reading() as s:
        return s.scalars(select(Campaign.id).where(Campaign.code == code)).one()


def register(ctx, head_user: int, department_id: int, year: int, code: str = "CCHC-2021-2025") -> int:
    """The department head sends the department's emulation registration for `year`."""
    return registers.save_registration(ctx, head_user, campaign_id=campaign_id(ctx, code), department_id=department_id,
                                       year=year, collective=True, person_ids=[], submit=True)


def with_bodies(rows: list[OutboxMessage]) -> list[OutboxMessage]:
    """Fill in the bodies the relay will render (rows are queued with the subject only)."""
    for row in rows:
        content = preview(row)
        row.body_text, row.body_html = content.text, content.html
    return rows


def digests(ctx) -> list[OutboxMessage]:
    with ctx.db.reading() as s:
        return with_bodies(list(s.scalars(select(OutboxMessage).where(OutboxMessage.situation == SITUATION)
                                          .order_by(OutboxMessage.id))))


def ledger(ctx) -> list[ReminderSent]:
    with ctx.db.reading() as s:
        return list(s.scalars(select(ReminderSent).order_by(ReminderSent.id)))


def keys(rows) -> set[tuple]:
    return {(r.cycle_id, r.deadline, r.offset_days, r.recipient_user_id) for r in rows}


def user_ids_of(rows) -> set[int]:
    return {r.recipient_user_id for r in rows}


def email_of(ctx, user_id: int) -> str:
    with ctx.db.reading() as s:
        return s.get(User, user_id).email
