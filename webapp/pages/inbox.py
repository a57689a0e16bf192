"""“Việc cần xử lý”: what waits for this user's own step, counted per step and cycle."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from workflow import ballots, inbox

from ..context import get_ctx
from .common import reading

bp = Blueprint("inbox", __name__)


@bp.get("/")
@login_required
def index():
    with reading() as (s, actor):
        box = inbox.inbox_groups(s, actor)
        registrations = inbox.awaiting_registrations_count(s) if current_user.has("council_secretary") else 0
        votings = ballots.open_votings_for(s, current_user.id, get_ctx().settings.separation_of_duties)
        # a head of one department sees that department's list behind "xem tất cả"
        department_id = next(iter(actor.headed_department_ids)) if len(actor.headed_department_ids) == 1 else None
    return render_template("inbox/index.html", groups=box["groups"], total=box["total"], total_label=box["total_label"],
                           returned=box["returned"], returned_label=box["returned_label"],
                           hidden_groups=box["hidden_groups"], registrations=registrations, votings=votings,
                           department_id=department_id, first=inbox.FIRST_ITEMS)
