"""The agency head's page: everything the council reviewed, to approve one by one or together."""
from __future__ import annotations

from flask import Blueprint, render_template

from states import State
from workflow import authorisations, page_queries

from ..auth import roles_required
from ..context import get_ctx
from .common import int_arg, reading

bp = Blueprint("head", __name__)


@bp.get("/approvals")
@roles_required("agency_head", "deputy_head")
def index():
    cycle_id = int_arg("cycle_id")
    with reading() as (s, actor):
        waiting = page_queries.in_state(s, actor, State.COUNCIL_REVIEWED, cycle_id)
        approved = page_queries.in_state(s, actor, State.HEAD_APPROVED, cycle_id)
        held = page_queries.in_state(s, actor, State.ON_HOLD, cycle_id)
        cycles = page_queries.cycle_choices(s)
        capacity = authorisations.capacity_today(s, get_ctx(), actor)
    return render_template("head/index.html", waiting=waiting, approved=approved, held=held, cycles=cycles,
                           cycle_id=cycle_id, capacity=capacity)
