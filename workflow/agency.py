"""The agency identity and legal basis in force on a date (they change: DOMAIN.md §3)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from .errors import NotFound
from .models import AgencyIdentity
from .models.audit import IS_DEMO_MARK  # the audit row `thidua demo` writes: pages then say it is demo data


def demo_data_present(session: Session) -> bool:
    """True when this database was filled by `thidua demo` (its numbers are illustrative)."""
    from .models import AuditEntry

    return session.scalar(select(AuditEntry.id).where(text(IS_DEMO_MARK)).limit(1)) is not None


def identity_on(session: Session, on: date) -> AgencyIdentity:
    """The identity whose valid_from is the latest not after `on`."""
    return identity_among(identities(session), on)


def identities(session: Session) -> list[AgencyIdentity]:
    """Every identity the agency has had, oldest first (a handful of rows)."""
    return list(session.scalars(select(AgencyIdentity).order_by(AgencyIdentity.valid_from)))


def identity_among(rows: list[AgencyIdentity], on: date) -> AgencyIdentity:
    """Of `rows` (oldest first), the one in force on `on`; before the first, the first. For a long list
    of dates (an export), read the rows once with `identities` and pick here."""
    if not rows:
        raise NotFound("no_agency_identity", "Chưa khai báo thông tin cơ quan.")
    return next((row for row in reversed(rows) if row.valid_from <= on), rows[0])


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


KIND_ORDER = {"law": 0, "decree": 1, "circular": 2}


def in_force(row: dict, on: date) -> bool:
    """valid_from <= on <= valid_to (no valid_to: still in force)."""
    return row["valid_from"] <= on and (row.get("valid_to") is None or on <= row["valid_to"])


def legal_texts_on(settings, on: date) -> list[dict]:
    """The law, decree and circular rows of config.toml in force on `on`, in citing order."""
    rows = [r for r in settings.raw.get("legal_texts", []) if in_force(r, on)]
    return sorted(rows, key=lambda r: (KIND_ORDER.get(r["kind"], 9), r["valid_from"]))


def report_form_on(settings, on: date, award: str, nominee_type: str) -> dict:
    """The achievement-report form row for an award kind ('thematic' or 'merit') on `on`.

    A row saying `use = "merit"` sends a thematic report to the merit form of that date.
    The result carries `confirm` notes of every row consulted."""
    rows = settings.raw.get("report_forms", [])

    def find(kind: str) -> dict:
        matching = sorted((r for r in rows if r["award"] == kind), key=lambda r: r["valid_from"])
        chosen = next((r for r in matching if in_force(r, on)), None)
        if chosen is None:  # before the first row: the earliest one
            chosen = matching[0] if matching and on < matching[0]["valid_from"] else (matching[-1] if matching else {})
        return dict(chosen)

    merit = f"merit_{nominee_type}"
    row = find(merit if award == "merit" else award)
    confirms = [row["confirm"]] if row.get("confirm") else []
    if row.get("use") == "merit":
        row = {**find(merit), "thematic_via_merit": True}
        confirms += [row["confirm"]] if row.get("confirm") else []
    row["confirms"] = confirms
    return row
