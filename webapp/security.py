"""CSRF on every form and security headers on every response (login throttling: workflow/throttle.py)."""
from __future__ import annotations

from flask import Flask
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
    """Install CSRF protection and the security headers."""
    CSRFProtect(app)

    @app.after_request
    def _security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
