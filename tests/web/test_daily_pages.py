"""Pages for daily work (issue 13): who qualifies, evidence to the Office, long lists paged and
searchable, uploads refused in place, dates and numbers the Vietnamese way."""
from __future__ import annotations

import io
import re
from datetime import date

from states import State
from workflow import evidence
from workflow.models import AuditEntry, EvidenceSubmission
from workflow.text import natural_key

from .helpers import text_of


def _standing(html: str) -> dict[str, str]:
    """Name -> standing, read from the department page's list."""
    out = {}
    for item in re.findall(r'<li class="list-group-item" data-standing="(\w+)">(.*?)</li>', html, flags=re.DOTALL):
        name = re.search(r'fw-semibold">(?:Tập thể: )?([^<]+)</span>', item[1]).group(1).strip()
        out[name] = item[0]
    return out


def test_the_department_page_says_who_qualifies_and_offers_a_nomination_only_to_them(ctx, make, browser_for):
    a = make.agency()
    cycle = make.cycle()
    qualified = make.person(a.department_id, "Trần Văn Đạt")
    make.prize(a, qualified)
    make.person(a.department_id, "Ngô Thị Chưa")
    nominated = make.nomination(a, cycle_id=cycle, person_id=a.staff_person)
    awarded_person = make.person(a.department_id, "Hồ Văn Thưởng")
    make.nomination(a, cycle_id=cycle, person_id=awarded_person, state=State.AWARDED)
    page = browser_for(a.head).get(f"/department?cycle_id={cycle}").get_data(as_text=True)
    standing = _standing(page)
    assert standing["Trần Văn Đạt"] == "eligible"
    assert standing["Ngô Thị Chưa"] == "not_eligible"
    assert standing["Lê Thị Hoà"] == "nominated" and standing["Hồ Văn Thưởng"] == "awarded"
    assert standing["Phòng Chính sách"] == "not_eligible"  # the collective, without evidence
    text = text_of(browser_for(a.head).get(f"/department?cycle_id={cycle}"))
    assert "Vì: Không có giải thưởng cuộc thi nào năm 2025." in text
    # "Đề nghị" only for the one who qualifies; the nominated one links to their dossier
    assert page.count(">Đề nghị</a>") == 1
    assert f"/nominations/new?nominee_type=individual&amp;person_id={qualified}" in page
    assert f'href="/nominations/{nominated}"' in page


def test_a_blocked_review_says_who_records_the_evidence_and_links_to_sending_it(ctx, make, browser_for):
    a = make.agency()
    person = make.person(a.department_id, "Ngô Thị Chưa")
    from workflow import nominations
    nid = nominations.create_nomination(ctx, a.head, cycle_id=make.cycle(), nominee_type="individual",
                                        person_id=person, award_form="agency_certificate")
    head = browser_for(a.head)
    page = head.get(f"/nominations/{nid}").get_data(as_text=True)
    assert "chỉ Văn phòng — thư ký Hội đồng TĐKT — ghi vào sổ theo dõi" in page
    assert f"/evidence?department_id={a.department_id}&amp;person_id={person}" in page
    refused = text_of(head.post(f"/nominations/{nid}/act", data={"action": "department_review",
                                                                     "version": 1}))
    assert "Minh chứng còn thiếu do Văn phòng (thư ký Hội đồng TĐKT) ghi vào sổ theo dõi" in refused


