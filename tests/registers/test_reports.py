"""Eligibility lookup, award history, the .ics feed and the .xlsx exports."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from states import State
from workflow import nominations
from workflow.errors import Forbidden, Invalid
from workflow.reports import calendar, eligibility, exports, history


def _eligibility(ctx, user_id, cycle):
    with ctx.db.reading() as s:
        return eligibility.eligibility(s, ctx, user_id, cycle)


def test_eligibility_lists_who_to_nominate_and_who_is_nominated_without_meeting_the_criteria(ctx, make):
    a = make.agency()
    cycle = make.cycle()
    prized = make.person(a.department_id, "Đinh Văn Giải")
    make.prize(a, prized, 2025)                                    # meets (a): not nominated -> listed
    only_recognised = make.person(a.department_id, "Đinh Văn Nhận")
    make.initiative(a, year=2025, authors=[only_recognised])       # recognised, not appraised: not enough
    appraised = make.person(a.other_department_id, "Đinh Văn Định")
    make.initiative(a, year=2025, authors=[appraised], appraised=True)  # meets (b), other department
    make.nomination(a, person_id=a.staff_person)                   # nominated and meets: in neither list
    weak = nominations.create_nomination(ctx, a.head, cycle_id=cycle, nominee_type="individual",
                                         person_id=only_recognised, award_form="agency_certificate")
    make.rating(a, 2025, department_id=a.department_id)
    make.initiative(a, year=2025, department_id=a.department_id, contest=True)  # the collective meets too

    e = _eligibility(ctx, a.secretary, cycle)
    eligible = {(x["nominee_type"], x["name"]) for x in e["eligible_not_nominated"]}
    assert eligible == {("individual", "Đinh Văn Giải"), ("individual", "Đinh Văn Định"),
                        ("collective", "Phòng Chính sách")}
    [not_yet] = e["nominated_not_eligible"]
    assert (not_yet["nomination_id"], not_yet["name"]) == (weak, "Đinh Văn Nhận")
    assert any("thẩm định" in r for r in not_yet["reasons"]) and any("giải" in r for r in not_yet["reasons"])

    mine = _eligibility(ctx, a.other_head, cycle)  # a department head sees their department only
    assert [x["name"] for x in mine["eligible_not_nominated"]] == ["Đinh Văn Định"]
    assert mine["nominated_not_eligible"] == []
    with pytest.raises(Forbidden):
        _eligibility(ctx, a.staff_user, cycle)


def test_award_history_per_person_and_department_with_decision_numbers(ctx, make, clock):
    a = make.agency()
    clock.set(date(2024, 11, 20))  # last year's review, decided last year
    make.prize(a, a.staff_person, 2024)
    make.nomination(a, person_id=a.staff_person, state=State.AWARDED, cycle_id=make.cycle(year=2024))
    clock.set(date(2025, 11, 20))
    make.nomination(a, person_id=a.staff_person, state=State.AWARDED)
    make.nomination(a, state=State.HEAD_APPROVED)  # not awarded yet: not history
    with ctx.db.reading() as s:
        mine = history.person_history(s, a.staff_user, a.staff_person)
        dept = history.department_history(s, a.head, a.department_id)
        with pytest.raises(Forbidden):
            history.department_history(s, a.other_head, a.department_id)
        with pytest.raises(Forbidden):
            history.person_history(s, a.other_head, a.staff_person)
    assert [(x["year"], x["decision_number"], x["decision_date"]) for x in mine["awards"]] == [
        (2025, "12/QĐ-BDT", date(2025, 11, 20)), (2024, "12/QĐ-BDT", date(2024, 11, 20))]
    assert mine["awards"][0]["cycle"] == "Sơ kết năm 2025" and mine["contest_results"][0]["prize"] == "Giải Ba"
    assert len(dept["individual"]) == 2 and dept["collective"] == []


def _events(ics: bytes) -> dict:
    cal = Calendar.from_ical(ics)
    return {str(e.get("summary")): e for e in cal.walk("VEVENT")}


def test_the_ics_feed_parses_back_with_the_deadlines_of_each_role(ctx, make):
    a = make.agency()
    with ctx.db.reading() as s:
        staff = _events(calendar.ics_for_user(s, ctx, a.staff_user))
        head = _events(calendar.ics_for_user(s, ctx, a.head))
        member = _events(calendar.ics_for_user(s, ctx, a.member))
    dossier = "Hạn nộp hồ sơ đề nghị khen thưởng — Sơ kết năm 2025"
    assert staff[dossier].decoded("dtstart") == date(2025, 11, 30)
    assert staff[dossier].decoded("dtend") == date(2025, 12, 1)
    assert staff[dossier].walk("VALARM")[0].decoded("trigger") == timedelta(days=-1)
    assert "Hạn đăng ký thi đua — Sơ kết năm 2026" in head and "Hạn đăng ký thi đua — Sơ kết năm 2026" not in staff
    assert "Họp Hội đồng Thi đua - Khen thưởng — Tổng kết giai đoạn 2021-2025" in member
    assert dossier not in member and not any(k.startswith("Họp Hội đồng") for k in staff)
    uids = [str(e.get("uid")) for e in head.values()]
    assert len(uids) == len(set(uids)) and all(u.endswith("@thidua.test") for u in uids)
    assert min(e.decoded("dtstart") for e in head.values()) >= date(2024, 1, 1)


def _sheet(data: bytes, index: int = 0):
    return load_workbook(io.BytesIO(data)).worksheets[index]


def test_exports_write_every_list_as_xlsx(ctx, make):
    a = make.agency()
    cycle = make.cycle()
    make.nomination(a, person_id=a.staff_person, state=State.AWARDED)
    make.initiative(a, year=2025, authors=[a.staff_person], appraised=True)
    make.rating(a, 2025, person_id=a.staff_person)

    ws = _sheet(exports.export(ctx, a.secretary, "nominations", cycle_id=cycle, state="awarded"))
    assert ws["A1"].value.endswith("Sơ kết năm 2025 — Đã khen thưởng")
    assert [c.value for c in ws[4]][4:10] == ["Lê Thị Hoà", "Phòng Chính sách", "Giấy khen của Thủ trưởng cơ quan",
                                              "Đã khen thưởng", "12/QĐ-BDT", ws[4][9].value]
    assert ws[4][9].value.date() == date(2025, 11, 20) and ws[4][9].number_format == "DD/MM/YYYY"

    ws = _sheet(exports.export(ctx, a.secretary, "initiatives", year=2025))
    assert ws[4][0].value.startswith("Sáng kiến số hoá hồ sơ") and ws[4][4].value == "Lê Thị Hoà"
    assert _sheet(exports.export(ctx, a.secretary, "contest-results"))[4][7].value == "Giải Ba"
    assert _sheet(exports.export(ctx, a.secretary, "task-ratings"))[4][4].value == "Hoàn thành xuất sắc nhiệm vụ"
    assert _sheet(exports.export(ctx, a.secretary, "award-history", person_id=a.staff_person))[4][7].value == "12/QĐ-BDT"
    dash = exports.export(ctx, a.secretary, "dashboard", cycle_id=cycle)
    total = [c.value for c in _sheet(dash)[6]]
    assert total[0] == "Toàn cơ quan" and total[3] == pytest.approx(1 / 3)  # Hoà of the 3 staff (two heads and her)
    assert _sheet(dash)[6][3].number_format == "0.0%"
    elig = exports.export(ctx, a.secretary, "eligibility", cycle_id=cycle)
    assert load_workbook(io.BytesIO(elig)).sheetnames == ["Đủ điều kiện, chưa đề nghị", "Đã đề nghị, chưa đủ"]
    with pytest.raises(Invalid):
        exports.export(ctx, a.secretary, "dashboard")
    with pytest.raises(Invalid):
        exports.export(ctx, a.secretary, "everything")
