"""The reports pages through the real app: login, CSRF, upload, preview, confirm, charts, feed."""
from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from states import State
from tests.factories import PASSWORD
from webapp import create_app
from workflow import directory
from workflow.models import ContestResult

from .helpers import count
from .sheets import xlsx

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def app(ctx):
    app = create_app(context=ctx)
    app.config["TESTING"] = True
    return app


def login(app, make, user_id):
    client = app.test_client()
    page = client.get("/login")
    token = _CSRF.search(page.get_data(as_text=True)).group(1)
    reply = client.post("/login", data={"csrf_token": token, "username": make.username(user_id), "password": PASSWORD})
    assert reply.status_code == 302, reply.get_data(as_text=True)
    return client


def csrf(page) -> str:
    return _CSRF.search(page.get_data(as_text=True)).group(1)


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html).group(1)


def test_upload_previews_without_writing_then_confirm_imports_and_a_second_upload_changes_nothing(ctx, make, app):
    a = make.agency()
    client = login(app, make, a.secretary)
    data = xlsx([["Họ và tên", "Điểm", "Giải"], ["Lê Thị Hòa", 9, "Giải Ba"], ["Người Lạ", 5, None]])

    def upload():
        form = client.get("/reports/import")
        return client.post("/reports/import", content_type="multipart/form-data", data={
            "csrf_token": csrf(form), "kind": "contest-results", "year": "2025", "round": "", "contest_kind": "online_cchc",
            "file": (io.BytesIO(data), "ket-qua.xlsx")})

    preview = upload()
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Tạo mới: 1" in html and "Từ chối: 1" in html
    assert "Cập nhật: 0" in html and "built-in" not in html
    assert "Không tìm thấy cán bộ “Người Lạ”" in html
    assert count(ctx, ContestResult) == 0

    fields = {n: hidden(html, n) for n in ("csrf_token", "token", "kind", "filename", "fingerprint", "year", "round",
                                           "contest_kind")}
    done = client.post("/reports/import/confirm", data=fields)
    assert done.status_code == 200 and "Đã tạo mới 1" in done.get_data(as_text=True)
    assert "cập nhật 0" in done.get_data(as_text=True) and "built-in" not in done.get_data(as_text=True)
    assert count(ctx, ContestResult) == 1
    again = client.post("/reports/import/confirm", data=fields)  # the pending file is gone: no double import
    assert again.status_code == 302 and count(ctx, ContestResult) == 1

    second = upload().get_data(as_text=True)
    assert "Không đổi: 1" in second and "Xác nhận nhập" not in second


def test_import_pages_are_for_the_office_and_need_the_csrf_token(ctx, make, app):
    a = make.agency()
    assert login(app, make, a.staff_user).get("/reports/import").status_code == 403
    client = login(app, make, a.admin)
    refused = client.post("/reports/import", content_type="multipart/form-data", data={
        "kind": "people", "file": (io.BytesIO(b"x"), "a.csv")})
    assert refused.status_code == 400
    bad = client.post("/reports/import", content_type="multipart/form-data", data={
        "csrf_token": csrf(client.get("/reports/import")), "kind": "people", "file": (io.BytesIO(b"x"), "a.pdf")})
    assert bad.status_code == 422 and "Chỉ nhận tệp .xlsx hoặc .csv" in bad.get_data(as_text=True)
    assert app.test_client().get("/reports/import").status_code == 302  # to the login page


def test_dashboard_page_draws_svg_charts_with_a_table_and_an_xlsx_export(ctx, make, app):
    a = make.agency()
    make.nomination(a, person_id=a.staff_person, state=State.DEPARTMENT_REVIEWED)
    cycle = make.cycle()
    page = login(app, make, a.agency_head).get(f"/reports/dashboard?cycle_id={cycle}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count("<svg") == 3 and 'role="img"' in html and "Chỉ tiêu 100,0%" in html
    assert "Phòng Chính sách: 50,0% (1/2)" in html and "toàn cơ quan 33,3%" in html
    xlsx_reply = login(app, make, a.agency_head).get(f"/reports/export/dashboard.xlsx?cycle_id={cycle}")
    assert xlsx_reply.mimetype.endswith("spreadsheetml.sheet")
    assert load_workbook(io.BytesIO(xlsx_reply.data)).active["A4"].value == "Phòng Chính sách"

    mine = login(app, make, a.other_head).get("/reports/dashboard").get_data(as_text=True)
    assert "Phòng Kế hoạch" in mine and "Phòng Chính sách" not in mine
    assert login(app, make, a.staff_user).get("/reports/dashboard").status_code == 403


def test_calendar_feed_needs_no_session_but_a_valid_token_that_a_new_password_revokes(ctx, make, app):
    a = make.agency()
    page = login(app, make, a.head).get("/reports/calendar").get_data(as_text=True)
    feed_url = re.search(r'data-testid="feed-url">(http://thidua\.test/reports/calendar/[^<]+\.ics)<', page).group(1)
    assert 'data-testid="today"' in page
    path = urlsplit(feed_url).path
    anonymous = app.test_client()
    reply = anonymous.get(path)
    assert reply.status_code == 200 and reply.mimetype == "text/calendar"
    summaries = {str(e.get("summary")) for e in Calendar.from_ical(reply.data).walk("VEVENT")}
    assert "Hạn đăng ký thi đua — Sơ kết năm 2026" in summaries
    assert anonymous.get(path.replace(".ics", "x.ics")).status_code == 404
    directory.set_password(ctx, None, make.username(a.head), "mat-khau-moi-2026")
    assert anonymous.get(path).status_code == 404


def test_history_and_eligibility_pages(ctx, make, app):
    a = make.agency()
    make.nomination(a, person_id=a.staff_person, state=State.AWARDED)
    eligible = make.person(a.department_id, "Đinh Văn Giải")
    make.prize(a, eligible, 2025)
    client = login(app, make, a.head)
    found = client.get("/reports/history?q=le thi hoa").get_data(as_text=True)
    assert f"/reports/history/person/{a.staff_person}" in found
    person = client.get(f"/reports/history/person/{a.staff_person}").get_data(as_text=True)
    assert "12/QĐ-BDT" in person and "20/11/2025" in person
    assert "12/QĐ-BDT" in client.get(f"/reports/history/department/{a.department_id}").get_data(as_text=True)
    assert client.get(f"/reports/history/department/{a.other_department_id}").status_code == 403
    elig = client.get("/reports/eligibility").get_data(as_text=True)
    assert "Đinh Văn Giải" in elig and "Sơ kết năm 2025" in elig
    assert client.get("/reports/").status_code == 200
    exported = client.get(f"/reports/export/award-history.xlsx?person_id={a.staff_person}")
    assert load_workbook(io.BytesIO(exported.data)).active["H4"].value == "12/QĐ-BDT"
