"""The council's vote in the app: a member's ballot page (phone-sized) and the secretary's voting desk."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workflow import ballots
from workflow.errors import DomainError
from workflow.models import CHOICES

from ..auth import roles_required
from ..context import get_ctx
from .common import messages, reading

bp = Blueprint("ballots", __name__, url_prefix="/ballots")


def _view(meeting_id: int):
    with reading() as (s, _actor):
        view = ballots.voting_view(s, get_ctx(), meeting_id, current_user.id)
        if view is None:
            abort(404)
        if not ballots.may_see_voting(s, view, current_user.id):
            abort(403)
    return view


@bp.get("/<int:meeting_id>")
@login_required
def ballot(meeting_id: int, errors=None, status=200):
    return render_template("ballots/ballot.html", view=_view(meeting_id), choices=CHOICES,
                           errors=errors or []), status


def _choices_from_form() -> dict[int, str]:
    out = {}
    for key, value in request.form.items():
        if key.startswith("choice-") and key[7:].isdigit() and value:
            out[int(key[7:])] = value
    return out


@bp.post("/<int:meeting_id>")
@login_required
def cast(meeting_id: int):
    try:
        ballots.cast_ballots(get_ctx(), current_user.id, meeting_id, _choices_from_form())
    except DomainError as exc:
        return ballot(meeting_id, errors=messages(exc), status=exc.status)
    flash(_("Đã ghi nhận phiếu biểu quyết của bạn."), "success")
    return redirect(url_for(".ballot", meeting_id=meeting_id))


@bp.get("/<int:meeting_id>/desk")
@roles_required("council_secretary")
def desk(meeting_id: int, errors=None, status=200):
    with reading() as (s, _actor):
        view = ballots.voting_view(s, get_ctx(), meeting_id)
    return render_template("ballots/desk.html", view=view, meeting_id=meeting_id, choices=CHOICES,
                           errors=errors or []), status


def _desk_action(meeting_id: int, action, done: str):
    try:
        action()
    except DomainError as exc:
        return desk(meeting_id, errors=messages(exc), status=exc.status)
    flash(done, "success")
    return redirect(url_for(".desk", meeting_id=meeting_id))


@bp.post("/<int:meeting_id>/open")
@roles_required("council_secretary")
def open_voting(meeting_id: int):
    return _desk_action(meeting_id, lambda: ballots.open_voting(get_ctx(), current_user.id, meeting_id),
                        _("Đã mở biểu quyết. Thành viên dự họp bỏ phiếu từ trang “Việc cần xử lý” của mình."))


@bp.post("/<int:meeting_id>/close")
@roles_required("council_secretary")
def close_voting(meeting_id: int):
    return _desk_action(meeting_id, lambda: ballots.close_voting(get_ctx(), current_user.id, meeting_id),
                        _("Đã kết thúc biểu quyết; kết quả đã được ghi vào cuộc họp."))


@bp.post("/<int:meeting_id>/paper")
@roles_required("council_secretary")
def paper(meeting_id: int):
    member = request.form.get("member_id", "")
    if not member.isdigit():
        return desk(meeting_id, errors=[_("Cần chọn thành viên có phiếu giấy.")], status=422)
    return _desk_action(meeting_id, lambda: ballots.cast_ballots(get_ctx(), current_user.id, meeting_id,
                                                                 _choices_from_form(),
                                                                 paper_for_member_id=int(member)),
                        _("Đã nhập phiếu giấy của thành viên."))
