"""Every page and form through the Flask test client: what each role sees, and what a form does."""
from __future__ import annotations

import io
import re
from datetime import date

from states import State

from .helpers import audit_actions, nomination, text_of


def test_the_inbox_shows_what_waits_for_this_user_grouped_with_its_deadline(ctx, make, browser_for):
    a = make.agency()
    waiting = make.nomination(a, person_id=a.staff_person)
    head = browser_for(a.head)
    page = text_of(head.get("/"))
    assert "Việc cần xử lý" in page
    assert "Phòng xét, đề nghị — Sơ kết năm 2025" in page
    assert "Lê Thị Hoà" in page
    assert "Hạn: 30/11/2025" in page
    assert "Còn thiếu: báo cáo thành tích, biên bản họp xét của phòng" in page
    # the other department's head has nothing waiting
    assert "Hiện không có hồ sơ nào chờ bạn xử lý" in text_of(browser_for(a.other_head).get("/"))
    # once reviewed it moves to the secretary's inbox
    make._department_review(a, waiting)
    assert "Hội đồng xét, đề nghị — Sơ kết năm 2025" in text_of(browser_for(a.secretary).get("/"))


def test_a_sent_back_nomination_shows_the_reason_in_the_inbox(ctx, make, browser_for):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person, state=State.DEPARTMENT_REVIEWED)
    make.act(a.secretary, nid, "send_back", comment="Thiếu xác nhận của Sở Nội vụ")
    page = text_of(browser_for(a.head).get("/"))
    assert "Bị trả lại" in page and "Thiếu xác nhận của Sở Nội vụ" in page


def test_the_list_filters_ignore_diacritics_and_pages_with_a_cursor(ctx, make, browser_for):
    a = make.agency()
    make.nomination(a, person_id=a.staff_person)
    for _ in range(3):
        make.nomination(a)
    sec = browser_for(a.secretary)
    assert "Lê Thị Hoà" in text_of(sec.get("/nominations?q=le+thi+hoa"))
    found = text_of(sec.get("/nominations?q=LE THI HOA&state=registered&nominee_type=individual"))
    assert "Lê Thị Hoà" in found
    assert "Lê Thị Hoà" not in text_of(sec.get("/nominations?state=awarded"))
    assert "Không có hồ sơ nào phù hợp" in text_of(sec.get("/nominations?q=khong+co+ai"))
    from workflow import queries
    cursor = queries.encode_cursor(10_000)
    assert sec.get(f"/nominations?cursor={cursor}").status_code == 200
    assert sec.get("/nominations?cursor=%%%bad").status_code == 422


def test_a_department_head_creates_a_nomination_and_a_refusal_keeps_what_was_typed(ctx, make, browser_for):
    a = make.agency()
    head = browser_for(a.head)
    form = head.get("/nominations/new")
    assert form.status_code == 200 and "Lê Thị Hoà" in text_of(form)
    cycle = make.cycle()
    created = head.post("/nominations/new", data={"cycle_id": cycle, "nominee_type": "individual",
                                                  "person_id": a.staff_person, "department_id": "",
                                                  "award_form": "agency_certificate", "summary": "Số hoá hồ sơ"})
    assert created.status_code == 302
    nid = int(created.headers["Location"].rsplit("/", 1)[1])
    assert nomination(ctx, nid).state == "registered"
    again = head.post("/nominations/new", data={"cycle_id": cycle, "nominee_type": "individual",
                                                "person_id": a.staff_person, "department_id": "",
                                                "award_form": "agency_certificate", "summary": "Lần hai, giữ lại"})
    assert again.status_code == 409
    page = text_of(again)
    assert "Lê Thị Hoà đã có đề nghị" in page and "Lần hai, giữ lại" in again.get_data(as_text=True)


