"""Jinja filters (Vietnamese dates), the interface language, and what every page template sees."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask, request
from flask_babel import Babel

from states import ACTION_TITLES, STATE_TITLES, Action, State
from workflow.nominations import AUDIT_TITLES

from .context import get_ctx

# Colours of the state badges; text always says the state too (colour is never the only cue).
STATE_BADGES = {
    State.REGISTERED: "secondary", State.DEPARTMENT_REVIEWED: "info", State.COUNCIL_REVIEWED: "primary",
    State.HEAD_APPROVED: "warning", State.AWARDED: "success", State.REJECTED: "danger",
    State.WITHDRAWN: "dark", State.ON_HOLD: "danger",
}

AUDIT_ACTION_TITLES = AUDIT_TITLES


def _as_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.astimezone(get_ctx().clock.tz).date()
    if isinstance(value, date):
        return value
    text = str(value)
    if "T" in text:
        return datetime.fromisoformat(text).astimezone(get_ctx().clock.tz).date()
    return date.fromisoformat(text)


def vn_date(value) -> str:
    """05/02/2025 (days and months with a leading zero)."""
    d = _as_date(value)
    return f"{d:%d/%m/%Y}" if d else ""


def vn_long_date(value) -> str:
    """ngày 05 tháng 02 năm 2025, as in administrative documents."""
    d = _as_date(value)
    return f"ngày {d:%d} tháng {d:%m} năm {d:%Y}" if d else ""


def vn_datetime(value) -> str:
    """05/02/2025 14:30, in the agency's time zone."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    local = value.astimezone(get_ctx().clock.tz)
    return f"{local:%d/%m/%Y %H:%M}"


def vn_number(value) -> str:
    """Vietnamese number format: 1.234 and 88,5 (dot for thousands, comma for decimals)."""
    if value is None or value == "":
        return ""
    number = float(value)
    text = f"{number:,.0f}" if number == int(number) else f"{number:,.2f}".rstrip("0")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def file_size(n: int | None) -> str:
    if n is None:
        return ""
    for unit in ("B", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}".replace(".", ",")
        n /= 1024
    return ""


DEPUTY_APPROVE = "Phê duyệt — thay Thủ trưởng (KT./TUQ. theo ủy quyền)"


def action_title(action: str) -> str:
    """An action's button label; a deputy's approval says it is recorded in the head's name (KT. or TUQ.)."""
    from flask_login import current_user
    if (action == Action.HEAD_APPROVE.value and current_user.is_authenticated
            and current_user.has("deputy_head") and not current_user.has("agency_head")):
        return DEPUTY_APPROVE
    return ACTION_TITLES[Action(action)]


def _upload_limits() -> dict:
    settings = get_ctx().settings
    return {"max_bytes": settings.max_upload_bytes, "max_mb": settings.max_upload_bytes // (1024 * 1024),
            "extensions": sorted(settings.upload_extensions)}


def select_locale() -> str:
    # Vietnamese only: a half-translated English interface (dates, states, charts) misled more than
    # it helped, so the toggle was removed rather than kept incomplete.
    return "vi"


def _demo_data() -> bool:
    """Whether this database holds `thidua demo` data (asked once per request, only by pages that show it)."""
    from flask import g

    from workflow.agency import demo_data_present

    if "demo_data" not in g:
        with get_ctx().db.reading() as s:
            g.demo_data = demo_data_present(s)
    return g.demo_data


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    Babel(app, locale_selector=select_locale)
    app.jinja_env.filters.update(vn_date=vn_date, vn_long_date=vn_long_date, vn_datetime=vn_datetime,
                                 file_size=file_size, vn_number=vn_number, format_ext=lambda e: "." + e)
    # a global (not a context variable), so macros imported without context see it too
    app.jinja_env.globals["upload_limits"] = _upload_limits
    app.jinja_env.globals["action_title"] = action_title
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _globals():
        return {"STATE_TITLES": {s.value: t for s, t in STATE_TITLES.items()},
                "ACTION_TITLES": {a.value: t for a, t in ACTION_TITLES.items()},
                "AUDIT_ACTION_TITLES": AUDIT_ACTION_TITLES,
                "STATE_BADGES": {s.value: c for s, c in STATE_BADGES.items()},
                "today": get_ctx().clock.today(), "current_lang": select_locale(), "demo_data": _demo_data,
                "request_path": request.full_path.rstrip("?")}
