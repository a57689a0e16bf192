"""The administrator's mail page says how many messages failed and why, and shows queued ones as they will go."""
from __future__ import annotations

from notifications.outbox import drain

from ..notifications.conftest import smtp_server, use_smtp  # noqa: F401 - the fixture is used below
from ..notifications.test_relay import registered_by_staff
from ..notifications.test_relay_hardening import queue_plain
from .helpers import text_of


def test_the_mail_page_shows_how_many_failed_and_why(app, ctx, make, browser_for, smtp_server):  # noqa: F811
    use_smtp(ctx, smtp_server.port)
    a = make.agency()
    queue_plain(ctx, "khong-hop-le", "mot@example.vn")
    drain(ctx)
    registered_by_staff(ctx, make)  # queued: its body is rendered by the relay, the page previews it
    page = text_of(browser_for(a.admin).get("/mail"))
    assert "Thư gửi thất bại, chưa được gửi lại: 1." in page and "«khong-hop-le»" in page
    assert "Kính gửi Trần Thị Trưởng" in page
