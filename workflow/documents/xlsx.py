"""The agency-wide list of a cycle as a workbook, for the Office's own use (sort, filter, print)."""
from __future__ import annotations

import io
from collections import Counter

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

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


def _latest_votes(s: Session, cycle_id: int) -> dict[int, tuple[CouncilVote, CouncilMeeting]]:
    q = (select(CouncilVote, CouncilMeeting).join(CouncilMeeting, CouncilVote.meeting_id == CouncilMeeting.id)
         .where(CouncilMeeting.cycle_id == cycle_id).order_by(CouncilMeeting.held_on, CouncilMeeting.id))
    return {vote.nomination_id: (vote, meeting) for vote, meeting in s.execute(q)}


def cycle_rows(s: Session, ctx, cycle, on) -> list[dict]:
    """Every nomination of the cycle, by department then collective before individuals, by name."""
    votes = _latest_votes(s, cycle.id)
    noms = s.scalars(select(Nomination).where(Nomination.cycle_id == cycle.id)).all()
    noms = sorted(noms, key=lambda n: (n.department.sort_key, facts.nominee_sort_key(n)))
    rows = []
    for i, n in enumerate(noms, start=1):
        who = facts.nominee(n, on)
        vote = votes.get(n.id)
        met = (n.criteria or {}).get("met")
        rows.append({
            "no": i, "name": who["name"], "type": NOMINEE_TYPES[n.nominee_type], "position": who["position"],
            "department": facts.unit_name(n.department, on), "award": AWARD_FORMS[n.award_form], "state": State(n.state).title,
            "criteria": "" if met is None else ("Đạt" if met else "Chưa đạt"),
            "votes": f"{vote[0].votes_for}/{vote[1].members_present}" if vote else "",
            "decision": n.decision_number or "", "decision_date": n.decision_date, "summary": n.summary or "",
            "state_code": n.state,
        })
    return rows


def _title_rows(ws, meta: dict, width: int) -> None:
    last = get_column_letter(width)
    for row, text, size, bold, italic in ((1, meta["agency"].upper(), 12, True, False),
                                          (2, meta["title"], 14, True, False),
                                          (3, meta["subtitle"], 12, False, True)):
        ws.merge_cells(f"A{row}:{last}{row}")
        cell = ws[f"A{row}"]
        cell.value = text
        cell.font = Font(name=FONT, size=size, bold=bold, italic=italic)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[3].height = 32


def _list_sheet(ws, meta: dict, rows: list[dict]) -> None:
    _title_rows(ws, meta, len(COLUMNS))
    header = 5
    for col, (title, width, _key) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=header, column=col, value=title)
        cell.font = Font(name=FONT, size=11, bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
        ws.column_dimensions[get_column_letter(col)].width = width
    for r, row in enumerate(rows, start=header + 1):
        for col, (_title, _width, key) in enumerate(COLUMNS, start=1):
            cell = ws.cell(row=r, column=col, value=row[key])
            cell.font = Font(name=FONT, size=11)
            cell.border = BOX
            cell.alignment = Alignment(vertical="top", wrap_text=True,
                                       horizontal="center" if key in ("no", "type", "criteria", "votes") else None)
            if key == "decision_date" and row[key]:
                cell.number_format = "DD/MM/YYYY"
    ws.freeze_panes = ws.cell(row=header + 1, column=3)
    ws.auto_filter.ref = f"A{header}:{get_column_letter(len(COLUMNS))}{header + max(len(rows), 1)}"
    ws.print_title_rows = f"{header}:{header}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _summary_sheet(ws, meta: dict, rows: list[dict]) -> None:
    states = [s for s in State]
    _title_rows(ws, {**meta, "title": "TỔNG HỢP THEO PHÒNG VÀ TRẠNG THÁI"}, len(states) + 2)
    heads = ["Phòng", *[s.title for s in states], "Tổng"]
    for col, title in enumerate(heads, start=1):
        cell = ws.cell(row=5, column=col, value=title)
        cell.font = Font(name=FONT, size=11, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
        ws.column_dimensions[get_column_letter(col)].width = 28 if col == 1 else 13
    by_dept: dict[str, Counter] = {}
    for row in rows:
        by_dept.setdefault(row["department"], Counter())[row["state_code"]] += 1
    for r, (dept, counts) in enumerate(by_dept.items(), start=6):
        values = [dept, *[counts.get(s.value, 0) for s in states], sum(counts.values())]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=value)
            cell.font = Font(name=FONT, size=11, bold=(col == len(values)))
            cell.border = BOX


def workbook_bytes(meta: dict, rows: list[dict]) -> bytes:
    """The workbook: the full list, then counts per department and state."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    _list_sheet(ws, meta, rows)
    _summary_sheet(wb.create_sheet("Tổng hợp"), meta, rows)
    wb.properties.creator = "thidua"
    wb.properties.title = meta["title"]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
