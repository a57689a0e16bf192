"""Who receives an email: users by role, a department's head, a nominee. Users without email are skipped."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload, lazyload

from workflow.models import Department, Person, User, UserRole
from workflow.stand_ins import StandIns
from workflow.text import person_sort_key


@dataclass(frozen=True)
class Recipient:
    user_id: int | None
    name: str
    address: str


def _recipient(user: User) -> Recipient | None:
    address = (user.contact_email or "").strip()
    if not user.active or not address:
        return None
    return Recipient(user.id, user.name, address)


# A recipient's name and address come from the user and their person; their roles are not needed.
_AS_RECIPIENT = (joinedload(User.person), lazyload(User.role_rows))


def _sorted(users) -> list[Recipient]:
    found = {r.user_id: r for r in (_recipient(u) for u in users) if r is not None}
    if len(found) < 2:  # a department's head, most often: no sort key to compute (the sweep has a thousand)
        return list(found.values())
    return sorted(found.values(), key=lambda r: (person_sort_key(r.name), r.user_id))


def users_with_roles(s: Session, *roles: str) -> list[Recipient]:
    """Active users holding any of `roles`, with an email address."""
    users = s.scalars(select(User).join(UserRole).where(UserRole.role.in_(roles), User.active)
                      .options(*_AS_RECIPIENT)).unique()
    return _sorted(users)


def _users(s: Session, user_ids) -> list[User]:
    return (list(s.scalars(select(User).where(User.id.in_(sorted(user_ids)), User.active).options(*_AS_RECIPIENT)))
            if user_ids else [])


_HEADS = select(User).where(User.person_id == bindparam("person_id"), User.active).options(*_AS_RECIPIENT)


def department_heads(s: Session, department_id: int, stand_ins: StandIns | None = None) -> list[Recipient]:
    """The user account(s) of the department's head person, and whoever stands in for them (phụ trách)."""
    dept = s.get(Department, department_id)
    acting = _users(s, stand_ins.for_department.get(department_id, ())) if stand_ins else []
    if dept is None or dept.head_person_id is None:
        return _sorted(acting)
    return _sorted(list(s.scalars(_HEADS, {"person_id": dept.head_person_id})) + acting)


def heads_of_departments(s: Session, stand_ins: StandIns | None = None) -> dict[int, list[Recipient]]:
    """Every department's head user account(s) and acting heads, in two queries: department id -> recipients."""
    rows = s.execute(select(Department.id, User).join(User, User.person_id == Department.head_person_id)
                     .options(*_AS_RECIPIENT).where(User.active)).all()
    by_department: dict[int, list[User]] = {}
    for department_id, user in rows:
        by_department.setdefault(department_id, []).append(user)
    if stand_ins is not None:
        users = {u.id: u for u in _users(s, set().union(*stand_ins.for_department.values()))}
        for department_id, ids in stand_ins.for_department.items():
            by_department.setdefault(department_id, []).extend(users[i] for i in ids if i in users)
    return {d: _sorted(users) for d, users in by_department.items()}


def head_and_stand_ins(s: Session, stand_ins: StandIns) -> list[Recipient]:
    """The agency head and the deputies the head's work waits on that day (workflow/stand_ins.py)."""
    heads = s.scalars(select(User).join(UserRole).where(UserRole.role == "agency_head", User.active)
                      .options(*_AS_RECIPIENT)).unique()
    return _sorted(list(heads) + _users(s, stand_ins.for_head))


def person_recipient(s: Session, person_id: int) -> Recipient | None:
    """A person as a recipient: their user account if any, else the person's own email."""
    user = s.scalars(select(User).where(User.person_id == person_id, User.active).options(*_AS_RECIPIENT)).first()
    if user is not None and _recipient(user):
        return _recipient(user)
    person = s.get(Person, person_id)
    if person is None or not (person.email or "").strip():
        return None
    return Recipient(None, person.full_name, person.email.strip())
