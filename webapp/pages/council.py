"""The council secretary's pages: the cycle's agenda, meetings and votes, advancing what passed,
and deciding the departments' emulation registrations."""
from __future__ import annotations

from datetime import date, time

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from states.permissions import COUNCIL_ROLES
from workflow import council, council_roster, dossier, dossier_archive, page_queries, registers
from workflow.documents.facts import decision_gaps
from workflow.errors import DomainError

from ..auth import roles_required
from ..context import get_ctx
from ..forms import (
    CouncilMemberForm,
    MeetingCorrectionForm,
    MeetingForm,
    MeetingUploadForm,
    RegistrationDecisionForm,
    VoteForm,
)
from .common import form_errors, int_arg, messages, reading
from .nominations import render_results

bp = Blueprint("council", __name__, url_prefix="/council")
COUNCIL = tuple(str(r) for r in COUNCIL_ROLES)  # the same roles the API checks (states/permissions.py)


def _roster_choices(s, on) -> list[dict]:
    return council_roster.roster(s, on)


def _meeting_choices(form, members: list[dict]) -> None:
    pick = [("", "— " + _("chọn") + " —")] + [(m["id"], f"{m['name']} ({m['role_title']})") for m in members]
    form.chair_member_id.choices = pick
    form.secretary_member_id.choices = pick
    form.present_member_ids.choices = [(m["id"], f"{m['name']} — {m['role_title']}"
                                        + (f", {m['title']}" if m["title"] else "")) for m in members]


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
        members = _roster_choices(s, ctx.clock.today())
        gaps = decision_gaps(s, ctx.settings, cycle_id)
    if form is None:
        form = MeetingForm(formdata=None, held_on=ctx.clock.today())
    _meeting_choices(form, members)
    return render_template("council/index.html", cycle=cycle, cycles=cycles, view=view, form=form,
                           errors=errors or [], members=members, gaps=gaps), status


@bp.get("")
@roles_required(*COUNCIL)
def index():
    return _agenda_page()


def _meeting_input(form) -> council.MeetingInput:
    return council.MeetingInput(held_on=form.held_on.data, starts_at=form.starts_at.data, ends_at=form.ends_at.data,
                                place=form.place.data or "", chair_member_id=form.chair_member_id.data,
                                secretary_member_id=form.secretary_member_id.data,
                                present_member_ids=list(form.present_member_ids.data or []),
                                note=form.note.data or "")


@bp.post("/cycles/<int:cycle_id>/meetings")
@roles_required(*COUNCIL)
def record_meeting(cycle_id: int):
    form = MeetingForm()
    if not form.validate():
        return _agenda_page(cycle_id, form=form, errors=form_errors(form), status=422)
    try:
        mid = council.record_meeting(get_ctx(), current_user.id, cycle_id, _meeting_input(form))
    except DomainError as exc:
        return _agenda_page(cycle_id, form=form, errors=messages(exc), status=exc.status)
    flash(_("Đã ghi nhận cuộc họp Hội đồng. Nhập kết quả biểu quyết cho từng hồ sơ."), "success")
    with reading() as (s, _actor):
        view = page_queries.meeting_page(s, get_ctx(), mid)
    if not view["meeting"]["quorum_met"]:
        flash(_("Lưu ý: số thành viên có mặt (%(p)s/%(t)s) chưa đủ tỷ lệ theo quy chế; Hội đồng chưa thể xét"
                " hồ sơ tại cuộc họp này.", p=view["meeting"]["members_present"],
                t=view["meeting"]["members_total"]), "warning")
    return redirect(url_for(".meeting", meeting_id=mid))


def _meeting_page(meeting_id: int, *, vote_errors=None, failed_id=None, failed_form=None, upload_form=None,
                  upload_errors=None, correction_form=None, correction_errors=None, status=200):
    with reading() as (s, _actor):
        # one page of the agenda's vote forms; a vote posted from a later page comes back to that page
        view = page_queries.meeting_page(s, get_ctx(), meeting_id, after=request.args.get("after"),
                                         limit=page_queries.AGENDA_PAGE)
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
    m = view["meeting"]
    if correction_form is None:
        correction_form = MeetingCorrectionForm(
            formdata=None, held_on=date.fromisoformat(m["held_on"]), place=m["place"], note=m["note"],
            starts_at=time.fromisoformat(m["starts_at"]) if m["starts_at"] else None,
            ends_at=time.fromisoformat(m["ends_at"]) if m["ends_at"] else None,
            chair_member_id=(m["chair"] or {}).get("id"), secretary_member_id=(m["secretary"] or {}).get("id"),
            present_member_ids=[a["member_id"] for a in m["attendance"] if a["present"]])
    with reading() as (s, _actor):
        _meeting_choices(correction_form, _roster_choices(s, date.fromisoformat(m["held_on"])))
    return render_template("council/meeting.html", view=view, voted=voted, forms=forms, failed_id=failed_id,
                           after=request.args.get("after"),
                           vote_errors=vote_errors or [], upload_form=upload_form or MeetingUploadForm(formdata=None),
                           upload_errors=upload_errors or [], correction_form=correction_form,
                           correction_errors=correction_errors or []), status


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
    return redirect(url_for(".meeting", meeting_id=meeting_id, after=request.args.get("after")) + f"#n{nid}")


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


