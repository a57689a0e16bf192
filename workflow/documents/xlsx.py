"""The agency-wide list of a cycle as a workbook, for the Office's own use (sort, filter, print)."""
from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from states import State

from ..models import AWARD_FORMS, NOMINEE_TYPES, CouncilMeeting, CouncilVote, Nomination
from . import facts

FONT = "Times New Roman"
COLUMNS = [  # (title, width, key)
    ("STT", 6, "no"), ("Tập thể / cá nhân", 30, "name"), ("Loại", 9, "type"), ("Chức vụ", 18, "position"),
    ("Phòng", 24, "department"), ("Hình thức khen thưởng", 24, "award"), ("Trạng thái", 18, "state"),
    ("Tiêu chuẩn", 11, "criteria"), ("Phiếu đồng ý / dự họp", 12, "votes"), ("Số quyết định", 16, "decision"),
    ("Ngày quyết định", 13, "decision_date"), ("Tóm tắt thành tích", 40, "summary"),
]
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


CHUNK = 500  # nominations loaded per reading session while the workbook is written


def iter_cycle_rows(sessions, ctx, cycle_id: int, on) -> Iterator[dict]:
    """Every nomination of the cycle, by department then collective before individuals, by name.

    Streamed: the order comes from columns, then each chunk of nominations is loaded in its own
    session (`sessions()` opens one) and dropped once its rows are out."""
    with sessions() as s:
        order = [r.id for r in facts.ordered_nominations(s, cycle_id, live=False)]
    no = 0
    for ids in facts.chunks(order, CHUNK):
        with sessions() as s:
            noms = {n.id: n for n in s.scalars(select(Nomination).where(Nomination.id.in_(ids)))}
            # the latest vote of each (a later meeting's overrides an earlier one)
            votes = {nid: f"{votes_for}/{present}" for nid, votes_for, present in s.execute(
                select(CouncilVote.nomination_id, CouncilVote.votes_for, CouncilMeeting.members_present)
                .join(CouncilMeeting, CouncilVote.meeting_id == CouncilMeeting.id)
                .where(CouncilMeeting.cycle_id == cycle_id, CouncilVote.nomination_id.in_(ids))
                .order_by(CouncilMeeting.held_on, CouncilMeeting.id))}
            rows = []
            for nid in ids:
                n = noms[nid]
                no += 1
                who = facts.nominee(n, on)
                met = (n.criteria or {}).get("met")
                rows.append({
                    "no": no, "name": who["name"], "type": NOMINEE_TYPES[n.nominee_type], "position": who["position"],
                    "department": facts.unit_name(n.department, on), "award": AWARD_FORMS[n.award_form],
                    "state": State(n.state).title, "criteria": "" if met is None else ("Đạt" if met else "Chưa đạt"),
                    "votes": votes.get(nid, ""), "decision": n.decision_number or "",
                    "decision_date": n.decision_date, "summary": n.summary or "", "state_code": n.state,
                })
            noms = None
        yield from rows


def _cell(ws, value, *, size=11, bold=False, italic=False, fill=None, border=True, **align) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.font = Font(name=FONT, size=size, bold=bold, italic=italic)
    if fill:
        cell.fill = PatternFill("solid", fgColor=fill)
    if border:
        cell.border = BOX
    if align:
        cell.alignment = Alignment(**align)
    return cell


def _title_rows(ws, meta: dict, width: int) -> None:
    """Rows 1-3 (agency, title, subtitle across the table) and the blank row 4."""
    last = get_column_letter(width)
    for row, text, size, bold, italic in ((1, meta["agency"].upper(), 12, True, False),
                                          (2, meta["title"], 14, True, False),
                                          (3, meta["subtitle"], 12, False, True)):
        ws.merged_cells.add(f"A{row}:{last}{row}")
        ws.append([_cell(ws, text, size=size, bold=bold, italic=italic, border=False,
                         horizontal="center", vertical="center", wrap_text=True)])
    ws.append([])


def _list_sheet(ws, meta: dict, rows: Iterable[dict]) -> dict[str, Counter]:
    """The list, written row by row (write-only: the layout is set before the first row); returns the
    count of each department's nominations by state, for the summary."""
    header = 5
    for col, (_title, width, _key) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[3].height = 32
    ws.freeze_panes = f"C{header + 1}"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    _title_rows(ws, meta, len(COLUMNS))
    ws.append([_cell(ws, title, bold=True, fill="D9D9D9", horizontal="center", vertical="center", wrap_text=True)
               for title, _width, _key in COLUMNS])
    by_dept: dict[str, Counter] = {}
    count = 0
    for row in rows:
        cells = []
        for _title, _width, key in COLUMNS:
            cell = _cell(ws, row[key], vertical="top", wrap_text=True,
                         horizontal="center" if key in ("no", "type", "criteria", "votes") else None)
            if key == "decision_date" and row[key]:
                cell.number_format = "DD/MM/YYYY"
            cells.append(cell)
        ws.append(cells)
        by_dept.setdefault(row["department"], Counter())[row["state_code"]] += 1
        count += 1
    ws.auto_filter.ref = f"A{header}:{get_column_letter(len(COLUMNS))}{header + max(count, 1)}"
    ws.print_title_rows = f"{header}:{header}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    return by_dept


def _summary_sheet(ws, meta: dict, by_dept: dict[str, Counter]) -> None:
    states = [s for s in State]
    heads = ["Phòng", *[s.title for s in states], "Tổng"]
    for col in range(1, len(heads) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 28 if col == 1 else 13
    ws.row_dimensions[3].height = 32
    _title_rows(ws, {**meta, "title": "TỔNG HỢP THEO PHÒNG VÀ TRẠNG THÁI"}, len(heads))
    ws.append([_cell(ws, title, bold=True, horizontal="center", vertical="center", wrap_text=True) for title in heads])
    for dept, counts in by_dept.items():
        values = [dept, *[counts.get(s.value, 0) for s in states], sum(counts.values())]
        ws.append([_cell(ws, value, bold=(col == len(values))) for col, value in enumerate(values, start=1)])


def workbook_bytes(meta: dict, rows: Iterable[dict]) -> bytes:
    """The workbook: the full list, then counts per department and state. Write-only: each row goes
    to disk as it comes, so a cycle of any size takes the same memory."""
    wb = Workbook(write_only=True)
    by_dept = _list_sheet(wb.create_sheet("Danh sách"), meta, rows)
    _summary_sheet(wb.create_sheet("Tổng hợp"), meta, by_dept)
    wb.properties.creator = "thidua"
    wb.properties.title = meta["title"]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
