"""Reading a spreadsheet into plain rows: .xlsx (openpyxl) or .csv (Excel's Vietnamese exports).

Merged cells are filled with their top-left value, so a header merged over two columns
or a department name merged down a block of rows reads as if typed in every cell.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils import column_index_from_string, get_column_letter

from ..errors import Invalid, Problem

MAX_ROWS = 100_000
MAX_COLUMNS = 60                       # our lists have about ten; Excel allows 16,384
MAX_MERGES = 10_000
MAX_SHEET_XML_BYTES = 200_000_000      # the first sheet's XML, unpacked


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
    """Stream the first sheet (openpyxl read-only), refusing it as soon as it outgrows the caps.

    A sheet may declare or hold one cell far away (CV99000): the normal loader builds every
    empty cell up to it (gigabytes from a 5 KB file); here only real cells are read, and the
    caps are checked on each row as it comes.
    """
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise Invalid(Problem("unreadable_file", "Không đọc được tệp Excel (.xlsx): tệp hỏng hoặc không đúng định dạng.")) from None
    try:
        ws = wb.worksheets[0]
        _check_sheet_size(wb, ws)
        ws.reset_dimensions()  # the declared size may lie: read only the cells that are there
        rows: dict[int, list] = {}
        for line, cells in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = _trimmed(cells)
            if not cells:
                continue
            if len(cells) > MAX_COLUMNS:
                raise Invalid(Problem("too_many_columns", (
                    f"Bảng tính có dữ liệu ở ô {get_column_letter(len(cells))}{line}, ngoài giới hạn {MAX_COLUMNS} cột "
                    "của một danh sách. Hãy xoá các ô thừa bên phải bảng rồi tải tệp lên lại.")))
            if line > MAX_ROWS:
                raise _too_many_rows()
            rows[line] = cells
        merges = _merged_ranges(wb, ws)
    finally:
        wb.close()
    merged_top = 0
    for min_col, min_row, max_col, max_row in merges:
        top_row = rows.get(min_row)
        top = top_row[min_col - 1] if top_row is not None and min_col <= len(top_row) else None
        for r in range(min_row, max_row + 1):
            cells = rows.get(r)
            if cells is None:  # a row with nothing but a merged cell's shadow carries no data
                continue
            if len(cells) < min(max_col, MAX_COLUMNS):
                cells.extend([None] * (min(max_col, MAX_COLUMNS) - len(cells)))
            for c in range(min_col, min(max_col, MAX_COLUMNS) + 1):
                cells[c - 1] = top
        merged_top += min_row <= 15
    table = [RawRow(line, cells) for line, cells in sorted(rows.items()) if not _blank(cells)]
    return RawTable(table, merged_top)


def _too_many_rows() -> Invalid:
    return Invalid(Problem("too_many_rows", f"Tệp có quá nhiều dòng (tối đa {MAX_ROWS:,}).".replace(",", ".")))


def _trimmed(cells) -> list:
    """The row without its trailing empty cells (formatting alone does not make a cell count)."""
    end = len(cells)
    while end and (cells[end - 1] is None or (isinstance(cells[end - 1], str) and not cells[end - 1].strip())):
        end -= 1
    return list(cells[:end])


def _check_sheet_size(wb, ws) -> None:
    # A zip bomb: a small file whose sheet unpacks to gigabytes of XML.
    info = wb._archive.getinfo(ws._worksheet_path)
    if info.file_size > MAX_SHEET_XML_BYTES:
        raise Invalid(Problem("too_large", "Bảng tính quá lớn để nhập (dữ liệu giải nén vượt "
                                           f"{MAX_SHEET_XML_BYTES // 1_000_000} MB)."))


_MERGE = re.compile(rb'mergeCell\b[^>]*?\bref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"')


def _merged_ranges(wb, ws) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of each merged range, read in chunks from the sheet's XML.

    Read-only sheets do not expose merges; they sit after the cells, so a pattern scan in
    bounded memory finds them without building the document.
    """
    found, tail = [], b""
    with wb._archive.open(ws._worksheet_path) as src:
        while chunk := src.read(1 << 20):
            buffer = tail + chunk
            last_end = 0
            for m in _MERGE.finditer(buffer):
                c1, r1, c2, r2 = m.groups()
                found.append((column_index_from_string(c1.decode()), int(r1),
                              column_index_from_string(c2.decode()), int(r2)))
                last_end = m.end()
                if len(found) > MAX_MERGES:
                    raise Invalid(Problem("too_many_merges", f"Bảng tính có quá nhiều ô gộp (tối đa {MAX_MERGES})."))
            tail = buffer[max(last_end, len(buffer) - 200):]
    return found


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
            raise _too_many_rows()
        if not _blank(cells):
            rows.append(RawRow(i + 1, [c if c.strip() else None for c in cells]))
    return RawTable(rows)
