"""The register of decisions and certificates: register a decision with the proposed number, see what
each decision awards and who signed it in which capacity, download the register book."""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workflow import decision_queries, decisions, verification
from workflow.errors import DomainError
from workflow.models import CAPACITIES, REGISTER_TYPES

from ..auth import roles_required
from ..context import get_ctx
from ..forms import DecisionForm, RevokeDecisionForm
from .common import form_errors, int_arg, messages, reading

bp = Blueprint("decisions", __name__, url_prefix="/decisions")
READERS = ("council_secretary", "council_member", "agency_head", "deputy_head", "admin")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _offer_signers(form, signers: list[dict]) -> None:
    form.signer_user_id.choices = [("", "— " + _("chọn người ký") + " —")] + [
        (u["id"], f"{u['name']} ({CAPACITIES[u['capacity']]})") for u in signers]


def _index(*, form=None, errors=None, status=200):
    ctx = get_ctx()
    today = ctx.clock.today()
    doc_type = request.args.get("type", "decision")
    if doc_type not in REGISTER_TYPES:
        abort(404)
    with reading() as (s, _actor):
        year = int_arg("year") or today.year
        register = decision_queries.register_view(s, doc_type, year, today)
        decided = decision_queries.list_decisions(s, year=year)
        years = decision_queries.register_years(s, today)
        signers = decision_queries.signers(s)
        proposed = decisions.proposed_number(s, "decision", today)["number"]
    if form is None:
        form = DecisionForm(formdata=None, signed_on=today, number=proposed)
    _offer_signers(form, signers)
    return render_template("decisions/index.html", register=register, decisions=decided, years=years,
                           types=REGISTER_TYPES, form=form, errors=errors or []), status


@bp.get("")
@roles_required(*READERS)
def index():
    return _index()


@bp.post("")
@roles_required("council_secretary")
def create():
    form = DecisionForm()
    if not form.validate():
        return _index(form=form, errors=form_errors(form), status=422)
    try:
        decision_id = decisions.create_decision(get_ctx(), current_user.id, signed_on=form.signed_on.data,
                                                signer_user_id=form.signer_user_id.data,
                                                number=form.number.data or None, summary=form.summary.data or "")
    except DomainError as exc:
        return _index(form=form, errors=messages(exc), status=exc.status)
    flash(_("Đã vào sổ quyết định. Chọn quyết định này ở bước “Khen thưởng” của từng hồ sơ."), "success")
    return redirect(url_for(".detail", decision_id=decision_id))


def _detail(decision_id: int, *, form=None, errors=None, status=200):
    today = get_ctx().clock.today()
    with reading() as (s, _actor):
        try:
            decision = decision_queries.decision_dict(s, decisions.load_decision(s, decision_id))
        except DomainError:
            abort(404)
        signers = decision_queries.signers(s)
        proposed = decisions.proposed_number(s, "decision", today)["number"]
    if form is None:
        form = RevokeDecisionForm(formdata=None, signed_on=today, number=proposed)
    _offer_signers(form, signers)
    return render_template("decisions/detail.html", d=decision, form=form, errors=errors or []), status


@bp.get("/<int:decision_id>")
@roles_required(*READERS)
def detail(decision_id: int):
    return _detail(decision_id)


@bp.post("/<int:decision_id>/revoke")
@roles_required("council_secretary")
def revoke(decision_id: int):
    form = RevokeDecisionForm()
    if not form.validate():
        return _detail(decision_id, form=form, errors=form_errors(form), status=422)
    try:
        new_id = verification.revoke_decision(get_ctx(), current_user.id, decision_id, signed_on=form.signed_on.data,
                                              signer_user_id=form.signer_user_id.data, reason=form.reason.data,
                                              number=form.number.data or None)
    except DomainError as exc:
        if exc.status == 404:
            abort(404)
        return _detail(decision_id, form=form, errors=messages(exc), status=exc.status)
    flash(_("Đã vào sổ quyết định thu hồi. Trang xác minh công khai nay trả lời “Đã bị thu hồi”."), "success")
    return redirect(url_for(".detail", decision_id=new_id))


@bp.get("/register/<doc_type>/<int:year>.xlsx")
@roles_required(*READERS)
def book(doc_type: str, year: int):
    if doc_type not in REGISTER_TYPES:
        abort(404)
    with reading() as (s, _actor):
        content = decision_queries.register_book(s, doc_type, year)
    return send_file(io.BytesIO(content), mimetype=XLSX, as_attachment=True,
                     download_name=f"so-dang-ky-{doc_type}-{year}.xlsx")
