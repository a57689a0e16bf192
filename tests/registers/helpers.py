"""Small helpers for the registers tests (the shared factories stay untouched)."""
from __future__ import annotations

from sqlalchemy import distinct, func, select

from workflow.models import AuditEntry, ContestResult, ParticipationTally, Person, StaffTally


def count(ctx, model, *where) -> int:
    with ctx.db.reading() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def person_named(ctx, full_name: str) -> Person:
    with ctx.db.reading() as s:
        return s.scalars(select(Person).where(Person.full_name == full_name)).one()


def audit_actions(ctx) -> list[str]:
    with ctx.db.reading() as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def snapshot(ctx, *models) -> list:
    """Every row of these tables as plain tuples: equal snapshots mean nothing changed."""
    out = []
    with ctx.db.reading() as s:
        for model in models:
            cols = [c.key for c in model.__table__.columns]
            out.append(sorted(tuple(str(getattr(r, c)) for c in cols) for r in s.scalars(select(model))))
    return out


def set_inactive(ctx, person_id: int) -> None:
    """People who left the agency stay in the directory, inactive (no use case yet does this)."""
    with ctx.db.transaction() as s:
        s.get(Person, person_id).active = False


# periods at the bounds of the years the import accepts, and both sides of 2063/2064 (where a 63-bit
# mask based at 2000 would end)
PERIODS = [(2000, 2000), (2021, 2021), (2021, 2025), (2022, 2063), (2064, 2100), (2000, 2100)]


def people_counted(s) -> dict:
    """Active staff per department, contest participants per department for each of PERIODS, and each
    person's contest years, counted over person and contest_result: the oracle of the tallies (migration 0016)."""
    staff = dict(s.execute(select(Person.department_id, func.count()).where(
        Person.active.is_(True), Person.department_id.is_not(None)).group_by(Person.department_id)).all())
    took_part = (ContestResult.contest_kind == "online_cchc", ContestResult.participated.is_(True))
    participants = {}
    for first, last in PERIODS:
        rows = s.execute(select(Person.department_id, func.count(distinct(Person.id)))
                         .join(ContestResult, ContestResult.person_id == Person.id)
                         .where(Person.active.is_(True), Person.department_id.is_not(None), *took_part,
                                ContestResult.year.between(first, last))
                         .group_by(Person.department_id))
        participants[(first, last)] = dict(rows.all())
    years = {}
    for pid, year in s.execute(select(ContestResult.person_id, ContestResult.year).where(*took_part)):
        years.setdefault(pid, set()).add(year)
    return {"staff": staff, "participants": participants, "years": years}


def people_tallies(s) -> dict:
    """The same figures from the tallies and person.online_contest_years (no negative count, and no
    participation row left at 0)."""
    staff = {d: n for d, n in s.execute(select(StaffTally.department_id, StaffTally.count)) if n}
    t = ParticipationTally
    participants = {}
    for first, last in PERIODS:
        rows = s.execute(select(t.department_id, func.sum(t.count)).where(t.meets(first, last))
                         .group_by(t.department_id))
        participants[(first, last)] = {d: n for d, n in rows if n}
    years = {pid: {int(y) for y in text_.strip(",").split(",")}
             for pid, text_ in s.execute(select(Person.id, Person.online_contest_years)) if text_}
    negative = s.scalar(select(func.count()).select_from(StaffTally).where(StaffTally.count < 0))
    assert negative == 0 and s.scalar(select(func.count()).select_from(t).where(t.count <= 0)) == 0
    return {"staff": staff, "participants": participants, "years": years}
