"""API tokens: list yours (an admin everyone's), create one for yourself, revoke."""
from __future__ import annotations

from flask import g, jsonify

from workflow import tokens
from workflow.actors import load_actor

from ..context import get_ctx
from . import bp, token_required
from .inputs import a_date, choice, json_body, query_int, text


@bp.get("/tokens")
@token_required
def list_tokens():
    return jsonify({"items": tokens.list_tokens(get_ctx(), g.user_id, user_id=query_int("user_id"))})


@bp.post("/tokens")
@token_required
def create_token():
    """A new token for the caller; the value is in the answer once and never again."""
    ctx = get_ctx()
    b = json_body()
    day = a_date(b, "expires_on", required=False)
    with ctx.db.reading() as s:
        user, _ = load_actor(s, g.user_id)
        username = user.username
    value = tokens.create_token(ctx, username, text(b, "name", max_length=100) or "",
                                scope=choice(b, "scope", tuple(tokens.TOKEN_SCOPES), required=False) or "full",
                                expires_at=tokens.expiry_at_end_of(ctx, day) if day else None, actor_id=g.user_id)
    return jsonify({**tokens.describe(ctx, value), "token": value}), 201


@bp.delete("/tokens/<int:token_id>")
@token_required
def revoke_token(token_id: int):
    tokens.revoke_token(get_ctx(), g.user_id, token_id)
    return "", 204
