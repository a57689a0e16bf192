"""Email rendering (Jinja2 text + HTML, no Flask) and queueing into the outbox.

Each situation has two templates named by situation and recipient,
`templates/<situation>__<recipient>.txt` (blocks `subject` and `body`) and `.html`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from email.utils import make_msgid
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import insert
from sqlalchemy.orm import Session

from workflow.agency import identity_today
from workflow.errors import NotFound
from workflow.models import OutboxMessage

from . import payload
from .recipients import Recipient
from .settings import mail_settings

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def vn_date(value: date | None) -> str:
    """05/02/2025: the Vietnamese day-first date with leading zeros."""
    return value.strftime("%d/%m/%Y") if value else ""


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["vn_date"] = vn_date
    return env


ENV = _environment()


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(template: str, **variables) -> Rendered:
    """Render `<template>.txt` (subject and text body) and `<template>.html`."""
    subject = render_subject(template, **variables)
    text = ENV.get_template(f"{template}.txt").render(variables).strip() + "\n"
    html = ENV.get_template(f"{template}.html").render(variables, subject=subject).strip() + "\n"
    return Rendered(subject=subject, text=text, html=html)


def render_subject(template: str, **variables) -> str:
    """Only the subject line: cheap enough for the transaction that queues the email."""
    text_template = ENV.get_template(f"{template}.txt")
    context = text_template.new_context(variables)
    return " ".join("".join(text_template.blocks["subject"](context)).split())


def render_stored(template: str, variables: dict) -> Rendered:
    """Render an outbox row from what `queue` stored: the same row always gives the same text."""
    return render(template, **payload.load(variables))


def agency_name(s: Session, ctx) -> str:
    """The agency's name in force today (it changed in 2025), or "" before one is set up."""
    try:
        return identity_today(s, ctx).name
    except NotFound:
        return ""


_INSERT = insert(OutboxMessage.__table__)  # Core, built once: a step queues its emails without the unit of work


def queue(s: Session, ctx, **message) -> None:
    """Add one email for one recipient to the outbox, in the caller's transaction (arguments: `outbox_row`)."""
    s.execute(_INSERT, outbox_row(s, ctx, **message))


def outbox_row(s: Session, ctx, *, situation: str, template: str, to: Recipient, variables: dict,
               nomination_id: int | None = None, event_id: int | None = None, message_id: str | None = None) -> dict:
    """The outbox row of one email for one recipient, as column values (a sweep inserts many at once).

    Only the subject is rendered here (pages list it); the relay renders the body when it sends.
    """
    common = {"recipient": to, "base_url": ctx.settings.base_url, "agency": agency_name(s, ctx)}
    stored = payload.dump({**common, **variables})
    return {"created_at": ctx.clock.now(),
            "message_id": message_id or make_msgid(idstring="thidua", domain=mail_settings(ctx.settings).domain),
            "situation": situation, "recipient_user_id": to.user_id, "to_address": to.address,
            "subject": render_subject(template, **payload.load(stored)), "template": template, "variables": stored,
            "nomination_id": nomination_id, "event_id": event_id, "state": "pending", "attempts": 0}
