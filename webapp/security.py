"""CSRF on every form and security headers on every response (login throttling: workflow/throttle.py)."""
from __future__ import annotations

import click
from flask import Flask, request
from flask_wtf.csrf import CSRFProtect

# No inline script anywhere: scripts come from /static only. Mermaid and Bootstrap set
# style attributes, so inline styles (not scripts) are allowed.
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


# Static files, and the calendar feed a calendar app polls (it sets its own short private max-age).
CACHEABLE_ENDPOINTS = frozenset({"static", "reports.calendar_feed"})


def init_app(app: Flask) -> None:
    """Install CSRF protection and the security headers."""
    CSRFProtect(app)

    @app.after_request
    def _security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.endpoint not in CACHEABLE_ENDPOINTS:
            # Pages, API answers and downloads carry personal data: no copy in the browser's or a
            # proxy's cache, where the next user of a shared office computer would find it.
            response.headers["Cache-Control"] = "no-store"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


# --- the secret key ----------------------------------------------------------------------------

# The key in the shipped config.toml: anyone who has the source can sign an admin session with it.
SHIPPED_SECRET_KEYS = frozenset({"", "dev-only-change-me"})
LOOPBACK_HOSTS = frozenset({"localhost", "::1", "[::1]"})


class InsecureSecretKey(click.ClickException):
    """Printed in Vietnamese by click, exit code 1."""

    def show(self, file=None) -> None:
        click.echo(f"Lỗi: {self.message}", err=True)


def is_loopback(host: str) -> bool:
    host = (host or "").strip().lower()
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def check_secret_for_bind(settings, host: str) -> None:
    """Refuse to serve beyond this machine with the shipped (or an empty) secret key."""
    if settings.secret_key in SHIPPED_SECRET_KEYS and not is_loopback(host):
        raise InsecureSecretKey(
            f"Không thể chạy ở địa chỉ {host} với khóa bí mật mặc định: ai có mã nguồn cũng giả được phiên đăng"
            " nhập quản trị. Hãy đặt một khóa dài, ngẫu nhiên, ví dụ:\n"
            "  export THIDUA_APP__SECRET_KEY=\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')\"\n"
            "hoặc sửa secret_key trong mục [app] của config.toml, rồi chạy lại. (Chạy thử trên máy này thì dùng"
            " --host 127.0.0.1.)")
