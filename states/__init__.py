"""Which moves are legal: the state machine and the permission rules, as data."""
from .machine import (
    ACTION_TITLES, CHAIN, FINAL_STATES, FORWARD_ACTION, REASON_REQUIRED, STATE_TITLES,
    TRANSITIONS, Action, IllegalMove, State, actions_from, fire, previous_in_chain, to_mermaid,
)
from .permissions import ROLE_TITLES, Actor, Role, Subject, acts_for_the_head, may, may_nominate

__all__ = [
    "ACTION_TITLES", "CHAIN", "FINAL_STATES", "FORWARD_ACTION", "REASON_REQUIRED", "STATE_TITLES",
    "TRANSITIONS", "Action", "IllegalMove", "State", "actions_from", "fire", "previous_in_chain",
    "to_mermaid", "ROLE_TITLES", "Actor", "Role", "Subject", "acts_for_the_head", "may", "may_nominate",
]
