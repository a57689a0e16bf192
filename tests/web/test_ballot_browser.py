"""A council member votes from their phone: Chromium at 390 px, from the inbox link to the sent ballot."""
from __future__ import annotations

import pytest

from workflow import ballots

from .test_ballot_pages import _seat_users
from .test_browser import User as BrowserUser
from .test_browser import chromium, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture
def db_url(tmp_path):
    """SQLite only, as tests/web/test_browser.py: the pages are the same on both databases."""
    return f"sqlite:///{tmp_path / 'thidua.sqlite3'}"


def test_a_member_votes_on_a_390_px_phone_in_the_browser(chromium, server, ctx, make):  # noqa: F811
    a = make.agency()
    (n1, n2), meeting, seated, logins = _seat_users(ctx, make, a)
    ballots.open_voting(ctx, a.secretary, meeting)
    phone = BrowserUser(chromium, server, make.username(logins[seated[3]]), phone=True)
    assert "Hội đồng đang biểu quyết" in phone.text()
    phone.page.click("[data-testid=voting] a")
    phone.page.wait_for_url(f"{server}/ballots/{meeting}")
    # nothing wider than the phone: the page does not scroll sideways
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.page.click(f"label[for=c{n1}-for]")
    phone.page.click(f"label[for=c{n2}-against]")
    phone.shot("bieu-quyet-dien-thoai")
    phone.page.click("[data-testid=ballot-form] button[type=submit]")
    assert "Đã ghi nhận phiếu biểu quyết của bạn" in phone.text()
    assert phone.page.inner_text(f"[data-testid=voted-{n1}]") == "Đã biểu quyết: Đồng ý"
    assert phone.page.inner_text(f"[data-testid=voted-{n2}]") == "Đã biểu quyết: Không đồng ý"
    phone.close()
