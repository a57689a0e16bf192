"""Administration: campaigns and cycle calendars; departments, people, users and roles."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workflow import administration, directory, page_queries, queries, tokens, units
from workflow.errors import DomainError
from workflow.models import Department, Person

from ..auth import roles_required
from ..context import get_ctx
from ..forms import (
    ActiveForm,
    CampaignForm,
    CycleForm,
    DepartmentForm,
    DepartmentHeadForm,
    PasswordForm,
    PersonForm,
    RolesForm,
    UnitVersionForm,
    UserForm,
)
from .common import form_errors, int_arg, messages, paginate, reading

bp = Blueprint("admin", __name__, url_prefix="/admin")
admin_only = roles_required("admin")


@bp.get("")
@admin_only
def index():
    return redirect(url_for(".campaigns"))


# --- campaigns and cycles ---------------------------------------------------------------

def _campaigns_page(form=None, errors=None, status=200):
    with reading() as (s, _actor):
        rows = page_queries.campaigns(s)
    return render_template("admin/campaigns.html", rows=rows, form=form or CampaignForm(formdata=None),
                           errors=errors or []), status


@bp.get("/campaigns")
@admin_only
def campaigns():
    return _campaigns_page()


@bp.post("/campaigns")
@admin_only
def create_campaign():
    form = CampaignForm()
    if not form.validate():
        return _campaigns_page(form, form_errors(form), 422)
    try:
        administration.create_campaign(get_ctx(), current_user.id, code=form.code.data, name=form.name.data,
                                       start_year=form.start_year.data, end_year=form.end_year.data,
                                       plan_reference=form.plan_reference.data or "")
    except DomainError as exc:
        return _campaigns_page(form, messages(exc), exc.status)
    flash(_("Đã tạo phong trào và các kỳ xét với lịch mặc định; kiểm tra lại lịch từng kỳ."), "success")
    return redirect(url_for(".campaigns"))


@bp.route("/cycles/<int:cycle_id>", methods=["GET", "POST"])
@admin_only
def cycle(cycle_id: int):
    with reading() as (s, _actor):
        info = page_queries.cycle_info(s, cycle_id)
    if info is None:
        abort(404)
    form = CycleForm() if request.method == "POST" else CycleForm(formdata=None, **{
        k: date.fromisoformat(info[k]) if info[k] else None
        for k in ("registration_deadline", "dossier_deadline", "council_meeting_on", "ceremony_on")})
    errors = []
    if request.method == "POST":
        if form.validate():
            try:
                administration.update_cycle_calendar(
                    get_ctx(), current_user.id, cycle_id, registration_deadline=form.registration_deadline.data,
                    dossier_deadline=form.dossier_deadline.data, council_meeting_on=form.council_meeting_on.data,
                    ceremony_on=form.ceremony_on.data)
            except DomainError as exc:
                errors = messages(exc)
            else:
                flash(_("Đã lưu lịch của kỳ xét."), "success")
                return redirect(url_for(".campaigns"))
        else:
            errors = form_errors(form)
    return render_template("admin/cycle.html", cycle=info, form=form, errors=errors), 422 if errors else 200


# --- departments -----------------------------------------------------------------------------

def _departments_page(form=None, errors=None, status=200, editing_id=None, version_form=None):
    with reading() as (s, _actor):
        rows = queries.list_departments(s)
        people = {d["id"]: page_queries.person_choices(s, d["id"]) for d in rows}
        versions = units.list_versions(s)
        wanted = editing_id or int_arg("edit")
        functions = (s.get(Department, wanted).functions if wanted and s.get(Department, wanted) else "")
    version_form = version_form or UnitVersionForm(formdata=None)
    version_form.department_id.choices = [(d["id"], d["name"]) for d in rows]
    head_forms = {}
    for d in rows:
        f = DepartmentHeadForm(formdata=None, department_id=d["id"], person_id=d["head"]["id"] if d["head"] else None)
        f.person_id.choices = [("", "— " + _("chưa có") + " —")] + people[d["id"]]
        head_forms[d["id"]] = f
    editing = next((d for d in rows if d["id"] == (editing_id or int_arg("edit"))), None)
    if form is None:
        form = DepartmentForm(formdata=None, **({"code": editing["code"], "name": editing["name"],
                                                 "functions": functions} if editing else {}))
    return render_template("admin/departments.html", rows=rows, form=form, editing=editing,
                           active_form=ActiveForm(formdata=None), head_forms=head_forms, errors=errors or [],
                           versions=versions, version_form=version_form), status


@bp.get("/departments")
@admin_only
def departments():
    return _departments_page()


@bp.post("/departments")
@admin_only
def create_department():
    form = DepartmentForm()
    if not form.validate():
        return _departments_page(form, form_errors(form), 422)
    try:
        administration.create_department(get_ctx(), current_user.id, code=form.code.data, name=form.name.data,
                                         functions=form.functions.data or "")
    except DomainError as exc:
        return _departments_page(form, messages(exc), exc.status)
    flash(_("Đã thêm phòng."), "success")
    return redirect(url_for(".departments"))


@bp.post("/departments/version")
@admin_only
def add_unit_version():
    form = UnitVersionForm()
    form.department_id.validate_choice = False  # the use case checks the department
    if not form.validate():
        return _departments_page(None, form_errors(form), 422, version_form=form)
    try:
        units.add_version(get_ctx(), current_user.id, form.department_id.data, valid_from=form.valid_from.data,
                          name=form.name.data, kind=form.kind.data, head_title=form.head_title.data or "",
                          dissolved=form.dissolved.data)
    except DomainError as exc:
        return _departments_page(None, messages(exc), exc.status, version_form=form)
    flash(_("Đã thêm phiên bản của đơn vị; các văn bản từ ngày đó dùng tên và chức danh mới."), "success")
    return redirect(url_for(".departments"))


@bp.post("/departments/<int:department_id>")
@admin_only
def update_department(department_id: int):
    form = DepartmentForm()
    if not form.validate():
        return _departments_page(form, form_errors(form), 422, editing_id=department_id)
    try:
        administration.update_department(get_ctx(), current_user.id, department_id, code=form.code.data,
                                         name=form.name.data, functions=form.functions.data or "")
    except DomainError as exc:
        return _departments_page(form, messages(exc), exc.status, editing_id=department_id)
    flash(_("Đã lưu thông tin phòng."), "success")
    return redirect(url_for(".departments"))


@bp.post("/departments/<int:department_id>/active")
@admin_only
def set_department_active(department_id: int):
    form = ActiveForm()
    active = form.active.data == "1"
    try:
        administration.set_department_active(get_ctx(), current_user.id, department_id, active,
                                             form.reason.data or "")
    except DomainError as exc:
        return _departments_page(errors=messages(exc), status=exc.status, editing_id=department_id)
    flash(_("Phòng đã hoạt động trở lại.") if active else _("Phòng đã ngừng hoạt động (lịch sử vẫn giữ)."), "success")
    return redirect(url_for(".departments"))


@bp.post("/departments/head")
@admin_only
def set_head():
    form = DepartmentHeadForm()
    form.person_id.validate_choice = False  # the use case checks the person
    if not form.validate() or not (form.department_id.data or "").isdigit():
        abort(400)
    try:
        administration.set_department_head(get_ctx(), current_user.id, int(form.department_id.data),
                                           form.person_id.data)
    except DomainError as exc:
        return _departments_page(None, messages(exc), exc.status)
    flash(_("Đã cập nhật trưởng phòng."), "success")
    return redirect(url_for(".departments"))


# --- people ------------------------------------------------------------------------------------

def _q() -> str | None:
    return (request.args.get("q") or "").strip()[:200] or None


def _people_page(form=None, errors=None, status=200, editing_id=None):
    q, show_all = _q(), request.args.get("all") == "1"
    editing_id = editing_id or int_arg("edit")
    with reading() as (s, _actor):
        page = paginate(queries.search_people(s, q, limit=100_000, active_only=not show_all))
        departments = page_queries.department_choices(s)
        editing = queries.person_dict(s.get(Person, editing_id)) if editing_id and s.get(Person, editing_id) else None
        if editing:
            row = s.get(Person, editing_id)
            editing.update(gender=row.gender, birth_date=row.birth_date)
    if form is None:
        form = PersonForm(formdata=None, **({k: editing[k] for k in ("full_name", "department_id", "position",
                                                                    "email", "gender", "birth_date")}
                                            if editing else {}))
    form.department_id.choices = [("", "—")] + departments
    return render_template("admin/people.html", rows=page["items"], page=page, form=form, errors=errors or [],
                           q=q, show_all=show_all, editing=editing, active_form=ActiveForm(formdata=None)), status


@bp.get("/people")
@admin_only
def people():
    return _people_page()


@bp.post("/people")
@admin_only
def create_person():
    form = PersonForm()
    with reading() as (s, _actor):
        form.department_id.choices = [("", "—")] + page_queries.department_choices(s)
    if not form.validate():
        return _people_page(form, form_errors(form), 422)
    try:
        administration.create_person(get_ctx(), current_user.id, full_name=form.full_name.data,
                                     department_id=form.department_id.data, position=form.position.data or None,
                                     email=form.email.data or None, gender=form.gender.data or None,
                                     birth_date=form.birth_date.data)
    except DomainError as exc:
        return _people_page(form, messages(exc), exc.status)
    flash(_("Đã thêm cán bộ."), "success")
    return redirect(url_for(".people"))


@bp.post("/people/<int:person_id>")
@admin_only
def update_person(person_id: int):
    form = PersonForm()
    with reading() as (s, _actor):
        form.department_id.choices = [("", "—")] + page_queries.department_choices(s)
    if not form.validate():
        return _people_page(form, form_errors(form), 422, editing_id=person_id)
    try:
        administration.update_person(get_ctx(), current_user.id, person_id, full_name=form.full_name.data,
                                     department_id=form.department_id.data, position=form.position.data or None,
                                     email=form.email.data or None, gender=form.gender.data or None,
                                     birth_date=form.birth_date.data)
    except DomainError as exc:
        return _people_page(form, messages(exc), exc.status, editing_id=person_id)
    flash(_("Đã lưu thông tin cán bộ."), "success")
    return redirect(url_for(".people", edit=person_id))


@bp.post("/people/<int:person_id>/active")
@admin_only
def set_person_active(person_id: int):
    form = ActiveForm()
    active = form.active.data == "1"
    try:
        administration.set_person_active(get_ctx(), current_user.id, person_id, active, form.reason.data or "")
    except DomainError as exc:
        return _people_page(errors=messages(exc), status=exc.status, editing_id=person_id)
    flash(_("Cán bộ đã hoạt động trở lại.") if active else _("Cán bộ đã ngừng hoạt động (hồ sơ cũ vẫn giữ)."),
          "success")
    return redirect(url_for(".people", edit=person_id, all=None if active else "1"))


# --- users and roles ---------------------------------------------------------------------------

def _users_page(form=None, errors=None, failed_id=None, status=200):
    q = _q()
    with reading() as (s, _actor):
        page = paginate(page_queries.users(s, q), per_page=25)
        people = page_queries.people_without_account(s)
    rows = page["items"]
    form = form or UserForm(formdata=None)
    form.person_id.choices = [("", "— " + _("không gắn cán bộ") + " —")] + people
    role_forms = {u["id"]: RolesForm(formdata=None, roles=u["roles"]) for u in rows}
    return render_template("admin/users.html", rows=rows, page=page, q=q, form=form, role_forms=role_forms,
                           active_form=ActiveForm(formdata=None),
                           password_form=PasswordForm(formdata=None), errors=errors or [], failed_id=failed_id), status


@bp.get("/users")
@admin_only
def users():
    return _users_page()


@bp.post("/users")
@admin_only
def create_user():
    form = UserForm()
    with reading() as (s, _actor):
        form.person_id.choices = [("", "—")] + page_queries.people_without_account(s)
    if not form.validate():
        return _users_page(form, form_errors(form), status=422)
    try:
        administration.create_user(get_ctx(), current_user.id, username=form.username.data,
                                   password=form.password.data, roles=form.roles.data or [],
                                   person_id=form.person_id.data, email=form.email.data or None)
    except DomainError as exc:
        return _users_page(form, messages(exc), status=exc.status)
    flash(_("Đã tạo tài khoản %(u)s.", u=form.username.data), "success")
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/roles")
@admin_only
def set_roles(user_id: int):
    form = RolesForm()
    if not form.validate():
        return _users_page(errors=form_errors(form), failed_id=user_id, status=422)
    try:
        administration.set_roles(get_ctx(), current_user.id, user_id, form.roles.data or [])
    except DomainError as exc:
        return _users_page(errors=messages(exc), failed_id=user_id, status=exc.status)
    flash(_("Đã cập nhật vai trò."), "success")
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/password")
@admin_only
def set_password(user_id: int):
    form = PasswordForm()
    if not form.validate():
        return _users_page(errors=form_errors(form), failed_id=user_id, status=422)
    try:
        administration.set_password(get_ctx(), current_user.id, user_id, form.password.data)
    except DomainError as exc:
        return _users_page(errors=messages(exc), failed_id=user_id, status=exc.status)
    if user_id == current_user.id:  # a new password ends the other sessions, not this one
        session["epoch"] = directory.session_epoch(get_ctx(), user_id)
    flash(_("Đã đặt lại mật khẩu."), "success")
    return redirect(url_for(".users"))


# --- API tokens ----------------------------------------------------------------------------

@bp.get("/tokens")
@admin_only
def api_tokens():
    rows = tokens.list_tokens(get_ctx(), current_user.id)
    return render_template("admin/tokens.html", rows=rows)


@bp.post("/tokens/<int:token_id>/revoke")
@admin_only
def revoke_api_token(token_id: int):
    try:
        tokens.revoke_token(get_ctx(), current_user.id, token_id)
    except DomainError as exc:
        flash(" ".join(messages(exc)), "danger")
        return redirect(url_for(".api_tokens"))
    flash(_("Đã thu hồi token."), "success")
    return redirect(url_for(".api_tokens"))
@bp.post("/users/<int:user_id>/active")
@admin_only
def set_user_active(user_id: int):
    form = ActiveForm()
    active = form.active.data == "1"
    try:
        administration.set_user_active(get_ctx(), current_user.id, user_id, active, form.reason.data or "")
    except DomainError as exc:
        return _users_page(errors=messages(exc), failed_id=user_id, status=exc.status)
    flash(_("Đã mở khóa tài khoản.") if active else _("Đã khóa tài khoản: phiên đăng nhập của người này kết thúc."),
          "success")
    return redirect(url_for(".users", q=request.args.get("q")))