def test_the_nomination_page_shows_steps_criteria_dossier_timeline_and_only_allowed_buttons(ctx, make, browser_for):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person, state=State.DEPARTMENT_REVIEWED)
    sec = browser_for(a.secretary).get(f"/nominations/{nid}")
    body, page = sec.get_data(as_text=True), text_of(sec)
    assert sec.status_code == 200
    assert 'aria-current="step">Phòng đã xét' in body
    assert "Đạt tiêu chuẩn" in page and "Giải Ba" in page
    assert "bao-cao-thanh-tich.docx" in page and "bien-ban-hop-xet.pdf" in page
    assert "Tạo đề nghị" in page and "Phòng xét, đề nghị" in page   # the timeline
    assert 'data-action="council_review"' in body and 'data-action="hold"' in body
    assert 'data-action="department_review"' not in body
    # the diagram highlights the current step only
    current = re.findall(r'<g class="node [a-z]+ current">.*?</g>', body)
    assert len(current) == 1 and "Phòng đã xét" in current[0]
    staff = browser_for(a.staff_user).get(f"/nominations/{nid}")
    assert staff.status_code == 200 and "Bạn không có thao tác nào" in text_of(staff)
    assert browser_for(a.other_head).get(f"/nominations/{nid}").status_code == 404


def test_an_action_succeeds_and_a_refused_one_shows_its_reason_in_place(ctx, make, browser_for):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person)
    head = browser_for(a.head)
    refused = head.post(f"/nominations/{nid}/act", data={"action": "department_review", "version": 1,
                                                         "comment": "ý kiến của phòng"})
    assert refused.status_code == 422
    page = text_of(refused)
    assert "Thiếu báo cáo thành tích" in page and "Thiếu biên bản họp xét của Phòng" in page
    assert "ý kiến của phòng" in refused.get_data(as_text=True)
    assert '<details class="action" open data-action="department_review">' in refused.get_data(as_text=True)
    make.minutes(a, make.cycle())
    make.report(a, nid)
    done = head.post(f"/nominations/{nid}/act", data={"action": "department_review", "version": 1})
    assert done.status_code == 302
    assert nomination(ctx, nid).state == "department_reviewed"
    assert audit_actions(ctx, nid)[-1] == "department_review"
    stale = head.post(f"/nominations/{nid}/act", data={"action": "withdraw", "version": 1})
    # the head's own earlier submit is not blamed on "someone else"
    assert stale.status_code == 409 and "Bạn đã cập nhật hồ sơ này (“Phòng xét, đề nghị”)" in text_of(stale)
    other = browser_for(a.secretary).post(f"/nominations/{nid}/act", data={"action": "send_back", "version": 1,
                                                                           "comment": "Thiếu"})
    assert other.status_code == 409 and "vừa được Trần Thị Trưởng cập nhật" in text_of(other)
    no_reason = browser_for(a.secretary).post(f"/nominations/{nid}/act", data={"action": "reject", "version": 2})
    assert no_reason.status_code == 422 and "Cần ghi rõ lý do" in text_of(no_reason)


def test_uploading_a_document_and_refusing_a_bad_one(ctx, make, browser_for):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person)
    head = browser_for(a.head)
    ok = head.post(f"/nominations/{nid}/documents", content_type="multipart/form-data",
                   data={"kind": "achievement_report", "file": (io.BytesIO(b"PK\x03\x04 docx"), "báo cáo.docx")})
    assert ok.status_code == 302
    page = head.get(f"/nominations/{nid}")
    assert "báo cáo.docx" in text_of(page)
    doc_link = page.get_data(as_text=True).split('href="/documents/')[1].split('"')[0]
    download = head.get(f"/documents/{doc_link}")
    assert download.status_code == 200 and download.data == b"PK\x03\x04 docx"
    assert browser_for(a.other_head).get(f"/documents/{doc_link}").status_code == 404
    bad = head.post(f"/nominations/{nid}/documents", content_type="multipart/form-data",
                    data={"kind": "achievement_report", "file": (io.BytesIO(b"MZ"), "virus.exe")})
    assert bad.status_code == 422 and "Loại tệp không được chấp nhận" in text_of(bad)


