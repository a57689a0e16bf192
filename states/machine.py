"""The nomination workflow: states, the transition table and the one shared machine.

This is the file to read to understand which moves are legal. It knows nothing of the
database or the web: permissions and business guards live in `states.permissions` and
`workflow/`, and are checked before a trigger is fired here.
"""
from __future__ import annotations

import threading
from enum import StrEnum
from functools import cache

from transitions import Machine, MachineError


class State(StrEnum):
    REGISTERED = "registered"
    DEPARTMENT_REVIEWED = "department_reviewed"
    COUNCIL_REVIEWED = "council_reviewed"
    HEAD_APPROVED = "head_approved"
    AWARDED = "awarded"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    ON_HOLD = "on_hold"

    @property
    def title(self) -> str:
        return STATE_TITLES[self]


STATE_TITLES = {
    State.REGISTERED: "Đã đăng ký đề nghị",
    State.DEPARTMENT_REVIEWED: "Phòng đã xét",
    State.COUNCIL_REVIEWED: "Hội đồng đã xét",
    State.HEAD_APPROVED: "Thủ trưởng đã duyệt",
    State.AWARDED: "Đã khen thưởng",
    State.REJECTED: "Không được đề nghị",
    State.WITHDRAWN: "Đã rút",
    State.ON_HOLD: "Tạm dừng xét",
}

# The approval chain, in order. `send_back` moves one step left along it.
CHAIN = (
    State.REGISTERED,
    State.DEPARTMENT_REVIEWED,
    State.COUNCIL_REVIEWED,
    State.HEAD_APPROVED,
    State.AWARDED,
)
FINAL_STATES = frozenset({State.AWARDED, State.REJECTED, State.WITHDRAWN})
# A nomination may be held or rejected anywhere in the chain before the award.
OPEN_CHAIN = CHAIN[:-1]


class Action(StrEnum):
    DEPARTMENT_REVIEW = "department_review"
    COUNCIL_REVIEW = "council_review"
    HEAD_APPROVE = "head_approve"
    AWARD = "award"
    SEND_BACK = "send_back"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    HOLD = "hold"
    RESUME = "resume"

    @property
    def title(self) -> str:
        return ACTION_TITLES[self]


ACTION_TITLES = {
    Action.DEPARTMENT_REVIEW: "Phòng xét, đề nghị",
    Action.COUNCIL_REVIEW: "Hội đồng xét, đề nghị",
    Action.HEAD_APPROVE: "Thủ trưởng phê duyệt",
    Action.AWARD: "Ghi nhận quyết định khen thưởng",
    Action.SEND_BACK: "Trả lại để bổ sung",
    Action.REJECT: "Không đề nghị",
    Action.WITHDRAW: "Rút đề nghị",
    Action.HOLD: "Tạm dừng xét",
    Action.RESUME: "Tiếp tục xét",
}

# The forward step from each state of the chain: whoever may take it may also
# send back or reject from that state.
FORWARD_ACTION = {
    State.REGISTERED: Action.DEPARTMENT_REVIEW,
    State.DEPARTMENT_REVIEWED: Action.COUNCIL_REVIEW,
    State.COUNCIL_REVIEWED: Action.HEAD_APPROVE,
    State.HEAD_APPROVED: Action.AWARD,
}

# Actions that must carry a reason a person can read.
REASON_REQUIRED = frozenset({Action.SEND_BACK, Action.REJECT, Action.HOLD})


def _held_in(state: State):
    return lambda event: event.model.held_from == state


