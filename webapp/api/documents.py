"""Generated documents: one per call into its dossier, or a whole cycle as one .zip."""
from __future__ import annotations

from flask import g, jsonify, request, send_file

from workflow import documents, dossier_archive, queries
from workflow.actors import load_actor
from workflow.models import Document

from ..context import get_ctx
from . import bp, token_required
from .inputs import boolean, choice, json_body

NOMINATION_KINDS = ("achievement_report", "certificate", "award_decision")
DEPARTMENT_KINDS = ("department_list",)
MEETING_KINDS = ("council_minutes", "request_letter", "award_decision")
CYCLE_KINDS = ("cycle_list",)


def _generated(kinds: tuple[str, ...], **owner):
    body = json_body()
    doc_id = documents.generate(get_ctx(), g.user_id, choice(body, "kind", kinds), pdf=boolean(body, "pdf"),
                                **owner)
    with get_ctx().db.reading() as s:
        return jsonify(queries.document_dict(s.get(Document, doc_id))), 201


@bp.post("/nominations/<int:nomination_id>/documents/generate")
@token_required
def generate_for_nomination(nomination_id: int):
    return _generated(NOMINATION_KINDS, nomination_id=nomination_id)


@bp.post("/cycles/<int:cycle_id>/departments/<int:department_id>/documents/generate")
@token_required
def generate_for_department(cycle_id: int, department_id: int):
    return _generated(DEPARTMENT_KINDS, cycle_id=cycle_id, department_id=department_id)


@bp.post("/council-meetings/<int:meeting_id>/documents/generate")
@token_required
def generate_for_meeting(meeting_id: int):
    return _generated(MEETING_KINDS, meeting_id=meeting_id)


@bp.post("/cycles/<int:cycle_id>/documents/generate")
@token_required
def generate_for_cycle(cycle_id: int):
    return _generated(CYCLE_KINDS, cycle_id=cycle_id)


@bp.post("/cycles/<int:cycle_id>/documents/archive")
@token_required
def cycle_archive(cycle_id: int):
    """Every document of the cycle in one .zip (a few seconds per ten nominees)."""
    pdf = request.args.get("pdf") in ("1", "true")
    path = documents.build_cycle_archive(get_ctx(), g.user_id, cycle_id, pdf=pdf)
    return send_file(path, mimetype="application/zip", as_attachment=True, download_name=path.name)


@bp.post("/cycles/<int:cycle_id>/archive-jobs")
@token_required
def start_archive_job(cycle_id: int):
    """The cycle's real dossier (signed uploads, drafts apart, manifest), built in the background."""
    ctx = get_ctx()
    job_id = dossier_archive.start(ctx, g.user_id, cycle_id)
    return jsonify(_job(job_id)), 202


def _job(job_id: int) -> dict:
    with get_ctx().db.reading() as s:
        _user, actor = load_actor(s, g.user_id)
        return dossier_archive.job_dict(dossier_archive.load_job(s, actor, job_id))


@bp.get("/archive-jobs/<int:job_id>")
@token_required
def get_archive_job(job_id: int):
    return jsonify(_job(job_id))


@bp.get("/archive-jobs/<int:job_id>/download")
@token_required
def download_archive_job(job_id: int):
    ctx = get_ctx()
    with ctx.db.reading() as s:
        _user, actor = load_actor(s, g.user_id)
        path = dossier_archive.archive_path(ctx, dossier_archive.load_job(s, actor, job_id))
    return send_file(path, mimetype="application/zip", as_attachment=True, download_name=path.name)
