"""Importing the yearly task ratings (xếp loại) of people and of departments."""
from __future__ import annotations

from sqlalchemy import select

from ..models import TASK_RATINGS, TaskRating
from ..text import fold
from . import values as v
from .base import BIRTH_ALIASES, DEPARTMENT_ALIASES, NAME_ALIASES, STT, YEAR_ALIASES, Kind, Planner, changes
from .engine import RowResult
from .headers import Column
from .values import RowRefused

COLUMNS = [
    STT,
    Column("full_name", "Họ và tên / Tập thể", NAME_ALIASES + (
        "ten ca nhan tap the", "ca nhan tap the", "ho va ten tap the", "ho ten tap the", "doi tuong duoc xep loai",
        "ten tap the ca nhan", "tap the ca nhan"), required=True),
    Column("subject", "Đối tượng", ("doi tuong", "loai doi tuong", "loai")),
    Column("birth_date", "Ngày sinh", BIRTH_ALIASES),
    Column("department", "Phòng", DEPARTMENT_ALIASES),
    Column("year", "Năm", YEAR_ALIASES),
    Column("rating", "Xếp loại", ("xep loai", "ket qua xep loai", "muc xep loai", "danh gia xep loai",
                                  "muc do hoan thanh nhiem vu", "xep loai muc do hoan thanh nhiem vu",
                                  "xep loai chat luong", "ket qua danh gia xep loai", "ket qua danh gia"),
           required=True),
]
_COLLECTIVE = {"tap the", "phong", "don vi", "tt"}


class RatingPlanner(Planner):
    def __init__(self, session, ctx, layout, options):
        super().__init__(session, ctx, layout, options)
        self.default_year = options.get("year")
        self.existing = {(r.person_id, r.department_id, r.year): r for r in session.scalars(select(TaskRating))}

    def _subject(self, raw, name: str) -> tuple[int | None, int | None, str]:
        """(person_id, department_id, label) of the one person or department rated."""
        dept_cell = self.text(raw, "department")
        if fold(self.text(raw, "subject")) in _COLLECTIVE:
            dept = self.directory.department(name or dept_cell, self.title("full_name"))
            if dept is None:
                raise RowRefused("missing_name", "Thiếu tên tập thể (phòng).")
            return None, dept, self.directory.department_names[dept]
        if not name:
            raise RowRefused("missing_name", "Thiếu họ và tên.")
        birth = v.a_date(self.cell(raw, "birth_date"), self.title("birth_date"))
        dept = self.directory.department(dept_cell, self.title("department"), agency_ok=True)
        try:
            person = self.directory.person(name, birth_date=birth, department_id=dept)
        except RowRefused as refused:
            whole = self.directory.department_by_name(name)  # a department listed in the name column
            if refused.code != "unknown_person" or whole is None:
                raise
            return None, whole, self.directory.department_names[whole]
        return person.id, None, person.full_name

    def plan(self, raw) -> RowResult:
        name = self.text(raw, "full_name")
        person_id, dept_id, label = self._subject(raw, name)
        year = v.year(self.cell(raw, "year"), self.title("year")) or self.default_year
        if not year:
            raise RowRefused("bad_value", "Thiếu năm xếp loại (thêm cột “Năm” hoặc chọn năm khi nhập).")
        rating = v.rating(self.cell(raw, "rating"), self.title("rating"))
        key = (person_id, dept_id, year)
        self.once(key, raw.line)
        label = f"{label} — {year}"
        row = self.existing.get(key)
        shown = {"rating": TASK_RATINGS[rating]}
        if row is None:
            return RowResult(raw.line, "create", label, changes=changes({}, shown, self.layout.titles),
                             write=lambda s: self._save(s, key, rating, None))
        if row.rating == rating:
            return RowResult(raw.line, "unchanged", label)
        return RowResult(raw.line, "update", label,
                         changes=changes({"rating": TASK_RATINGS[row.rating]}, shown, self.layout.titles),
                         write=lambda s: self._save(s, key, rating, row.id))

    def _save(self, s, key, rating, row_id):
        person_id, dept_id, year = key
        row = s.get(TaskRating, row_id) if row_id else None
        previous = row.rating if row else None
        if row is None:
            row = TaskRating(year=year, person_id=person_id, department_id=dept_id, created_at=self.ctx.clock.now())
            s.add(row)
        row.rating = rating
        return row, "save_task_rating", "task_rating", {"year": year, "person_id": person_id,
                                                         "department_id": dept_id, "rating": rating,
                                                         "previous": previous}


TASK_RATINGS_KIND = Kind("task-ratings", "xếp loại hoàn thành nhiệm vụ", COLUMNS, RatingPlanner)