def test_a_head_sends_evidence_and_only_the_secretary_confirms_or_refuses_it_with_a_reason(ctx, make, browser_for):
    a = make.agency()
    head = browser_for(a.head)
    form = head.get("/evidence")
    assert form.status_code == 200 and "Chấp nhận: " in text_of(form) and "tối đa 20 MB" in text_of(form)
    sent = head.post("/evidence", content_type="multipart/form-data", data={
        "department_id": a.department_id, "subject": str(a.staff_person), "kind": "contest_result", "year": "2025",
        "description": "Giải Ba cuộc thi trực tuyến tìm hiểu CCHC năm 2025",
        "file": (io.BytesIO(b"%PDF-1.4 scan"), "giay-chung-nhan.pdf")}, follow_redirects=True)
    assert "Đã gửi minh chứng" in text_of(sent) and "giay-chung-nhan.pdf" in text_of(sent)
    with ctx.db.reading() as s:
        row = s.query(EvidenceSubmission).one()
        sid = row.id
        assert (row.state, row.person_id, row.department_id) == ("submitted", a.staff_person, a.department_id)
    # another department's head may not send for this department, nor see its evidence
    other = browser_for(a.other_head)
    assert other.post("/evidence", content_type="multipart/form-data", data={
        "department_id": a.department_id, "subject": "", "kind": "other", "year": "2025", "description": "x",
        "file": (io.BytesIO(b"x"), "x.pdf")}).status_code == 403
    assert other.get(f"/evidence/{sid}/file").status_code == 404
    assert head.get(f"/evidence/{sid}/file").data == b"%PDF-1.4 scan"
    # the head cannot confirm; the secretary must give a reason to refuse
    assert head.post(f"/evidence/{sid}/decision", data={"confirm": "1"}).status_code == 403
    secretary = browser_for(a.secretary)
    assert "Mở sổ để ghi" in text_of(secretary.get("/evidence"))
    assert "Cần ghi lý do" in text_of(secretary.post(f"/evidence/{sid}/decision", data={"refuse": "1"}))
    done = secretary.post(f"/evidence/{sid}/decision", data={"confirm": "1", "note": "Đã ghi sổ"},
                          follow_redirects=True)
    assert "Đã xác nhận minh chứng vào sổ" in text_of(done)
    assert secretary.post(f"/evidence/{sid}/decision", data={"confirm": "1"}).status_code == 409
    with ctx.db.reading() as s:
        actions = [e.action for e in s.query(AuditEntry).filter_by(entity_type="evidence_submission")]
    assert actions == ["submit_evidence", "confirm_evidence"]


def test_evidence_needs_a_description_and_an_accepted_file(ctx, make):
    a = make.agency()
    from workflow.errors import Invalid
    try:
        evidence.submit_evidence(ctx, a.head, department_id=a.department_id, person_id=None, kind="other",
                                 year=2025, description=" ", filename="virus.exe", content=b"MZ")
    except Invalid as exc:
        codes = [p.code for p in exc.problems]
    assert codes == ["description", "file_type"]


def test_users_are_searchable_paged_and_in_natural_order(ctx, make, browser_for):
    a = make.agency()
    for n in (10, 2, 1):
        make.user(["staff"], username=f"canbo_{n}")
    admin = browser_for(a.admin)
    page = text_of(admin.get("/admin/users?q=CANBO"))
    assert page.index("canbo_1 ") < page.index("canbo_2 ") < page.index("canbo_10 ")
    assert "1–3 / 3 tài khoản" in page
    assert natural_key("canbo_2") < natural_key("canbo_10")
    for n in range(30):
        make.user(["staff"], username=f"nv{n}")
    first = text_of(admin.get("/admin/users"))
    assert "Trang 1/" in first and "Trang sau »" in first
    assert "« Trang trước" in text_of(admin.get("/admin/users?page=2"))


