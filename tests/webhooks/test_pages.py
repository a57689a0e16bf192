"""The administrator's webhook page: register a subscriber, see each delivery's last answer, replay it."""
from __future__ import annotations

from notifications.webhooks import drain_webhooks
from states import State

from ..web.conftest import app, browser_for, fast_password_hashing  # noqa: F401 - fixtures


def test_an_admin_registers_a_subscriber_and_replays_a_delivery(ctx, make, browser_for, receiver):  # noqa: F811
    a = make.agency()
    admin = browser_for(a.admin)
    r = admin.post("/admin/webhooks", data={"url": receiver.url, "event_types": ["nomination.state_changed"],
                                            "description": "Q-Office"}, follow_redirects=True)
    assert "Đã đăng ký địa chỉ nhận webhook." in r.get_data(as_text=True)
    make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    receiver.plan.append(503)
    drain_webhooks(ctx)
    page = admin.get("/admin/webhooks").get_data(as_text=True)
    assert receiver.url in page and "HTTP 503" in page and "trả lời 503" in page and "HTTP 204" in page
    r = admin.post("/admin/webhooks/deliveries/2/replay", follow_redirects=True)
    assert "Đã đưa vào hàng chờ gửi lại" in r.get_data(as_text=True)


def test_a_bad_address_is_refused_in_vietnamese(make, browser_for):  # noqa: F811
    admin = browser_for(make.agency().admin)
    r = admin.post("/admin/webhooks", data={"url": "không-phải-url", "event_types": []}, follow_redirects=True)
    text = r.get_data(as_text=True)
    assert "Địa chỉ nhận phải là một URL" in text and "Cần chọn ít nhất một loại sự kiện." in text


def test_only_an_admin_sees_the_page(make, browser_for):  # noqa: F811
    a = make.agency()
    assert browser_for(a.secretary).get("/admin/webhooks").status_code == 403


def test_the_openapi_document_describes_the_webhooks(app):  # noqa: F811
    from openapi_spec_validator import validate
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    validate(spec)
    hook = spec["webhooks"]["nomination.state_changed"]["post"]
    assert {p["name"] for p in hook["parameters"]} >= {"Thidua-Signature", "Thidua-Event-Id", "Thidua-Timestamp"}
    assert set(spec["webhooks"]) == {"nomination.state_changed", "decision.issued", "decision.revoked",
                                     "meeting.closed", "deadline.passed"}
