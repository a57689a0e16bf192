"""Nominations: the list with filters and bulk actions, the nomination page, its actions and files."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from states import CHAIN, REASON_REQUIRED, Action, State
from workflow import access_log, decision_queries, decisions, dossier, dossier_files, nominations, page_queries, queries
from workflow.actors import can_view
from workflow.documents import facts
from workflow.errors import DomainError
from workflow.models import NOMINEE_TYPES, Document, Nomination

from ..context import get_ctx
from ..forms import ActionForm, BulkForm, BulkRunForm, NominationForm, UploadForm, WithdrawDocumentForm
from ..templating import action_title
from .common import form_errors, int_arg, messages, reading
from .help import workflow_diagram

bp = Blueprint("nominations", __name__)

# What each action asks for besides the button.
NEEDS_MEETING = {Action.COUNCIL_REVIEW.value}
NEEDS_DECISION = {Action.AWARD.value}
NEEDS_REASON = {a.value for a in REASON_REQUIRED}


# --- the list ------------------------------------------------------------------------------

@bp.get("/nominations")
@login_required
def index():
    filters = {"cycle_id": int_arg("cycle_id"), "department_id": int_arg("department_id"),
               "state": request.args.get("state") if request.args.get("state") in STATE_VALUES else None,
               "nominee_type": request.args.get("nominee_type") if request.args.get("nominee_type") in NOMINEE_TYPES
               else None, "q": (request.args.get("q") or "").strip()[:200] or None}
    cursor = request.args.get("cursor")
    # Keyset pages have no numbers: the cursors of the pages before travel in the address ("back").
    back = [c for c in (request.args.get("back") or "").split(",") if c][-50:]
    with reading() as (s, actor):
        page = queries.list_nominations(s, actor, cursor=cursor, **filters)
        page["total"] = queries.count_nominations(s, actor, **filters)
        page["number"] = len(back) + (2 if cursor else 1)
        cycles = page_queries.cycle_choices(s)
        departments = page_queries.department_choices(s)
    bulk = BulkForm()
    return render_template("nominations/list.html", page=page, filters=filters, cycles=cycles,
                           departments=departments, bulk=bulk, nominee_types=NOMINEE_TYPES,
                           filter_args={k: v for k, v in filters.items() if v}, cursor=cursor, back=back,
                           states=[(st.value, st.title) for st in State])


STATE_VALUES = {st.value for st in State}


# --- creating ------------------------------------------------------------------------------

def _nomination_form() -> NominationForm:
    form = NominationForm()
    with reading() as (s, actor):
        form.cycle_id.choices = page_queries.open_cycle_choices(s, get_ctx().clock.today())
        if current_user.has("council_secretary"):
            people, departments = page_queries.person_choices(s), page_queries.department_choices(s)
        else:
            people = []
            for dept_id in sorted(actor.headed_department_ids):
                people += page_queries.person_choices(s, dept_id)
            departments = page_queries.department_choices(s, actor.headed_department_ids)
            if actor.person_id and all(pid != actor.person_id for pid, _ in people):
                people += [(pid, name) for pid, name in page_queries.person_choices(s) if pid == actor.person_id]
    form.person_id.choices = [("", "— " + _("chọn cá nhân") + " —")] + people
    form.department_id.choices = [("", "— " + _("chọn phòng") + " —")] + departments
    if not departments:  # staff may nominate only themselves: no empty "Tập thể" option
        form.nominee_type.choices = [c for c in form.nominee_type.choices if c.value == "individual"]
    if request.method == "GET":
        for name in ("nominee_type", "person_id", "department_id", "cycle_id"):
            value = request.args.get(name)
            if value:
                getattr(form, name).data = int(value) if value.isdigit() else value
    return form


def _after_creation(nid: int, form: NominationForm) -> None:
    """The optional steps of the creation form, each its own use case: upload the achievement
    report, then (a head whose department has met) the department review. A step that is refused
    leaves the nomination created and says why on its page."""
    steps = [_("Đã tạo đề nghị khen thưởng.")]
    file = form.report.data
    try:
        if file and file.filename:
            dossier.upload_for_nomination(get_ctx(), current_user.id, nid, "achievement_report", file.filename,
                                          file.read())
            steps.append(_("Đã tải lên báo cáo thành tích."))
        if form.review_now.data:
            nominations.take_action(get_ctx(), current_user.id, nid, Action.DEPARTMENT_REVIEW.value,
                                    nominations.ActionInput(version=1))
            steps.append(_("Phòng đã xét, đề nghị: hồ sơ đã chuyển lên Hội đồng."))
        else:
            steps.append(_("Bước tiếp theo: bổ sung hồ sơ, rồi Phòng xét."))
    except DomainError as exc:
        flash(" ".join(steps), "success")
        flash(_("Chưa thực hiện được bước tiếp theo:") + " " + " ".join(messages(exc)), "warning")
        return
    flash(" ".join(steps), "success")


@bp.route("/nominations/new", methods=["GET", "POST"])
@login_required
def new():
    form = _nomination_form()
    problems, status = [], 200
    with reading() as (s, _actor):
        late = page_queries.late_cycles(s, get_ctx().clock.today())
    if form.validate_on_submit():
        try:
            individual = form.nominee_type.data == "individual"
            nid = nominations.create_nomination(
                get_ctx(), current_user.id, cycle_id=form.cycle_id.data, nominee_type=form.nominee_type.data,
                award_form=form.award_form.data, person_id=form.person_id.data if individual else None,
                department_id=None if individual else form.department_id.data, summary=form.summary.data or "")
        except DomainError as exc:
            problems, status = messages(exc), exc.status
        else:
            _after_creation(nid, form)
            if form.cycle_id.data in late:
                flash(_("Lưu ý: kỳ xét này đã quá hạn nộp hồ sơ (%(d)s). Hãy báo Văn phòng để được xem xét.",
                        d=f"{late[form.cycle_id.data]:%d/%m/%Y}"), "warning")
            return redirect(url_for(".detail", nomination_id=nid))
    elif request.method == "POST":
        problems, status = form_errors(form), 422
    selected = form.cycle_id.data or (form.cycle_id.choices[0][0] if form.cycle_id.choices else None)
    return render_template("nominations/new.html", form=form, errors=problems, late=late,
                           late_deadline=late.get(selected)), status


# --- one nomination ------------------------------------------------------------------------

def _render_detail(nomination_id: int, *, action_form: ActionForm | None = None, failed_action: str | None = None,
                   action_errors: list[str] | None = None, upload_form: UploadForm | None = None,
                   upload_errors: list[str] | None = None, status: int = 200):
    ctx = get_ctx()
    with reading() as (s, actor):
        nom = s.get(Nomination, nomination_id)
        if nom is None or not can_view(actor, nom):
            abort(404)
        detail = queries.nomination_detail(s, ctx, actor, nom)
        # only the council review asks for a meeting: skip loading them otherwise
        meetings = (page_queries.meetings_for(s, ctx.settings, nom.cycle_id)
                    if NEEDS_MEETING & set(detail["allowed_actions"]) else [])
        may_upload = dossier.may_add_documents(actor, nom)
        award = None
        if Action.AWARD.value in detail["allowed_actions"]:
            # the register proposes the next number; decisions already registered can be chosen
            today = ctx.clock.today()
            award = {"proposed": decisions.proposed_number(s, "decision", today)["number"],
                     "decisions": [d for d in decision_queries.list_decisions(s, year=today.year)
                                   if not (d["revoked_by"] or d["revokes"])]}
        last_move = page_queries.last_moves(s, [nom.id]).get(nom.id)
        # before the department review: what the achievement report would leave blank
        report_gaps = facts.report_gaps(nom) if nom.state == "registered" else []
    person = detail["nominee"]["person"]
    if person and person["birth_date"]:  # the page shows the nominee's birth date
        access_log.record_reads(ctx, current_user.id, [person["id"]], "profile", f"trang đề nghị {nom.id}")
    forms = {}
    for action in detail["allowed_actions"]:
        if action == failed_action and action_form is not None:
            forms[action] = action_form
            continue
        f = ActionForm(formdata=None, action=action, version=detail["version"])
        forms[action] = f
    for action, f in forms.items():
        if action == Action.AWARD.value and award is not None:
            f.decision_id.choices = [("", "— " + _("vào sổ quyết định mới theo số và ngày dưới đây") + " —")] + [
                (d["id"], _("Số %(no)s ngày %(d)s — %(who)s", no=d["number"], d=_vn(d["signed_on"]), who=d["signed_as"]))
                for d in award["decisions"]]
            if not f.decision_number.data and action != failed_action:
                f.decision_number.data = award["proposed"]
        f.meeting_id.choices = [("", "— " + _("chọn cuộc họp") + " —")] + [
            (m["id"], _("%(label)s (%(p)s/%(t)s thành viên dự)", label=m["label"], p=m["members_present"],
                        t=m["members_total"])) for m in meetings]
    return render_template(
        "nominations/detail.html", n=detail, forms=forms, failed_action=failed_action,
        action_errors=action_errors or [], upload_form=upload_form or UploadForm(formdata=None),
        upload_errors=upload_errors or [], may_upload=may_upload, withdraw_form=WithdrawDocumentForm(formdata=None),
        chain=[(st.value, st.title) for st in CHAIN],
        diagram=workflow_diagram(detail["state"]), needs_meeting=NEEDS_MEETING, needs_decision=NEEDS_DECISION,
        needs_reason=NEEDS_REASON, last_move=last_move, meetings=meetings, award=award,
        report_gaps=report_gaps), status


def _vn(iso: str) -> str:
    from ..templating import vn_date
    return vn_date(iso)


@bp.get("/nominations/<int:nomination_id>")
@login_required
def detail(nomination_id: int):
    return _render_detail(nomination_id)


@bp.post("/nominations/<int:nomination_id>/act")
@login_required
def act(nomination_id: int):
    form = ActionForm()
    action = form.action.data or ""
    if not form.validate():
        return _render_detail(nomination_id, action_form=form, failed_action=action,
                              action_errors=form_errors(form), status=422)
    data = nominations.ActionInput(version=form.version.data, comment=form.comment.data,
                                   meeting_id=form.meeting_id.data, decision_number=form.decision_number.data,
                                   decision_date=form.decision_date.data, decision_id=form.decision_id.data,
                                   accept_mixed_capacity=bool(form.accept_mixed_capacity.data))
    try:
        nominations.take_action(get_ctx(), current_user.id, nomination_id, action, data)
    except DomainError as exc:
        # The reason in place, next to the button, with what the user typed kept.
        return _render_detail(nomination_id, action_form=form, failed_action=action,
                              action_errors=messages(exc), status=exc.status)
    flash(_("Đã thực hiện: %(a)s.", a=_action_title(action)), "success")
    return redirect(url_for(".detail", nomination_id=nomination_id))


def _action_title(action: str) -> str:
    try:
        return action_title(action)
    except ValueError:
        return action


@bp.post("/nominations/<int:nomination_id>/documents")
@login_required
def upload(nomination_id: int):
    form = UploadForm()
    if not form.validate():
        return _render_detail(nomination_id, upload_form=form, upload_errors=form_errors(form), status=422)
    file = form.file.data
    try:
        dossier.upload_for_nomination(get_ctx(), current_user.id, nomination_id, form.kind.data,
                                      file.filename if file else "", file.read() if file else b"")
    except DomainError as exc:
        return _render_detail(nomination_id, upload_form=form, upload_errors=messages(exc), status=exc.status)
    flash(_("Đã tải lên tài liệu."), "success")
    return redirect(url_for(".detail", nomination_id=nomination_id) + "#ho-so")


@bp.post("/nominations/<int:nomination_id>/documents/<int:document_id>/withdraw")
@login_required
def withdraw_document(nomination_id: int, document_id: int):
    form = WithdrawDocumentForm()
    if not form.validate():
        return _render_detail(nomination_id, upload_errors=form_errors(form), status=422)
    try:
        dossier_files.withdraw_document(get_ctx(), current_user.id, document_id, form.reason.data)
    except DomainError as exc:
        return _render_detail(nomination_id, upload_errors=messages(exc), status=exc.status)
    flash(_("Đã rút tài liệu; lý do được ghi vào nhật ký."), "success")
    return redirect(url_for(".detail", nomination_id=nomination_id) + "#ho-so")


@bp.get("/documents/<int:document_id>")
@login_required
def download(document_id: int):
    ctx = get_ctx()
    with reading() as (s, actor):
        doc = s.get(Document, document_id)
        if doc is None or not dossier.may_download(s, actor, doc):
            abort(404)
        path = dossier.file_path(ctx.settings, doc)
        if not path.exists():
            abort(404)
        return send_file(path, mimetype=doc.content_type, as_attachment=True, download_name=doc.original_name)


# --- bulk actions: choose, confirm, see each result ----------------------------------------

@bp.post("/nominations/bulk")
@login_required
def bulk_confirm():
    """Show the selected nominations and ask for confirmation (and what the action needs)."""
    ids = [int(v) for v in request.form.getlist("ids") if v.isdigit()][:500]
    action = request.form.get("action", "")
    back = request.form.get("back") or url_for(".index")
    if action not in {a.value for a in Action}:
        flash(_("Vui lòng chọn thao tác."), "warning")
        return redirect(_local(back))
    if not ids:
        flash(_("Chưa chọn hồ sơ nào."), "warning")
        return redirect(_local(back))
    with reading() as (s, actor):
        items = page_queries.nominations_by_ids(s, actor, ids)
        meetings = page_queries.meetings_for_cycles(s, get_ctx().settings, {i["cycle_id"] for i in items})
    form = BulkRunForm(formdata=None, action=action,
                       items=",".join(f"{i['id']}:{i['version']}" for i in items))
    form.meeting_id.choices = [("", "—")] + [(m["id"], m["label"]) for m in meetings]
    return render_template("nominations/bulk_confirm.html", form=form, items=items, action=action,
                           action_title=_action_title(action), back=_local(back), needs_meeting=NEEDS_MEETING,
                           needs_decision=NEEDS_DECISION, needs_reason=NEEDS_REASON)


def _local(url: str) -> str:
    return url if url.startswith("/") and not url.startswith("//") else url_for(".index")


@bp.post("/nominations/bulk/run")
@login_required
def bulk_run():
    form = BulkRunForm()
    if not form.validate():
        abort(400)
    items = []
    for part in (form.items.data or "").split(","):
        nid, _sep, version = part.partition(":")
        if nid.isdigit() and version.isdigit():
            items.append((int(nid), int(version)))
    if not items:
        abort(400)
    data = nominations.ActionInput(comment=form.comment.data, meeting_id=form.meeting_id.data,
                                   decision_number=form.decision_number.data, decision_date=form.decision_date.data)
    results = nominations.take_action_on_many(get_ctx(), current_user.id, form.action.data, items, data)
    return render_results(results, _action_title(form.action.data), request.form.get("back") or url_for(".index"))


def render_results(results, title: str, back: str):
    """The per-item outcome of a batch, each line with its reason when refused."""
    with reading() as (s, actor):
        names = {i["id"]: i for i in page_queries.nominations_by_ids(s, actor, [r.nomination_id for r in results])}
    rows = [{"id": r.nomination_id, "ok": r.ok, "item": names.get(r.nomination_id),
             "errors": messages(r.error) if r.error else []} for r in results]
    return render_template("nominations/bulk_results.html", rows=rows, title=title, back=_local(back),
                           succeeded=sum(r.ok for r in results), failed=sum(not r.ok for r in results))
