"""Importing the directory from real-shaped staff lists."""
from __future__ import annotations

from datetime import date

import pytest

from workflow.errors import Forbidden, Invalid
from workflow.imports import apply_file, preview_file
from workflow.models import AuditEntry, Department, Person

from .helpers import audit_actions, count, person_named, snapshot
from .sheets import csv_bytes, nfd, xlsx

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Phòng", "Chức vụ", "Email"]


def staff_list(rows: list[list]) -> bytes:
    """A list as offices make it: a merged title, a blank row, the header, a numbering row."""
    return xlsx([["DANH SÁCH CÁN BỘ, CÔNG CHỨC NĂM 2025"], [], HEADER,
                 ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"], *rows], merges=("A1:G1",))


def test_a_staff_list_with_title_rows_serial_and_text_dates_creates_people_stored_nfc(ctx, make):
    a = make.agency()
    data = staff_list([
        [1, nfd("Nguyễn Văn Ấn"), 29221, "Nam", "Phòng Chính sách", "Chuyên viên", "an@example.vn"],
        [],
        [2, "Đỗ Thị Thuý", "05/03/1990", "Nữ", "Kế hoạch", None, None],
        [3, "Phan Văn Lộc", date(1975, 12, 31), "nam", "phong ke hoach", "Phó Trưởng phòng", None],
    ])
    result = apply_file(ctx, a.admin, "people", data, "can-bo.xlsx")

    assert result.counts == {"create": 3, "update": 0, "unchanged": 0, "refused": 0}
    an = person_named(ctx, "Nguyễn Văn Ấn")  # stored composed, whatever the file held
    assert an.birth_date == date(1980, 1, 1) and an.gender == "nam" and an.department_id == a.department_id
    assert person_named(ctx, "Đỗ Thị Thuý").birth_date == date(1990, 3, 5)
    loc = person_named(ctx, "Phan Văn Lộc")
    assert loc.birth_date == date(1975, 12, 31) and loc.department_id == a.other_department_id
    assert [r.line for r in result.rows] == [5, 7, 8]  # Excel's row numbers, blank rows skipped
    assert audit_actions(ctx)[-4:] == ["create_person"] * 3 + ["import_people"]


def test_every_rejection_reason_is_reported_and_the_preview_writes_nothing(ctx, make):
    a = make.agency()
    data = staff_list([
        [1, "Trần Văn Bình", "01/02/1990", "Nam", "Phòng Đối ngoại", None, None],     # unknown department
        [2, "Trần Văn Cường", "31/02/1990", "Nam", "Phòng Kế hoạch", None, None],     # bad date
        [3, None, "01/02/1990", "Nam", "Phòng Kế hoạch", None, None],                 # missing name
        [4, "Vũ Thị Dung", "01/02/1991", "Nữ", "Phòng Kế hoạch", None, None],
        [5, "VŨ THỊ DUNG", "01/02/1991", "Nữ", "Phòng Kế hoạch", None, None],         # duplicate
        [6, "Tổng cộng: 4 người", None, None, None, None, None],                       # not a name
        [7, "Lê Văn Em", "1/2/1992", "X", "Phòng Kế hoạch", None, "le-van-em"],        # bad gender
    ])
    before = snapshot(ctx, Person, AuditEntry)
    result = preview_file(ctx, a.admin, "people", data, "can-bo.xlsx")

    codes = {r.line: r.code for r in result.refused}
    assert codes == {5: "unknown_department", 6: "bad_date", 7: "missing_name", 9: "duplicate",
                     10: "invalid_name", 11: "bad_value"}
    assert "Phòng Đối ngoại" in result.rows[0].reason
    assert "dòng 8" in next(r.reason for r in result.refused if r.line == 9)
    assert result.counts["create"] == 1
    assert snapshot(ctx, Person, AuditEntry) == before


def test_two_namesakes_are_told_apart_by_birth_date_and_a_name_alone_is_refused(ctx, make):
    a = make.agency()
    make.person(a.department_id, "Nguyễn Văn An", birth_date=date(1980, 1, 1))
    make.person(a.other_department_id, "Nguyễn Văn An", birth_date=date(1985, 6, 15))
    data = staff_list([
        [1, "Nguyễn Văn An", "15/06/1985", "Nam", "Phòng Kế hoạch", "Chuyên viên chính", None],
        [2, "Nguyễn Văn An", None, "Nam", None, "Chuyên viên", None],
        [3, "Nguyễn Văn An", "02/02/1999", "Nam", "Phòng Kế hoạch", None, None],
    ])
    result = preview_file(ctx, a.admin, "people", data, "x.xlsx")
    by_line = {r.line: r for r in result.rows}
    assert by_line[5].status == "update" and by_line[5].changes == {"Chức vụ": ["", "Chuyên viên chính"],
                                                                     "Giới tính": ["", "Nam"]}
    assert by_line[6].code == "ambiguous_name"
    assert "Phòng Chính sách, sinh 01/01/1980" in by_line[6].reason and "ngày sinh" in by_line[6].reason
    assert by_line[7].status == "create"  # same name, another birth date: another person


def test_old_and_new_tone_placement_and_case_update_the_same_person(ctx, make):
    a = make.agency()  # has "Lê Thị Hoà" (old placement) in Phòng Chính sách
    data = csv_bytes([HEADER, [1, nfd("LÊ THỊ HÒA"), "05/03/1990", "Nữ", "Chính sách", "Chuyên viên", None]])
    result = apply_file(ctx, a.admin, "people", data, "cb.csv")
    assert result.counts["update"] == 1 and result.counts["create"] == 0
    hoa = person_named(ctx, "Lê Thị Hoà")
    assert hoa.id == a.staff_person and hoa.birth_date == date(1990, 3, 5) and hoa.position == "Chuyên viên"


def test_importing_the_same_file_twice_changes_nothing_the_second_time(ctx, make):
    a = make.agency()
    data = staff_list([[1, "Hồ Thị Gấm", 33000, "Nữ", "Phòng Kế hoạch", "Chuyên viên", "gam@example.vn"],
                       [2, "Lê Thị Hoà", None, None, "Phòng Chính sách", "Văn thư", None]])
    first = apply_file(ctx, a.admin, "people", data, "cb.xlsx")
    assert first.counts == {"create": 1, "update": 1, "unchanged": 0, "refused": 0}
    before = snapshot(ctx, Person, Department, AuditEntry)

    second = apply_file(ctx, a.admin, "people", data, "cb.xlsx")
    assert second.counts == {"create": 0, "update": 0, "unchanged": 2, "refused": 0}
    assert snapshot(ctx, Person, Department, AuditEntry) == before


def test_departments_then_people_from_a_csv_with_bom_and_commas(ctx, make):
    a = make.agency()
    depts = csv_bytes([["Mã phòng", "Tên phòng", "Chức năng, nhiệm vụ"],
                       ["", "Phòng Tuyên truyền - Địa bàn", "Tuyên truyền"],
                       ["P-CS", "Phòng Chính sách", ""]], delimiter=",")
    result = apply_file(ctx, a.admin, "departments", depts, "phong.csv")
    assert [r.status for r in result.rows] == ["create", "unchanged"]
    assert count(ctx, Department, Department.code == "TTDB") == 1
    people = csv_bytes([["Họ và tên", "Phòng"], ["Trương Văn Hải", "Tuyên truyền - Địa bàn"]], delimiter=",")
    assert apply_file(ctx, a.admin, "people", people, "cb.csv").counts["create"] == 1


def test_a_file_without_a_name_column_is_refused_whole(ctx, make):
    a = make.agency()
    with pytest.raises(Invalid) as err:
        preview_file(ctx, a.admin, "people", xlsx([["Mã", "Ghi chú"], [1, "x"]]), "x.xlsx")
    assert "Họ và tên" in err.value.message
    with pytest.raises(Invalid):
        preview_file(ctx, a.admin, "people", b"not a zip", "x.xlsx")
    with pytest.raises(Invalid):
        preview_file(ctx, a.admin, "people", b"x", "x.pdf")


def test_only_the_office_or_an_administrator_may_import(ctx, make):
    a = make.agency()
    data = staff_list([[1, "Hồ Thị Gấm", None, None, "Phòng Kế hoạch", None, None]])
    with pytest.raises(Forbidden):
        preview_file(ctx, a.head, "people", data, "cb.xlsx")
    with pytest.raises(Forbidden):
        apply_file(ctx, a.agency_head, "people", data, "cb.xlsx")
    assert apply_file(ctx, a.secretary, "people", data, "cb.xlsx").counts["create"] == 1


def test_imports_fill_what_the_achievement_reports_print(ctx, make):
    a = make.agency()
    depts = csv_bytes([["Mã phòng", "Tên phòng", "Địa chỉ", "Điện thoại", "Email"],
                       ["TTS", "Thanh tra Sở", "Số 52 Hùng Vương, Quảng Ngãi", "0255 3822 410", "tt@sodttg.vn"]],
                      delimiter=",")
    assert apply_file(ctx, a.admin, "departments", depts, "phong.csv").counts["create"] == 1
    people = csv_bytes([["Họ và tên", "Phòng", "Nơi thường trú", "Trình độ chuyên môn"],
                        ["Trương Văn Hải", "Thanh tra Sở", "Phường Trần Phú, TP. Quảng Ngãi", "Cử nhân Luật"]],
                       delimiter=",")
    assert apply_file(ctx, a.admin, "people", people, "cb.csv").counts["create"] == 1
    hai = person_named(ctx, "Trương Văn Hải")
    assert (hai.residence, hai.qualifications) == ("Phường Trần Phú, TP. Quảng Ngãi", "Cử nhân Luật")
    with ctx.db.reading() as s:
        from sqlalchemy import select
        dept = s.scalars(select(Department).where(Department.code == "TTS")).one()
        assert (dept.address, dept.phone, dept.email) == ("Số 52 Hùng Vương, Quảng Ngãi", "0255 3822 410",
                                                          "tt@sodttg.vn")
        # a new unit starts with one version, of its kind and head title
        assert [(v.kind, v.head_title) for v in dept.versions] == [("thanh_tra", "Chánh Thanh tra")]
