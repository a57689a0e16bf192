"""Telling the administrators when mail is failing: one digest a day while failed messages remain.

Once a day per administrator, whatever runs the sweep: the alert's Message-ID is derived
from the day and the recipient, and Message-IDs are unique in the outbox.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workflow.models import OutboxMessage

from . import emails
from .links import mail_url
from .outbox import failure_summary
from .recipients import users_with_roles
from .settings import mail_settings

SITUATION = "mail_failures"
TEMPLATE = "mail_failures__admin"


def alert_message_id(ctx, as_of: date, user_id: int) -> str:
    return f"<mail-failures.{as_of:%Y%m%d}.{user_id}@{mail_settings(ctx.settings).domain}>"


def alert_admins(ctx, as_of: date) -> int:
    """Queue today's failure digest for each administrator who has not had it; returns how many."""
    with ctx.db.reading() as s:
        count, reasons = failure_summary(s)
        admins = users_with_roles(s, "admin") if count else []
    queued = 0
    for admin in admins:
        message_id = alert_message_id(ctx, as_of, admin.user_id)
        try:
            with ctx.db.transaction() as s:
                if s.scalar(select(OutboxMessage.id).where(OutboxMessage.message_id == message_id)) is not None:
                    continue
                emails.queue(s, ctx, situation=SITUATION, template=TEMPLATE, to=admin, message_id=message_id,
                             variables={"as_of": as_of, "count": count, "reasons": reasons,
                                        "link": mail_url(ctx.settings, "failed")})
        except IntegrityError:
            continue  # another sweep queued it first
        queued += 1
    return queued
