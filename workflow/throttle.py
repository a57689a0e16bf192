"""Login throttling shared by every worker and process: failed attempts are counted in the database.

Per account, with exponential back-off: after `account_failures` failures the account waits
`backoff` before its next try, then twice that, and so on up to `backoff_max`. Per address, a
higher ceiling over a window, so one office behind a NAT is not locked out by one person's typos.
An attempt is counted *before* the password is checked, in one locked transaction, so parallel
guesses on several workers cannot slip past the limit; a successful login takes its count back.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .models import LoginThrottle

# An account's failures are forgotten after a quiet day.
FORGET_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class ThrottleSettings:
    account_failures: int = 10
    backoff: timedelta = timedelta(seconds=60)
    backoff_max: timedelta = timedelta(hours=1)
    address_failures: int = 100
    address_window: timedelta = timedelta(minutes=15)

    @classmethod
    def from_settings(cls, settings) -> ThrottleSettings:
        app = settings.section("app")
        return cls(account_failures=int(app.get("login_account_failures", 10)),
                   backoff=timedelta(seconds=int(app.get("login_backoff_seconds", 60))),
                   backoff_max=timedelta(seconds=int(app.get("login_backoff_max_seconds", 3600))),
                   address_failures=int(app.get("login_address_failures", 100)),
                   address_window=timedelta(seconds=int(app.get("login_address_window_seconds", 900))))


@dataclass(frozen=True)
class Attempt:
    allowed: bool
    retry_after: int = 0  # seconds, when refused


def _keys(account: str, address: str) -> tuple[str, str]:
    return "account:" + (account or "").strip().lower()[:80], "address:" + (address or "?")[:100]


def _locked_rows(s, keys: tuple[str, ...], now: datetime) -> dict[str, LoginThrottle]:
    insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    s.execute(insert(LoginThrottle).values([{"key": k, "failures": 0, "first_failure_at": now, "last_failure_at": now}
                                            for k in keys]).on_conflict_do_nothing(index_elements=["key"]))
    rows = s.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys)).order_by(LoginThrottle.key)
                     .with_for_update()).all()
    return {r.key: r for r in rows}


def begin_attempt(ctx, account: str, address: str) -> Attempt:
    """Count one login attempt as failed unless the account or the address must wait."""
    config = ThrottleSettings.from_settings(ctx.settings)
    now = ctx.clock.now()
    account_key, address_key = _keys(account, address)
    with ctx.db.transaction() as s:
        rows = _locked_rows(s, (account_key, address_key), now)
        acc, adr = rows[account_key], rows[address_key]
        waits = [r.blocked_until for r in (acc, adr) if r.blocked_until and r.blocked_until > now]
        if waits:
            return Attempt(False, max(1, int((max(waits) - now).total_seconds() + 0.999)))
        if now - acc.last_failure_at > FORGET_AFTER:
            acc.failures, acc.first_failure_at = 0, now
        if now - adr.first_failure_at > config.address_window:
            adr.failures, adr.first_failure_at = 0, now
        for row in (acc, adr):
            row.failures += 1
            row.last_failure_at = now
        if acc.failures >= config.account_failures:
            wait = config.backoff * 2 ** (acc.failures - config.account_failures)
            acc.blocked_until = now + min(wait, config.backoff_max)
        if adr.failures >= config.address_failures:
            adr.blocked_until = adr.first_failure_at + config.address_window
        return Attempt(True)


def succeeded(ctx, account: str, address: str) -> None:
    """The password was right: the account starts afresh and the address gets its attempt back."""
    config = ThrottleSettings.from_settings(ctx.settings)
    now = ctx.clock.now()
    account_key, address_key = _keys(account, address)
    with ctx.db.transaction() as s:
        s.execute(delete(LoginThrottle).where(LoginThrottle.key == account_key))
        adr = s.scalars(select(LoginThrottle).where(LoginThrottle.key == address_key).with_for_update()).first()
        if adr is not None:
            adr.failures = max(0, adr.failures - 1)
            if adr.failures < config.address_failures:
                adr.blocked_until = None
        # Old rows of names nobody uses go, so guessed names do not pile up.
        s.execute(delete(LoginThrottle).where(LoginThrottle.last_failure_at < now - FORGET_AFTER,
                                              (LoginThrottle.blocked_until.is_(None))
                                              | (LoginThrottle.blocked_until < now)))


def count_in_window(ctx, key: str, *, limit: int, window: timedelta) -> Attempt:
    """Count one request under `key` (same table as logins); refused once `limit` are made within `window`."""
    now = ctx.clock.now()
    with ctx.db.transaction() as s:
        row = _locked_rows(s, (key,), now)[key]
        if now - row.first_failure_at > window:
            row.failures, row.first_failure_at = 0, now
        if row.failures >= limit:
            return Attempt(False, max(1, int((row.first_failure_at + window - now).total_seconds() + 0.999)))
        row.failures += 1
        row.last_failure_at = now
        return Attempt(True)
