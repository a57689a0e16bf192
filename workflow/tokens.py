"""API tokens you can take back: a name, a scope (read-only or full), an optional expiry, revocation."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from .audit import audit
from .auth import new_token, token_hash
from .errors import Forbidden, Invalid, Problem, not_found
from .models import TOKEN_SCOPES, ApiToken, User
from .text import nfc

# `last_used_at` is written at most this often per token: a busy client costs no write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class TokenAccess:
    user_id: int
    token_id: int
    scope: str

    @property
    def read_only(self) -> bool:
        return self.scope == "read"


def _is_admin(s, user_id: int | None) -> bool:
    if user_id is None:
        return True  # the operator at the command line
    user = s.get(User, user_id)
    return user is not None and user.active and "admin" in user.roles


def create_token(ctx, username: str, label: str = "", *, scope: str = "full", expires_at: datetime | None = None,
                 actor_id: int | None = None) -> str:
    """A new API token for the user; printed once, stored hashed.

    `actor_id` None is the command line; a user may make tokens for themselves, an admin for anyone.
    """
    label = nfc(label) or ""
    problems = []
    if scope not in TOKEN_SCOPES:
        problems.append(Problem("scope", "Phạm vi token phải là “read” (chỉ đọc) hoặc “full” (đọc và ghi)."))
    if len(label) > 100:
        problems.append(Problem("name_too_long", "Tên token dài quá 100 ký tự."))
    if expires_at is not None and expires_at <= ctx.clock.now():
        problems.append(Problem("expires_in_past", "Ngày hết hạn phải ở sau thời điểm hiện tại."))
    if problems:
        raise Invalid(problems)
    token, digest = new_token()
    with ctx.db.transaction() as s:
        user = s.scalars(select(User).where(User.username == (username or "").strip().lower())).first()
        if user is None or not user.active:
            raise not_found(f"tài khoản “{username}”")
        if actor_id is not None and actor_id != user.id and not _is_admin(s, actor_id):
            raise Forbidden("not_allowed", "Bạn chỉ tạo được token cho chính mình.")
        row = ApiToken(user_id=user.id, token_hash=digest, label=label, scope=scope, expires_at=expires_at,
                       created_at=ctx.clock.now())
        s.add(row)
        s.flush()
        audit(s, ctx, actor_id=actor_id if actor_id is not None else user.id, action="create_token",
              entity_type="api_token", entity_id=row.id,
              payload={"label": label, "scope": scope, "user_id": user.id,
                       "expires_at": expires_at.isoformat() if expires_at else None})
    return token


def token_dict(t: ApiToken, now: datetime) -> dict:
    iso = (lambda v: v.isoformat() if v else None)
    status = ("revoked" if t.revoked_at else "expired" if t.expires_at and t.expires_at <= now else "active")
    return {"id": t.id, "name": t.label, "scope": t.scope, "scope_title": TOKEN_SCOPES[t.scope],
            "user_id": t.user_id, "username": t.user.username, "created_at": iso(t.created_at),
            "expires_at": iso(t.expires_at), "last_used_at": iso(t.last_used_at), "revoked_at": iso(t.revoked_at),
            "status": status}


def describe(ctx, token: str) -> dict | None:
    """The listing row of a token given its value (to answer the request that created it)."""
    with ctx.db.reading() as s:
        row = s.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash(token))).first()
        return token_dict(row, ctx.clock.now()) if row else None


def list_tokens(ctx, actor_id: int | None, *, user_id: int | None = None) -> list[dict]:
    """Tokens, newest first: an admin (or the command line) sees everyone's, others their own."""
    with ctx.db.reading() as s:
        if not _is_admin(s, actor_id):
            user_id = actor_id
        q = select(ApiToken).join(User).order_by(ApiToken.id.desc())
        if user_id is not None:
            q = q.where(ApiToken.user_id == user_id)
        now = ctx.clock.now()
        return [token_dict(t, now) for t in s.scalars(q)]


def revoke_token(ctx, actor_id: int | None, token_id: int) -> None:
    """Revoke at once; the owner may revoke their own token, an admin any. Revoking twice is a no-op."""
    with ctx.db.transaction() as s:
        row = s.get(ApiToken, token_id, with_for_update=True)
        if row is None or (actor_id != row.user_id and not _is_admin(s, actor_id)):
            raise not_found("token")  # someone else's token: not even its existence is told
        if row.revoked_at is not None:
            return
        row.revoked_at = ctx.clock.now()
        audit(s, ctx, actor_id=actor_id, action="revoke_token", entity_type="api_token", entity_id=row.id,
              payload={"user_id": row.user_id, "label": row.label})


def revoke_all_tokens(s, ctx, user_id: int) -> int:
    """Inside the caller's transaction (a password change): how many were revoked."""
    result = s.execute(update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=ctx.clock.now()))
    return result.rowcount or 0


def token_access(ctx, token: str) -> TokenAccess | None:
    """Who a bearer token acts for, or None (unknown, revoked, expired, or its user locked)."""
    if not token or len(token) > 200:
        return None
    now = ctx.clock.now()
    with ctx.db.reading() as s:
        row = s.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash(token),
                                               ApiToken.revoked_at.is_(None))).first()
        if row is None or not row.user.active or (row.expires_at is not None and row.expires_at <= now):
            return None
        access = TokenAccess(user_id=row.user_id, token_id=row.id, scope=row.scope)
        stale = row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION
    if stale:
        _touch(ctx, access.token_id, now)
    return access


def _touch(ctx, token_id: int, now: datetime) -> None:
    # A conditional UPDATE: two workers racing write once, and no row lock is waited for.
    with ctx.db.transaction() as s:
        s.execute(update(ApiToken).where(ApiToken.id == token_id,
                                         (ApiToken.last_used_at.is_(None))
                                         | (ApiToken.last_used_at <= now - LAST_USED_RESOLUTION))
                  .values(last_used_at=now))


def user_for_token(ctx, token: str) -> int | None:
    access = token_access(ctx, token)
    return access.user_id if access else None


def expiry_at_end_of(ctx, day) -> datetime:
    """A token "valid until 31/12/2026" works through that whole day in the agency's time zone."""
    tz = ctx.settings.timezone
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)
