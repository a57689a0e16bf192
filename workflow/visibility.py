"""The permission predicates of `states.permissions` as query filters: which register rows a user reads.

Used by the register pages, the API and nothing else reimplements it: staff read their own rows,
a department head those of the departments they head and of their staff, the centre everything.
"""
from __future__ import annotations

from sqlalchemy import false, or_, select

from states import Actor
from states.permissions import may_see_person_records, sees_every_record

from .models import ContestResult, Initiative, InitiativeAuthor, Person, Registration, RegistrationLine, TaskRating


def _people_in_scope(actor: Actor):
    """The ids of the people whose records this (non agency-wide) actor reads, as a subquery."""
    conditions = []
    if actor.person_id is not None:
        conditions.append(Person.id == actor.person_id)
    if actor.headed_department_ids:
        conditions.append(Person.department_id.in_(actor.headed_department_ids))
    return select(Person.id).where(or_(*conditions) if conditions else false())


def initiatives(query, actor: Actor | None):
    if actor is None or sees_every_record(actor):
        return query
    authored = select(InitiativeAuthor.initiative_id).where(InitiativeAuthor.person_id.in_(_people_in_scope(actor)))
    return query.where(or_(Initiative.id.in_(authored), Initiative.department_id.in_(actor.headed_department_ids)))


def contest_results(query, actor: Actor | None):
    if actor is None or sees_every_record(actor):
        return query
    return query.where(ContestResult.person_id.in_(_people_in_scope(actor)))


def task_ratings(query, actor: Actor | None):
    if actor is None or sees_every_record(actor):
        return query
    return query.where(or_(TaskRating.person_id.in_(_people_in_scope(actor)),
                           TaskRating.department_id.in_(actor.headed_department_ids)))


def registrations(query, actor: Actor | None):
    if actor is None or sees_every_record(actor):
        return query
    named = select(RegistrationLine.registration_id).where(RegistrationLine.person_id == actor.person_id) \
        if actor.person_id is not None else select(RegistrationLine.registration_id).where(false())
    return query.where(or_(Registration.department_id.in_(actor.headed_department_ids), Registration.id.in_(named)))


def personal_fields_visible(actor: Actor, person: Person) -> bool:
    return may_see_person_records(actor, person_id=person.id, department_id=person.department_id)
