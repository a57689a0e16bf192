"""Who may act in another's name: the list (head, deputies, secretary, admins; a department head their
own), the head's form (KT. / TUQ., away) and the acting-head (phụ trách) form of a department head."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from workflow import authorisations
from workflow.errors import DomainError, Forbidden
from workflow.models import User
from workflow.page_queries import department_choices

from ..auth import roles_required
from ..forms import ActingHeadForm, AuthorisationForm
from .common import form_errors, messages, reading

bp = Blueprint("authorisations", __name__, url_prefix="/authorisations")
VIEWERS = (*authorisations.LISTS_ALL, "department_head")


def _forms(s, head_form=None, acting_form=None):
    head_form = head_form or AuthorisationForm(formdata=None, data={"actions": ["head_approve"]})
    head_form.delegate_id.choices = [(u.id, u.name) for u in s.scalars(select(User).where(User.active.is_(True))
                                                                         .order_by(User.id)) if "deputy_head" in u.roles]
    head_form.actions.choices = list(authorisations.ACTIONS.items())
    acting_form = acting_form or ActingHeadForm(formdata=None)
    # a department head names one for the departments they head; the agency head for any department
    own = None if current_user.has("agency_head") else (current_user.actor.headed_department_ids
                                                         - current_user.actor.acting_department_ids)
    acting_form.department_id.choices = department_choices(s, own)
    acting_form.delegate_id.choices = [(u.id, u.name) for u in s.scalars(
        select(User).where(User.active.is_(True), User.person_id.is_not(None)).order_by(User.id))]
    return head_form, acting_form


def _page(errors=None, status=200, head_form=None, acting_form=None):
    with reading() as (s, actor):
        try:
            rows = authorisations.listing(s, actor)
        except Forbidden:
            abort(403)
        head_form, acting_form = _forms(s, head_form, acting_form)
    return render_template("authorisations/index.html", rows=rows, head_form=head_form, acting_form=acting_form,
                           actions={**authorisations.ACTIONS, **authorisations.DEPARTMENT_ACTIONS},
                           errors=errors or []), status


@bp.get("")
@roles_required(*VIEWERS)
def index():
    return _page()


def _recorded(form, record, message: str, **forms):
    with reading() as (s, _actor):
        _forms(s, **forms)          # the choices the form validates against
    if not form.validate():
        return _page(errors=form_errors(form), status=422, **forms)
    try:
        record(form)
    except DomainError as exc:
        return _page(errors=messages(exc), status=exc.status, **forms)
    flash(message, "success")
    return redirect(url_for(".index"))


@bp.post("")
@roles_required("agency_head")
def record():
    form = AuthorisationForm()
    return _recorded(form, lambda f: authorisations.record_authorisation(
        _ctx(), current_user.id, delegate_id=f.delegate_id.data or 0, capacity=f.capacity.data,
        actions=f.actions.data or [], valid_from=f.valid_from.data, valid_to=f.valid_to.data,
        domain=f.domain.data or "", act_number=f.act_number.data, act_date=f.act_date.data, away=f.away.data),
        _("Đã ghi nhận ủy quyền."), head_form=form)


@bp.post("/acting-head")
@roles_required("department_head", "agency_head")
def record_acting_head():
    form = ActingHeadForm()
    return _recorded(form, lambda f: authorisations.record_acting_head(
        _ctx(), current_user.id, department_id=f.department_id.data or 0, delegate_id=f.delegate_id.data or 0,
        valid_from=f.valid_from.data, valid_to=f.valid_to.data), _("Đã giao phụ trách phòng."), acting_form=form)


@bp.post("/<int:authorisation_id>/revoke")
@roles_required(*VIEWERS)
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
