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
from sqlalchemy.orm import Session

from workflow.agency import identity_on
from workflow.errors import NotFound
from workflow.models import OutboxMessage

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
    text_template = ENV.get_template(f"{template}.txt")
    context = text_template.new_context(variables)
    subject = " ".join("".join(text_template.blocks["subject"](context)).split())
    text = text_template.render(variables).strip() + "\n"
    html = ENV.get_template(f"{template}.html").render(variables, subject=subject).strip() + "\n"
    return Rendered(subject=subject, text=text, html=html)


def agency_name(s: Session, ctx) -> str:
    """The agency's name in force today (it changed in 2025), or "" before one is set up."""
    try:
        return identity_on(s, ctx.clock.today()).name
    except NotFound:
        return ""


def queue(s: Session, ctx, *, situation: str, template: str, to: Recipient, variables: dict,
          nomination_id: int | None = None, event_id: int | None = None) -> OutboxMessage:
    """Render one email for one recipient and add it to the outbox, in the caller's transaction."""
    common = {"recipient": to, "base_url": ctx.settings.base_url, "agency": agency_name(s, ctx)}
    mail = render(template, **common, **variables)
    message = OutboxMessage(
        created_at=ctx.clock.now(), message_id=make_msgid(idstring="thidua", domain=mail_settings(ctx.settings).domain),
        situation=situation, recipient_user_id=to.user_id, to_address=to.address, subject=mail.subject,
        body_text=mail.text, body_html=mail.html, nomination_id=nomination_id, event_id=event_id,
        state="pending", attempts=0)
    s.add(message)
    return message
