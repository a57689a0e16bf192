"""Views of the reports blueprint: each parses input, calls one workflow function, renders."""
from __future__ import annotations

import re
import secrets
import tempfile
from pathlib import Path

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from states import State
from workflow import access_log
from workflow.errors import DomainError
from workflow.imports import IMPORTERS, KIND_TITLES, apply_file, preview_file, staging
from workflow.models import Department, Person, User
from workflow.queries import list_cycles
from workflow.reports import calendar, exports, history
from workflow.reports import dashboard as dash
from workflow.reports import eligibility as elig
from workflow.search import people_matching
from workflow.text import like_pattern

from ..context import get_ctx
from . import bp, charts, feed
from .forms import ConfirmImportForm, ImportForm

_TOKEN = re.compile(r"^[0-9a-f]{32}$")
DEPARTMENTS_LISTED = 30  # department links on the history page; the search box finds the others


def _is_importer() -> bool:
    return any(r in current_user.roles for r in IMPORTERS)


def _sees_reports() -> bool:
    return bool(current_user.actor.headed_department_ids) or any(
        r in current_user.roles for r in ("council_secretary", "council_member", "agency_head", "deputy_head", "admin"))


@bp.app_context_processor
def _nav():
    return {"reports_nav": {"importer": _is_importer, "reports": _sees_reports}}


def _cycles_and_current(cycle_id: int | None) -> tuple[list[dict], dict | None]:
    """Every cycle, and the one asked for (else this year's annual review, else the latest)."""
    with get_ctx().db.reading() as s:
        cycles = list_cycles(s)
    year = get_ctx().clock.today().year
    chosen = next((c for c in cycles if c["id"] == cycle_id), None) or next(
        (c for c in cycles if c["kind"] == "annual" and c["year"] == year), None) or (cycles[0] if cycles else None)
    return cycles, chosen


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


# --- import -------------------------------------------------------------------------------

def _upload_dir() -> Path:
    return staging.upload_dir(get_ctx().settings)


def _pending(token: str, filename: str) -> Path:
    """The upload waiting for confirmation; only its uploader can name it."""
    if not _TOKEN.match(token or ""):
        abort(400)
    return _upload_dir() / f"{current_user.id}-{token}{Path(filename).suffix.lower()}"


def _options(form) -> dict:
    options = {"year": int(form.year.data) if str(form.year.data or "").isdigit() else None,
               "round": (form.round.data or "").strip() or None,
               "contest_kind": form.contest_kind.data or None}
    return {k: v for k, v in options.items() if v is not None}


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_upload():
    if not _is_importer():
        abort(403)
    form = ImportForm()
    errors: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        data, filename = upload.read(), Path(upload.filename or "tep.xlsx").name
        try:
            result = preview_file(get_ctx(), current_user.id, form.kind.data, data, filename, _options(form))
        except DomainError as exc:
            errors = [p.message for p in exc.problems]
        else:
            staging.purge_stale_uploads(get_ctx().settings)  # abandoned previews go, whoever left them
            token = secrets.token_hex(16)
            _pending(token, filename).write_bytes(data)
            confirm = ConfirmImportForm(formdata=None, token=token, kind=form.kind.data, filename=filename,
                                        fingerprint=result.fingerprint, year=form.year.data or "",
                                        round=form.round.data or "", contest_kind=form.contest_kind.data or "")
            return render_template("reports/import_preview.html", result=result, confirm=confirm,
                                   kind_title=KIND_TITLES[result.kind])
    elif request.method == "POST":
        errors = [f"{getattr(form, k).label.text}: {m}" for k, ms in form.errors.items() for m in ms]
    return render_template("reports/import.html", form=form, errors=errors), 422 if errors else 200


@bp.post("/import/confirm")
@login_required
def import_confirm():
    if not _is_importer():
        abort(403)
    form = ConfirmImportForm()
    if not form.validate_on_submit() or form.kind.data not in KIND_TITLES:
        abort(400)
    path = _pending(form.token.data, form.filename.data)
    if path.exists() and staging.is_stale(path):
        path.unlink(missing_ok=True)
    if not path.exists():
        flash(_("Tệp xem trước không còn (đã nhập hoặc đã hết hạn). Vui lòng tải lên lại."), "warning")
        return redirect(url_for("reports.import_upload"))
    try:
        result = apply_file(get_ctx(), current_user.id, form.kind.data, path.read_bytes(), form.filename.data,
                            _options(form), expect=form.fingerprint.data)
    except DomainError as exc:
        flash(" ".join(p.message for p in exc.problems), "danger")
        return redirect(url_for("reports.import_upload"))
    path.unlink(missing_ok=True)
    return render_template("reports/import_done.html", result=result, kind_title=KIND_TITLES[result.kind])


# --- dashboard ------------------------------------------------------------------------------

