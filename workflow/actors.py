"""Who is acting: the logged-in user as the plain `Actor` the permission rules take."""
from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from states import Actor, State, Subject
from states.permissions import sees_every_record

from .errors import Forbidden
from .models import Authorisation, Department, Nomination, Person, User, UserRole
from .stand_ins import with_stand_ins

# Built once (every request and step asks): compiled and cache-keyed a single time. With the user, whether
# any authorisation names them as delegate today (revoked or not): most users hold none, and then the
# authorisations in force need not be read at all.
_NAMED_TODAY = (select(Authorisation.id).where(Authorisation.delegate_id == User.id,
                                                Authorisation.valid_from <= bindparam("today"),
                                                Authorisation.valid_to >= bindparam("today"))
                .exists().label("named_today"))
_USER = (select(User, _NAMED_TODAY).where(User.id == bindparam("id"))
         .options(joinedload(User.person), joinedload(User.role_rows)))


def load_actor(session: Session, user_id: int, ctx=None) -> tuple[User, Actor]:
    """The active user and their Actor; Forbidden if the account is gone or disabled. Given the context,
    as of today with whoever they stand in for (workflow/stand_ins.py).

    One statement for the user with person and roles (joined: a user has a handful of roles), one more
    for the departments the person heads when the user is someone.
    """
    today = ctx.clock.today() if ctx is not None else None
    row = session.execute(_USER, {"id": user_id, "today": today}).unique().one_or_none()
    if row is None or not row.User.active:
        raise Forbidden("inactive_user", "Tài khoản không tồn tại hoặc đã bị khóa.")
    user = row.User
    actor = actor_of(session, user)
    return user, (with_stand_ins(session, ctx, actor, named=row.named_today) if ctx is not None else actor)


# The same, for a caller that needs the Actor alone (a workflow step): one Core statement, a row per role and
# department headed (a user has a handful), no ORM objects to build.
_USERS = User.__table__
_ACTING = (select(_USERS.c.id, _USERS.c.active, _USERS.c.person_id, Person.department_id, UserRole.role,
                  Department.id.label("headed"), _NAMED_TODAY)
           .select_from(_USERS)
           .outerjoin(Person, Person.id == _USERS.c.person_id)
           .outerjoin(UserRole, UserRole.user_id == _USERS.c.id)
           .outerjoin(Department, Department.head_person_id == _USERS.c.person_id)
           .where(_USERS.c.id == bindparam("id")))


def load_acting(session: Session, user_id: int, ctx) -> Actor:
    """The active user's Actor as of today, as `load_actor` makes it, without the User object: a step needs
    only who acts and in which capacity. Its ORM load was a quarter of a step's CPU."""
    rows = session.connection().execute(_ACTING, {"id": user_id, "today": ctx.clock.today()}).all()
    if not rows or not rows[0].active:
        raise Forbidden("inactive_user", "Tài khoản không tồn tại hoặc đã bị khóa.")
    first = rows[0]
    actor = Actor(user_id=first.id, roles=frozenset(r.role for r in rows if r.role is not None),
                  person_id=first.person_id, department_id=first.department_id,
                  headed_department_ids=frozenset(r.headed for r in rows if r.headed is not None))
    return with_stand_ins(session, ctx, actor, named=first.named_today)


def actor_of(session: Session, user: User) -> Actor:
    headed = frozenset()
    department_id = None
    if user.person_id is not None:
        headed = frozenset(session.scalars(
            select(Department.id).where(Department.head_person_id == user.person_id)
        ))
        department_id = user.person.department_id if user.person else None
    return Actor(user_id=user.id, roles=user.roles, person_id=user.person_id,
                 department_id=department_id, headed_department_ids=headed)


def subject_of(nomination: Nomination) -> Subject:
    return Subject(
        state=State(nomination.state),
        department_id=nomination.department_id,
        person_id=nomination.person_id,
        held_from=State(nomination.held_from) if nomination.held_from else None,
    )


def sees_all_nominations(actor: Actor) -> bool:
    return sees_every_record(actor)


def can_view(actor: Actor, nomination: Nomination) -> bool:
    """Council, head and admin see everything; a department head their department; staff their own."""
    if sees_all_nominations(actor):
        return True
    if nomination.department_id in actor.headed_department_ids:
        return True
    return nomination.person_id is not None and nomination.person_id == actor.person_id
