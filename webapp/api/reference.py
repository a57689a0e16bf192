"""Who am I, and the reference lists: departments, people, cycles."""
from __future__ import annotations

from flask import g, jsonify, request

from workflow import access_log, queries
from workflow.actors import load_actor

from ..context import get_ctx
from . import bp, token_required
from .inputs import query_int


@bp.get("/me")
@token_required
def me():
    with get_ctx().db.reading() as s:
        user, actor = load_actor(s, g.user_id)
        return jsonify(queries.user_dict(user, actor))


@bp.get("/departments")
@token_required
def departments():
    with get_ctx().db.reading() as s:
        return jsonify({"items": queries.list_departments(s)})


@bp.get("/people")
@token_required
def people():
    with get_ctx().db.reading() as s:
        items = queries.search_people(s, (request.args.get("q") or "")[:200] or None,
                                      department_id=query_int("department_id"), actor=load_actor(s, g.user_id)[1])
    access_log.record_reads(get_ctx(), g.user_id, queries.people_with_personal_data(items), "profile",
                            f"{request.method} {request.path}")
    return jsonify({"items": items})


@bp.get("/cycles")
@token_required
def cycles():
    with get_ctx().db.reading() as s:
        return jsonify({"items": queries.list_cycles(s)})