def test_the_nominations_list_shows_its_total_and_pages_both_ways(ctx, make, browser_for):
    a = make.agency()
    from workflow import nominations
    cycle = make.cycle()
    for _ in range(53):
        nominations.create_nomination(ctx, a.secretary, cycle_id=cycle, nominee_type="individual",
                                      person_id=make.person(a.department_id), award_form="agency_certificate")
    sec = browser_for(a.secretary)
    first = sec.get("/nominations").get_data(as_text=True)
    assert "Tổng cộng 53 hồ sơ · Trang 1/2" in text_of(sec.get("/nominations"))
    next_url = re.search(r'rel="next"\s+href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = sec.get(next_url).get_data(as_text=True)
    assert "Trang 2/2" in text_of(sec.get(next_url)) and 'rel="next"' not in second
    back = re.search(r'rel="prev"\s+href="([^"]+)"', second).group(1).replace("&amp;", "&")
    assert "Trang 1/2" in text_of(sec.get(back))


def test_registers_have_a_department_column_vietnamese_scores_and_no_score_for_absentees(ctx, make, browser_for):
    a = make.agency()
    from workflow import registers
    registers.save_contest_result(ctx, a.secretary, contest_kind="online_cchc", year=2025,
                                  person_id=a.staff_person, participated=True, score="88.5", prize=None)
    absent = make.person(a.department_id, "Đỗ Văn Vắng")
    registers.save_contest_result(ctx, a.secretary, contest_kind="online_cchc", year=2025,
                                  person_id=absent, participated=False, score=None, prize=None)
    html = browser_for(a.secretary).get("/registers/contests").get_data(as_text=True)
    row = re.search(r"<tr><td>Lê Thị Hoà</td>.*?</tr>", html, flags=re.DOTALL).group(0)
    assert "<td>Phòng Chính sách</td>" in row and ">88,5<" in row
    absent_row = re.search(r"<tr><td>Đỗ Văn Vắng</td>.*?</tr>", html, flags=re.DOTALL).group(0)
    assert re.search(r'text-end">—<', absent_row) and "Không tham gia" in absent_row
    assert "1–2 / 2 kết quả" in text_of(browser_for(a.secretary).get("/registers/contests"))


def test_registrations_show_one_year_at_a_time(ctx, make, browser_for):
    a = make.agency()
    page = text_of(browser_for(a.secretary).get("/council/registrations?year=2024"))
    assert "Đăng ký thi đua của các Phòng — năm 2024" in page and "0 bản đăng ký" in page


def test_an_oversized_upload_goes_back_to_its_form_with_the_limit(ctx, make, browser_for):
    a = make.agency()
    ctx.settings.raw["app"]["max_upload_mb"] = 1
    from webapp import create_app

    from .conftest import Browser
    client = Browser(create_app(context=ctx).test_client()).login(make.username(a.head))
    reply = client.post("/evidence", content_type="multipart/form-data",
                        headers={"Referer": "http://localhost/evidence"},
                        data={"file": (io.BytesIO(b"x" * (3 * 1024 * 1024)), "big.pdf")})
    assert reply.status_code == 303 and reply.headers["Location"].endswith("/evidence")
    assert "lớn hơn giới hạn 1 MB" in text_of(client.get("/evidence"))


def test_error_pages_offer_a_way_back(ctx, make, browser_for):
    a = make.agency()
    page = browser_for(a.staff_user).get("/nominations/999999", headers={"Referer": "http://localhost/nominations"})
    assert page.status_code == 404 and 'href="http://localhost/nominations"' in page.get_data(as_text=True)
    assert "Quay lại" in text_of(page)


def test_a_staff_member_is_not_offered_a_collective_nomination(ctx, make, browser_for):
    a = make.agency()
    page = text_of(browser_for(a.staff_user).get("/nominations/new"))
    assert "Tập thể" not in page


def test_a_nomination_in_a_cycle_past_its_dossier_deadline_is_warned_about(ctx, make, browser_for, clock):
    a = make.agency()
    make.cycle()  # deadline 30/11/2025, council in December
    clock.set(date(2025, 12, 2))
    page = browser_for(a.head).get("/nominations/new")
    assert "đã quá hạn nộp hồ sơ (30/11/2025)" in text_of(page)


def test_an_admin_edits_and_deactivates_a_person_with_a_reason_and_both_are_audited(ctx, make, browser_for):
    a = make.agency()
    admin = browser_for(a.admin)
    form = text_of(admin.get(f"/admin/people?edit={a.staff_person}"))
    assert "Sửa: Lê Thị Hoà" in form and "Ngừng hoạt động cán bộ" in form
    saved = admin.post(f"/admin/people/{a.staff_person}", data={
        "full_name": "Lê Thị Hòa", "department_id": a.other_department_id, "position": "Chuyên viên chính",
        "email": "hoa@example.vn", "gender": "nu", "birth_date": ""}, follow_redirects=True)
    assert "Đã lưu thông tin cán bộ" in text_of(saved)
    refused = admin.post(f"/admin/people/{a.staff_person}/active", data={"active": "0", "reason": ""})
    assert refused.status_code == 422 and "Cần ghi lý do ngừng hoạt động" in text_of(refused)
    admin.post(f"/admin/people/{a.staff_person}/active", data={"active": "0", "reason": "Nghỉ hưu"})
    assert "Lê Thị Hòa" not in text_of(admin.get("/admin/people"))
    assert "Lê Thị Hòa ngừng hoạt động" in text_of(admin.get("/admin/people?all=1"))
    with ctx.db.reading() as s:
        rows = s.query(AuditEntry).filter_by(entity_type="person", entity_id=a.staff_person).order_by(AuditEntry.id).all()
        assert [r.action for r in rows][-2:] == ["update_person", "set_person_active"]
        assert rows[-2].payload["changes"]["department_id"] == [a.department_id, a.other_department_id]
        assert rows[-1].comment == "Nghỉ hưu"
    # staff cannot reach any of it
    assert browser_for(a.staff_user).post(f"/admin/people/{a.staff_person}/active",
                                          data={"active": "1"}).status_code == 403


def test_locking_an_account_ends_its_session_and_an_admin_cannot_lock_themselves(ctx, make, browser_for):
    a = make.agency()
    staff = browser_for(a.staff_user)
    assert staff.get("/").status_code == 200
    admin = browser_for(a.admin)
    assert admin.post(f"/admin/users/{a.admin}/active", data={"active": "0", "reason": "thử"}).status_code == 422
    done = admin.post(f"/admin/users/{a.staff_user}/active", data={"active": "0", "reason": "Chuyển công tác"},
                      follow_redirects=True)
    assert "Đã khóa tài khoản" in text_of(done)
    assert staff.get("/").status_code == 302  # back to the login page
    admin.post(f"/admin/users/{a.staff_user}/active", data={"active": "1"})
    with ctx.db.reading() as s:
        rows = s.query(AuditEntry).filter(AuditEntry.action.in_(["deactivate_user", "activate_user"])).order_by(
            AuditEntry.id)
        assert [(e.action, e.comment) for e in rows] == [("deactivate_user", "Chuyển công tác"), ("activate_user", None)]


def test_a_department_is_renamed_and_cannot_be_closed_while_it_has_staff(ctx, make, browser_for):
    a = make.agency()
    admin = browser_for(a.admin)
    admin.post(f"/admin/departments/{a.other_department_id}", data={"code": "KH", "name": "Phòng Kế hoạch - Tài chính",
                                                                   "functions": "Kế hoạch"})
    assert "Phòng Kế hoạch - Tài chính" in text_of(admin.get("/admin/departments"))
    closing = admin.post(f"/admin/departments/{a.department_id}/active", data={"active": "0", "reason": "Sáp nhập"})
    assert closing.status_code == 409 and "còn cán bộ đang hoạt động" in text_of(closing)


def test_the_deputy_is_told_the_approval_is_recorded_as_kt_and_nothing_is_pre_checked(ctx, make, browser_for):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person, state=State.COUNCIL_REVIEWED)
    deputy = browser_for(a.deputy)
    approvals = deputy.get("/approvals").get_data(as_text=True)
    assert "thay Thủ trưởng (KT./TUQ. theo ủy quyền)" in approvals and " checked " not in approvals
    # the capacity in force today: the factory's standing KT. assignment, with its domain
    assert "hôm nay hồ sơ sẽ ghi: KT. Giám đốc Sở (được phân công lĩnh vực: Thi đua, khen thưởng)" in approvals
    detail = text_of(deputy.get(f"/nominations/{nid}"))
    assert "Phê duyệt — thay Thủ trưởng (KT./TUQ. theo ủy quyền)…" in detail and "Phiên bản" not in detail
    assert "thay Thủ trưởng" not in text_of(browser_for(a.agency_head).get(f"/nominations/{nid}"))


