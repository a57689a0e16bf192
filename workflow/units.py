"""Departments as dated data: the name, kind, head's title and existence in force on a date.

A rename, merger or dissolution is a new `DepartmentVersion`; the department row, and so its
award history, stays. Documents print the version in force on their own date.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from .audit import audit
from .errors import Conflict, Invalid, Problem, not_found
from .models import HEAD_TITLES, UNIT_KINDS, Department, DepartmentVersion
from .text import nfc

# The first version of a unit known only by its current name holds "since ever".
BEGINNING = date(2000, 1, 1)


@dataclass(frozen=True)
class Unit:
    """A department as it stood on one date."""

    department_id: int
    name: str
    kind: str
    head_title: str
    exists: bool = True


def kind_of(name: str) -> str:
    """The kind a unit's name implies: 'Văn phòng …', 'Thanh tra …', else a phòng."""
    low = (nfc(name) or "").lower()
    if low.startswith("văn phòng"):
        return "van_phong"
    if low.startswith("thanh tra"):
        return "thanh_tra"
    return "phong"


def initial_version(name: str, kind: str | None = None, head_title: str | None = None) -> DepartmentVersion:
    kind = kind or kind_of(name)
    return DepartmentVersion(valid_from=BEGINNING, name=name, kind=kind, head_title=head_title or HEAD_TITLES[kind],
                             dissolved=False, note="")


def version_on(dept: Department, on: date) -> DepartmentVersion | None:
    """The latest version whose valid_from is not after `on` (the earliest one before any)."""
    chosen = None
    for v in sorted(dept.versions, key=lambda v: v.valid_from):
        if v.valid_from <= on or chosen is None:
            chosen = v
        if v.valid_from > on:
            break
    return chosen


def unit_on(dept: Department, on: date) -> Unit:
    """The department as it stood on `on`; a department without versions is taken as it is now."""
    v = version_on(dept, on)
    if v is None:
        kind = kind_of(dept.name)
        return Unit(dept.id, dept.name, kind, HEAD_TITLES[kind], dept.active)
    return Unit(dept.id, v.name, v.kind, v.head_title, not v.dissolved)


def join_title(position: str | None, unit_name: str) -> str:
    """'Trưởng phòng' + 'Phòng Kế hoạch' -> 'Trưởng phòng Kế hoạch'; 'Chánh Văn phòng' + 'Văn phòng Sở'
    -> 'Chánh Văn phòng Sở': the words a title shares with the unit's name are said once."""
    pos, unit = (nfc(position) or "").split(), (nfc(unit_name) or "").split()
    for k in range(min(len(pos), len(unit)), 0, -1):
        if [w.lower() for w in pos[-k:]] == [w.lower() for w in unit[:k]]:
            return " ".join(pos + unit[k:])
    return " ".join(pos + unit)


def list_versions(session) -> dict[int, list[dict]]:
    """Every department's versions, oldest first, for the admin page."""
    rows: dict[int, list[dict]] = {}
    for v in session.scalars(select(DepartmentVersion).order_by(DepartmentVersion.department_id,
                                                                DepartmentVersion.valid_from)):
        rows.setdefault(v.department_id, []).append(
            {"valid_from": v.valid_from, "name": v.name, "kind": UNIT_KINDS[v.kind], "head_title": v.head_title,
             "dissolved": v.dissolved, "note": v.note})
    return rows


def add_version(ctx, user_id: int, department_id: int, *, valid_from: date, name: str, kind: str,
                head_title: str = "", dissolved: bool = False, note: str = "") -> int:
    """Record a rename, a change of kind or head title, or a dissolution from `valid_from` (admins)."""
    from .administration import require_admin

    require_admin(ctx, user_id)
    name, head_title = nfc(name) or "", nfc(head_title) or ""
    if kind not in UNIT_KINDS:
        raise Invalid(Problem("kind", "Loại đơn vị phải là phòng, văn phòng hoặc thanh tra."))
    if not name:
        raise Invalid(Problem("name", "Cần nhập tên đơn vị."))
    with ctx.db.transaction() as s:
        dept = s.get(Department, department_id)
        if dept is None:
            raise not_found("phòng")
        if s.scalar(select(DepartmentVersion.id).where(DepartmentVersion.department_id == dept.id,
                                                       DepartmentVersion.valid_from == valid_from)):
            raise Conflict("duplicate_version", f"{dept.name} đã có một phiên bản từ ngày {valid_from:%d/%m/%Y}.")
        if not dept.versions:
            dept.versions.append(initial_version(dept.name))
        version = DepartmentVersion(valid_from=valid_from, name=name, kind=kind,
                                    head_title=head_title or HEAD_TITLES[kind], dissolved=dissolved, note=note)
        dept.versions.append(version)
        s.flush()
        current = unit_on(dept, ctx.clock.today())
        dept.name, dept.active = current.name, current.exists
        audit(s, ctx, actor_id=user_id, action="add_department_version", entity_type="department",
              entity_id=dept.id, payload={"valid_from": valid_from.isoformat(), "name": name, "kind": kind,
                                          "head_title": version.head_title, "dissolved": dissolved})
        return version.id
