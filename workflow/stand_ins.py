"""Who stands in for whom on a day: the deputy named while the agency head is away, and the acting
head (phụ trách) of a department while its head is away.

One rule for the inbox, the permission to take a department's step, the emails of the next step and
the reminders. The head's work waits on a deputy only while the head is marked away and names them:
a deputy's standing "KT." assignment lets them sign, but does not make the head's queue theirs. With
`[workflow] deputy_needs_authorisation` off, any deputy may act at any time, so every deputy is shown
the head's work, as before authorisations existed.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import Session

from states import Action, Actor, Role

from .models import Authorisation, User, UserRole


@dataclass(frozen=True)
class StandIns:
    """Who stands in on one day: for the agency head, and for each department's head."""

    for_head: frozenset[int] = frozenset()
    for_department: dict[int, frozenset[int]] = field(default_factory=dict)


def in_force_on(s: Session, on: date, *conditions) -> list[Authorisation]:
    """Authorisations in force on `on` (not revoked by then), matching `conditions`."""
    rows = s.scalars(select(Authorisation).where(Authorisation.valid_from <= on, Authorisation.valid_to >= on,
                                                 *conditions).order_by(Authorisation.id))
    return [a for a in rows if a.in_force(on)]


_MEMO = "stand_ins.in_force"
_IN_FORCE = select(Authorisation).where(Authorisation.valid_from <= bindparam("on"),
                                        Authorisation.valid_to >= bindparam("on")).order_by(Authorisation.id)


def _in_force_memo(s: Session, on: date) -> list[Authorisation]:
    """Every authorisation in force on `on`, read once per transaction (a step asks for the actor's standing,
    then its email for the department's): a handful of rows, filtered here."""
    memo = s.info.setdefault(_MEMO, {})
    if on not in memo:
        memo[on] = [a for a in s.scalars(_IN_FORCE, {"on": on}) if a.in_force(on)]
    return memo[on]


@event.listens_for(Session, "after_flush")
def _forget_on_change(s: Session, _context) -> None:
    # an authorisation granted or revoked in this transaction counts from the next read on
    if _MEMO in s.info and any(isinstance(o, Authorisation) for o in (*s.new, *s.dirty, *s.deleted)):
        del s.info[_MEMO]


def _for_head(authorisations) -> frozenset[int]:
    """Delegates named while the head is away, for the head's approval."""
    return frozenset(a.delegate_id for a in authorisations if a.department_id is None and a.away
                     and Action.HEAD_APPROVE.value in a.actions)


def on_day(s: Session, ctx, on: date) -> StandIns:
    """Everyone standing in for someone on `on`."""
    authorisations = _in_force_memo(s, on)
    if ctx.settings.deputy_needs_authorisation:
        head = _for_head(authorisations)
    else:
        head = frozenset(s.scalars(select(UserRole.user_id).join(User).where(
            UserRole.role == Role.DEPUTY_HEAD.value, User.active)))
    departments: dict[int, set[int]] = {}
    for a in authorisations:
        if a.department_id is not None:
            departments.setdefault(a.department_id, set()).add(a.delegate_id)
    return StandIns(head, {d: frozenset(ids) for d, ids in departments.items()})


def with_stand_ins(s: Session, ctx, actor: Actor, named: bool = True) -> Actor:
    """The actor as of today: an acting head holds the department head's part for that department (the
    audit says in whose name); a deputy named while the head is away has the head's work waiting.
    `named=False`: the caller knows no authorisation names them today, so none is read."""
    today = ctx.clock.today()
    mine = [a for a in _in_force_memo(s, today) if a.delegate_id == actor.user_id] if named else []
    acting = frozenset(a.department_id for a in mine if a.department_id is not None)
    acting -= actor.headed_department_ids if actor.has(Role.DEPARTMENT_HEAD) else frozenset()
    stands = actor.has(Role.DEPUTY_HEAD) and (not ctx.settings.deputy_needs_authorisation or bool(_for_head(mine)))
    if not acting and not stands:
        return actor
    return replace(actor, roles=actor.roles | ({Role.DEPARTMENT_HEAD.value} if acting else set()),
                   headed_department_ids=actor.headed_department_ids | acting, acting_department_ids=acting,
                   stands_for_head=stands)
