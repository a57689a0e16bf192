"""The agency identity and legal basis in force on a date (they change: DOMAIN.md §3)."""
from __future__ import annotations

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


def legal_basis_on(settings, on: date) -> dict:
    """The legal-basis row of config.toml in force on `on` (form numbers, templates, decree)."""
    rows = sorted(settings.raw.get("legal_bases", []), key=lambda r: r["valid_from"])
    chosen = rows[0] if rows else {}
    for row in rows:
        if row["valid_from"] <= on:
            chosen = row
    return chosen
