"""Who may take which action: small pure predicates over plain facts.

`workflow/` builds an `Actor` from the logged-in user and a `Subject` from the
nomination, then asks here. Nothing here touches the database.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .machine import FORWARD_ACTION, Action, State


class Role(StrEnum):
    STAFF = "staff"
    DEPARTMENT_HEAD = "department_head"
    COUNCIL_SECRETARY = "council_secretary"
    COUNCIL_MEMBER = "council_member"
    AGENCY_HEAD = "agency_head"
    DEPUTY_HEAD = "deputy_head"
    ADMIN = "admin"

    @property
    def title(self) -> str:
        return ROLE_TITLES[self]


ROLE_TITLES = {
    Role.STAFF: "Cán bộ, công chức",
    Role.DEPARTMENT_HEAD: "Trưởng phòng",
    Role.COUNCIL_SECRETARY: "Thư ký Hội đồng TĐKT",
    Role.COUNCIL_MEMBER: "Thành viên Hội đồng TĐKT",
    Role.AGENCY_HEAD: "Thủ trưởng cơ quan",
    Role.DEPUTY_HEAD: "Phó Thủ trưởng",
    Role.ADMIN: "Quản trị hệ thống",
}


@dataclass(frozen=True)
class Actor:
    user_id: int
    roles: frozenset[str]
    person_id: int | None = None
    department_id: int | None = None
    headed_department_ids: frozenset[int] = field(default_factory=frozenset)
    # of those, the departments this user stands in for the head of today (phụ trách, workflow/stand_ins.py)
    acting_department_ids: frozenset[int] = field(default_factory=frozenset)
    # the agency head is away today and named this deputy: the head's work waits on them too
    stands_for_head: bool = False

    def has(self, role: Role) -> bool:
        return str(role) in self.roles


@dataclass(frozen=True)
class Subject:
    """The facts about one nomination that permissions depend on."""

    state: State
    department_id: int
    person_id: int | None = None
    held_from: State | None = None


def is_head_of_nominee_department(actor: Actor, subject: Subject) -> bool:
    return actor.has(Role.DEPARTMENT_HEAD) and subject.department_id in actor.headed_department_ids


def is_council_secretary(actor: Actor, subject: Subject | None = None) -> bool:
    return actor.has(Role.COUNCIL_SECRETARY)


def is_head_or_deputy(actor: Actor, subject: Subject | None = None) -> bool:
    return actor.has(Role.AGENCY_HEAD) or actor.has(Role.DEPUTY_HEAD)


def acts_for_the_head(actor: Actor) -> bool:
    """A deputy approving signs 'KT.' on the head's behalf; the audit records it."""
    return actor.has(Role.DEPUTY_HEAD) and not actor.has(Role.AGENCY_HEAD)


def is_secretary_or_head(actor: Actor, subject: Subject | None = None) -> bool:
    return is_council_secretary(actor) or is_head_or_deputy(actor)


def may_take_forward_step(actor: Actor, subject: Subject) -> bool:
    forward = FORWARD_ACTION.get(subject.state)
    return forward is not None and ACTION_RULES[forward](actor, subject)


def may_withdraw(actor: Actor, subject: Subject) -> bool:
    return is_head_of_nominee_department(actor, subject)


ACTION_RULES = {
    Action.DEPARTMENT_REVIEW: is_head_of_nominee_department,
    Action.COUNCIL_REVIEW: is_council_secretary,
    Action.HEAD_APPROVE: is_head_or_deputy,
    Action.AWARD: is_council_secretary,
    Action.SEND_BACK: may_take_forward_step,
    Action.REJECT: may_take_forward_step,
    Action.WITHDRAW: may_withdraw,
    Action.HOLD: is_secretary_or_head,
    Action.RESUME: is_secretary_or_head,
}


def may(actor: Actor, action: Action | str, subject: Subject) -> bool:
    """Whether this actor's role lets them take `action` on this nomination."""
    return ACTION_RULES[Action(action)](actor, subject)


def is_the_nominee(actor: Actor, subject: Subject) -> bool:
    """Separation of duties: the person nominated takes no step on their own nomination."""
    return subject.person_id is not None and subject.person_id == actor.person_id


def may_nominate(actor: Actor, *, department_id: int, person_id: int | None) -> bool:
    """Department heads nominate their department and its staff; staff themselves; the secretary anyone."""
    if is_council_secretary(actor):
        return True
    if actor.has(Role.DEPARTMENT_HEAD) and department_id in actor.headed_department_ids:
        return True
    return person_id is not None and person_id == actor.person_id


# --- who may read which records (registers, people, council) --------------------------------
# One implementation for the pages, the API and the exports: workflow/visibility.py turns these
# into query filters.

AGENCY_WIDE_ROLES = (Role.COUNCIL_SECRETARY, Role.COUNCIL_MEMBER, Role.AGENCY_HEAD, Role.DEPUTY_HEAD, Role.ADMIN)
COUNCIL_ROLES = (Role.COUNCIL_SECRETARY, Role.COUNCIL_MEMBER)


def sees_every_record(actor: Actor) -> bool:
    """The council, the head, the deputy and the administrator read every register row and dossier."""
    return any(actor.has(r) for r in AGENCY_WIDE_ROLES)


def may_see_person_records(actor: Actor, *, person_id: int | None, department_id: int | None) -> bool:
    """A person's birth date, hometown, ratings and results: the person, their department head, the centre."""
    if sees_every_record(actor):
        return True
    if person_id is not None and person_id == actor.person_id:
        return True
    return department_id is not None and department_id in actor.headed_department_ids


def may_see_department_records(actor: Actor, department_id: int | None) -> bool:
    return sees_every_record(actor) or (department_id is not None and department_id in actor.headed_department_ids)


def may_see_council_records(actor: Actor) -> bool:
    """Council meetings and votes: the council's own members and its secretary (as on the council pages)."""
    return any(actor.has(r) for r in COUNCIL_ROLES)
