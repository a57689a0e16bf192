"""Importing the evidence registers: contest results, initiatives, task ratings."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from workflow.errors import Conflict
from workflow.imports import apply_file, preview_file
from workflow.imports import contests as contests_module
from workflow.models import AuditEntry, ContestResult, Initiative, TaskRating

from .helpers import count, snapshot
from .sheets import csv_bytes, nfd, xlsx


def _results(ctx):
    with ctx.db.reading() as s:
        rows = s.scalars(select(ContestResult).order_by(ContestResult.id)).all()
        return [(r.person.full_name, r.contest_kind, r.year, r.round, r.participated,
                 float(r.score) if r.score is not None else None, r.prize) for r in rows]


def test_contest_results_csv_with_bom_semicolons_and_decimal_commas(ctx, make):
    a = make.agency()
    make.person(a.other_department_id, "Phạm Thị Lan")
    data = csv_bytes([
        ["KẾT QUẢ CUỘC THI TRỰC TUYẾN TÌM HIỂU CẢI CÁCH HÀNH CHÍNH", "", "", "", ""],
        ["STT", "Họ và tên", "Đơn vị", "Điểm", "Giải"],
        ["1", nfd("lê thị hòa"), "Ban Dân tộc tỉnh Quảng Ngãi", "9,5", "Giải Nhì"],
        ["", "", "", "", ""],
        ["2", "Pham Thi Lan", "Phòng Kế hoạch", "7", "Không"],
    ])
    result = apply_file(ctx, a.admin, "contest-results", data, "ket-qua.csv", {"year": 2025, "round": "Đợt 1"})

    assert result.counts == {"create": 2, "update": 0, "unchanged": 0, "refused": 0}
    assert _results(ctx) == [("Lê Thị Hoà", "online_cchc", 2025, "Đợt 1", True, 9.5, "Giải Nhì"),
                             ("Phạm Thị Lan", "online_cchc", 2025, "Đợt 1", True, 7.0, None)]
    assert count(ctx, AuditEntry, AuditEntry.action == "create_contest_result") == 2
    assert count(ctx, AuditEntry, AuditEntry.action == "import_contest_results") == 1


def test_contest_results_with_a_merged_two_row_header_and_a_merged_unit_column(ctx, make):
    a = make.agency()
    make.person(a.department_id, "Ngô Văn Tài")
    rows = [["STT", "Họ và tên", "Đơn vị", "Năm", "Kết quả", None],
            [None, None, None, None, "Điểm", "Giải"],
            [1, "Lê Thị Hoà", "Phòng Chính sách", 2024, 8.25, "Khuyến khích"],
            [2, "Ngô Văn Tài", None, 2024, 6, None]]
    data = xlsx(rows, merges=("A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:F1", "C3:C4"))
    result = apply_file(ctx, a.admin, "contest-results", data, "kq.xlsx")

    assert result.header_lines == [1, 2]
    assert result.columns["Điểm"] == "Kết quả / Điểm" and result.columns["Giải"] == "Kết quả / Giải"
    assert result.counts["create"] == 2
    assert ("Ngô Văn Tài", "online_cchc", 2024, "", True, 6.0, None) in _results(ctx)


def test_contest_rows_refused_for_unknown_person_unit_ambiguity_duplicate_and_missing_name(ctx, make):
    a = make.agency()
    make.person(a.department_id, "Nguyễn Văn An", birth_date=date(1980, 1, 1))
    make.person(a.other_department_id, "Nguyễn Văn An", birth_date=date(1985, 6, 15))
    data = xlsx([["Họ và tên", "Ngày sinh", "Đơn vị", "Năm", "Điểm", "Giải"],
                 ["Nguyễn Văn An", None, None, 2025, 9, None],                       # 2 ambiguous
                 ["Nguyễn Văn An", None, "Phòng Kế hoạch", 2025, 9, None],           # 3 ok by department
                 ["Nguyễn Văn An", 29221, None, 2025, 10, "Giải Ba"],                # 4 ok by serial birth date
                 ["Nguyễn Văn An", "01/01/1980", None, 2025, 10, "Giải Ba"],         # 5 duplicate of 4
                 ["Trịnh Văn Vắng", None, None, 2025, 5, None],                      # 6 unknown person
                 ["Lê Thị Hoà", None, "Phòng Hành chính", 2025, 5, None],            # 7 unknown department
                 [None, None, "Phòng Kế hoạch", 2025, 5, None],                      # 8 missing name
                 ["Lê Thị Hoà", None, None, "năm ngoái", 5, None],                   # 9 bad year
                 ["Lê Thị Hoà", "32/13/1990", None, 2025, 5, None]])                 # 10 bad date
    result = preview_file(ctx, a.admin, "contest-results", data, "kq.xlsx")
    codes = {r.line: r.code or r.status for r in result.rows}
    assert codes == {2: "ambiguous_name", 3: "create", 4: "create", 5: "duplicate", 6: "unknown_person",
                     7: "unknown_department", 8: "missing_name", 9: "bad_value", 10: "bad_date"}
    assert count(ctx, ContestResult) == 0


def test_reimport_is_a_no_op_and_a_changed_prize_is_an_update(ctx, make):
    a = make.agency()
    data = xlsx([["Họ và tên", "Năm", "Điểm", "Giải"], ["Lê Thị Hoà", 2025, 9, "Giải Ba"]])
    apply_file(ctx, a.admin, "contest-results", data, "kq.xlsx")
    before = snapshot(ctx, ContestResult, AuditEntry)
    again = apply_file(ctx, a.admin, "contest-results", data, "kq.xlsx")
    assert again.counts["unchanged"] == 1 and snapshot(ctx, ContestResult, AuditEntry) == before

    changed = xlsx([["Họ và tên", "Năm", "Điểm", "Giải"], ["Lê Thị Hoà", 2025, 9.5, "Giải Nhì"]])
    result = apply_file(ctx, a.admin, "contest-results", changed, "kq.xlsx")
    assert result.rows[0].status == "update"
    assert result.rows[0].changes == {"Điểm": [9.0, 9.5], "Giải": ["Giải Ba", "Giải Nhì"]}
    assert _results(ctx)[0][-2:] == (9.5, "Giải Nhì")


def test_apply_refuses_when_the_data_moved_since_the_preview(ctx, make):
    a = make.agency()
    data = xlsx([["Họ và tên", "Năm", "Giải"], ["Lê Thị Hoà", 2025, "Giải Ba"]])
    promised = preview_file(ctx, a.admin, "contest-results", data, "kq.xlsx").fingerprint
    make.prize(a, a.staff_person, 2025, prize="Giải Nhất")  # someone edits the register meanwhile
    with pytest.raises(Conflict):
        apply_file(ctx, a.admin, "contest-results", data, "kq.xlsx", expect=promised)
    assert _results(ctx)[0][-1] == "Giải Nhất"


def test_a_failure_half_way_through_writing_leaves_nothing_behind(ctx, make, monkeypatch):
    a = make.agency()
    names = [make.person(a.department_id, f"Cán Bộ Số {w}") for w in ("Một", "Hai", "Ba")]
    assert len(names) == 3
    data = xlsx([["Họ và tên", "Năm"], ["Cán Bộ Số Một", 2025], ["Cán Bộ Số Hai", 2025], ["Cán Bộ Số Ba", 2025]])
    real, calls = contests_module.ContestPlanner._create, []

    def failing(self, s, key, values):
        calls.append(key)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(self, s, key, values)

    monkeypatch.setattr(contests_module.ContestPlanner, "_create", failing)
    before = snapshot(ctx, ContestResult, AuditEntry)
    with pytest.raises(RuntimeError):
        apply_file(ctx, a.admin, "contest-results", data, "kq.xlsx")
    assert len(calls) == 3 and snapshot(ctx, ContestResult, AuditEntry) == before


INITIATIVE_HEADER = [
    ["SỔ THEO DÕI SÁNG KIẾN CẢI CÁCH HÀNH CHÍNH"],
    ["STT", "Tên sáng kiến", "Lĩnh vực", "Tác giả", "Phòng", "Quyết định công nhận", None, "Thẩm định của Sở Nội vụ",
     None],
    [None, None, None, None, None, "Số", "Ngày", "Số", "Ngày"],
]
INITIATIVE_MERGES = ("A1:I1", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:E3", "F2:G2", "H2:I2")


def test_initiatives_with_merged_decision_headers_serial_and_text_dates_and_authors(ctx, make):
    a = make.agency()
    other = make.person(a.other_department_id, "Nguyễn Văn An", birth_date=date(1985, 2, 1))
    make.person(a.department_id, "Nguyễn Văn An", birth_date=date(1970, 5, 5))
    data = xlsx(INITIATIVE_HEADER + [
        [1, "Số hoá hồ sơ một cửa", "Chính quyền điện tử, chính quyền số", nfd("Lê Thị Hòa; Nguyễn Văn An (01/02/1985)"),
         None, "12/QĐ-BDT", 45658, "45/SNV-CCHC", "15/09/2025"],
        [2, "Cải tiến quy trình tiếp dân", "Cải cách thủ tục hành chính", None, "Phòng Kế hoạch",
         "15/QĐ-BDT ngày 05/6/2024", None, None, None],
        [3, "Sáng kiến thiếu ngày", "7", "Lê Thị Hoà", None, "16/QĐ-BDT", None, None, None],
        [4, "Thẩm định trước công nhận", "Cải cách thể chế", "Lê Thị Hoà", None, None, None, "1/SNV", "01/01/2025"],
        [5, "Tác giả trùng tên", "Cải cách thể chế", "Nguyễn Văn An", None, None, None, None, None],
        [6, "Không có tác giả", "Cải cách thể chế", None, None, None, None, None, None],
        [7, "Lĩnh vực lạ", "Thể thao", "Lê Thị Hoà", None, None, None, None, None],
    ], merges=INITIATIVE_MERGES)
    result = apply_file(ctx, a.admin, "initiatives", data, "sang-kien.xlsx")

    codes = {r.line: r.code or r.status for r in result.rows}
    assert codes == {4: "create", 5: "create", 6: "bad_decision", 7: "bad_decision", 8: "ambiguous_name",
                     9: "missing_author", 10: "bad_value"}
    with ctx.db.reading() as s:
        first = s.scalars(select(Initiative).where(Initiative.title == "Số hoá hồ sơ một cửa")).one()
        assert (first.field, first.year) == ("e_government", 2025)  # year from the recognition date
        assert (first.recognition_number, first.recognition_date) == ("12/QĐ-BDT", date(2025, 1, 1))
        assert (first.appraisal_number, first.appraisal_date) == ("45/SNV-CCHC", date(2025, 9, 15))
        assert sorted(x.person_id for x in first.authors) == sorted([a.staff_person, other])
        second = s.scalars(select(Initiative).where(Initiative.title == "Cải tiến quy trình tiếp dân")).one()
        assert (second.recognition_number, second.recognition_date, second.year) == ("15/QĐ-BDT", date(2024, 6, 5), 2024)
        assert second.department_id == a.other_department_id and not second.authors

    before = snapshot(ctx, Initiative, AuditEntry)
    assert apply_file(ctx, a.admin, "initiatives", data, "sang-kien.xlsx").counts["unchanged"] == 2
    assert snapshot(ctx, Initiative, AuditEntry) == before


def test_task_ratings_of_people_and_departments_with_abbreviations(ctx, make):
    a = make.agency()
    data = xlsx([["BẢNG TỔNG HỢP XẾP LOẠI NĂM 2024"],
                 ["STT", "Họ và tên", "Đối tượng", "Xếp loại"],
                 [1, "Lê Thị Hoà", "Cá nhân", "HTXSNV"],
                 [2, "Trần Thị Trưởng", "Cá nhân", "Hoàn thành tốt nhiệm vụ"],
                 [3, "Phòng Chính sách", "Tập thể", "Hoàn thành xuất sắc nhiệm vụ"],
                 [4, "Phòng Kế hoạch", None, "httnv"],
                 [5, "Lê Thị Hoà", "Cá nhân", "Giỏi"]], merges=("A1:D1",))
    result = apply_file(ctx, a.admin, "task-ratings", data, "xep-loai.xlsx", {"year": 2024})
    codes = {r.line: r.code or r.status for r in result.rows}
    # Two people named Trần Thị Trưởng head the two departments: that row must say so.
    assert codes == {3: "create", 4: "ambiguous_name", 5: "create", 6: "create", 7: "bad_value"}
    with ctx.db.reading() as s:
        got = {(r.person_id, r.department_id, r.year, r.rating) for r in s.scalars(select(TaskRating))}
    assert got == {(a.staff_person, None, 2024, "excellent"), (None, a.department_id, 2024, "excellent"),
                   (None, a.other_department_id, 2024, "good")}

    downgrade = xlsx([["Họ và tên", "Năm", "Xếp loại"], ["Lê Thị Hoà", 2024, "Hoàn thành nhiệm vụ"]])
    again = apply_file(ctx, a.admin, "task-ratings", downgrade, "x.xlsx")
    assert again.rows[0].status == "update"
    assert again.rows[0].changes == {"Xếp loại": ["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành nhiệm vụ"]}
