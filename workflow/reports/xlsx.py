"""Writing a report as an .xlsx workbook people can sort and filter in Excel.

Written in openpyxl's write-only mode: rows go to disk as they come, so a sheet fed by a
streamed query takes the same memory for a hundred rows as for a million.
"""
from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter


@dataclass(frozen=True)
class Col:
    title: str
    width: int = 16
    kind: str = "text"  # text | date | int | percent | number


@dataclass
class Sheet:
    title: str                 # the sheet tab (Excel: at most 31 characters)
    columns: list[Col]
    rows: Iterable[list]       # a list, or a generator over a streamed query
    heading: str = ""          # a first line above the table, e.g. the cycle
    notes: list[str] = field(default_factory=list)


_FORMATS = {"date": "DD/MM/YYYY", "percent": "0.0%", "number": "0.00", "int": "0"}
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")


def _cell_value(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones; callers pass local times
    return value


_WRAP = Alignment(wrap_text=True, vertical="top")


def _cell(ws, value, *, font=None, fill=None, alignment=None, number_format=None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _write(ws, sheet: Sheet) -> None:
    ws.title = sheet.title[:31]
    header_row = 3 if sheet.heading else 1
    for c, col in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(c)].width = col.width
    ws.freeze_panes = f"A{header_row + 1}"
    if sheet.heading:
        ws.append([_cell(ws, sheet.heading, font=Font(bold=True, size=13))])
        ws.append([])
    ws.append([_cell(ws, col.title, font=Font(bold=True), fill=_HEADER_FILL,
                     alignment=Alignment(wrap_text=True, vertical="center")) for col in sheet.columns])
    formats = [_FORMATS.get(col.kind) for col in sheet.columns]
    # a styled cell costs far more than a plain value: style only what needs it (formats; text too long
    # for a wide column, which wraps)
    wraps = [col.width if col.kind == "text" and col.width >= 30 else None for col in sheet.columns]
    row = header_row
    for values in sheet.rows:
        row += 1
        ws.append([value if value is None or (fmt is None and (wrap is None or len(str(value)) <= wrap))
                   else _cell(ws, _cell_value(value), number_format=fmt, alignment=_WRAP if wrap else None)
                   for fmt, wrap, value in zip(formats, wraps, values, strict=False)])
    if row > header_row:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(sheet.columns))}{row}"
    for note in sheet.notes:
        ws.append([])
        ws.append([_cell(ws, note, font=Font(italic=True))])


def write_workbook(out: BinaryIO, *sheets: Sheet) -> None:
    """One workbook, one tab per sheet, written to `out` as the rows arrive."""
    wb = Workbook(write_only=True)
    for sheet in sheets:
        _write(wb.create_sheet(), sheet)
    wb.save(out)


def workbook_bytes(*sheets: Sheet) -> bytes:
    out = io.BytesIO()
    write_workbook(out, *sheets)
    return out.getvalue()


def local(value: datetime | None, tz) -> datetime | None:
    return value.astimezone(tz) if value else None


def as_date(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value
