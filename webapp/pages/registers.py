"""The evidence registers: initiatives, contest results, task ratings — list, search, add, edit."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workflow import access_log, page_queries, register_queries, registers
from workflow.errors import DomainError

from ..context import get_ctx
from ..forms import ContestResultForm, InitiativeForm, TaskRatingForm
from .common import form_errors, int_arg, messages, paginate, reading

bp = Blueprint("registers", __name__, url_prefix="/registers")
EDITORS = ("council_secretary", "admin")


def _log(rows: list[dict], kind: str, via: str) -> None:
    access_log.record_reads(get_ctx(), current_user.id, (r.get("person_id") for r in rows), kind, via)


def _q() -> str | None:
    return (request.args.get("q") or "").strip()[:200] or None


# --- initiatives -----------------------------------------------------------------------

def _initiatives_page(form=None, errors=None, status=200):
    year, q, edit = int_arg("year"), _q(), int_arg("edit")
    with reading() as (s, actor):
        rows = register_queries.list_initiatives(s, year=year, q=q, actor=actor, limit=20_000)
        people, departments = page_queries.person_choices(s), page_queries.department_choices(s)
        editing = page_queries.initiative(s, edit) if edit else None
    if form is None:
        form = InitiativeForm(formdata=None, year=get_ctx().clock.today().year)
        if editing:
            form = InitiativeForm(formdata=None, **{k: editing[k] for k in (
                "title", "field", "year", "topic", "department_id", "recognition_number", "appraisal_number",
                "contest_recognition_number")}, author_ids=[a["id"] for a in editing["authors"]],
                **{k: _date(editing[k]) for k in ("recognition_date", "appraisal_date", "contest_recognition_date")})
    form.author_ids.choices = people
    form.department_id.choices = [("", "—")] + departments
    page = paginate(rows)
    return render_template("registers/initiatives.html", rows=page["items"], page=page, form=form, errors=errors or [], year=year, q=q,
                           editing_id=editing["id"] if editing else request.form.get("initiative_id", ""),
                           can_edit=current_user.has(*EDITORS)), status


def _date(iso):
    from datetime import date
    return date.fromisoformat(iso) if iso else None


@bp.get("/initiatives")
@login_required
def initiatives():
    return _initiatives_page()


@bp.post("/initiatives")
@login_required
def save_initiative():
    form = InitiativeForm()
    with reading() as (s, _actor):
        form.author_ids.choices = page_queries.person_choices(s)
        form.department_id.choices = [("", "—")] + page_queries.department_choices(s)
    if not form.validate():
        return _initiatives_page(form, form_errors(form), 422)
    initiative_id = request.form.get("initiative_id", "")
    try:
        registers.save_initiative(
            get_ctx(), current_user.id, title=form.title.data, field=form.field.data, year=form.year.data,
            topic=form.topic.data or "", department_id=form.department_id.data, author_ids=form.author_ids.data or [],
            recognition_number=form.recognition_number.data, recognition_date=form.recognition_date.data,
            appraisal_number=form.appraisal_number.data, appraisal_date=form.appraisal_date.data,
            contest_recognition_number=form.contest_recognition_number.data,
            contest_recognition_date=form.contest_recognition_date.data,
            initiative_id=int(initiative_id) if initiative_id.isdigit() else None)
    except DomainError as exc:
        return _initiatives_page(form, messages(exc), exc.status)
    flash(_("Đã lưu sáng kiến."), "success")
    return redirect(url_for(".initiatives"))


# --- contest results ---------------------------------------------------------------------

def _contests_page(form=None, errors=None, status=200):
    year, q, edit = int_arg("year"), _q(), int_arg("edit")
    with reading() as (s, actor):
        rows = page_queries.with_departments(s, page_queries.matching(
            register_queries.list_contest_results(s, year=year, actor=actor, limit=50_000), q, "full_name"))
        people = page_queries.person_groups(s)
        editing = page_queries.contest_result(s, edit) if edit else None
    if form is None:
        form = ContestResultForm(formdata=None, year=get_ctx().clock.today().year)
        if editing:
            form = ContestResultForm(formdata=None, **{k: editing[k] for k in (
                "contest_kind", "year", "round", "person_id", "participated", "prize")},
                score="" if editing["score"] is None else str(editing["score"]))
    form.person_id.choices = people
    _log(rows, "contest_result", "trang kết quả cuộc thi")
    page = paginate(rows)
    return render_template("registers/contests.html", rows=page["items"], page=page, form=form, errors=errors or [], year=year, q=q,
                           editing=editing, can_edit=current_user.has(*EDITORS)), status


@bp.get("/contests")
@login_required
def contests():
    return _contests_page()


@bp.post("/contests")
@login_required
def save_contest():
    form = ContestResultForm()
    with reading() as (s, _actor):
        form.person_id.choices = page_queries.person_groups(s)
    if not form.validate():
        return _contests_page(form, form_errors(form), 422)
    score = (form.score.data or "").strip().replace(",", ".")
    try:
        registers.save_contest_result(get_ctx(), current_user.id, contest_kind=form.contest_kind.data,
                                      year=form.year.data, person_id=form.person_id.data,
                                      participated=form.participated.data, score=score or None,
                                      prize=form.prize.data, round=form.round.data or "")
    except DomainError as exc:
        return _contests_page(form, messages(exc), exc.status)
    flash(_("Đã lưu kết quả cuộc thi."), "success")
    return redirect(url_for(".contests"))


# --- task ratings --------------------------------------------------------------------------

def _subjects(s) -> dict[str, list[tuple[str, str]]]:
    """Departments first, then people grouped by department: short labels that a select never cuts."""
    groups = {"Tập thể": [(f"d{i}", n) for i, n in page_queries.department_choices(s)]}
    for department, people in page_queries.person_groups(s).items():
        groups["Cá nhân — " + department] = [(f"p{i}", n) for i, n in people]
    return groups


def _ratings_page(form=None, errors=None, status=200):
    year, q, edit = int_arg("year"), _q(), int_arg("edit")
    with reading() as (s, actor):
        rows = page_queries.with_departments(s, page_queries.matching(
            register_queries.list_task_ratings(s, year=year, actor=actor, limit=50_000), q, "subject"))
        subjects = _subjects(s)
        editing = page_queries.task_rating(s, edit) if edit else None
    if form is None:
        form = TaskRatingForm(formdata=None, year=get_ctx().clock.today().year)
        if editing:
            subject = f"p{editing['person_id']}" if editing["person_id"] else f"d{editing['department_id']}"
            form = TaskRatingForm(formdata=None, year=editing["year"], rating=editing["rating"], subject=subject)
    form.subject.choices = subjects
    _log(rows, "task_rating", "trang xếp loại")
    page = paginate(rows)
    return render_template("registers/ratings.html", rows=page["items"], page=page, form=form, errors=errors or [], year=year, q=q,
                           editing=editing, can_edit=current_user.has(*EDITORS)), status


@bp.get("/ratings")
@login_required
def ratings():
    return _ratings_page()


@bp.post("/ratings")
@login_required
def save_rating():
    form = TaskRatingForm()
    with reading() as (s, _actor):
        form.subject.choices = _subjects(s)
    if not form.validate():
        return _ratings_page(form, form_errors(form), 422)
    kind, ident = form.subject.data[0], int(form.subject.data[1:])
    try:
        registers.save_task_rating(get_ctx(), current_user.id, year=form.year.data, rating=form.rating.data,
                                   person_id=ident if kind == "p" else None,
                                   department_id=ident if kind == "d" else None)
    except DomainError as exc:
        return _ratings_page(form, messages(exc), exc.status)
    flash(_("Đã lưu xếp loại."), "success")
    return redirect(url_for(".ratings"))
