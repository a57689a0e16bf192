"""Separation of duties (on by default): nobody takes a step on a nomination of which they are the nominee."""
from __future__ import annotations

import pytest

from states import State
from workflow import council
from workflow.errors import Forbidden
from workflow.models import User


def _person_of(ctx, user_id: int) -> int:
    with ctx.db.reading() as s:
        return s.get(User, user_id).person_id


def test_a_department_head_cannot_review_his_own_nomination(ctx, make):
    a = make.agency()
    nid = make.nomination(a, person_id=_person_of(ctx, a.head))
    make.minutes(a, make.cycle())
    make.report(a, nid)
    with pytest.raises(Forbidden) as refused:
        make.act(a.head, nid, "department_review")
    assert refused.value.code == "own_nomination" and "tách bạch nhiệm vụ" in refused.value.message
    assert make.state(nid) == State.REGISTERED
    with pytest.raises(Forbidden):
        make.act(a.head, nid, "withdraw", comment="Tự rút")


def test_the_secretary_cannot_advance_her_own_nomination_but_a_colleague_can(ctx, make):
    a = make.agency()
    her = make.person(a.department_id, "Đinh Thị Thư")
    secretary = make.user(["council_secretary"], her)
    nid = make.nomination(a, person_id=her, state=State.DEPARTMENT_REVIEWED)
    meeting = make.meeting(a, make.cycle())
    council.record_vote(ctx, a.secretary, meeting, nomination_id=nid, votes_for=5, votes_against=0)
    with pytest.raises(Forbidden) as refused:
        make.act(secretary, nid, "council_review", meeting_id=meeting)
    assert refused.value.code == "own_nomination"
    make.act(a.secretary, nid, "council_review", meeting_id=meeting)
    assert make.state(nid) == State.COUNCIL_REVIEWED


def test_the_agency_may_switch_it_off(ctx, make):
    ctx.settings.raw.setdefault("workflow", {})["separation_of_duties"] = False
    a = make.agency()
    nid = make.nomination(a, person_id=_person_of(ctx, a.head))
    make.minutes(a, make.cycle())
    make.report(a, nid)
    make.act(a.head, nid, "department_review")
    assert make.state(nid) == State.DEPARTMENT_REVIEWED


def test_the_nominee_is_offered_no_step_on_their_own_nomination(ctx, make):
    from workflow import queries
    from workflow.actors import load_actor
    from workflow.models import Nomination
    a = make.agency()
    nid = make.nomination(a, person_id=_person_of(ctx, a.head))
    with ctx.db.reading() as s:
        _, actor = load_actor(s, a.head)
        assert queries.nomination_detail(s, ctx, actor, s.get(Nomination, nid))["allowed_actions"] == []
