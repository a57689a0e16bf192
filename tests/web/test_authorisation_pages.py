"""The head records and revokes an authorisation on its page; deputies and the secretary see the list;
staff do not; a bad form is refused in Vietnamese with nothing recorded."""
from __future__ import annotations

from sqlalchemy import func, select

from workflow.models import Authorisation


def test_the_head_records_and_revokes_an_authorisation_on_the_page(ctx, make, browser_for):
    a = make.agency(deputy_authorised=False)
    head = browser_for(a.agency_head)
    assert "Ủy quyền, ký thay" in head.get("/approvals").get_data(as_text=True)
    form = {"delegate_id": a.deputy, "capacity": "tuq", "actions": ["head_approve"], "valid_from": "2025-11-18",
            "valid_to": "2025-11-25", "act_number": "05/GUQ-SDTTG", "act_date": ""}
    bad = head.post("/authorisations", data=form)
    assert bad.status_code == 422 and "cần số và ngày của văn bản ủy quyền" in bad.get_data(as_text=True)
    with ctx.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Authorisation)) == 0
    assert head.post("/authorisations", data={**form, "act_date": "2025-11-17"}).status_code == 302
    listed = browser_for(a.deputy).get("/authorisations").get_data(as_text=True)
    assert "Võ Văn Phó" in listed and "05/GUQ-SDTTG" in listed and "TUQ." in listed
    assert browser_for(a.deputy).post("/authorisations", data=form).status_code == 403
    assert browser_for(a.staff_user).get("/authorisations").status_code == 403
    with ctx.db.reading() as s:
        aid = s.scalars(select(Authorisation.id)).one()
    assert head.post(f"/authorisations/{aid}/revoke", data={"reason": "Đã trở lại"}).status_code == 302
    assert "Đã thu hồi" in browser_for(a.secretary).get("/authorisations").get_data(as_text=True)


def test_dates_are_typed_dd_mm_yyyy_and_the_head_can_mark_themself_away(ctx, make, browser_for):
    a = make.agency(deputy_authorised=False)
    head = browser_for(a.agency_head)
    page = head.get("/authorisations").get_data(as_text=True)
    assert 'type="date"' not in page and 'placeholder="dd/mm/yyyy"' in page
    form = {"delegate_id": a.deputy, "capacity": "tuq", "actions": ["head_approve", "send_back"],
            "valid_from": "18/11/2025", "valid_to": "31/02/2025", "act_number": "05/GUQ-SDTTG", "act_date": "17/11/2025",
            "away": "y"}
    bad = head.post("/authorisations", data=form)
    assert bad.status_code == 422 and "Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm" in bad.get_data(as_text=True)
    assert head.post("/authorisations", data={**form, "valid_to": "25/11/2025"}).status_code == 302
    with ctx.db.reading() as s:
        row = s.scalars(select(Authorisation)).one()
        assert (row.valid_from.isoformat(), row.valid_to.isoformat(), row.away) == ("2025-11-18", "2025-11-25", True)
    assert "vắng mặt" in head.get("/authorisations").get_data(as_text=True)


def test_a_department_head_names_an_acting_head_who_then_has_the_departments_work(ctx, make, browser_for):
    from states import State

    from .helpers import text_of
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person)
    acting = make.user(["staff"], make.person(a.department_id, "Bùi Văn Quyền"))
    head = browser_for(a.head)
    page = head.get("/authorisations").get_data(as_text=True)
    assert "Giao phụ trách phòng khi Trưởng phòng vắng mặt" in page and "Ghi nhận ủy quyền</h2>" not in page
    form = {"department_id": a.department_id, "delegate_id": acting, "valid_from": "20/11/2025",
            "valid_to": "30/11/2025"}
    assert head.post("/authorisations/acting-head", data={**form, "department_id": a.other_department_id}
                     ).status_code == 403
    assert head.post("/authorisations/acting-head", data=form).status_code == 302
    assert "Phụ trách Phòng Chính sách" in head.get("/authorisations").get_data(as_text=True)
    inbox = text_of(browser_for(acting).get("/"))
    assert "Lê Thị Hoà" in inbox                        # the department's dossier waits on the acting head
    assert make.state(nid) == State.REGISTERED
    assert browser_for(a.staff_user).post("/authorisations/acting-head", data=form).status_code == 403
