"""Logging in and out, CSRF, security headers, cookies, rate limiting, and the error pages."""
from __future__ import annotations

import pytest

from webapp import create_app

from ..factories import PASSWORD
from .conftest import Browser, csrf_of
from .helpers import text_of


def test_anonymous_users_are_sent_to_the_login_page(app):
    response = app.test_client().get("/nominations")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_login_then_logout(app, make):
    a = make.agency()
    client = app.test_client()
    b = Browser(client).login(make.username(a.head))
    assert "Trần Thị Trưởng" in text_of(b.get("/"))
    out = b.post("/logout")
    assert out.status_code == 302
    assert b.get("/").status_code == 302


def test_a_wrong_password_is_refused_in_vietnamese(app, make):
    a = make.agency()
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": make.username(a.head), "password": "sai-mat-khau",
                                           "csrf_token": token})
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in text_of(response)


def test_login_only_redirects_to_local_pages(app, make):
    a = make.agency()
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    response = client.post("/login?next=https://evil.example/", data={
        "username": make.username(a.head), "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_forms_without_a_csrf_token_are_refused(app, make):
    a = make.agency()
    b = Browser(app.test_client()).login(make.username(a.head))
    response = b.client.post("/logout", data={})
    assert response.status_code == 400 and "Phiên làm việc đã hết hạn" in text_of(response)
    assert b.client.post("/login", data={"username": "x", "password": "y"}).status_code == 400


def test_the_api_needs_no_csrf_token(app, make, ctx):
    from workflow import directory
    a = make.agency()
    token = directory.create_token(ctx, make.username(a.secretary))
    response = app.test_client().post("/api/v1/nominations/999/actions", json={"action": "hold", "version": 1},
                                      headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404 and response.json["code"] == "not_found"


def test_every_response_carries_the_security_headers(app):
    response = app.test_client().get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_page_has_an_inline_script(app, make):
    a = make.agency()
    b = Browser(app.test_client()).login(make.username(a.secretary))
    for url in ("/", "/nominations", "/council", "/help/workflow", "/registers/initiatives"):
        body = b.get(url).get_data(as_text=True)
        for tag in body.split("<script")[1:]:
            assert tag.lstrip().startswith("src="), (url, tag[:80])


def test_session_cookies_are_httponly_lax_and_secure_when_configured(ctx, make):
    a = make.agency()
    for secure in (False, True):
        ctx.settings.raw["app"]["secure_cookies"] = secure
        app = create_app(context=ctx)
        client = app.test_client()
        token = csrf_of(client.get("/login").get_data(as_text=True))
        response = client.post("/login", data={"username": make.username(a.head), "password": PASSWORD,
                                               "csrf_token": token})
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert ("Secure" in cookie) is secure


def test_cookies_default_to_secure_on_https(ctx):
    ctx.settings.raw["app"].pop("secure_cookies", None)
    ctx.settings.raw["app"]["base_url"] = "https://thidua.example.vn"
    assert create_app(context=ctx).config["SESSION_COOKIE_SECURE"] is True
    ctx.settings.raw["app"]["base_url"] = "http://127.0.0.1:5000"
    assert create_app(context=ctx).config["SESSION_COOKIE_SECURE"] is False


def test_repeated_login_attempts_are_rate_limited(ctx, make):
    ctx.settings.raw["app"]["login_account_failures"] = 3
    app = create_app(context=ctx)
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    codes = [client.post("/login", data={"username": "ai", "password": "sai", "csrf_token": token}).status_code
             for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    page = client.post("/login", data={"username": "ai", "password": "sai", "csrf_token": token})
    assert "Bạn đã thử quá nhiều lần" in text_of(page)
    # another account from the same address is not locked out by someone else's typos
    other = client.post("/login", data={"username": "nguoikhac", "password": "sai", "csrf_token": token})
    assert other.status_code == 401


def test_an_address_trying_many_accounts_is_rate_limited(ctx):
    ctx.settings.raw["app"]["login_address_failures"] = 5
    client = create_app(context=ctx).test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    codes = [client.post("/login", data={"username": f"u{i}", "password": "sai", "csrf_token": token}).status_code
             for i in range(6)]
    assert codes == [401] * 5 + [429]


@pytest.mark.parametrize("url, status, words", [
    ("/khong-co-trang-nay", 404, "Không tìm thấy"),
    ("/nominations/987654", 404, "Không tìm thấy"),
    ("/admin/users", 403, "Không có quyền"),
])
def test_error_pages_are_vietnamese(app, make, url, status, words):
    a = make.agency()
    b = Browser(app.test_client()).login(make.username(a.head))
    response = b.get(url)
    assert response.status_code == status and words in text_of(response)
    assert "Traceback" not in response.get_data(as_text=True)


def test_an_unexpected_error_shows_a_plain_page_without_a_trace(ctx, caplog):
    app = create_app(context=ctx)

    @app.get("/__boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/__boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and "Lỗi hệ thống" in text_of(response)
    assert "secret internals" not in body and "Traceback" not in body
    assert "secret internals" in caplog.text


def test_unknown_api_paths_answer_json(app):
    response = app.test_client().get("/api/v1/khong-co")
    assert response.status_code == 404 and response.json["code"] == "not_found"


def test_behind_a_proxy_the_client_address_comes_from_the_proxy(ctx):
    ctx.settings.raw["app"]["behind_proxy"] = True
    ctx.settings.raw["app"]["login_address_failures"] = 2
    client = create_app(context=ctx).test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))

    def attempt(address: str, user: str) -> int:
        return client.post("/login", data={"username": user, "password": "sai", "csrf_token": token},
                           headers={"X-Forwarded-For": address}).status_code

    assert [attempt("10.0.0.1", "a"), attempt("10.0.0.1", "b"), attempt("10.0.0.1", "c")] == [401, 401, 429]
    assert attempt("10.0.0.2", "d") == 401   # another machine in the office is not locked out


def test_nothing_behind_login_may_be_cached_but_static_files_may(app, make, ctx):
    from workflow import directory
    a = make.agency()
    b = Browser(app.test_client()).login(make.username(a.secretary))
    for url in ("/", "/nominations", "/registers/ratings", "/reports/"):
        assert b.get(url).headers["Cache-Control"] == "no-store", url
    token = directory.create_token(ctx, make.username(a.secretary))
    api = app.test_client().get("/api/v1/people", headers={"Authorization": f"Bearer {token}"})
    assert api.headers["Cache-Control"] == "no-store"
    static = next(r.rule for r in app.url_map.iter_rules() if r.endpoint == "static")
    css = b.get(static.replace("<path:filename>", "app.css"))
    assert css.headers.get("Cache-Control") != "no-store"
