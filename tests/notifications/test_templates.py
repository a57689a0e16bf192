"""Every email template renders in Vietnamese, text and HTML alike, and escapes what users typed."""
from __future__ import annotations

from datetime import date

import pytest

from notifications.emails import TEMPLATE_DIR, render
from notifications.recipients import Recipient
from notifications.reminders import Line, digest_variables

NAMES = sorted({p.name.split(".")[0] for p in TEMPLATE_DIR.iterdir() if not p.name.startswith("_")})
TYPED = "Thiếu <b>biên bản</b> & quyết định"


def sample() -> dict:
    nomination = {"id": 7, "nominee": "Nguyễn Thị Hoà", "kind": "Cá nhân", "kind_is_individual": True,
                  "department": "Phòng Chính sách", "cycle": "Sơ kết năm 2025",
                  "award_form": "Giấy khen của Thủ trưởng cơ quan", "state": "Phòng đã xét",
                  "link": "http://thidua.test/nominations/7", "dossier_deadline": date(2025, 11, 30),
                  "council_meeting_on": date(2025, 12, 10), "ceremony_on": date(2025, 12, 20)}
    line = Line(1, "Sơ kết năm 2025", "dossier_deadline", date(2025, 11, 30), date(2025, 11, 16),
                ((14, date(2025, 11, 16)),), (TYPED,), "http://thidua.test/nominations?cycle_id=1")
    return {"recipient": Recipient(3, "Trần Thị Trưởng", "tp@example.vn"), "base_url": "http://thidua.test",
            "agency": "Ban Dân tộc tỉnh Quảng Ngãi", "n": nomination, "actor": "Phạm Văn Thư", "reason": TYPED,
            "from_state": "Đã đăng ký đề nghị", "on_behalf_of": "KT. Trưởng Ban", "decision_number": "12/QĐ-BDT",
            "decision_date": date(2025, 12, 20), "todo": "phê duyệt.", "department": "Phòng Chính sách",
            "year": 2025, "campaign": "Phong trào CCHC 2021-2025", "link": "http://thidua.test/registrations/4",
            "as_of": date(2025, 11, 16), "count": 1, "reasons": [{"reason": TYPED, "count": 1}],
            **digest_variables([line], date(2025, 11, 16))}


def test_every_situation_has_a_text_and_an_html_template():
    for name in NAMES:
        assert (TEMPLATE_DIR / f"{name}.txt").exists() and (TEMPLATE_DIR / f"{name}.html").exists(), name
    assert len(NAMES) == 16


@pytest.mark.parametrize("name", NAMES)
def test_each_template_renders_with_greeting_link_and_escaped_html(name):
    mail = render(name, **sample())
    assert mail.subject and "\n" not in mail.subject
    assert mail.text.startswith("Kính gửi Trần Thị Trưởng,")
    assert "Ban Dân tộc tỉnh Quảng Ngãi" in mail.text
    assert "http://thidua.test" in mail.text and 'href="http://thidua.test' in mail.html
    assert mail.html.startswith("<!DOCTYPE html>") and '<html lang="vi">' in mail.html
    assert "<b>biên bản</b>" not in mail.html  # what users typed never becomes markup
    if TYPED in mail.text:
        assert "Thiếu &lt;b&gt;biên bản&lt;/b&gt; &amp; quyết định" in mail.html
