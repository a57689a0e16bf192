"""The whole cycle in headless Chromium, as each role would do it, with screenshots of the main pages.

Runs on SQLite only (the pages are the same on both databases; the test-client tests cover both).
Chromium is Debian's /usr/bin/chromium: without it these tests skip, unless THIDUA_REQUIRE_BROWSER=1.
"""
from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from states import State
from webapp import create_app

from ..factories import PASSWORD

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
SHOTS = ARTIFACTS / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture
def db_url(tmp_path):
    """Browser tests on SQLite only: this overrides the two-database parameter of tests/conftest.py."""
    return f"sqlite:///{tmp_path / 'thidua.sqlite3'}"


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        if os.environ.get("THIDUA_REQUIRE_BROWSER") == "1":
            pytest.fail("THIDUA_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing")
        pytest.skip("/usr/bin/chromium is not installed")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def server(ctx):
    """The app on a free 127.0.0.1 port, served from a background thread."""
    app = create_app(context=ctx)
    app.config["LOGIN_IP_RATE_LIMIT"] = "1000 per minute"
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)
    httpd.server_close()


class User:
    """One person in their own browser context (own cookies), logged in through the form."""

    def __init__(self, chromium, base: str, username: str, *, phone: bool = False):
        size = {"width": 390, "height": 844} if phone else {"width": 1366, "height": 900}
        self.context = chromium.new_context(viewport=size, locale="vi-VN")
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.base = base
        self.page.goto(base + "/login")
        self.page.fill("#username", username)
        self.page.fill("#password", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(base + "/")

    def go(self, path: str):
        self.page.goto(self.base + path)
        return self.page

    def text(self) -> str:
        self.page.wait_for_load_state()
        return self.page.inner_text("main")

    def shot(self, name: str, full_page: bool = True) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)

    def act(self, action: str, **fields) -> None:
        """Open an action on the nomination page, fill its form, confirm."""
        box = self.page.locator(f'details[data-action="{action}"]')
        box.locator("summary").click()
        for name, value in fields.items():
            box.locator(f'[name="{name}"]').fill(value)
        box.locator("button[type=submit]").click()
        self.page.wait_for_load_state()

    def close(self) -> None:
        self.context.close()


def _pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% thidua test\n"}


def test_a_whole_cycle_by_each_role_in_the_browser(chromium, server, ctx, make):
    a = make.agency()
    make.prize(a, a.staff_person)
    cycle = make.cycle()

    # The department head: creates the nomination, completes the dossier, reviews it.
    head = User(chromium, server, make.username(a.head))
    assert "Hiện không có hồ sơ nào chờ bạn xử lý" in head.text()
    head.go(f"/department?cycle_id={cycle}")
    head.page.click("text=+ Cá nhân")
    head.page.select_option("#person_id", str(a.staff_person))
    head.page.fill("#summary", "Tham gia cuộc thi trực tuyến tìm hiểu CCHC, đạt Giải Ba.")
    head.page.click("main form button[type=submit]")
    assert "Đã tạo đề nghị khen thưởng" in head.text()
    assert "Lê Thị Hoà" in head.text() and "Còn thiếu" in head.text()
    nomination_url = head.page.url.replace(server, "")
    head.page.set_input_files("#ho-so input[type=file]", files=[_pdf("bao-cao-thanh-tich.pdf")])
    head.page.click("#ho-so form[enctype='multipart/form-data'] button[type=submit]")
    assert "bao-cao-thanh-tich.pdf" in head.text()
    head.go(f"/department?cycle_id={cycle}")
    head.page.set_input_files("form[action$='/documents'] input[type=file]", files=[_pdf("bien-ban-hop-xet.pdf")])
    head.page.click("form[action$='/documents'] button[type=submit]")
    assert "Đã tải lên tài liệu của Phòng" in head.text() and "bien-ban-hop-xet.pdf" in head.text()
    head.shot("phong-trang-cua-phong")
    head.go("/")
    assert "Phòng xét, đề nghị — Sơ kết năm 2025" in head.text() and "Hạn: 30/11/2025" in head.text()
    head.shot("viec-can-xu-ly-truong-phong")
    head.go(nomination_url)
    assert "Hồ sơ đủ các tài liệu" in head.text()
    head.act("department_review", comment="Phòng đã họp xét ngày 18/11/2025, thống nhất đề nghị.")
    assert "Đã thực hiện: Phòng xét, đề nghị" in head.text()
    assert head.page.inner_text("[data-testid=state]") == "Phòng đã xét"
    # what is left to the head at this step: withdrawing, not reviewing again
    assert head.page.locator("details[data-action]").evaluate_all("els => els.map(e => e.dataset.action)") == [
        "withdraw"]
    head.close()

    # The secretary: records the council meeting (attendance from the roster), the vote, advances what passed.
    seated = make.roster(a, 7)
    secretary = User(chromium, server, make.username(a.secretary))
    assert "Hội đồng xét, đề nghị — Sơ kết năm 2025" in secretary.text() and "Lê Thị Hoà" in secretary.text()
    secretary.go("/council")
    assert "Lê Thị Hoà" in secretary.page.inner_text("[data-testid=agenda]")
    secretary.page.fill("#held_on", "2025-11-20")
    secretary.page.fill("#starts_at", "08:00")
    secretary.page.fill("#ends_at", "10:30")
    secretary.page.fill("#place", "Phòng họp số 1")
    secretary.page.select_option("#chair_member_id", str(seated[0]))
    secretary.page.select_option("#secretary_member_id", str(seated[1]))
    for member_id in seated[:6]:
        secretary.page.check(f"input[name=present_member_ids][value='{member_id}']")
    secretary.page.click("form[action$='/meetings'] button[type=submit]")
    assert "Đã ghi nhận cuộc họp Hội đồng" in secretary.text()
    row = secretary.page.locator("[data-testid=votes] tr", has_text="Lê Thị Hoà")
    row.locator("[name=votes_for]").fill("6")
    row.locator("[name=votes_against]").fill("0")
    row.locator("button[type=submit]").click()
    assert "Đã lưu kết quả biểu quyết" in secretary.text() and "thông qua" in secretary.text()
    secretary.shot("hoi-dong-cuoc-hop")
    secretary.page.click("text=Chuyển các hồ sơ được thông qua lên Thủ trưởng")
    assert "Thành công: 1; không thực hiện được: 0" in secretary.text()
    secretary.shot("hoi-dong-ket-qua-chuyen")
    secretary.close()

    # The agency head: approves from the approvals page, after confirming the list.
    boss = User(chromium, server, make.username(a.agency_head))
    assert "Thủ trưởng phê duyệt — Sơ kết năm 2025" in boss.text()
    boss.go("/approvals")
    assert "Lê Thị Hoà" in boss.page.inner_text("[data-testid=waiting]")
    boss.shot("thu-truong-phe-duyet")
    # nothing is pre-checked: the head chooses what to approve
    row = boss.page.locator("[data-testid=waiting] tr", has_text="Lê Thị Hoà")
    assert not row.locator("input[name=ids]").is_checked()
    row.locator("input[name=ids]").check()
    boss.page.click("text=Phê duyệt các hồ sơ đã chọn…")
    assert "Lê Thị Hoà" in boss.page.inner_text("[data-testid=confirm-items]")
    boss.shot("xac-nhan-hang-loat")
    boss.page.click("text=Xác nhận thực hiện")
    assert "Thành công: 1; không thực hiện được: 0" in boss.text()
    boss.close()

    # The secretary again: records the award decision.
    secretary = User(chromium, server, make.username(a.secretary))
    assert "Ghi nhận quyết định khen thưởng — Sơ kết năm 2025" in secretary.text()
    secretary.go(nomination_url)
    secretary.act("award", decision_number="125/QĐ-BDT", decision_date="2025-11-20")
    assert secretary.page.inner_text("[data-testid=state]") == "Đã khen thưởng"
    assert "Đã khen thưởng theo Quyết định số 125/QĐ-BDT ngày 20 tháng 11 năm 2025" in secretary.text()
    timeline = secretary.page.inner_text("[data-testid=timeline]")
    for step in ("Tạo đề nghị", "Phòng xét, đề nghị", "Hội đồng xét, đề nghị", "Thủ trưởng phê duyệt",
                 "Ghi nhận quyết định khen thưởng"):
        assert step in timeline
    assert secretary.page.locator("svg.workflow .node.current").text_content() == "Đã khen thưởng"
    secretary.shot("ho-so-da-khen-thuong")
    secretary.close()

    # The nominee sees their own nomination, awarded, and can do nothing on it.
    nominee = User(chromium, server, make.username(a.staff_user), phone=True)
    nominee.go(nomination_url)
    assert "Đã khen thưởng" in nominee.text() and "Bạn không có thao tác nào" in nominee.text()
    nominee.shot("ho-so-tren-dien-thoai")
    nominee.close()


