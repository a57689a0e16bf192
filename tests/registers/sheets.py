"""Real-shaped spreadsheets, made the way agencies make them: title rows, merged headers,
blank rows, Excel serial dates next to text dates, CSV with BOM and semicolons."""
from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime

from openpyxl import Workbook


def nfd(text: str) -> str:
    """The decomposed spelling some keyboards and Mac exports produce."""
    return unicodedata.normalize("NFD", text)


def xlsx(rows: list[list], *, merges: tuple[str, ...] = (), date_formats: dict[str, str] | None = None,
         title: str | None = "DANH SÁCH") -> bytes:
    """An .xlsx whose first sheet holds `rows` (None for an empty cell), with merged ranges."""
    wb = Workbook()
    ws = wb.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, (date, datetime)):
                cell.number_format = "DD/MM/YYYY"
    for rng in merges:
        ws.merge_cells(rng)
    for cell_ref, fmt in (date_formats or {}).items():
        ws[cell_ref].number_format = fmt
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list], *, delimiter: str = ";", bom: bool = True, encoding: str = "utf-8") -> bytes:
    lines = []
    for row in rows:
        cells = ["" if v is None else str(v) for v in row]
        lines.append(delimiter.join(f'"{c}"' if delimiter in c or '"' in c else c for c in cells))
    text = "\r\n".join(lines) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data
