"""What every kind of import shares: the directory snapshot, duplicate detection, changes."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from .engine import RowResult
from .headers import Column, Layout
from .names import Directory
from .tables import RawRow
from .values import RowRefused, text

STT = Column("stt", "STT", ("stt", "tt", "so tt", "so thu tu"))
NAME_ALIASES = ("ho va ten", "ho ten", "ho va ten can bo", "ho ten can bo", "ten can bo", "can bo",
                "ho va ten ca nhan", "ho ten ca nhan", "ho va ten nguoi du thi", "ho ten nguoi du thi",
                "nguoi du thi", "ho va ten thi sinh", "thi sinh", "ten")
BIRTH_ALIASES = ("ngay sinh", "ngay thang nam sinh", "sinh ngay", "ngay sinh dd mm yyyy")
DEPARTMENT_ALIASES = ("phong", "phong ban", "don vi", "bo phan", "don vi cong tac", "phong don vi", "ten phong",
                      "phong chuyen mon", "ma phong", "thuoc phong", "co quan don vi", "don vi phong")
YEAR_ALIASES = ("nam", "nam xet", "nam danh gia", "nam thi", "nam xep loai", "nam cong nhan")


@dataclass(frozen=True)
class Kind:
    name: str                  # as typed on the command line: "contest-results"
    title: str                 # for messages: "kết quả cuộc thi"
    columns: list[Column]
    planner: Callable          # (session, ctx, layout, options) -> Planner


class Planner:
    """Turns each data row into a RowResult; keeps what earlier rows of the file did."""

    label_field = "full_name"

    def __init__(self, session: Session, ctx, layout: Layout, options: dict):
        self.session, self.ctx, self.layout, self.options = session, ctx, layout, options
        self.directory = Directory(session)
        self._seen: dict = {}

    def cell(self, raw: RawRow, name: str):
        return self.layout.value(raw, name)

    def text(self, raw: RawRow, name: str) -> str:
        return text(self.cell(raw, name))

    def title(self, name: str) -> str:
        return self.layout.titles.get(name, name)

    def label(self, raw: RawRow) -> str:
        return self.text(raw, self.label_field) or "(trống)"

    def once(self, key, line: int) -> None:
        """Refuse a row that repeats an earlier row of the same file."""
        if key in self._seen:
            raise RowRefused("duplicate", f"Trùng với dòng {self._seen[key]} của tệp.")
        self._seen[key] = line

    def plan(self, raw: RawRow) -> RowResult:  # pragma: no cover - each kind defines it
        raise NotImplementedError


def changes(before: dict, after: dict, titles: dict, *, empty_clears: bool = False) -> dict:
    """{column title: [before, after]} for the values the file gives that differ."""
    out = {}
    for key, new in after.items():
        if (new is None or new == "") and not empty_clears:
            continue  # an empty cell keeps what the register already holds
        old = before.get(key)
        if old != new:
            out[titles.get(key, key)] = [_show(old), _show(new)]
    return out


def _show(value):
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(v) for v in value)
    return value