def test_a_refused_action_shows_its_reason_in_place_and_keeps_the_typed_text(chromium, server, ctx, make):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person)
    head = User(chromium, server, make.username(a.head))
    head.go(f"/nominations/{nid}")
    # with the keyboard only: open the action, type the comment, Tab to the button, Enter
    box = head.page.locator('details[data-action="department_review"]')
    box.locator("summary").focus()
    head.page.keyboard.press("Enter")
    box.locator("[name=comment]").focus()
    head.page.keyboard.type("Đề nghị Hội đồng xem xét")
    head.page.keyboard.press("Tab")
    head.page.keyboard.press("Enter")
    head.page.wait_for_load_state()
    assert box.get_attribute("open") is not None
    problems = box.locator("[data-testid=problems]").inner_text()
    assert "Thiếu báo cáo thành tích" in problems and "Thiếu biên bản họp xét của Phòng" in problems
    assert box.locator("[name=comment]").input_value() == "Đề nghị Hội đồng xem xét"
    assert head.page.inner_text("[data-testid=state]") == "Đã đăng ký đề nghị"
    head.shot("thao-tac-bi-tu-choi")
    head.close()


def test_the_main_pages_render_for_the_screenshots(chromium, server, ctx, make):
    a = make.agency()
    make.nomination(a, person_id=a.staff_person, state=State.DEPARTMENT_REVIEWED)
    make.nomination(a)
    anonymous = chromium.new_context(viewport={"width": 1366, "height": 800})
    page = anonymous.new_page()
    page.goto(server + "/login")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dang-nhap.png"))
    anonymous.close()
    secretary = User(chromium, server, make.username(a.secretary))
    secretary.go("/nominations")
    assert re.search(r"Lê Thị Hoà", secretary.text())
    secretary.shot("danh-sach-ho-so")
    secretary.go("/help/workflow")
    assert secretary.page.locator("svg.workflow").count() == 1
    secretary.shot("so-do-quy-trinh")
    secretary.go("/registers/initiatives")
    secretary.shot("so-theo-doi-sang-kien")
    secretary.close()
    phone = User(chromium, server, make.username(a.head), phone=True)
    # the reviewed one has left the head's inbox; the other still waits
    assert "Lê Thị Hoà" not in phone.text() and "Phòng xét, đề nghị — Sơ kết năm 2025 1" in phone.text()
    phone.shot("viec-can-xu-ly-dien-thoai")
    phone.close()
