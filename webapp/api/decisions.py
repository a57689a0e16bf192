"""Award decisions and the document register (sổ đăng ký văn bản)."""
from __future__ import annotations

import io

from flask import g, jsonify, request, send_file

from workflow import decision_queries, decisions, verification
from workflow.actors import load_actor
from workflow.errors import Invalid, Problem
from workflow.models import REGISTER_TYPES

from ..context import get_ctx
from . import bp, token_required
from .inputs import a_date, integer, json_body, query_int, query_year, text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _reader(s):
    _user, actor = load_actor(s, g.user_id)
    decision_queries.require_register_reader(actor)


def _doc_type(value: str) -> str:
    if value not in REGISTER_TYPES:
        raise Invalid(Problem("invalid_doc_type", "Loại văn bản phải là “decision” hoặc “certificate”."))
    return value


@bp.get("/decisions")
@token_required
def list_decisions():
    with get_ctx().db.reading() as s:
        _reader(s)
        return jsonify({"items": decision_queries.list_decisions(s, year=query_year(),
                                                                 cycle_id=query_int("cycle_id"))})


@bp.post("/decisions")
@token_required
def create_decision():
    b = json_body()
    decision_id = decisions.create_decision(
        get_ctx(), g.user_id, signed_on=a_date(b, "signed_on"), signer_user_id=integer(b, "signer_user_id"),
        number=text(b, "number", max_length=60), cycle_id=integer(b, "cycle_id", required=False),
        summary=text(b, "summary", max_length=2000) or "")
    return jsonify(_decision(decision_id)), 201


def _decision(decision_id: int) -> dict:
    with get_ctx().db.reading() as s:
        _reader(s)
        return decision_queries.decision_dict(s, decisions.load_decision(s, decision_id))


@bp.get("/decisions/<int:decision_id>")
@token_required
def get_decision(decision_id: int):
    return jsonify(_decision(decision_id))


@bp.post("/decisions/<int:decision_id>/revoke")
@token_required
def revoke_decision(decision_id: int):
    b = json_body()
    new_id = verification.revoke_decision(
        get_ctx(), g.user_id, decision_id, signed_on=a_date(b, "signed_on"),
        signer_user_id=integer(b, "signer_user_id"), reason=text(b, "reason", max_length=2000) or "",
        number=text(b, "number", max_length=60))
    return jsonify(_decision(new_id)), 201


def _register_args(today) -> tuple[str, int]:
    return _doc_type(request.args.get("doc_type", "decision")), query_year() or today.year


@bp.get("/register")
@token_required
def get_register():
    ctx = get_ctx()
    doc_type, year = _register_args(ctx.clock.today())
    with ctx.db.reading() as s:
        _reader(s)
        return jsonify(decision_queries.register_view(s, doc_type, year, ctx.clock.today()))


@bp.get("/register/book.xlsx")
@token_required
def register_book():
    ctx = get_ctx()
    doc_type, year = _register_args(ctx.clock.today())
    with ctx.db.reading() as s:
        _reader(s)
        content = decision_queries.register_book(s, doc_type, year)
    return send_file(io.BytesIO(content), mimetype=XLSX, as_attachment=True,
                     download_name=f"so-dang-ky-{doc_type}-{year}.xlsx")