TRANSITIONS: list[dict] = [
    # the approval chain
    {"trigger": Action.DEPARTMENT_REVIEW, "source": State.REGISTERED, "dest": State.DEPARTMENT_REVIEWED},
    {"trigger": Action.COUNCIL_REVIEW, "source": State.DEPARTMENT_REVIEWED, "dest": State.COUNCIL_REVIEWED},
    {"trigger": Action.HEAD_APPROVE, "source": State.COUNCIL_REVIEWED, "dest": State.HEAD_APPROVED},
    {"trigger": Action.AWARD, "source": State.HEAD_APPROVED, "dest": State.AWARDED},
    # returned for revision: one step back, never lost
    {"trigger": Action.SEND_BACK, "source": State.DEPARTMENT_REVIEWED, "dest": State.REGISTERED},
    {"trigger": Action.SEND_BACK, "source": State.COUNCIL_REVIEWED, "dest": State.DEPARTMENT_REVIEWED},
    {"trigger": Action.SEND_BACK, "source": State.HEAD_APPROVED, "dest": State.COUNCIL_REVIEWED},
    # ends other than the award
    {"trigger": Action.REJECT, "source": list(OPEN_CHAIN), "dest": State.REJECTED},
    {"trigger": Action.WITHDRAW, "source": [State.REGISTERED, State.DEPARTMENT_REVIEWED], "dest": State.WITHDRAWN},
    # a pending discipline, inspection or complaint case: the law forbids awarding meanwhile
    {"trigger": Action.HOLD, "source": list(OPEN_CHAIN), "dest": State.ON_HOLD},
    *[
        {"trigger": Action.RESUME, "source": State.ON_HOLD, "dest": s, "conditions": [_held_in(s)]}
        for s in OPEN_CHAIN
    ],
]


class _Token:
    """What the machine moves: a state and, when on hold, the state it was held in."""

    def __init__(self, state: State, held_from: State | None):
        self.state = state
        self.held_from = held_from


def _plain(transition: dict) -> dict:
    # transitions names Enum states by member name: hand it the plain values instead
    def value(v):
        return [str(x) for x in v] if isinstance(v, list) else str(v)

    return {k: (value(v) if k in ("trigger", "source", "dest") else v) for k, v in transition.items()}


MACHINE = Machine(
    model=None,
    states=[s.value for s in State],
    transitions=[_plain(t) for t in TRANSITIONS],
    initial=State.REGISTERED.value,
    auto_transitions=False,
    send_event=True,
    model_attribute="state",
)
# add_model/remove_model mutate the machine's model list: keep firing serialised.
_FIRE_LOCK = threading.Lock()


class IllegalMove(Exception):
    """The action is not possible from the current state."""

    def __init__(self, action: str, state: str):
        super().__init__(f"{action} is not possible from {state}")
        self.action = action
        self.state = state


def fire(state: State | str, action: Action | str, held_from: State | str | None = None) -> State:
    """Return the state `action` leads to from `state`; raise IllegalMove if it cannot be taken."""
    after = _destination(State(state), str(action), State(held_from) if held_from else None)
    if after is None:
        raise IllegalMove(str(action), str(state))
    return after


@cache
def _destination(state: State, action: str, held_from: State | None) -> State | None:
    """Where the machine takes a token from `state` by `action` (None: it cannot). The answer depends on
    these three alone, so each distinct move runs the machine once per process; every step and every
    page that lists the possible actions asked it again, at a few hundred function calls each."""
    token = _Token(state, held_from)
    with _FIRE_LOCK:
        MACHINE.add_model(token, initial=str(token.state))
        try:
            moved = token.trigger(action)
        except (MachineError, AttributeError):
            moved = False
        finally:
            MACHINE.remove_model(token)
    return State(token.state) if moved else None


def actions_from(state: State | str, held_from: State | str | None = None) -> list[Action]:
    """The actions the table allows from `state`, whoever the user is."""
    possible = []
    for action in Action:
        try:
            fire(state, action, held_from)
        except IllegalMove:
            continue
        possible.append(action)
    return possible


def previous_in_chain(state: State) -> State | None:
    i = CHAIN.index(state)
    return CHAIN[i - 1] if i > 0 else None


def to_mermaid(current: State | str | None = None) -> str:
    """The diagram of the table above, in Mermaid syntax, with `current` highlighted."""
    lines = ["stateDiagram-v2", f"    [*] --> {State.REGISTERED}"]
    seen = set()
    for t in TRANSITIONS:
        sources = t["source"] if isinstance(t["source"], list) else [t["source"]]
        for src in sources:
            key = (str(src), str(t["dest"]), str(t["trigger"]))
            if key in seen:
                continue
            seen.add(key)
            lines.append(f"    {src} --> {t['dest']}: {Action(t['trigger']).title}")
    for s in State:
        lines.append(f"    {s}: {s.title}")
    for s in FINAL_STATES:
        lines.append(f"    {s} --> [*]")
    if current:
        lines.append("    classDef current fill:#ffe08a,stroke:#b7791f,stroke-width:2px")
        lines.append(f"    class {State(current)} current")
    return "\n".join(lines)