def test_a_deputy_without_an_authorisation_in_force_is_told_so_on_the_approvals_page(ctx, make, browser_for):
    a = make.agency(deputy_authorised=False)
    make.nomination(a, person_id=a.staff_person, state=State.COUNCIL_REVIEWED)
    page = text_of(browser_for(a.deputy).get("/approvals"))
    assert "Hôm nay bạn không có ủy quyền hoặc phân công ký thay còn hiệu lực" in page


def test_dates_are_typed_and_shown_day_first_whatever_the_browser(ctx, make, browser_for):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person, state=State.HEAD_APPROVED)
    secretary = browser_for(a.secretary)
    form = secretary.get(f"/nominations/{nid}").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="decision_date"[^>]*>', form).group(0)
    assert 'type="text"' in field and 'placeholder="dd/mm/yyyy"' in field and "pattern=" in field
    version = make.version(nid)
    wrong = secretary.post(f"/nominations/{nid}/act", data={"action": "award", "version": version,
                                                            "decision_number": "5/QĐ-BDT", "decision_date": "11/31/2025"})
    assert wrong.status_code == 422 and "ví dụ 05/02/2025" in text_of(wrong)
    done = secretary.post(f"/nominations/{nid}/act", data={"action": "award", "version": version,
                                                           "decision_number": "5/QĐ-BDT", "decision_date": "20/11/2025"})
    assert done.status_code == 302, re.findall(r"data-testid=\"problems\".*?</div>", done.get_data(as_text=True), re.DOTALL)
    assert make.state(nid) == "awarded"
    assert "ngày 20 tháng 11 năm 2025" in text_of(secretary.get(f"/nominations/{nid}"))


