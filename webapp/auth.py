"""Logging in and out of the web app (Flask-Login sessions), and who the current user is."""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from sqlalchemy.orm import joinedload

from states import Actor
from workflow import directory, throttle
from workflow.actors import actor_of
from workflow.models import User
from workflow.stand_ins import with_stand_ins

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
    session_epoch: int = 0

    def get_id(self) -> str:
        return str(self.id)

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def heads_department(self) -> bool:
        return bool(self.actor.headed_department_ids)


def load_web_user(user_id: int, epoch: int | None = None) -> WebUser | None:
    """The user, if active and (given the session's epoch) the session not ended since by
    logout, a password change or deactivation."""
    with get_ctx().db.reading() as s:
        user = s.get(User, user_id, options=[joinedload(User.person)])
        if user is None or not user.active:
            return None
        if epoch is not None and epoch != user.session_epoch:
            return None
        # as of today: an acting department head holds the head's part for that department
        actor = with_stand_ins(s, get_ctx(), actor_of(s, user))
        return WebUser(id=user.id, username=user.username, name=user.name, roles=actor.roles,
                       actor=actor, session_epoch=user.session_epoch)


def init_app(app) -> None:
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    manager.login_message_category = "info"
    manager.session_protection = "basic"

    @manager.user_loader
    def _load(user_id: str):
        epoch = session.get("epoch")
        if not user_id.isdigit() or not isinstance(epoch, int):
            return None  # a cookie from before session epochs, or forged without one
        return load_web_user(int(user_id), epoch)

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


def _too_many_attempts(retry_after: int):
    minutes = max(1, (retry_after + 59) // 60)
    response = make_response(render_template(
        "errors/error.html", status=429, title=_("Quá nhiều lần thử"),
        text=_("Bạn đã thử quá nhiều lần. Vui lòng thử lại sau %(m)s phút.", m=minutes), details=[]), 429)
    response.headers["Retry-After"] = str(retry_after)
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("inbox.index"))
    form = LoginForm()
    if request.method == "POST" and form.validate_on_submit():
        ctx, address = get_ctx(), request.remote_addr or "?"
        attempt = throttle.begin_attempt(ctx, form.username.data, address)
        if not attempt.allowed:
            return _too_many_attempts(attempt.retry_after)
        user_id = directory.authenticate(ctx, form.username.data, form.password.data)
        if user_id is not None:
            throttle.succeeded(ctx, form.username.data, address)
            target = _safe_next(request.args.get("next"))
            session.clear()  # a fresh session at login: no fixation
            user = load_web_user(user_id)
            session["epoch"] = user.session_epoch
            login_user(user)
            return redirect(target)
        form.password.errors.append(_("Tên đăng nhập hoặc mật khẩu không đúng."))
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    # Raising the epoch refuses this cookie even if replayed, and the user's other sessions too.
    directory.end_sessions(get_ctx(), current_user.id)
    logout_user()
    session.clear()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))