def test_bulk_action_confirms_the_selection_then_reports_each_item(ctx, make, browser_for):
    a = make.agency()
    ready = make.nomination(a, state=State.COUNCIL_REVIEWED)
    not_ready = make.nomination(a, person_id=a.staff_person, state=State.DEPARTMENT_REVIEWED)
    head = browser_for(a.agency_head)
    confirm = head.post("/nominations/bulk", data={"action": "head_approve", "ids": [ready, not_ready],
                                                   "back": "/approvals"})
    assert confirm.status_code == 200
    page = text_of(confirm)
    assert "Xác nhận: Thủ trưởng phê duyệt" in page and "Lê Thị Hoà" in page
    assert nomination(ctx, ready).state == "council_reviewed"   # nothing happens before confirming
    items = confirm.get_data(as_text=True).split('name="items" type="hidden" value="')[1].split('"')[0]
    result = head.post("/nominations/bulk/run", data={"action": "head_approve", "items": items, "back": "/approvals"})
    assert result.status_code == 200
    page = text_of(result)
    assert "Thành công: 1; không thực hiện được: 1" in page
    assert "Không thể “Thủ trưởng phê duyệt” khi hồ sơ ở trạng thái “Phòng đã xét”" in page
    assert nomination(ctx, ready).state == "head_approved"
    assert head.post("/nominations/bulk", data={"action": "head_approve", "back": "/approvals"}).status_code == 302


def test_the_department_page_registers_uploads_minutes_and_reviews_several(ctx, make, browser_for):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person)
    make.report(a, nid)
    head = browser_for(a.head)
    page = text_of(head.get("/department"))
    assert "Phòng Chính sách" in page and "Chưa có biên bản họp xét" in page
    saved = head.post(f"/department/{a.department_id}/registration",
                      data={"year": 2025, "collective": "y", "person_ids": [a.staff_person],
                            "target": "Lao động tiên tiến", "send": "1"})
    assert saved.status_code == 302
    assert "Chờ duyệt" in text_of(head.get("/department?year=2025"))
    cycle = make.cycle()
    up = head.post(f"/department/{a.department_id}/documents", content_type="multipart/form-data",
                   data={"cycle_id": cycle, "kind": "department_minutes",
                         "file": (io.BytesIO(b"%PDF-1.4"), "biên bản.pdf")})
    assert up.status_code == 302
    assert "biên bản.pdf" in text_of(head.get(f"/department?cycle_id={cycle}"))
    assert browser_for(a.other_head).post(
        f"/department/{a.department_id}/registration", data={"year": 2025, "collective": "y"}).status_code == 403
    assert browser_for(a.staff_user).get("/department").status_code == 403


def test_the_secretary_records_a_meeting_votes_and_advances_the_passed_ones(ctx, make, browser_for):
    a = make.agency()
    passed = make.nomination(a, person_id=a.staff_person, state=State.DEPARTMENT_REVIEWED)
    failed = make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    sec = browser_for(a.secretary)
    agenda = text_of(sec.get("/council"))
    assert "Lê Thị Hoà" in agenda and "Sơ kết năm 2025" in agenda
    cycle = make.cycle()
    seated = make.roster(a, 7)
    meeting = {"held_on": "2025-11-20", "starts_at": "08:00", "ends_at": "10:30", "place": "Phòng họp số 2",
               "chair_member_id": seated[0], "secretary_member_id": seated[1], "present_member_ids": seated[:6]}
    bad = sec.post(f"/council/cycles/{cycle}/meetings", data={**meeting, "held_on": "2019-12-31"})
    assert bad.status_code == 422 and "trước khi Sơ kết năm 2025 mở đăng ký" in text_of(bad)
    assert "Phòng họp số 2" in bad.get_data(as_text=True)
    made = sec.post(f"/council/cycles/{cycle}/meetings", data=meeting)
    assert made.status_code == 302
    meeting_url = made.headers["Location"]
    meeting_id = int(meeting_url.rsplit("/", 1)[1])
    assert sec.post(f"/council/meetings/{meeting_id}/votes",
                    data={"nomination_id": passed, "votes_for": 6, "votes_against": 0}).status_code == 302
    too_many = sec.post(f"/council/meetings/{meeting_id}/votes",
                        data={"nomination_id": failed, "votes_for": 5, "votes_against": 5})
    assert too_many.status_code == 422 and "vượt số thành viên dự họp" in text_of(too_many)
    sec.post(f"/council/meetings/{meeting_id}/votes", data={"nomination_id": failed, "votes_for": 2,
                                                            "votes_against": 4})
    result = sec.post(f"/council/meetings/{meeting_id}/advance")
    page = text_of(result)
    assert "Thành công: 1; không thực hiện được: 1" in page and "Chỉ 2/6 thành viên dự họp đồng ý" in page
    assert "Phòng họp số 2" in text_of(sec.get(f"/council/meetings/{meeting_id}"))
    assert nomination(ctx, passed).state == "council_reviewed"
    member = browser_for(a.member)
    assert member.get(f"/council/meetings/{meeting_id}").status_code == 200
    assert member.post(f"/council/meetings/{meeting_id}/votes", data={
        "nomination_id": failed, "votes_for": 6, "votes_against": 0}).status_code == 403
    assert browser_for(a.head).get("/council").status_code == 403


