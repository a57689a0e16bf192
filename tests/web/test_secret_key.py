"""No default secret in production; the calendar-feed key is separate and rotatable."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from webapp import create_app
from webapp.cli import main
from webapp.security import InsecureSecretKey, check_secret_for_bind
from workflow.config import Settings

from .conftest import Browser


def _settings(secret: str) -> Settings:
    return Settings.load(overrides={"app": {"secret_key": secret}}, environ={})


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "thidua.example.gov.vn", "::"])
def test_the_shipped_key_is_refused_beyond_this_machine(host):
    with pytest.raises(InsecureSecretKey) as refused:
        check_secret_for_bind(Settings.load(environ={}), host)
    assert "THIDUA_APP__SECRET_KEY" in refused.value.message and "khóa bí mật mặc định" in refused.value.message
    with pytest.raises(InsecureSecretKey):
        check_secret_for_bind(_settings(""), host)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.1.1"])
def test_the_shipped_key_is_fine_on_loopback(host):
    check_secret_for_bind(Settings.load(environ={}), host)


def test_a_real_key_serves_anywhere():
    check_secret_for_bind(_settings("k" * 48), "0.0.0.0")


def test_serve_stops_before_starting_and_says_how_to_set_a_key(monkeypatch, tmp_path):
    monkeypatch.setattr("webapp.server.run", lambda *a, **kw: pytest.fail("the server must not start"))
    monkeypatch.setenv("THIDUA_APP__INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("THIDUA_APP__SECRET_KEY", raising=False)
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--no-scheduler"])
    assert result.exit_code == 1
    assert "Lỗi: Không thể chạy ở địa chỉ 0.0.0.0" in result.output and "secrets.token_urlsafe" in result.output


def test_feed_urls_survive_a_session_key_change_and_a_feed_key_rotation(ctx, make):
    a = make.agency()
    ctx.settings.raw["app"]["feed_secret_keys"] = ["feed-key-2025"]
    app = create_app(context=ctx)
    b = Browser(app.test_client()).login(make.username(a.head))
    page = b.get("/reports/calendar").get_data(as_text=True)
    feed = re.search(r'data-testid="feed-url">http://thidua\.test(/reports/calendar/[^<]+\.ics)<', page).group(1)
    assert app.test_client().get(feed).status_code == 200

    ctx.settings.raw["app"]["secret_key"] = "a-new-session-key"
    assert create_app(context=ctx).test_client().get(feed).status_code == 200
    ctx.settings.raw["app"]["feed_secret_keys"] = ["feed-key-2025", "feed-key-2026"]
    assert create_app(context=ctx).test_client().get(feed).status_code == 200
    ctx.settings.raw["app"]["feed_secret_keys"] = ["feed-key-2026"]
    assert create_app(context=ctx).test_client().get(feed).status_code == 404
