"""CSRF on every form, security headers on every response, and the login rate limiter."""
from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
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


def init_app(app: Flask) -> None:
    """Install CSRF protection, the security headers and a per-app rate limiter."""
    CSRFProtect(app)
    # One limiter per app, in memory: each worker counts its own attempts, which still
    # stops password guessing; a shared store is not worth a Redis for an office.
    app.extensions["login_limiter"] = Limiter(get_remote_address, app=app, storage_uri="memory://",
                                              default_limits=[], headers_enabled=False)

    @app.after_request
    def _security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
