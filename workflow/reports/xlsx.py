"""Writing a report as an .xlsx workbook people can sort and filter in Excel."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import Workbook
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
    rows: list[list]
    heading: str = ""          # a first line above the table, e.g. the cycle
    notes: list[str] = field(default_factory=list)


_FORMATS = {"date": "DD/MM/YYYY", "percent": "0.0%", "number": "0.00", "int": "0"}
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")


def _cell_value(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones; callers pass local times
    return value


def _write(ws, sheet: Sheet) -> None:
    ws.title = sheet.title[:31]
    row = 1
    if sheet.heading:
        ws.cell(row=1, column=1, value=sheet.heading).font = Font(bold=True, size=13)
        row = 3
    for c, col in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=row, column=c, value=col.title)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(c)].width = col.width
    header_row = row
    for values in sheet.rows:
        row += 1
        for c, (col, value) in enumerate(zip(sheet.columns, values), start=1):
            cell = ws.cell(row=row, column=c, value=_cell_value(value))
            if col.kind in _FORMATS and value is not None:
                cell.number_format = _FORMATS[col.kind]
            if col.kind == "text" and col.width >= 30:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    if sheet.rows:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(sheet.columns))}{row}"
    for note in sheet.notes:
        row += 2
        ws.cell(row=row, column=1, value=note).font = Font(italic=True)


def workbook_bytes(*sheets: Sheet) -> bytes:
    """One workbook, one tab per sheet."""
    wb = Workbook()
    for i, sheet in enumerate(sheets):
        _write(wb.active if i == 0 else wb.create_sheet(), sheet)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def local(value: datetime | None, tz) -> datetime | None:
    return value.astimezone(tz) if value else None


def as_date(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value
