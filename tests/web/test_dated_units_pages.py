"""Units as dated data, and what documents would leave blank, as the pages show them (issue #11)."""
from __future__ import annotations

from sqlalchemy import select

from workflow.models import AuditEntry, Department

from .helpers import text_of


def test_an_admin_renames_a_unit_from_a_date_and_keeps_its_history(ctx, make, browser_for):
    a = make.agency()
    admin = browser_for(a.admin)
    page = text_of(admin.get("/admin/departments"))
    assert "Đổi tên, sáp nhập, giải thể" in page
    r = admin.post("/admin/departments/version", data={
        "department_id": a.department_id, "valid_from": "2025-10-01", "name": "Văn phòng Sở", "kind": "van_phong"})
    assert r.status_code == 302
    page = text_of(admin.get("/admin/departments"))
    assert "từ 01/10/2025: Văn phòng Sở (Văn phòng, Chánh Văn phòng)" in page
    with ctx.db.reading() as s:
        assert s.get(Department, a.department_id).name == "Văn phòng Sở"  # in force today (20/11/2025)
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "add_department_version")).one()
    # the same date twice is refused with a Vietnamese reason, nothing lost
    r = admin.post("/admin/departments/version", data={
        "department_id": a.department_id, "valid_from": "2025-10-01", "name": "Văn phòng", "kind": "van_phong"})
    assert r.status_code == 409 and "đã có một phiên bản từ ngày 01/10/2025" in text_of(r)
    # only an administrator may
    r = browser_for(a.head).post("/admin/departments/version", data={
        "department_id": a.department_id, "valid_from": "2025-12-01", "name": "X", "kind": "phong"})
    assert r.status_code in (403, 302)


def test_pages_say_what_a_decision_or_a_report_would_leave_blank(ctx, make, browser_for):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person)
    page = text_of(browser_for(a.head).get(f"/nominations/{nid}"))
    assert "Báo cáo thành tích sẽ còn để trống" in page and "trình độ chuyên môn" in page
    with ctx.db.reading() as s:
        from workflow.models import Nomination
        cycle_id = s.get(Nomination, nid).cycle_id
    council = text_of(browser_for(a.secretary).get(f"/council?cycle_id={cycle_id}"))
    assert "Cần bổ sung hoặc xác nhận trước khi ban hành văn bản" in council
    assert "chức năng, nhiệm vụ, quyền hạn của cơ quan" in council