def test_the_meeting_page_lists_one_page_of_vote_forms_and_a_vote_comes_back_to_its_page(ctx, make, browser_for,
                                                                                        monkeypatch):
    from workflow import page_queries

    monkeypatch.setattr(page_queries, "AGENDA_PAGE", 1)
    a = make.agency()
    first = make.nomination(a, person_id=a.staff_person, state=State.DEPARTMENT_REVIEWED)
    second = make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    seated = make.roster(a, 7)
    sec = browser_for(a.secretary)
    made = sec.post(f"/council/cycles/{make.cycle()}/meetings", data={
        "held_on": "2025-11-20", "starts_at": "08:00", "ends_at": "10:30", "place": "Phòng họp số 2",
        "chair_member_id": seated[0], "secretary_member_id": seated[1], "present_member_ids": seated[:6]})
    meeting_url = made.headers["Location"]
    page = sec.get(meeting_url).get_data(as_text=True)
    forms = set(re.findall(r'id="for-(\d+)"', page))
    assert len(forms) == 1 and "Biểu quyết từng hồ sơ (2)" in page
    later = re.search(r'href="([^"]*after=[^"#]*)#h-votes">Trang sau', page).group(1).replace("&amp;", "&")
    page2 = sec.get(later).get_data(as_text=True)
    other = set(re.findall(r'id="for-(\d+)"', page2))
    assert len(other) == 1 and other != forms and forms | other == {str(first), str(second)}
    assert "Trang đầu" in page2 and "Trang sau" not in page2
    action = re.search(r'action="([^"]*/votes[^"]*)"', page2).group(1).replace("&amp;", "&")
    voted = sec.post(action, data={"nomination_id": int(other.pop()), "votes_for": 6, "votes_against": 0})
    assert voted.status_code == 302 and "after=" in voted.headers["Location"]


def test_the_secretary_decides_registrations_with_a_reason_when_refusing(ctx, make, browser_for):
    a = make.agency()
    from workflow import registers
    campaign = ctx.db.reading
    with campaign() as s:
        from workflow.page_queries import campaign_for_year
        cid = campaign_for_year(s, 2025).id
    reg = registers.save_registration(ctx, a.head, campaign_id=cid, department_id=a.department_id, year=2025,
                                      collective=True, person_ids=[], submit=True)
    sec = browser_for(a.secretary)
    assert "Chờ duyệt" in text_of(sec.get("/council/registrations"))
    refused = sec.post(f"/council/registrations/{reg}/decision", data={"refuse": "1", "reason": ""})
    assert refused.status_code == 422 and "Cần ghi rõ lý do từ chối" in text_of(refused)
    assert sec.post(f"/council/registrations/{reg}/decision", data={"approve": "1"}).status_code == 302
    assert "Đã duyệt" in text_of(sec.get("/council/registrations"))


def test_the_head_page_lists_council_reviewed_nominations(ctx, make, browser_for):
    a = make.agency()
    make.nomination(a, person_id=a.staff_person, state=State.COUNCIL_REVIEWED)
    page = text_of(browser_for(a.deputy).get("/approvals"))
    assert "Lê Thị Hoà" in page and "KT." in page
    assert browser_for(a.secretary).get("/approvals").status_code == 403


