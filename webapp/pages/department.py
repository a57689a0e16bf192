"""The department head's page: the year's emulation registration, nominations, the meeting minutes."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workflow import dossier, page_queries, registers
from workflow.errors import DomainError
from workflow.reports import eligibility

from ..context import get_ctx
from ..forms import DepartmentUploadForm, RegistrationForm
from .common import form_errors, int_arg, messages, reading

bp = Blueprint("department", __name__)


def _page(department_id: int | None = None, *, reg_form=None, reg_errors=None, upload_form=None,
          upload_errors=None, status=200):
    today = get_ctx().clock.today()
    year = int_arg("year") or today.year
    with reading() as (s, actor):
        if current_user.has("council_secretary"):
            departments = [{"id": i, "name": n} for i, n in page_queries.department_choices(s)]
        else:
            departments = page_queries.headed_departments(s, actor)
        if not departments:
            abort(403)
        ids = [d["id"] for d in departments]
        department_id = department_id or int_arg("department_id") or ids[0]
        if department_id not in ids:
            abort(403)
        cycle_id = int_arg("cycle_id") or page_queries.default_cycle_id(s, today)
        view = page_queries.department_overview(s, actor, department_id, cycle_id, year)
        cycles = page_queries.cycle_choices(s)
        cycle = page_queries.cycle_info(s, cycle_id) if cycle_id else None
        standing = eligibility.department_standing(s, get_ctx(), cycle_id, department_id) if cycle_id else []
    reg = view["registration"]
    if reg_form is None:
        reg_form = RegistrationForm(formdata=None, year=year, collective=bool(
            reg is None or any(line["nominee_type"] == "collective" for line in reg["lines"])),
            person_ids=[line["person_id"] for line in (reg or {}).get("lines", []) if line["person_id"]],
            target=(reg["lines"][0]["target"] if reg and reg["lines"] else ""))
    reg_form.person_ids.choices = [(p["id"], p["full_name"]) for p in view["staff"]]
    if upload_form is None:
        upload_form = DepartmentUploadForm(formdata=None, cycle_id=cycle_id)
    upload_form.cycle_id.choices = cycles
    return render_template("department/index.html", view=view, departments=departments, year=year,
                           cycle=cycle, cycles=cycles, standing=standing, cycle_id=cycle_id, reg_form=reg_form,
                           reg_errors=reg_errors or [], upload_form=upload_form, upload_errors=upload_errors or [],
                           registration_editable=reg is None or reg["state"] in ("not_sent", "refused")), status


@bp.get("/department")
@login_required
def index():
    return _page()


@bp.post("/department/<int:department_id>/registration")
@login_required
def registration(department_id: int):
    form = RegistrationForm()
    with reading() as (s, _actor):
        form.person_ids.choices = [(p[0], p[1]) for p in page_queries.person_choices(s, department_id)]
        campaign = page_queries.campaign_for_year(s, form.year.data or 0)
        campaign_id = campaign.id if campaign else None
    if not form.validate():
        return _page(department_id, reg_form=form, reg_errors=form_errors(form), status=422)
    if campaign_id is None:
        return _page(department_id, reg_form=form, status=422,
                     reg_errors=[_("Năm %(y)s không thuộc phong trào thi đua nào.", y=form.year.data)])
    try:
        registers.save_registration(get_ctx(), current_user.id, campaign_id=campaign_id, department_id=department_id,
                                    year=form.year.data, collective=form.collective.data,
                                    person_ids=form.person_ids.data or [], target=form.target.data or "",
                                    submit=bool(form.send.data))
    except DomainError as exc:
        return _page(department_id, reg_form=form, reg_errors=messages(exc), status=exc.status)
    flash(_("Đã gửi bản đăng ký thi đua.") if form.send.data else _("Đã lưu nháp bản đăng ký thi đua."), "success")
    return redirect(url_for(".index", department_id=department_id, year=form.year.data))


@bp.post("/department/<int:department_id>/documents")
@login_required
def upload(department_id: int):
    form = DepartmentUploadForm()
    with reading() as (s, _actor):
        form.cycle_id.choices = page_queries.cycle_choices(s)
    if not form.validate():
        return _page(department_id, upload_form=form, upload_errors=form_errors(form), status=422)
    file = form.file.data
    try:
        dossier.upload_for_department(get_ctx(), current_user.id, form.cycle_id.data, department_id, form.kind.data,
                                      file.filename if file else "", file.read() if file else b"")
    except DomainError as exc:
        return _page(department_id, upload_form=form, upload_errors=messages(exc), status=exc.status)
    flash(_("Đã tải lên tài liệu của Phòng."), "success")
    return redirect(url_for(".index", department_id=department_id, cycle_id=form.cycle_id.data))