@bp.get("/dashboard")
@login_required
def dashboard():
    cycles, cycle = _cycles_and_current(_int_arg("cycle_id"))
    if cycle is None:
        abort(404)
    with get_ctx().db.reading() as s:
        d = dash.dashboard(s, get_ctx(), current_user.id, cycle["id"], after=request.args.get("after"),
                           limit=dash.DEPARTMENTS_SHOWN)
    states = [st.value for st in dash.STATES_SHOWN]
    titles = {st.value: st.title for st in State}
    rows = d.rows
    return render_template(
        "reports/dashboard.html", d=d, cycles=cycles, cycle=cycle, states=states, titles=titles,
        first_page=not request.args.get("after"),
        percent=charts.percent, participation_chart=charts.participation(rows, d.target),
        initiatives_chart=charts.initiatives(rows), nominations_chart=charts.nominations(rows, states, titles))


# --- award history ----------------------------------------------------------------------------

@bp.get("/history")
@login_required
def history_index():
    q = (request.args.get("q") or "").strip()[:100]
    with get_ctx().db.reading() as s:
        people = s.scalars(select(Person).options(joinedload(Person.department))
                           .where(Person.id.in_(people_matching(s, q)))
                           .order_by(Person.sort_key).limit(50)).all() if q else []
        people = [{"id": p.id, "full_name": p.full_name, "department": p.department.name if p.department else ""}
                  for p in people]
        # a bounded list: the departments matching the search, else the first ones by name
        found = select(Department).where(Department.search_name.like(like_pattern(q), escape="\\")) if q else select(
            Department)
        departments = [{"id": d.id, "name": d.name} for d in s.scalars(
            found.order_by(Department.sort_key).limit(DEPARTMENTS_LISTED + 1))]
        awards = history.all_awards(s, current_user.id, limit=200)
    return render_template("reports/history.html", q=q, people=people, departments=departments[:DEPARTMENTS_LISTED],
                           more_departments=len(departments) > DEPARTMENTS_LISTED, awards=awards)


@bp.get("/history/person/<int:person_id>")
@login_required
def history_person(person_id: int):
    with get_ctx().db.reading() as s:
        h = history.person_history(s, current_user.id, person_id)
    access_log.record_reads(get_ctx(), current_user.id, [person_id], "award_history", "trang lịch sử khen thưởng")
    return render_template("reports/history_person.html", h=h)


@bp.get("/history/department/<int:department_id>")
@login_required
def history_department(department_id: int):
    with get_ctx().db.reading() as s:
        h = history.department_history(s, current_user.id, department_id)
    return render_template("reports/history_department.html", h=h)


# --- eligibility --------------------------------------------------------------------------------

@bp.get("/eligibility")
@login_required
def eligibility():
    cycles, cycle = _cycles_and_current(_int_arg("cycle_id"))
    if cycle is None:
        abort(404)
    with get_ctx().db.reading() as s:
        e = elig.eligibility(s, get_ctx(), current_user.id, cycle["id"],
                             after_eligible=request.args.get("after_eligible"),
                             after_nominated=request.args.get("after_nominated"),
                             after_collective=request.args.get("after_collective"))
    return render_template("reports/eligibility.html", e=e, cycles=cycles, cycle=cycle)


# --- exports ----------------------------------------------------------------------------------

@bp.get("/")
@login_required
def index():
    cycles, cycle = _cycles_and_current(_int_arg("cycle_id"))
    return render_template("reports/exports.html", cycles=cycles, cycle=cycle, titles=exports.EXPORT_TITLES,
                           states=[(st.value, st.title) for st in State])


@bp.get("/export/<kind>.xlsx")
@login_required
def export(kind: str):
    if kind not in exports.BUILDERS:
        abort(404)
    filters = {k: _int_arg(k) for k in ("cycle_id", "year", "person_id", "department_id")}
    filters["state"] = request.args.get("state") or None
    # written to a temporary file as the rows stream in, then sent from it: flat memory for any size
    out = tempfile.TemporaryFile()  # noqa: SIM115 (send_file closes it when the response ends)
    try:
        exports.export_to(out, get_ctx(), current_user.id, kind, **filters)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return send_file(out, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     as_attachment=True, download_name=exports.filename_for(kind, **filters))


@bp.get("/export/<kind>.csv")
@login_required
def export_csv(kind: str):
    if kind not in exports.BUILDERS:
        abort(404)
    filters = {k: _int_arg(k) for k in ("cycle_id", "year", "person_id", "department_id")}
    filters["state"] = request.args.get("state") or None
    data = exports.export_csv(get_ctx(), current_user.id, kind, **filters)
    name = exports.filename_for(kind, **filters).removesuffix(".xlsx") + ".csv"
    return Response(data, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# --- calendar -------------------------------------------------------------------------------

@bp.get("/calendar")
@login_required
def calendar_page():
    with get_ctx().db.reading() as s:
        user = s.get(User, current_user.id)
        token = feed.token_for(user)
        items = calendar.deadlines_for(s, get_ctx(), current_user.id)
    url = get_ctx().settings.base_url + url_for("reports.calendar_feed", token=token)
    return render_template("reports/calendar.html", feed_url=url, items=items,
                           webcal_url="webcal://" + url.split("://", 1)[1])


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    """No session: the signed token in the URL is the credential (calendar apps cannot log in)."""
    with get_ctx().db.reading() as s:
        user = feed.user_for(s, token)
        if user is None:
            abort(404)
        body = calendar.ics_for_user(s, get_ctx(), user.id)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": 'inline; filename="thidua.ics"', "Cache-Control": "private, max-age=900"})
