"""Signed calendar-feed URLs: a calendar app subscribes without a session.

The token names the user and a fingerprint of their password hash, so changing the password
revokes every feed URL given out before; a disabled account's feed stops at once.

Feeds are signed with their own keys (`app.feed_secret_keys` in config.toml, newest last), not the
session key: rotating one does not touch the other. To rotate, append a new key: new URLs are
signed with it, old ones keep working until the old key is removed. Unset, the session key is used.
"""
from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from workflow.models import User

SALT = "thidua-calendar-feed"


def _serializer() -> URLSafeSerializer:
    keys = current_app.config.get("FEED_SECRET_KEYS") or [current_app.config["SECRET_KEY"]]
    return URLSafeSerializer(list(keys), salt=SALT)  # signs with the last key, accepts any


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:12]


def token_for(user: User) -> str:
    return _serializer().dumps([user.id, _fingerprint(user)])


def user_for(session, token: str) -> User | None:
    """The active user a token was made for, or None (bad signature, changed password, disabled)."""
    try:
        user_id, fingerprint = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or _fingerprint(user) != fingerprint:
        return None
    return user
