"""“Xác minh”: the public page (no login) where anyone checks a decision or certificate by its code."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from workflow import verification

from ..context import get_ctx

bp = Blueprint("verify", __name__)


@bp.get("/xac-minh")
@bp.get("/xac-minh/<code>")
def check(code: str | None = None):
    code = code or request.args.get("code", "").strip()
    if not code:
        return render_template("verify/check.html", verdict=None, code="")
    ctx = get_ctx()
    attempt = verification.allow_lookup(ctx, request.remote_addr or "?")
    if not attempt.allowed:
        page = render_template("verify/check.html", verdict=None, code=code[:40], throttled=attempt.retry_after)
        return page, 429, {"Retry-After": str(attempt.retry_after)}
    with ctx.db.reading() as s:
        verdict = verification.verify(s, code)
    response = render_template("verify/check.html", verdict=verdict, code=code[:40])
    return response, 200 if verdict.status != verification.UNKNOWN else 404, {"Cache-Control": "no-store"}
