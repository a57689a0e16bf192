"""Buttons that draft a dossier document from its template, and the cycle's documents as one .zip."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workflow import documents
from workflow.errors import DomainError

from ..context import get_ctx
from ..forms import GenerateForm
from .common import messages

bp = Blueprint("documents", __name__)


def _back(form: GenerateForm) -> str:
    url = form.back.data or ""
    return url if url.startswith("/") and not url.startswith("//") else url_for("inbox.index")


@bp.post("/documents/generate")
@login_required
def generate():
    """Draft the document, file it in its dossier, and hand it to the browser to download."""
    form = GenerateForm()
    if not form.validate() or form.kind.data not in documents.KINDS:
        flash(_("Yêu cầu tạo tài liệu không hợp lệ; vui lòng tải lại trang."), "danger")
        return redirect(_back(form))
    try:
        doc_id = documents.generate(
            get_ctx(), current_user.id, form.kind.data, nomination_id=form.nomination_id.data,
            cycle_id=form.cycle_id.data, department_id=form.department_id.data, meeting_id=form.meeting_id.data,
            pdf=form.pdf.data == "1")
    except DomainError as exc:
        for message in messages(exc):
            flash(message, "danger")
        return redirect(_back(form))
    flash(_("Đã tạo tài liệu và lưu vào hồ sơ."), "success")
    return redirect(url_for("nominations.download", document_id=doc_id))


@bp.post("/cycles/<int:cycle_id>/documents/archive")
@login_required
def archive(cycle_id: int):
    """Every document of the cycle in one .zip (takes a little while for a large cycle)."""
    form = GenerateForm()
    if not form.validate():
        flash(_("Yêu cầu tạo tài liệu không hợp lệ; vui lòng tải lại trang."), "danger")
        return redirect(_back(form))
    try:
        path = documents.build_cycle_archive(get_ctx(), current_user.id, cycle_id, pdf=form.pdf.data == "1")
    except DomainError as exc:
        for message in messages(exc):
            flash(message, "danger")
        return redirect(_back(form))
    return send_file(path, mimetype="application/zip", as_attachment=True, download_name=path.name)
