"""The transition table and the permission rules, without any database."""
import pytest

from states import (
    CHAIN,
    FINAL_STATES,
    Action,
    Actor,
    IllegalMove,
    Role,
    State,
    Subject,
    actions_from,
    fire,
    may,
    may_nominate,
    to_mermaid,
)

EXPECTED = {
    State.REGISTERED: {Action.DEPARTMENT_REVIEW, Action.REJECT, Action.WITHDRAW, Action.HOLD},
    State.DEPARTMENT_REVIEWED: {Action.COUNCIL_REVIEW, Action.SEND_BACK, Action.REJECT, Action.WITHDRAW, Action.HOLD},
    State.COUNCIL_REVIEWED: {Action.HEAD_APPROVE, Action.SEND_BACK, Action.REJECT, Action.HOLD},
    State.HEAD_APPROVED: {Action.AWARD, Action.SEND_BACK, Action.REJECT, Action.HOLD},
    State.AWARDED: set(),
    State.REJECTED: set(),
    State.WITHDRAWN: set(),
}


@pytest.mark.parametrize("state", list(EXPECTED))
def test_each_state_allows_exactly_the_expected_actions(state):
    assert set(actions_from(state)) == EXPECTED[state]


def test_the_chain_moves_forward_one_step_at_a_time():
    forward = [Action.DEPARTMENT_REVIEW, Action.COUNCIL_REVIEW, Action.HEAD_APPROVE, Action.AWARD]
    state = State.REGISTERED
    for action, expected in zip(forward, CHAIN[1:]):
        state = fire(state, action)
        assert state == expected


@pytest.mark.parametrize("state", CHAIN[1:-1])
def test_send_back_returns_to_the_previous_step(state):
    assert fire(state, Action.SEND_BACK) == CHAIN[CHAIN.index(state) - 1]


@pytest.mark.parametrize("held_in", CHAIN[:-1])
def test_a_held_nomination_accepts_only_resume_and_returns_where_it_was(held_in):
    assert actions_from(State.ON_HOLD, held_in) == [Action.RESUME]
    assert fire(State.ON_HOLD, Action.RESUME, held_in) == held_in


@pytest.mark.parametrize("state", sorted(FINAL_STATES))
def test_final_states_accept_nothing(state):
    for action in Action:
        with pytest.raises(IllegalMove):
            fire(state, action)


def test_skipping_a_step_is_illegal():
    with pytest.raises(IllegalMove):
        fire(State.REGISTERED, Action.COUNCIL_REVIEW)
    with pytest.raises(IllegalMove):
        fire(State.DEPARTMENT_REVIEWED, Action.AWARD)


def actor(*roles, headed=(), person_id=None):
    return Actor(user_id=1, roles=frozenset(roles), person_id=person_id, headed_department_ids=frozenset(headed))


SUBJECT = {s: Subject(state=s, department_id=7, person_id=70) for s in State}


@pytest.mark.parametrize("who, allowed", [
    (actor(Role.DEPARTMENT_HEAD, headed=[7]), True),
    (actor(Role.DEPARTMENT_HEAD, headed=[8]), False),
    (actor(Role.COUNCIL_SECRETARY), False),
    (actor(Role.AGENCY_HEAD), False),
    (actor(Role.STAFF, person_id=70), False),
])
def test_only_the_head_of_the_nominees_department_reviews_it(who, allowed):
    assert may(who, Action.DEPARTMENT_REVIEW, SUBJECT[State.REGISTERED]) is allowed


def test_send_back_and_reject_belong_to_whoever_takes_the_forward_step():
    secretary, head = actor(Role.COUNCIL_SECRETARY), actor(Role.AGENCY_HEAD)
    dept_head = actor(Role.DEPARTMENT_HEAD, headed=[7])
    assert may(secretary, Action.SEND_BACK, SUBJECT[State.DEPARTMENT_REVIEWED])
    assert not may(head, Action.SEND_BACK, SUBJECT[State.DEPARTMENT_REVIEWED])
    assert may(head, Action.SEND_BACK, SUBJECT[State.COUNCIL_REVIEWED])
    assert may(secretary, Action.SEND_BACK, SUBJECT[State.HEAD_APPROVED])
    assert may(dept_head, Action.REJECT, SUBJECT[State.REGISTERED])
    assert not may(dept_head, Action.REJECT, SUBJECT[State.DEPARTMENT_REVIEWED])


def test_deputies_approve_and_hold_but_council_members_do_not():
    deputy, member = actor(Role.DEPUTY_HEAD), actor(Role.COUNCIL_MEMBER)
    assert may(deputy, Action.HEAD_APPROVE, SUBJECT[State.COUNCIL_REVIEWED])
    assert may(deputy, Action.HOLD, SUBJECT[State.COUNCIL_REVIEWED])
    assert not any(may(member, a, SUBJECT[s]) for a in Action for s in State)


def test_who_may_nominate_whom():
    assert may_nominate(actor(Role.COUNCIL_SECRETARY), department_id=7, person_id=70)
    assert may_nominate(actor(Role.DEPARTMENT_HEAD, headed=[7]), department_id=7, person_id=71)
    assert not may_nominate(actor(Role.DEPARTMENT_HEAD, headed=[8]), department_id=7, person_id=71)
    assert may_nominate(actor(Role.STAFF, person_id=70), department_id=7, person_id=70)
    assert not may_nominate(actor(Role.STAFF, person_id=70), department_id=7, person_id=71)
    assert not may_nominate(actor(Role.STAFF, person_id=70), department_id=7, person_id=None)


def test_the_diagram_is_drawn_from_the_same_table():
    diagram = to_mermaid(State.COUNCIL_REVIEWED)
    assert "registered --> department_reviewed" in diagram
    assert "on_hold --> head_approved" in diagram
    assert "class council_reviewed current" in diagram
