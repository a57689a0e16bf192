"""Who may act in the head's name: the list (head, deputies, secretary, admins) and the head's form."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workflow import authorisations
from workflow.errors import DomainError, Forbidden
from workflow.models import SIGNING_CAPACITIES, User

from ..auth import roles_required
from .common import messages, reading

bp = Blueprint("authorisations", __name__, url_prefix="/authorisations")
VIEWERS = ("agency_head", "deputy_head", "council_secretary", "admin")


def _page(errors=None, status=200):
    with reading() as (s, actor):
        try:
            rows = authorisations.listing(s, actor)
        except Forbidden:
            abort(403)
        deputies = [(u.id, u.name) for u in s.query(User).filter(User.active.is_(True)).order_by(User.id)
                    if "deputy_head" in u.roles]
    return render_template("authorisations/index.html", rows=rows, deputies=deputies, actions=authorisations.ACTIONS,
                           capacities=SIGNING_CAPACITIES, errors=errors or []), status


@bp.get("")
@roles_required(*VIEWERS)
def index():
    return _page()


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.form.get(name, ""))
    except ValueError:
        return None


@bp.post("")
@roles_required("agency_head")
def record():
    delegate = request.form.get("delegate_id", "")
    try:
        authorisations.record_authorisation(
            _ctx(), current_user.id, delegate_id=int(delegate) if delegate.isdigit() else 0,
            capacity=request.form.get("capacity", ""), actions=request.form.getlist("actions"),
            valid_from=_date("valid_from"), valid_to=_date("valid_to"), domain=request.form.get("domain", ""),
            act_number=request.form.get("act_number"), act_date=_date("act_date"))
    except DomainError as exc:
        return _page(errors=messages(exc), status=exc.status)
    flash(_("Đã ghi nhận ủy quyền."), "success")
    return redirect(url_for(".index"))


@bp.post("/<int:authorisation_id>/revoke")
@roles_required("agency_head")
def revoke(authorisation_id: int):
    try:
        authorisations.revoke_authorisation(_ctx(), current_user.id, authorisation_id, request.form.get("reason", ""))
    except DomainError as exc:
        return _page(errors=messages(exc), status=exc.status)
    flash(_("Đã thu hồi ủy quyền."), "success")
    return redirect(url_for(".index"))


def _ctx():
    from ..context import get_ctx
    return get_ctx()
