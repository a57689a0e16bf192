"""A nomination carries its nominee's sort key (nomination.nominee_sort_key), so that the lists of a cycle's
step in name order (the council's agenda, the reminders' first names) read an index instead of sorting every
nomination of the step. Kept in step here, on every flush, whichever use case, import or script writes:
a new nomination takes its nominee's key; a person or department renamed passes its new key on to its
nominations (one UPDATE)."""
from __future__ import annotations

from sqlalchemy import event, inspect, update
from sqlalchemy.orm import Session

from .nominations import Nomination
from .people import Department, Person


def nominee_key(session: Session, nom: Nomination) -> str:
    """The sort key of the nominee: the person, or for a collective the department (no query when loaded)."""
    if nom.person_id is not None or nom.person is not None:
        person = nom.person or session.get(Person, nom.person_id)
        return person.sort_key
    return (nom.department or session.get(Department, nom.department_id)).sort_key


def _renamed(obj) -> bool:
    return obj.id is not None and inspect(obj).attrs.sort_key.history.has_changes()


@event.listens_for(Session, "before_flush")
def _keep_nominee_keys(session, flush_context, instances) -> None:
    for obj in session.new:
        if isinstance(obj, Nomination) and not obj.nominee_sort_key:
            obj.nominee_sort_key = nominee_key(session, obj)
    for obj in session.dirty:
        if isinstance(obj, Person) and _renamed(obj):
            mine = Nomination.person_id == obj.id
        elif isinstance(obj, Department) and _renamed(obj):
            mine = (Nomination.department_id == obj.id) & Nomination.person_id.is_(None)
        else:
            continue
        session.connection().execute(update(Nomination.__table__).where(mine).values(nominee_sort_key=obj.sort_key))
