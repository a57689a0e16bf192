"""Login throttling counted in the database: per account with exponential back-off, per address with
a higher ceiling, the same for every worker; and no timing difference for unknown accounts."""
from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

from workflow import directory, throttle

from ..factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def _set(ctx, **values):
    ctx.settings.raw.setdefault("app", {}).update(values)


def test_an_account_waits_twice_as_long_after_each_further_failure(ctx, clock):
    _set(ctx, login_account_failures=3, login_backoff_seconds=60, login_backoff_max_seconds=200)
    tries = [throttle.begin_attempt(ctx, "thuky", "10.0.0.1") for _ in range(4)]
    assert [t.allowed for t in tries] == [True, True, True, False] and tries[3].retry_after == 60
    waits = []
    for _ in range(3):
        clock.set(clock.now() + timedelta(seconds=tries[-1].retry_after if not tries[-1].allowed else 0))
        assert throttle.begin_attempt(ctx, "thuky", "10.0.0.1").allowed
        tries.append(throttle.begin_attempt(ctx, "thuky", "10.0.0.1"))
        waits.append(tries[-1].retry_after)
    assert waits == [120, 200, 200]  # doubling, up to the ceiling


def test_one_persons_typos_do_not_lock_out_the_office_behind_the_same_address(ctx, make):
    _set(ctx, login_account_failures=3, login_address_failures=100)
    a = make.agency()
    for i in range(30):  # thirty colleagues each mistype twice, one locks their own account
        for _ in range(2 if i else 5):
            throttle.begin_attempt(ctx, f"canbo_{i}", "203.0.113.7")
    assert not throttle.begin_attempt(ctx, "canbo_0", "203.0.113.7").allowed
    assert throttle.begin_attempt(ctx, make.username(a.head), "203.0.113.7").allowed
    throttle.succeeded(ctx, make.username(a.head), "203.0.113.7")


def test_a_success_clears_the_account_and_gives_the_address_its_attempt_back(ctx):
    _set(ctx, login_account_failures=3, login_address_failures=3)
    throttle.begin_attempt(ctx, "a", "10.0.0.9")
    throttle.begin_attempt(ctx, "a", "10.0.0.9")
    assert throttle.begin_attempt(ctx, "a", "10.0.0.9").allowed  # right password on the third try
    throttle.succeeded(ctx, "a", "10.0.0.9")
    assert throttle.begin_attempt(ctx, "a", "10.0.0.9").allowed


def test_an_unknown_account_costs_one_password_verification_like_a_known_one(ctx, make, monkeypatch):
    a = make.agency()
    calls = []
    real = directory.verify_password
    monkeypatch.setattr(directory, "verify_password", lambda h, p: calls.append(h) or real(h, p))
    assert directory.authenticate(ctx, make.username(a.head), "sai-mat-khau") is None
    assert directory.authenticate(ctx, "khong-ton-tai", "sai-mat-khau") is None
    assert len(calls) == 2 and calls[1].startswith("$argon2")


# --- four real gunicorn workers ----------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            urllib.request.urlopen(url, timeout=10)
            return
        except OSError:  # refused, reset or timed out while the workers start
            time.sleep(0.3)
    raise AssertionError("gunicorn did not start")


class _Browser:
    """A cookie-keeping client that opens a new connection per request (so any worker may answer)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def login(self, username: str, password: str) -> tuple[int, int | None]:
        page = self.opener.open(self.base + "/login").read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token}).encode()
        try:
            response = self.opener.open(urllib.request.Request(self.base + "/login", data=body), timeout=30)
            return response.status, None
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("X-Worker")


def test_eleven_failed_logins_across_four_gunicorn_workers_are_throttled_at_the_setting(ctx, make, tmp_path):
    a = make.agency()
    port = _free_port()
    env = {**os.environ, "THIDUA_DATABASE__URL": ctx.db.url, "THIDUA_APP__SECRET_KEY": "test-secret-gunicorn",
           "THIDUA_APP__INSTANCE_PATH": str(tmp_path / "instance"), "THIDUA_APP__BASE_URL": f"http://127.0.0.1:{port}",
           "THIDUA_APP__LOGIN_ACCOUNT_FAILURES": "10", "THIDUA_MAIL__SMTP_HOST": "", "PYTHONPATH": str(ROOT)}
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as out:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "4", "-b", f"127.0.0.1:{port}",
                                   "webapp.server:wsgi_app()"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base + "/login", server, log)
        codes = [_Browser(base).login(make.username(a.head), "sai-mat-khau")[0] for _ in range(11)]
        assert codes == [401] * 10 + [429]
        # the right password waits too: the account is in its back-off
        assert _Browser(base).login(make.username(a.head), PASSWORD)[0] == 429
        # a colleague behind the same address is not locked out
        assert _Browser(base).login(make.username(a.secretary), PASSWORD)[0] == 200
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
