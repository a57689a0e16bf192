"""“Webhook”: the administrator registers subscriber addresses and follows each delivery."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workflow import webhooks
from workflow.errors import DomainError

from ..auth import roles_required
from ..context import get_ctx
from .common import int_arg, messages

bp = Blueprint("webhooks", __name__)


@bp.get("/admin/webhooks")
@roles_required("admin")
def index():
    sub_id = int_arg("subscription_id")
    with get_ctx().db.reading() as s:
        return render_template("admin/webhooks.html", subs=webhooks.list_subscriptions(s),
                               rows=webhooks.list_deliveries(s, subscription_id=sub_id),
                               event_types=webhooks.EVENT_TYPES)


def _done(exc: DomainError | None, ok: str):
    if exc is None:
        flash(ok, "success")
    else:
        for m in messages(exc):
            flash(m, "danger")
    return redirect(url_for(".index"))


@bp.post("/admin/webhooks")
@roles_required("admin")
def create():
    try:
        webhooks.create_subscription(get_ctx(), current_user.id, url=request.form.get("url", ""),
                                     event_types=request.form.getlist("event_types"),
                                     description=request.form.get("description", ""),
                                     secret=request.form.get("secret", ""))
    except DomainError as exc:
        return _done(exc, "")
    return _done(None, _("Đã đăng ký địa chỉ nhận webhook."))


@bp.post("/admin/webhooks/<int:subscription_id>/active")
@roles_required("admin")
def set_active(subscription_id: int):
    active = request.form.get("active") == "1"
    try:
        webhooks.set_subscription_active(get_ctx(), current_user.id, subscription_id, active)
    except DomainError as exc:
        return _done(exc, "")
    return _done(None, _("Đã bật lại địa chỉ nhận.") if active else _("Đã tạm dừng địa chỉ nhận."))


@bp.post("/admin/webhooks/deliveries/<int:delivery_id>/replay")
@roles_required("admin")
def replay(delivery_id: int):
    try:
        webhooks.replay_delivery(get_ctx(), current_user.id, delivery_id)
    except DomainError as exc:
        return _done(exc, "")
    return _done(None, _("Đã đưa vào hàng chờ gửi lại (cùng mã sự kiện)."))
