"""Evidence for the registers: a department head sends it, the council secretary records it."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workflow import evidence, page_queries
from workflow.errors import DomainError

from ..context import get_ctx
from ..forms import EvidenceDecisionForm, EvidenceForm
from .common import form_errors, int_arg, messages, reading

bp = Blueprint("evidence", __name__, url_prefix="/evidence")


def _departments(s, actor) -> list[tuple[int, str]]:
    if actor.has("council_secretary"):
        return page_queries.department_choices(s)
    return page_queries.department_choices(s, actor.headed_department_ids)


def _subjects(s, department_id: int | None) -> list[tuple[str, str]]:
    people = page_queries.person_choices(s, department_id) if department_id else []
    return [("", "— " + _("Tập thể Phòng") + " —")] + [(str(pid), name) for pid, name in people]


def _page(form=None, errors=None, status=200):
    with reading() as (s, actor):
        departments = _departments(s, actor)
        if not departments:
            abort(403)
        ids = [i for i, _name in departments]
        department_id = (form.department_id.data if form else None) or int_arg("department_id") or ids[0]
        if department_id not in ids:
            abort(403)
        rows = evidence.list_evidence(s, actor)
        subjects = _subjects(s, department_id)
    if form is None:
        person = request.args.get("person_id", "")
        form = EvidenceForm(formdata=None, department_id=department_id, year=get_ctx().clock.today().year,
                            subject=person if person.isdigit() else "")
    form.department_id.choices = departments
    form.subject.choices = subjects
    return render_template("evidence/index.html", form=form, errors=errors or [], rows=rows,
                           decision=EvidenceDecisionForm(formdata=None),
                           is_secretary=current_user.has("council_secretary")), status


@bp.get("")
@login_required
def index():
    return _page()


@bp.post("")
@login_required
def submit():
    form = EvidenceForm()
    with reading() as (s, actor):
        form.department_id.choices = _departments(s, actor)
        form.subject.choices = _subjects(s, form.department_id.data if str(form.department_id.data).isdigit() else None)
    if not form.validate():
        return _page(form, form_errors(form), 422)
    file = form.file.data
    try:
        evidence.submit_evidence(get_ctx(), current_user.id, department_id=form.department_id.data,
                                 person_id=int(form.subject.data) if form.subject.data else None,
                                 kind=form.kind.data, year=form.year.data, description=form.description.data,
                                 filename=file.filename if file else "", content=file.read() if file else b"")
    except DomainError as exc:
        return _page(form, messages(exc), exc.status)
    flash(_("Đã gửi minh chứng. Văn phòng (thư ký Hội đồng) sẽ kiểm tra và ghi vào sổ theo dõi."), "success")
    return redirect(url_for(".index", department_id=form.department_id.data))


@bp.post("/<int:submission_id>/decision")
@login_required
def decide(submission_id: int):
    form = EvidenceDecisionForm()
    if not form.validate():
        return _page(errors=form_errors(form), status=422)
    confirm = "confirm" in request.form
    try:
        evidence.decide_evidence(get_ctx(), current_user.id, submission_id, confirm=confirm,
                                 note=form.note.data or "")
    except DomainError as exc:
        return _page(errors=messages(exc), status=exc.status)
    flash(_("Đã xác nhận minh chứng vào sổ.") if confirm else _("Đã trả lời Trưởng phòng: không xác nhận."),
          "success")
    return redirect(url_for(".index"))


@bp.get("/<int:submission_id>/file")
@login_required
def download(submission_id: int):
    settings = get_ctx().settings
    with reading() as (s, actor):
        try:
            row = evidence.evidence_file(s, actor, submission_id)
        except DomainError:
            abort(404)
        path = settings.upload_dir / row.stored_name
        if not path.exists():
            abort(404)
        return send_file(path, as_attachment=True, download_name=row.original_name)