@bp.post("/meetings/<int:meeting_id>/correction")
@roles_required("council_secretary")
def correct(meeting_id: int):
    form = MeetingCorrectionForm()
    if not form.validate():
        return _meeting_page(meeting_id, correction_form=form, correction_errors=form_errors(form), status=422)
    try:
        council.correct_meeting(get_ctx(), current_user.id, meeting_id, _meeting_input(form), form.reason.data)
    except DomainError as exc:
        return _meeting_page(meeting_id, correction_form=form, correction_errors=messages(exc), status=exc.status)
    flash(_("Đã sửa thông tin cuộc họp; lý do được ghi vào nhật ký."), "success")
    return redirect(url_for(".meeting", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/delete")
@roles_required("council_secretary")
def delete(meeting_id: int):
    with reading() as (s, _actor):
        view = page_queries.meeting_page(s, get_ctx(), meeting_id)
    if view is None:
        abort(404)
    try:
        council.delete_meeting(get_ctx(), current_user.id, meeting_id)
    except DomainError as exc:
        return _meeting_page(meeting_id, correction_errors=messages(exc), status=exc.status)
    flash(_("Đã xóa cuộc họp ghi nhầm."), "success")
    return redirect(url_for(".index", cycle_id=view["cycle"]["id"]))


@bp.get("/roster")
@roles_required(*COUNCIL)
def roster(form=None, errors=None, status=200):
    with reading() as (s, _actor):
        members = council_roster.roster(s)
        people = council_roster.people_choices(s)
    form = form or CouncilMemberForm(formdata=None, term_from=get_ctx().clock.today())
    form.person_id.choices = [("", "— " + _("chọn cán bộ") + " —")] + people
    return render_template("council/roster.html", members=members, form=form, errors=errors or []), status


@bp.post("/roster")
@roles_required("council_secretary")
def add_member():
    form = CouncilMemberForm()
    if not form.validate():
        return roster(form=form, errors=form_errors(form), status=422)
    try:
        council_roster.add_member(get_ctx(), current_user.id, person_id=form.person_id.data,
                                  council_role=form.council_role.data, title=form.title.data or "",
                                  term_from=form.term_from.data, term_to=form.term_to.data)
    except DomainError as exc:
        return roster(form=form, errors=messages(exc), status=exc.status)
    flash(_("Đã thêm thành viên Hội đồng."), "success")
    return redirect(url_for(".roster"))


@bp.post("/cycles/<int:cycle_id>/dossier-archive")
@roles_required("council_secretary")
def start_archive(cycle_id: int):
    """The cycle's real dossier (signed uploads, drafts apart, manifest), built in the background."""
    try:
        job_id = dossier_archive.start(get_ctx(), current_user.id, cycle_id)
    except DomainError as exc:
        for message in messages(exc):
            flash(message, "danger")
        return redirect(url_for(".index", cycle_id=cycle_id))
    return redirect(url_for(".archive_job", job_id=job_id))


@bp.get("/exports/<int:job_id>")
@roles_required(*COUNCIL)
def archive_job(job_id: int):
    with reading() as (s, actor):
        try:
            job = dossier_archive.job_dict(dossier_archive.load_job(s, actor, job_id))
        except DomainError:
            abort(404)
    return render_template("council/export.html", job=job)


@bp.get("/exports/<int:job_id>/download")
@roles_required(*COUNCIL)
def archive_download(job_id: int):
    ctx = get_ctx()
    with reading() as (s, actor):
        try:
            path = dossier_archive.archive_path(ctx, dossier_archive.load_job(s, actor, job_id))
        except DomainError:
            abort(404)
    return send_file(path, mimetype="application/zip", as_attachment=True, download_name=path.name)


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
    with reading() as (s, _actor):
        from workflow.register_queries import list_registrations
        every = list_registrations(s)
    # One year at a time (the current year by default): five years of registrations on one page
    # were 8,000 px long.
    years = sorted({r["year"] for r in every}, reverse=True)
    year = int_arg("year") or (get_ctx().clock.today().year if get_ctx().clock.today().year in years
                               else (years[0] if years else None))
    rows = [r for r in every if r["year"] == year]
    waiting_elsewhere = sum(1 for r in every if r["state"] == "awaiting" and r["year"] != year)
    forms = {r["id"]: (failed_form if r["id"] == failed_id and failed_form else RegistrationDecisionForm(formdata=None))
             for r in rows if r["state"] == "awaiting"}
    return render_template("council/registrations.html", rows=rows, forms=forms, failed_id=failed_id,
                           errors=errors or [], year=year, years=years,
                           waiting_elsewhere=waiting_elsewhere), status


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