def test_registers_add_search_and_edit(ctx, make, browser_for):
    a = make.agency()
    sec = browser_for(a.secretary)
    added = sec.post("/registers/initiatives", data={"title": "Số hoá quy trình tiếp nhận hồ sơ",
                                                     "field": "e_government", "year": 2025,
                                                     "author_ids": [a.staff_person], "department_id": "",
                                                     "recognition_number": "5/QĐ-BDT",
                                                     "recognition_date": "2025-06-01"})
    assert added.status_code == 302
    assert "Số hoá quy trình" in text_of(sec.get("/registers/initiatives?q=so+hoa"))
    assert "Số hoá quy trình" not in text_of(sec.get("/registers/initiatives?q=khac"))
    from workflow.register_queries import list_initiatives
    with ctx.db.reading() as s:
        iid = list_initiatives(s)[0]["id"]
    edit = sec.get(f"/registers/initiatives?edit={iid}")
    assert "5/QĐ-BDT" in edit.get_data(as_text=True)
    half = sec.post("/registers/initiatives", data={"initiative_id": iid, "title": "Tên mới", "field": "e_government",
                                                    "year": 2025, "author_ids": [a.staff_person],
                                                    "recognition_number": "5/QĐ-BDT"})
    assert half.status_code == 422 and "cần cả số và ngày quyết định" in text_of(half)
    assert "Tên mới" in half.get_data(as_text=True)
    assert sec.post("/registers/contests", data={"contest_kind": "online_cchc", "year": 2025,
                                                 "person_id": a.staff_person, "participated": "y",
                                                 "score": "9,5", "prize": "Giải Nhì"}).status_code == 302
    assert "Giải Nhì" in text_of(sec.get("/registers/contests?q=hoa"))
    assert sec.post("/registers/ratings", data={"year": 2025, "subject": f"d{a.department_id}",
                                                "rating": "excellent"}).status_code == 302
    assert "Hoàn thành xuất sắc nhiệm vụ" in text_of(sec.get("/registers/ratings?year=2025"))
    head = browser_for(a.head)
    assert "Giải Nhì" in text_of(head.get("/registers/contests"))      # everyone reads
    refused = head.post("/registers/ratings", data={"year": 2025, "subject": f"d{a.department_id}",
                                                    "rating": "good"})
    assert refused.status_code == 403


def test_admin_pages_manage_campaigns_cycles_and_the_directory(ctx, make, browser_for):
    a = make.agency()
    adm = browser_for(a.admin)
    assert "Tổng kết giai đoạn 2021-2025" in text_of(adm.get("/admin/campaigns"))
    assert adm.post("/admin/campaigns", data={"code": "CCHC-2031-2035", "name": "Phong trào mới",
                                              "start_year": 2031, "end_year": 2035}).status_code == 302
    assert "Phong trào mới" in text_of(adm.get("/admin/campaigns"))
    cycle = make.cycle()
    wrong = adm.post(f"/admin/cycles/{cycle}", data={"dossier_deadline": "2025-12-20",
                                                     "council_meeting_on": "2025-12-10"})
    assert wrong.status_code == 422 and "Hạn nộp hồ sơ phải trước" in text_of(wrong)
    assert adm.post(f"/admin/cycles/{cycle}", data={"dossier_deadline": "2025-12-01",
                                                    "council_meeting_on": "2025-12-12"}).status_code == 302
    assert "01/12/2025" in text_of(adm.get("/admin/campaigns"))
    assert adm.post("/admin/departments", data={"code": "TT", "name": "Phòng Thanh tra"}).status_code == 302
    assert adm.post("/admin/people", data={"full_name": "Đỗ Văn Mới", "department_id": a.department_id,
                                           "gender": "nam"}).status_code == 302
    assert "Đỗ Văn Mới" in text_of(adm.get("/admin/people?q=do+van"))
    assert adm.post("/admin/users", data={"username": "thuky2", "password": "matkhau-2026",
                                          "roles": ["council_secretary"], "person_id": ""}).status_code == 302
    short = adm.post("/admin/users", data={"username": "ngan", "password": "abc", "roles": ["staff"]})
    assert short.status_code == 422 and "ít nhất 8 ký tự" in text_of(short)
    assert adm.post(f"/admin/users/{a.staff_user}/roles", data={"roles": ["staff", "council_member"]}).status_code == 302
    assert "Thành viên Hội đồng" in text_of(adm.get("/admin/users"))
    own = adm.post(f"/admin/users/{a.admin}/roles", data={"roles": ["staff"]})
    assert own.status_code == 422
    assert adm.post(f"/admin/users/{a.staff_user}/password", data={"password": "mat-khau-moi-2026"}).status_code == 302
    head_set = adm.post("/admin/departments/head", data={"department_id": a.department_id,
                                                         "person_id": a.staff_person})
    assert head_set.status_code == 302
    for url in ("/admin/campaigns", "/admin/users", "/mail"):
        assert browser_for(a.secretary).get(url).status_code == 403