def test_the_mail_page_does_not_call_locally_kept_mail_sent(ctx, make, browser_for):
    a = make.agency()
    from notifications import outbox
    from workflow.models import OutboxMessage
    with ctx.db.transaction() as s:
        s.add(OutboxMessage(created_at=ctx.clock.now(), message_id="<t1@thidua>", situation="test",
                            to_address="a@example.vn", subject="Thư thử", body_text="…", state="pending",
                            attempts=0, next_attempt_at=ctx.clock.now()))
    assert outbox.drain(ctx).kept_in_sink == 1  # no SMTP host in the test settings
    page = text_of(browser_for(a.admin).get("/mail"))
    assert "Chưa cấu hình máy chủ thư (SMTP)" in page
    assert "Giữ lại trên máy chủ (không gửi đi)" in page and "Đã gửi hoặc giữ lại" in page


def test_staff_see_no_bulk_action_bar_they_could_never_use(ctx, make, browser_for):
    a = make.agency()
    make.nomination(a, person_id=a.staff_person)
    assert "Với các hồ sơ đã chọn" not in text_of(browser_for(a.staff_user).get("/nominations"))
    assert "Với các hồ sơ đã chọn" not in text_of(browser_for(a.member).get("/nominations"))
    assert "Với các hồ sơ đã chọn" in text_of(browser_for(a.head).get("/nominations"))


def test_a_head_whose_department_has_met_creates_uploads_and_reviews_in_one_form(ctx, make, browser_for):
    a = make.agency()
    cycle = make.cycle()
    make.prize(a, a.staff_person)
    head = browser_for(a.head)
    form = {"cycle_id": cycle, "nominee_type": "individual", "person_id": a.staff_person,
            "award_form": "agency_certificate", "summary": "Giải Ba", "review_now": "1"}
    # without the department's minutes: created, and the page says what the review still needs
    early = head.post("/nominations/new", content_type="multipart/form-data", follow_redirects=True,
                      data={**form, "report": (io.BytesIO(b"%PDF-1.4 bc"), "bao-cao.pdf")})
    assert "Đã tạo đề nghị khen thưởng. Đã tải lên báo cáo thành tích." in text_of(early)
    assert "Chưa thực hiện được bước tiếp theo: Thiếu biên bản họp xét của Phòng" in text_of(early)
    from workflow.models import Nomination
    with ctx.db.reading() as s:
        first = s.query(Nomination).one()
        assert first.state == "registered"
    make.minutes(a, cycle)
    second = make.person(a.department_id, "Trần Văn Đạt")
    make.prize(a, second)
    done = head.post("/nominations/new", content_type="multipart/form-data", follow_redirects=True,
                     data={**form, "person_id": second, "report": (io.BytesIO(b"%PDF-1.4 bc"), "bao-cao.pdf")})
    assert "Phòng đã xét, đề nghị: hồ sơ đã chuyển lên Hội đồng." in text_of(done)
    with ctx.db.reading() as s:
        assert [n.state for n in s.query(Nomination).order_by(Nomination.id)] == ["registered", "department_reviewed"]
