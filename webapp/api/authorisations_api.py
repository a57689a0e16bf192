"""Authorisations over the API: list, record (the head), name an acting department head, revoke."""
from __future__ import annotations

from flask import g, jsonify

from workflow import authorisations
from workflow.actors import load_actor
from workflow.errors import Invalid, Problem
from workflow.models import SIGNING_CAPACITIES, Authorisation

from ..context import get_ctx
from . import bp, token_required
from .inputs import a_date, boolean, choice, integer, json_body, text


def _one(authorisation_id: int) -> dict:
    with get_ctx().db.reading() as s:
        return authorisations.as_dict(s.get(Authorisation, authorisation_id))


@bp.get("/authorisations")
@token_required
def list_authorisations():
    with get_ctx().db.reading() as s:
        _, actor = load_actor(s, g.user_id)
        return jsonify({"items": authorisations.listing(s, actor)})


@bp.post("/authorisations")
@token_required
def record_authorisation():
    b = json_body()
    actions = b.get("actions")
    if not isinstance(actions, list) or not all(isinstance(x, str) for x in actions):
        raise Invalid(Problem("actions", "“actions” phải là danh sách thao tác, ví dụ [\"head_approve\"]."))
    aid = authorisations.record_authorisation(
        get_ctx(), g.user_id, delegate_id=integer(b, "delegate_id"),
        capacity=choice(b, "capacity", tuple(SIGNING_CAPACITIES)), actions=actions,
        valid_from=a_date(b, "valid_from"), valid_to=a_date(b, "valid_to"),
        domain=text(b, "domain", max_length=authorisations.DOMAIN_MAX) or "",
        act_number=text(b, "act_number", max_length=50), act_date=a_date(b, "act_date", required=False),
        away=boolean(b, "away"))
    return jsonify(_one(aid)), 201


@bp.post("/authorisations/acting-heads")
@token_required
def record_acting_head():
    b = json_body()
    aid = authorisations.record_acting_head(get_ctx(), g.user_id, department_id=integer(b, "department_id"),
                                            delegate_id=integer(b, "delegate_id"), valid_from=a_date(b, "valid_from"),
                                            valid_to=a_date(b, "valid_to"))
    return jsonify(_one(aid)), 201


@bp.post("/authorisations/<int:authorisation_id>/revoke")
@token_required
def revoke_authorisation(authorisation_id: int):
    authorisations.revoke_authorisation(get_ctx(), g.user_id, authorisation_id,
                                        text(json_body(), "reason", max_length=1000) or "")
    return jsonify(_one(authorisation_id))
