"""The Flask app factory: HTTP only. Each view parses input, calls one use case, renders."""
from __future__ import annotations

import logging

from flask import Flask, request
from sqlalchemy.orm import configure_mappers
from werkzeug.routing import IntegerConverter

import notifications
from workflow.audit import fan_out
from workflow.config import Settings
from workflow.context import Context


class BoundedInt(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _key_list(value) -> list[str]:
    """A key or a list of keys (newest last), from config.toml or THIDUA_APP__FEED_SECRET_KEYS."""
    if not value:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value if v]


WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
log = logging.getLogger(__name__)


def _fan_out_after_writes(app: Flask, context: Context) -> None:
    """After a write request's response is sent (the WSGI server closes it), turn the events it recorded
    into emails and webhook deliveries: the user does not wait for them, the relay does not either."""

    def fan_out_quietly():
        try:
            fan_out(context)
        except Exception:  # the response is gone; the relay's next run fans out what is left
            log.exception("fan-out after a request failed")

    @app.after_request
    def _after(response):
        if request.method in WRITES:
            response.call_on_close(fan_out_quietly)
        return response


def create_app(settings: Settings | None = None, context: Context | None = None) -> Flask:
    """Build the app around one Context (database, settings, clock)."""
    if context is None:
        context = Context.from_settings(settings or Settings.load())
    app = Flask(__name__)
    # An id in a URL larger than the database's integers simply matches no page (404), never a 500.
    app.url_map.converters["int"] = BoundedInt
    app_settings = context.settings.section("app")
    secure = app_settings.get("secure_cookies")
    if secure is None:  # plain http (a laptop, localhost) cannot carry Secure cookies
        secure = not context.settings.base_url.startswith("http://")
    app.config.update(
        SECRET_KEY=context.settings.secret_key,
        FEED_SECRET_KEYS=_key_list(app_settings.get("feed_secret_keys")),
        MAX_CONTENT_LENGTH=context.settings.max_upload_bytes + 1024 * 1024,
        JSON_AS_ASCII=False,
        SESSION_COOKIE_SECURE=bool(secure),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=bool(secure),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=8 * 3600,  # a working day: long forms must not expire mid-way
        BABEL_DEFAULT_LOCALE=app_settings.get("default_locale", "vi"),
        BABEL_DEFAULT_TIMEZONE=str(context.settings.timezone),
    )
    app.json.ensure_ascii = False
    if app_settings.get("behind_proxy"):
        # Behind nginx/Apache: trust one proxy for the client address (login throttling) and https.
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
    app.extensions["thidua"] = context
    notifications.subscribe(context)  # idempotent: events become emails once their transaction commits
    _fan_out_after_writes(app, context)

    from .api import bp as api_bp
    app.register_blueprint(api_bp)

    from . import auth, input_guard, pages, security, templating
    security.init_app(app)
    input_guard.init_app(app)
    app.extensions["csrf"].exempt(api_bp)
    auth.init_app(app)
    templating.init_app(app)
    pages.init_app(app)
    # Configure the ORM mappers now, once, before any request thread can race to do it.
    configure_mappers()
    return app
