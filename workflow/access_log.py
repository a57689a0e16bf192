"""Who was shown whose personal data: birth date and hometown, task ratings, contest results, award history.

Law 91/2025/QH15 on personal data protection (passed 26/06/2025, in force 01/01/2026; Art. 2 counts
birth date and address among basic personal data) asks the agency, as controller, to be able to show
how its staff's data were processed. Source: https://thuviennhadat.vn/vbpl/luat-bao-ve-du-lieu-ca-nhan-2025-so-91-2025-qh15-625628.html
A person reading their own data is not logged.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from .models import PERSONAL_DATA_KINDS, Person, PersonalDataAccess, User


def record_reads(ctx, user_id: int, person_ids: Iterable[int | None], kind: str, via: str) -> int:
    """One row per person shown (own data excepted), in a transaction of its own. How many were logged."""
    if kind not in PERSONAL_DATA_KINDS:
        raise ValueError(f"unknown personal data kind {kind!r}")
    ids = {p for p in person_ids if p is not None}
    if not ids:
        return 0
    with ctx.db.transaction() as s:
        ids.discard(s.scalar(select(User.person_id).where(User.id == user_id)))
        now = ctx.clock.now()
        s.add_all(PersonalDataAccess(at=now, user_id=user_id, person_id=p, kind=kind, via=via[:200])
                  for p in sorted(ids))
    return len(ids)


def rows_for_export(s, *, person_id: int | None = None, limit: int = 100_000):
    """(at, username, reader's name, person's name, kind title, via), newest first."""
    q = (select(PersonalDataAccess, User, Person).join(User, PersonalDataAccess.user_id == User.id)
         .join(Person, PersonalDataAccess.person_id == Person.id)
         .order_by(PersonalDataAccess.at.desc(), PersonalDataAccess.id.desc()).limit(limit))
    if person_id:
        q = q.where(PersonalDataAccess.person_id == person_id)
    for access, user, person in s.execute(q):
        yield access.at, user.username, user.name, person.full_name, PERSONAL_DATA_KINDS[access.kind], access.via
