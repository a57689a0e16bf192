"""The council secretary's pages: the cycle's agenda, meetings and votes, advancing what passed,
and deciding the departments' emulation registrations."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workflow import council, dossier, page_queries, registers
from workflow.errors import DomainError

from ..auth import roles_required
from ..context import get_ctx
from ..forms import MeetingForm, MeetingUploadForm, RegistrationDecisionForm, VoteForm
from .common import form_errors, int_arg, messages, reading
from .nominations import render_results

bp = Blueprint("council", __name__, url_prefix="/council")
COUNCIL = ("council_secretary", "council_member")


def _agenda_page(cycle_id: int | None = None, *, form=None, errors=None, status=200):
    ctx = get_ctx()
    with reading() as (s, _actor):
        cycle_id = cycle_id or int_arg("cycle_id") or page_queries.default_cycle_id(s, ctx.clock.today())
        cycle = page_queries.cycle_info(s, cycle_id) if cycle_id else None
        if cycle is None:
            abort(404)
        view = page_queries.agenda(s, ctx, cycle_id, after=request.args.get("after"),
                                   limit=page_queries.AGENDA_PAGE)
        cycles = page_queries.cycle_choices(s)
    if form is None:
        form = MeetingForm(formdata=None, held_on=ctx.clock.today())
    return render_template("council/index.html", cycle=cycle, cycles=cycles, view=view, form=form,
                           errors=errors or []), status


@bp.get("")
@roles_required(*COUNCIL)
def index():
    return _agenda_page()


@bp.post("/cycles/<int:cycle_id>/meetings")
@roles_required(*COUNCIL)
def record_meeting(cycle_id: int):
    form = MeetingForm()
    if not form.validate():
        return _agenda_page(cycle_id, form=form, errors=form_errors(form), status=422)
    try:
        mid = council.record_meeting(get_ctx(), current_user.id, cycle_id, held_on=form.held_on.data,
                                     members_total=form.members_total.data, members_present=form.members_present.data,
                                     chair_name=form.chair_name.data or "", note=form.note.data or "")
    except DomainError as exc:
        return _agenda_page(cycle_id, form=form, errors=messages(exc), status=exc.status)
    flash(_("Đã ghi nhận cuộc họp Hội đồng. Nhập kết quả biểu quyết cho từng hồ sơ."), "success")
    return redirect(url_for(".meeting", meeting_id=mid))


def _meeting_page(meeting_id: int, *, vote_errors=None, failed_id=None, failed_form=None, upload_form=None,
                  upload_errors=None, status=200):
    with reading() as (s, _actor):
        view = page_queries.meeting_page(s, get_ctx(), meeting_id)
    if view is None:
        abort(404)
    voted = {v["nomination_id"]: v for v in view["meeting"]["votes"]}
    forms = {}
    for item in view["agenda"]:
        if item["id"] == failed_id and failed_form is not None:
            forms[item["id"]] = failed_form
            continue
        v = voted.get(item["id"])
        forms[item["id"]] = VoteForm(formdata=None, nomination_id=item["id"],
                                     votes_for=v["votes_for"] if v else None,
                                     votes_against=v["votes_against"] if v else None)
    return render_template("council/meeting.html", view=view, voted=voted, forms=forms, failed_id=failed_id,
                           vote_errors=vote_errors or [], upload_form=upload_form or MeetingUploadForm(formdata=None),
                           upload_errors=upload_errors or []), status


@bp.get("/meetings/<int:meeting_id>")
@roles_required(*COUNCIL)
def meeting(meeting_id: int):
    return _meeting_page(meeting_id)


@bp.post("/meetings/<int:meeting_id>/votes")
@roles_required(*COUNCIL)
def vote(meeting_id: int):
    form = VoteForm()
    nid = int(form.nomination_id.data) if (form.nomination_id.data or "").isdigit() else None
    if not form.validate() or nid is None:
        return _meeting_page(meeting_id, vote_errors=form_errors(form), failed_id=nid, failed_form=form, status=422)
    try:
        council.record_vote(get_ctx(), current_user.id, meeting_id, nomination_id=nid,
                            votes_for=form.votes_for.data, votes_against=form.votes_against.data)
    except DomainError as exc:
        return _meeting_page(meeting_id, vote_errors=messages(exc), failed_id=nid, failed_form=form,
                             status=exc.status)
    flash(_("Đã lưu kết quả biểu quyết."), "success")
    return redirect(url_for(".meeting", meeting_id=meeting_id) + f"#n{nid}")


@bp.post("/meetings/<int:meeting_id>/advance")
@roles_required(*COUNCIL)
def advance(meeting_id: int):
    """Council review of every nomination voted at this meeting, with a result for each."""
    results = council.advance_passed(get_ctx(), current_user.id, meeting_id)
    if not results:
        flash(_("Chưa có hồ sơ nào được biểu quyết tại cuộc họp này."), "warning")
        return redirect(url_for(".meeting", meeting_id=meeting_id))
    return render_results(results, _("Chuyển các hồ sơ Hội đồng đã thông qua"),
                          url_for(".meeting", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/documents")
@roles_required(*COUNCIL)
def upload(meeting_id: int):
    form = MeetingUploadForm()
    if not form.validate():
        return _meeting_page(meeting_id, upload_form=form, upload_errors=form_errors(form), status=422)
    file = form.file.data
    try:
        dossier.upload_for_meeting(get_ctx(), current_user.id, meeting_id, form.kind.data,
                                   file.filename if file else "", file.read() if file else b"")
    except DomainError as exc:
        return _meeting_page(meeting_id, upload_form=form, upload_errors=messages(exc), status=exc.status)
    flash(_("Đã tải lên tài liệu của cuộc họp."), "success")
    return redirect(url_for(".meeting", meeting_id=meeting_id))


# --- emulation registrations -----------------------------------------------------------

def _registrations_page(*, failed_id=None, errors=None, failed_form=None, status=200):
    year = int_arg("year")
    with reading() as (s, _actor):
        from workflow.register_queries import list_registrations
        rows = list_registrations(s, year=year)
    forms = {r["id"]: (failed_form if r["id"] == failed_id and failed_form else RegistrationDecisionForm(formdata=None))
             for r in rows if r["state"] == "awaiting"}
    return render_template("council/registrations.html", rows=rows, forms=forms, failed_id=failed_id,
                           errors=errors or [], year=year), status


@bp.get("/registrations")
@roles_required(*COUNCIL)
def registrations():
    return _registrations_page()


@bp.post("/registrations/<int:registration_id>/decision")
@roles_required(*COUNCIL)
def decide(registration_id: int):
    form = RegistrationDecisionForm()
    if not form.validate():
        return _registrations_page(failed_id=registration_id, errors=form_errors(form), failed_form=form, status=422)
    try:
        registers.decide_registration(get_ctx(), current_user.id, registration_id, approve=bool(form.approve.data),
                                      reason=form.reason.data or "")
    except DomainError as exc:
        return _registrations_page(failed_id=registration_id, errors=messages(exc), failed_form=form,
                                   status=exc.status)
    flash(_("Đã duyệt bản đăng ký.") if form.approve.data else _("Đã từ chối bản đăng ký."), "success")
    return redirect(url_for(".registrations"))
