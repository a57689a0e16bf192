"""Freezing what a department proposes at its review, and reading it back for the lists and minutes."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .agency import identity_on
from .models import DepartmentProposal, Nomination


def freeze(s: Session, ctx, nom: Nomination, user_id: int) -> DepartmentProposal:
    """Record the nomination's list line as the department sends it (called by the department review)."""
    from .documents import facts  # the list line is the documents' own wording

    today = ctx.clock.today()
    head_title = identity_on(s, today).head_title
    who = facts.nominee(nom, today)
    key = facts.nominee_sort_key(nom)
    row = DepartmentProposal(nomination_id=nom.id, cycle_id=nom.cycle_id, department_id=nom.department_id,
                             nominee_type=nom.nominee_type, award_form=nom.award_form, line=who["line"],
                             note=facts.list_note(nom, head_title), sort_key=f"{key[0]}{key[1]}",
                             reviewed_at=ctx.clock.now(), reviewed_by_id=user_id)
    s.add(row)
    return row


def latest(s: Session, cycle_id: int, department_id: int | None = None) -> dict[int, DepartmentProposal]:
    """The latest frozen proposal of each nomination of a cycle (of one department if given)."""
    q = select(DepartmentProposal).where(DepartmentProposal.cycle_id == cycle_id)
    if department_id is not None:
        q = q.where(DepartmentProposal.department_id == department_id)
    out: dict[int, DepartmentProposal] = {}
    for row in s.scalars(q.order_by(DepartmentProposal.id)):
        out[row.nomination_id] = row
    return out


def latest_nominee_types(s: Session, cycle_id: int) -> dict[int, str]:
    """The nominee type of each nomination's latest frozen proposal in a cycle: `latest` as two columns,
    for counting over a cycle of any size (a proposal object is a few KiB)."""
    return dict(s.execute(select(DepartmentProposal.nomination_id, DepartmentProposal.nominee_type)
                          .where(DepartmentProposal.cycle_id == cycle_id).order_by(DepartmentProposal.id)).all())
