"""“Thư đã gửi”: the outbox, for the administrator (mail stays local when no SMTP is set)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workflow import audit
from workflow.errors import DomainError

from ..auth import roles_required
from ..context import get_ctx
from .common import int_arg, messages

bp = Blueprint("mail", __name__)
STATES = ("pending", "sending", "sent", "failed")


def _outbox():
    """The notifications package's outbox module, or None while it is not installed."""
    try:
        from notifications import outbox
    except ImportError:
        return None
    return outbox if hasattr(outbox, "list_messages") else None


@bp.get("/mail")
@roles_required("admin")
def index():
    outbox = _outbox()
    if outbox is None:
        return render_template("mail/index.html", rows=None, counts={}, state=None, titles={})
    state = request.args.get("state") if request.args.get("state") in STATES else None
    with get_ctx().db.reading() as s:
        rows = outbox.list_messages(s, limit=min(int_arg("limit") or 200, 1000), state=state)
        counts = outbox.count_by_state(s) if hasattr(outbox, "count_by_state") else {}
        failed, reasons = outbox.failure_summary(s)
        set_aside_count, set_aside_events = audit.set_aside(s)
        # Bodies not rendered yet (still queued) are shown as the relay will send them.
        bodies = {m.id: m.body_text if m.body_text is not None else outbox.preview(m).text for m in rows}
        # rendered inside the session: the rows are ORM objects
        return render_template("mail/index.html", rows=rows, counts=counts, state=state, bodies=bodies,
                               failed=failed, reasons=reasons, titles=getattr(outbox, "STATE_TITLES", {}),
                               set_aside_count=set_aside_count, set_aside_events=set_aside_events,
                               smtp_configured=bool(get_ctx().settings.section("mail").get("smtp_host")))


@bp.post("/mail/<int:message_id>/retry")
@roles_required("admin")
def retry(message_id: int):
    outbox = _outbox()
    try:
        outbox.retry_message(get_ctx(), current_user.id, message_id)
    except DomainError as exc:
        for m in messages(exc):
            flash(m, "danger")
    else:
        flash(_("Đã đưa thư vào hàng chờ gửi lại."), "success")
    return redirect(url_for(".index"))


@bp.post("/mail/events/<int:event_id>/again")
@roles_required("admin")
def fan_out_again(event_id: int):
    try:
        audit.fan_out_again(get_ctx(), current_user.id, event_id)
    except DomainError as exc:
        for m in messages(exc):
            flash(m, "danger")
    else:
        flash(_("Đã tạo lại thư và webhook của sự kiện."), "success")
    return redirect(url_for(".index"))
