"""The council's vote in the app over the API: open, cast (or enter a paper ballot), close, read."""
from __future__ import annotations

from dataclasses import asdict

from flask import g, jsonify

from workflow import ballots
from workflow.errors import Forbidden, Invalid, Problem, not_found
from workflow.models import CHOICES

from ..context import get_ctx
from . import bp, token_required
from .inputs import integer, json_body


def _voting(meeting_id: int) -> dict:
    with get_ctx().db.reading() as s:
        view = ballots.voting_view(s, get_ctx(), meeting_id, g.user_id)
        if view is None:
            raise not_found("phiên biểu quyết của cuộc họp")
        if not ballots.may_see_voting(s, view, g.user_id):
            raise Forbidden("not_allowed", "Chỉ thành viên Hội đồng xem được phiên biểu quyết.")
        v = view["voting"]
        out = {"meeting_id": meeting_id, "secret": v.secret, "abstain_allowed": v.abstain_allowed,
               "open": v.is_open, "opened_at": v.opened_at.isoformat(),
               "closed_at": v.closed_at.isoformat() if v.closed_at else None,
               "items": [asdict(i) for i in view["items"]],
               "voted_member_ids": sorted(view["voted_members"])}
        if not v.secret and not v.is_open:
            out["ballots"] = [{"member_id": m, "nomination_id": n, "choice": c}
                              for (m, n), c in sorted(view["open_ballots"].items())]
        return out


@bp.get("/council-meetings/<int:meeting_id>/voting")
@token_required
def get_voting(meeting_id: int):
    return jsonify(_voting(meeting_id))


@bp.post("/council-meetings/<int:meeting_id>/voting")
@token_required
def open_voting(meeting_id: int):
    ballots.open_voting(get_ctx(), g.user_id, meeting_id)
    return jsonify(_voting(meeting_id)), 201


@bp.post("/council-meetings/<int:meeting_id>/voting/close")
@token_required
def close_voting(meeting_id: int):
    ballots.close_voting(get_ctx(), g.user_id, meeting_id)
    return jsonify(_voting(meeting_id))


@bp.post("/council-meetings/<int:meeting_id>/ballots")
@token_required
def cast(meeting_id: int):
    b = json_body()
    raw = b.get("choices")
    if not isinstance(raw, dict) or not all(str(k).isdigit() and v in CHOICES for k, v in raw.items()):
        raise Invalid(Problem("choices", "“choices” phải là {mã hồ sơ: \"for\" | \"against\" | \"abstain\"}."))
    ballots.cast_ballots(get_ctx(), g.user_id, meeting_id, {int(k): v for k, v in raw.items()},
                         paper_for_member_id=integer(b, "paper_for_member_id", required=False))
    return jsonify(_voting(meeting_id)), 201