def test_the_mail_page_lists_what_the_outbox_holds(ctx, make, browser_for):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person, state=State.DEPARTMENT_REVIEWED)
    make.act(a.secretary, nid, "send_back", comment="Bổ sung quyết định công nhận")
    admin = browser_for(a.admin)
    page = admin.get("/mail")
    assert page.status_code == 200
    from notifications import outbox
    with ctx.db.reading() as s:
        rows = outbox.list_messages(s, limit=5)
        subject, message_id = rows[0].subject, rows[0].id
    assert subject in text_of(page) and f"/nominations/{nid}" in page.get_data(as_text=True)
    assert subject in text_of(admin.get("/mail?state=pending"))
    assert "Chưa có thư nào" in text_of(admin.get("/mail?state=failed"))
    refused = admin.post(f"/mail/{message_id}/retry")
    assert refused.status_code == 302 and "Chỉ gửi lại được thư đã gửi thất bại" in text_of(admin.get("/mail"))


def test_the_help_page_draws_the_engine_table(ctx, make, browser_for):
    a = make.agency()
    body = browser_for(a.staff_user).get("/help/workflow").get_data(as_text=True)
    start = body.index('<svg xmlns="http://www.w3.org/2000/svg" class="workflow"')
    svg = body[start:body.index("</svg>", start)]
    words = " ".join(re.sub(r"<[^>]+>", " ", svg).split())
    for title in ("Đã đăng ký đề nghị", "Phòng xét, đề nghị", "Ghi nhận quyết định khen thưởng", "Tạm dừng xét",
                  "Tiếp tục xét (về bước đã dừng)", "Không đề nghị", "Đã rút"):
        assert title in words
    # hold and reject are drawn once each, from the box of open states, not from every state
    assert words.count("Tạm dừng xét") == 2  # the state box and the one arrow's label
    assert svg.count('class="edge back"') == 3 + 1  # three send-backs, one resume


def test_vietnamese_dates_and_name_order(app):
    from webapp.templating import vn_date, vn_long_date
    with app.app_context():
        assert vn_date(date(2025, 2, 5)) == "05/02/2025"
        assert vn_long_date("2025-02-05") == "ngày 05 tháng 02 năm 2025"


def test_staff_are_listed_in_vietnamese_order(ctx, make, browser_for):
    a = make.agency()
    for name in ("Nguyễn Văn Đức", "Trần Văn An", "Lê Văn Ân", "Phạm Thị Bình"):
        make.person(a.department_id, name)
    page = text_of(browser_for(a.head).get("/department"))
    order = [page.index(n) for n in ("Trần Văn An", "Lê Văn Ân", "Phạm Thị Bình", "Nguyễn Văn Đức")]
    assert order == sorted(order)


def test_the_report_pages_are_wired_into_the_layout(ctx, make, browser_for):
    a = make.agency()
    secretary = browser_for(a.secretary)
    assert 'href="/reports/dashboard"' in secretary.get("/").get_data(as_text=True)
    assert secretary.get("/reports/dashboard").status_code == 200
    assert 'href="/reports/dashboard"' not in browser_for(a.staff_user).get("/").get_data(as_text=True)
