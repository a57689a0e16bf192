"""“Việc cần xử lý”: what waits for this user, grouped by step and cycle."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from workflow import ballots, page_queries

from .common import reading

bp = Blueprint("inbox", __name__)


@bp.get("/")
@login_required
def index():
    with reading() as (s, actor):
        groups = page_queries.inbox_groups(s, actor)
        returned = page_queries.recently_returned(s, actor)
        registrations = page_queries.awaiting_registrations(s) if current_user.has("council_secretary") else []
        votings = ballots.open_votings_for(s, current_user.id)
    return render_template("inbox/index.html", groups=groups, returned=returned, registrations=registrations,
                           votings=votings,
                           total=sum(g["count"] for g in groups))
