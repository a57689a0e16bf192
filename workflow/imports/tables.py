"""Reading a spreadsheet into plain rows: .xlsx (openpyxl) or .csv (Excel's Vietnamese exports).

Merged cells are filled with their top-left value, so a header merged over two columns
or a department name merged down a block of rows reads as if typed in every cell.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import Invalid, Problem

MAX_ROWS = 100_000


@dataclass
class RawRow:
    line: int      # the row number the user sees in Excel (1-based)
    cells: list


@dataclass
class RawTable:
    rows: list[RawRow]
    merged_header_cells: int = 0  # merged ranges seen in the first rows, for the preview


def read_table(data: bytes, filename: str) -> RawTable:
    """Rows of the first sheet of an .xlsx, or of a .csv; blank rows dropped."""
    suffix = Path(filename or "").suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data)
    if suffix in (".csv", ".txt"):
        return _read_csv(data)
    raise Invalid(Problem("unsupported_file", "Chỉ nhận tệp .xlsx hoặc .csv (Excel: Lưu thành > CSV UTF-8)."))


def _blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _read_xlsx(data: bytes) -> RawTable:
    from openpyxl import load_workbook

    try:
        # Not read_only: merged ranges are only known to a fully loaded sheet.
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise Invalid(Problem("unreadable_file", "Không đọc được tệp Excel (.xlsx): tệp hỏng hoặc không đúng định dạng.")) from None
    ws = wb.worksheets[0]
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    merged_top = 0
    for rng in ws.merged_cells.ranges:
        top = values[rng.min_row - 1][rng.min_col - 1] if rng.min_row <= len(values) else None
        for r in range(rng.min_row, min(rng.max_row, len(values)) + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                values[r - 1][c - 1] = top
        merged_top += rng.min_row <= 15
    wb.close()
    if len(values) > MAX_ROWS:
        raise Invalid(Problem("too_many_rows", f"Tệp có quá nhiều dòng (tối đa {MAX_ROWS:,})."))
    rows = [RawRow(i + 1, cells) for i, cells in enumerate(values) if not _blank(cells)]
    return RawTable(rows, merged_top)


def _decode(data: bytes) -> str:
    # "CSV UTF-8" from Excel starts with a BOM; older "CSV" on Vietnamese Windows is cp1258.
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Invalid(Problem("unreadable_file", "Không đọc được bảng mã của tệp CSV (hãy lưu dạng CSV UTF-8)."))


def _delimiter(sample: list[str]) -> str:
    """The delimiter that splits the first lines into the most, and most regular, columns."""
    best, best_score = ",", (0, 0)
    for delim in (";", ",", "\t"):
        widths = [len(r) for r in csv.reader(sample, delimiter=delim) if any(c.strip() for c in r)]
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        score = (widths.count(common) if common > 1 else 0, common)
        if score > best_score:
            best, best_score = delim, score
    return best


def _read_csv(data: bytes) -> RawTable:
    text = _decode(data)
    lines = text.splitlines()
    delim = _delimiter(lines[:30])
    rows = []
    for i, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delim)):
        if i >= MAX_ROWS:
            raise Invalid(Problem("too_many_rows", f"Tệp có quá nhiều dòng (tối đa {MAX_ROWS:,})."))
        if not _blank(cells):
            rows.append(RawRow(i + 1, [c if c.strip() else None for c in cells]))
    return RawTable(rows)
