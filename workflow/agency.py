"""The agency identity and legal basis in force on a date (they change: DOMAIN.md §3)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import NotFound
from .models import AgencyIdentity


def identity_on(session: Session, on: date) -> AgencyIdentity:
    """The identity whose valid_from is the latest not after `on`."""
    row = session.scalars(
        select(AgencyIdentity).where(AgencyIdentity.valid_from <= on).order_by(AgencyIdentity.valid_from.desc())
    ).first()
    if row is None:
        row = session.scalars(select(AgencyIdentity).order_by(AgencyIdentity.valid_from)).first()
    if row is None:
        raise NotFound("no_agency_identity", "Chưa khai báo thông tin cơ quan.")
    return row


@dataclass(frozen=True)
class Identity:
    """A snapshot of the identity in force, safe to keep beyond the session that read it."""

    valid_from: date
    name: str
    short_name: str
    superior_name: str
    head_title: str
    deputy_title: str
    symbol: str
    place: str
    office_name: str


def identity_today(session: Session, ctx) -> Identity:
    """The identity in force today, read once per day per process (the use cases and emails ask every step)."""
    today = ctx.clock.today()
    key = ("agency_identity", today)
    cached = ctx.memo.get(key)
    if cached is None:
        row = identity_on(session, today)
        cached = Identity(row.valid_from, row.name, row.short_name, row.superior_name, row.head_title,
                          row.deputy_title, row.symbol, row.place, row.office_name)
        ctx.memo.clear()  # yesterday's entries
        ctx.memo[key] = cached
    return cached


def legal_basis_on(settings, on: date) -> dict:
    """The legal-basis row of config.toml in force on `on` (form numbers, templates, decree)."""
    rows = sorted(settings.raw.get("legal_bases", []), key=lambda r: r["valid_from"])
    chosen = rows[0] if rows else {}
    for row in rows:
        if row["valid_from"] <= on:
            chosen = row
    return chosen
