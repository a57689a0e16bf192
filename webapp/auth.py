"""Logging in and out of the web app (Flask-Login sessions), and who the current user is."""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from sqlalchemy.orm import joinedload

from states import Actor
from workflow import directory
from workflow.actors import actor_of
from workflow.models import User

from .context import get_ctx
from .forms import LoginForm

bp = Blueprint("auth", __name__)


@dataclass(frozen=True)
class WebUser(UserMixin):
    """A snapshot of the logged-in user, loaded once per request."""

    id: int
    username: str
    name: str
    roles: frozenset[str]
    actor: Actor

    def get_id(self) -> str:
        return str(self.id)

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def heads_department(self) -> bool:
        return bool(self.actor.headed_department_ids)


def load_web_user(user_id: int) -> WebUser | None:
    with get_ctx().db.reading() as s:
        user = s.get(User, user_id, options=[joinedload(User.person)])
        if user is None or not user.active:
            return None
        return WebUser(id=user.id, username=user.username, name=user.name, roles=user.roles,
                       actor=actor_of(s, user))


def init_app(app) -> None:
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    manager.login_message_category = "info"
    manager.session_protection = "basic"

    @manager.user_loader
    def _load(user_id: str):
        return load_web_user(int(user_id)) if user_id.isdigit() else None

    app.register_blueprint(bp)


def roles_required(*roles: str):
    """The page is for these roles only; anyone else gets the 403 page."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _safe_next(target: str | None) -> str:
    # Only local paths: an attacker's link must not send a user elsewhere after login.
    if not target or not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
        return url_for("inbox.index")
    return target


def _count_login_attempt() -> None:
    """429 past the limits: per account and address (guessing), and per address (spraying).

    Per account too, because an office's machines may all reach the server from one address.
    """
    limiter = current_app.extensions["login_limiter"]
    address = request.remote_addr or "?"
    account = (request.form.get("username") or "").strip().lower()[:80]
    with limiter.limit(current_app.config["LOGIN_RATE_LIMIT"], scope="login-account",
                       key_func=lambda: f"{address}|{account}"):
        pass
    with limiter.limit(current_app.config["LOGIN_IP_RATE_LIMIT"], scope="login-address"):
        pass


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("inbox.index"))
    form = LoginForm()
    if request.method == "POST":
        _count_login_attempt()
        if form.validate_on_submit():
            user_id = directory.authenticate(get_ctx(), form.username.data, form.password.data)
            if user_id is not None:
                target = _safe_next(request.args.get("next"))
                session.clear()  # a fresh session at login: no fixation
                login_user(load_web_user(user_id))
                return redirect(target)
            form.password.errors.append(_("Tên đăng nhập hoặc mật khẩu không đúng."))
            return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/language/<code>")
def language(code: str):
    """Switch the interface language (Vietnamese by default, English available)."""
    if code in ("vi", "en"):
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next")))
