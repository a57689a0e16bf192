"""“Thư đã gửi”: the outbox, for the administrator (mail stays local when no SMTP is set)."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..auth import roles_required
from ..context import get_ctx
from .common import int_arg

bp = Blueprint("mail", __name__)


def _list_messages():
    """The notifications package's reader, or None while it is not installed yet."""
    try:
        from notifications.outbox import list_messages
    except ImportError:
        return None
    return list_messages


@bp.get("/mail")
@roles_required("admin")
def index():
    reader = _list_messages()
    rows = None
    if reader is not None:
        with get_ctx().db.reading() as s:
            rows = reader(s, limit=min(int_arg("limit") or 200, 1000))
    return render_template("mail/index.html", rows=rows)
