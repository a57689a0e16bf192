"""Finding the header row(s) of a sheet and mapping Vietnamese column titles to fields.

Titles are compared folded (no case, no diacritics, no punctuation, no "(...)" notes),
against the aliases each kind declares. A two-row header (a title merged over
"Số" / "Ngày") is read as "parent child".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import Invalid, Problem
from ..text import fold
from .tables import RawRow, RawTable
from .values import text

HEADER_SEARCH_ROWS = 20
_NOTE = re.compile(r"\([^)]*\)")
_PUNCT = re.compile(r"[^0-9a-z]+")
_NUMBERING = re.compile(r"^\(?(\d{1,2}|[a-z])\)?$")


def normalise(title) -> str:
    """'Họ và tên (ghi đủ)*' -> 'ho va ten'."""
    raw = fold(_NOTE.sub(" ", text(title)))
    return _PUNCT.sub(" ", raw).strip()


@dataclass(frozen=True)
class Column:
    field: str
    title: str                 # how the preview names it
    aliases: tuple[str, ...]
    required: bool = False

    def matches(self, normalised: str) -> bool:
        return normalised in self.aliases


@dataclass
class Layout:
    """Where the data starts and which column index holds which field."""

    header_lines: list[int]
    columns: dict[str, int]
    titles: dict[str, str]            # every field's title, found in the file or not
    found: dict[str, str]             # field title -> the header text the file uses
    data: list[RawRow] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def value(self, row: RawRow, name: str):
        i = self.columns.get(name)
        return row.cells[i] if i is not None and i < len(row.cells) else None

    def has(self, name: str) -> bool:
        return name in self.columns


def _map(columns: list[Column], candidates: list[list[str]]) -> tuple[dict[str, int], list[str], int]:
    """Field -> column index, taking for each cell the first candidate title that names a free field.

    Also counts the fields found only thanks to a second header row ("Kết quả" over "Điểm").
    """
    mapping, ignored, via_sub = {}, [], 0
    for index, options in enumerate(candidates):
        hit = next(((i, c) for i, opt in enumerate(options) for c in columns
                    if c.field not in mapping and c.matches(opt)), None)
        if hit:
            mapping[hit[1].field] = index
            via_sub += len(options) == 3 and hit[0] < 2
        elif options and options[0] and not _NUMBERING.match(options[0]):
            ignored.append(options[0])
    return mapping, ignored, via_sub


def _candidates(top: RawRow, sub: RawRow | None) -> list[list[str]]:
    width = max(len(top.cells), len(sub.cells) if sub else 0)
    result = []
    for i in range(width):
        parent = normalise(top.cells[i]) if i < len(top.cells) else ""
        child = normalise(sub.cells[i]) if sub and i < len(sub.cells) else ""
        if not child or child == parent:
            result.append([parent] if parent else [])
        else:
            result.append([f"{parent} {child}".strip(), child, parent] if parent else [child])
    return result


def _is_numbering(row: RawRow) -> bool:
    """The '(1) (2) (3)' or '1 2 3' row many templates put under the header."""
    cells = [fold(text(c)).replace(" ", "") for c in row.cells if text(c)]
    return len(cells) >= 2 and all(_NUMBERING.match(c) for c in cells)


def find_layout(table: RawTable, columns: list[Column], what: str) -> Layout:
    """Locate the header (one or two rows) and the data rows; refuse the file if required columns lack."""
    best, best_rank = None, None
    rows = table.rows
    for pos, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        sub = rows[pos + 1] if pos + 1 < len(rows) else None
        for depth, below in ((1, None), (2, sub)):
            if depth == 2 and (below is None or below.line != row.line + 1):
                continue  # a sub-header sits right under its header
            mapping, ignored, via_sub = _map(columns, _candidates(row, below))
            # On a tie, two rows win only when the second row named a column and the first is
            # not a title merged across the sheet (one value everywhere).
            real_pair = depth == 2 and via_sub > 0 and len({text(c) for c in row.cells if text(c)}) > 1
            rank = (len(mapping), real_pair, -depth)
            if best_rank is None or rank > best_rank:
                best, best_rank = (mapping, ignored, pos, depth), rank
    if best is None or len(best[0]) < 2 and not any(c.required and c.field in best[0] for c in columns):
        raise _missing(columns, {}, what)
    mapping, ignored, pos, depth = best
    if any(c.required and c.field not in mapping for c in columns):
        raise _missing(columns, mapping, what)
    start = pos + depth
    data = rows[start:]
    if data and _is_numbering(data[0]):
        data = data[1:]
    titles = {c.field: c.title for c in columns}
    found = {c.title: _header_text(rows, pos, depth, mapping[c.field]) for c in columns
             if c.field in mapping and c.field != "stt"}
    return Layout([rows[pos + d].line for d in range(depth)], mapping, titles, found, data, ignored)


def _header_text(rows: list[RawRow], pos: int, depth: int, index: int) -> str:
    parts = []
    for d in range(depth):
        cells = rows[pos + d].cells
        value = text(cells[index]) if index < len(cells) else ""
        if value and value not in parts:
            parts.append(value)
    return " / ".join(parts)


def _missing(columns: list[Column], mapping: dict, what: str) -> Invalid:
    lacking = [f"“{c.title}”" for c in columns if c.required and c.field not in mapping]
    return Invalid(Problem("missing_columns", f"Không tìm thấy dòng tiêu đề của {what}: thiếu cột "
                           + ", ".join(lacking or [f"“{columns[0].title}”"]) + "."))
