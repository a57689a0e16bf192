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
