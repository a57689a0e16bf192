"""Nominations: create, list, read, act, and their dossier files."""
from __future__ import annotations

from flask import g, jsonify, request, send_file

from workflow import access_log, dossier, dossier_files, nominations, queries
from workflow.actors import can_view, load_actor
from workflow.errors import Invalid, Problem, not_found
from workflow.models import AWARD_FORMS, Document, Nomination

from ..context import get_ctx
from . import bp, token_required
from .inputs import a_date, boolean, choice, integer, json_body, query_int, text


def _detail(nomination_id: int) -> dict:
    ctx = get_ctx()
    with ctx.db.reading() as s:
        _user, actor = load_actor(s, g.user_id)
        nom = s.get(Nomination, nomination_id)
        if nom is None or not can_view(actor, nom):
            raise not_found("đề nghị khen thưởng")
        return queries.nomination_detail(s, ctx, actor, nom)


@bp.post("/nominations")
@token_required
def create_nomination():
    body = json_body()
    nominee_type = choice(body, "nominee_type", ("individual", "collective"))
    nid = nominations.create_nomination(
        get_ctx(), g.user_id, cycle_id=integer(body, "cycle_id"), nominee_type=nominee_type,
        person_id=integer(body, "person_id", required=nominee_type == "individual"),
        department_id=integer(body, "department_id", required=nominee_type == "collective"),
        award_form=choice(body, "award_form", tuple(AWARD_FORMS)),
        summary=text(body, "summary") or "")
    return jsonify(_detail(nid)), 201


@bp.get("/nominations")
@token_required
def list_nominations():
    ctx = get_ctx()
    nominee_type = request.args.get("nominee_type") or None
    if nominee_type not in (None, "individual", "collective"):
        raise Invalid(Problem("invalid_nominee_type", "“nominee_type” phải là individual hoặc collective."))
    with ctx.db.reading() as s:
        _, actor = load_actor(s, g.user_id)
        page = queries.list_nominations(
            s, actor, state=request.args.get("state") or None, cycle_id=query_int("cycle_id"),
            department_id=query_int("department_id"), nominee_type=nominee_type,
            q=(request.args.get("q") or "")[:200] or None, cursor=request.args.get("cursor"),
            limit=query_int("limit") or queries.PAGE_SIZE)
    return jsonify(page)


@bp.get("/nominations/<int:nomination_id>")
@token_required
def get_nomination(nomination_id: int):
    detail = _detail(nomination_id)
    person = detail["nominee"]["person"]
    if person and (person["birth_date"] or person["hometown"]):
        access_log.record_reads(get_ctx(), g.user_id, [person["id"]], "profile", f"{request.method} {request.path}")
    return jsonify(detail)


@bp.post("/nominations/<int:nomination_id>/actions")
@token_required
def act_on_nomination(nomination_id: int):
    body = json_body()
    action = text(body, "action", required=True, max_length=40)
    data = nominations.ActionInput(
        version=integer(body, "version"), comment=text(body, "comment"),
        meeting_id=integer(body, "meeting_id", required=False),
        decision_number=text(body, "decision_number", max_length=50),
        decision_date=a_date(body, "decision_date", required=False),
        decision_id=integer(body, "decision_id", required=False),
        accept_mixed_capacity=boolean(body, "accept_mixed_capacity"))
    version = nominations.take_action(get_ctx(), g.user_id, nomination_id, action, data)
    if "return=minimal" in request.headers.get("Prefer", ""):
        # RFC 7240: a client that only needs the new version skips re-reading the whole detail
        return jsonify({"id": nomination_id, "version": version}), 200, {"Preference-Applied": "return=minimal"}
    return jsonify(_detail(nomination_id))


@bp.post("/nominations/actions")
@token_required
def act_on_many():
    """The same action on several nominations; one result per item (one failing undoes nothing else)."""
    body = json_body()
    action = text(body, "action", required=True, max_length=40)
    raw_items = body.get("items")
    if not isinstance(raw_items, list) or not raw_items or len(raw_items) > 500:
        raise Invalid(Problem("invalid_items", "“items” phải là danh sách 1–500 mục {nomination_id, version}."))
    items = []
    for item in raw_items:
        if not isinstance(item, dict):
            raise Invalid(Problem("invalid_items", "Mỗi mục phải là {nomination_id, version}."))
        items.append((integer(item, "nomination_id"), integer(item, "version", required=False)))
    data = nominations.ActionInput(
        comment=text(body, "comment"), meeting_id=integer(body, "meeting_id", required=False),
        decision_number=text(body, "decision_number", max_length=50),
        decision_date=a_date(body, "decision_date", required=False),
        decision_id=integer(body, "decision_id", required=False),
        accept_mixed_capacity=boolean(body, "accept_mixed_capacity"))
    results = nominations.take_action_on_many(get_ctx(), g.user_id, action, items, data)
    return jsonify({"results": [r.as_dict() for r in results],
                    "succeeded": sum(r.ok for r in results), "failed": sum(not r.ok for r in results)})


def _upload():
    kind = request.form.get("kind", "")
    upload = request.files.get("file")
    if upload is None:
        raise Invalid(Problem("file_required", "Cần gửi tệp trong trường “file” (multipart/form-data)."))
    return kind, upload.filename or "", upload.read()


def _document(document_id: int) -> dict:
    with get_ctx().db.reading() as s:
        return queries.document_dict(s.get(Document, document_id))


@bp.post("/nominations/<int:nomination_id>/documents")
@token_required
def upload_nomination_document(nomination_id: int):
    kind, name, content = _upload()
    doc_id = dossier.upload_for_nomination(get_ctx(), g.user_id, nomination_id, kind, name, content)
    return jsonify(_document(doc_id)), 201


@bp.post("/cycles/<int:cycle_id>/departments/<int:department_id>/documents")
@token_required
def upload_department_document(cycle_id: int, department_id: int):
    kind, name, content = _upload()
    doc_id = dossier.upload_for_department(get_ctx(), g.user_id, cycle_id, department_id, kind, name, content)
    return jsonify(_document(doc_id)), 201


@bp.post("/council-meetings/<int:meeting_id>/documents")
@token_required
def upload_meeting_document(meeting_id: int):
    kind, name, content = _upload()
    doc_id = dossier.upload_for_meeting(get_ctx(), g.user_id, meeting_id, kind, name, content)
    return jsonify(_document(doc_id)), 201


@bp.post("/documents/<int:document_id>/withdraw")
@token_required
def withdraw_document(document_id: int):
    body = json_body()
    dossier_files.withdraw_document(get_ctx(), g.user_id, document_id, text(body, "reason", required=True) or "")
    with get_ctx().db.reading() as s:
        return jsonify(dossier_files.file_dict(s.get(Document, document_id)))


@bp.get("/documents/<int:document_id>")
@token_required
def download_document(document_id: int):
    ctx = get_ctx()
    with ctx.db.reading() as s:
        _, actor = load_actor(s, g.user_id)
        doc = s.get(Document, document_id)
        if doc is None or not dossier.may_download(s, actor, doc):
            raise not_found("tài liệu")
        path = dossier.file_path(ctx.settings, doc)
        if not path.exists():
            raise not_found("tệp của tài liệu trên máy chủ")
        return send_file(path, mimetype=doc.content_type, as_attachment=True, download_name=doc.original_name)
