"""`thidua serve` as the README starts it: a real gunicorn and the scheduler, not the test client.

The first release's server answered 500 or hung in most boots: the gunicorn master started the
scheduler (threads, a connection pool) and then forked its workers. These tests boot the real
command several times on each database and, while the scheduler's start-up sweep runs, fire
API, login and page requests at it at once: every answer must come, and none may be a 5xx.
"""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from workflow import administration, directory
from workflow.config import PROJECT_ROOT
from workflow.models import Nomination, OutboxMessage, User

from ..factories import PASSWORD

BOOTS = int(os.environ.get("THIDUA_SERVE_BOOTS", "3"))
REQUEST_TIMEOUT = 30
STOP_WITHIN = 10.0
THIDUA = str(Path(sys.executable).parent / "thidua")   # the console script `pip install -e .` made


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children_of(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False).stdout
    return [int(p) for p in out.split()]


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie is gone for our purpose (its parent has not reaped it yet).
    return "zombie" in Path(f"/proc/{pid}/status").read_text().lower() if Path(f"/proc/{pid}").exists() else True


class Server:
    """One boot of `thidua serve` on a free port."""

    def __init__(self, settings, port: int, log_path: Path):
        env = dict(os.environ)
        env.update({
            "THIDUA_DATABASE__URL": settings.database_url,
            "THIDUA_APP__INSTANCE_PATH": str(settings.instance_path),
            "THIDUA_APP__SECRET_KEY": "serve-test-secret",
            # The daily sweep's time is already past: the scheduler sweeps at start-up, as after downtime.
            "THIDUA_REMINDERS__SWEEP_TIME": "00:00",
        })
        env.pop("THIDUA_APP__BASE_URL", None)
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log = open(log_path, "ab")  # noqa: SIM115 - kept open for the server's lifetime, closed in stop()
        self.process = subprocess.Popen([THIDUA, "serve", "--port", str(port), "--workers", "2"], cwd=PROJECT_ROOT,
                                        env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_until_listening(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "thidua serve exited at start-up"
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("thidua serve did not listen in time")

    def stop(self) -> float:
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self.log.close()
        return time.monotonic() - started


def fetch(opener, url: str, data: dict | None = None, headers: dict | None = None) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with opener.open(request, timeout=REQUEST_TIMEOUT) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def api_client(base: str, token: str, results: list) -> None:
    opener = urllib.request.build_opener()
    for path in ("/api/v1/me", "/api/v1/nominations", "/api/v1/nominations?state=registered", "/api/v1/openapi.json"):
        results.append((path, *fetch(opener, base + path, headers={"Authorization": f"Bearer {token}"})[:1]))


def page_client(base: str, username: str, results: list) -> None:
    jar = http.cookiejar.CookieJar()
    # Redirects are followed, so a login that works lands on the inbox (200).
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    status, html = fetch(opener, base + "/login")
    results.append(("/login", status))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert token, "no CSRF token on the login page"
    status, _ = fetch(opener, base + "/login", {"username": username, "password": PASSWORD,
                                                 "csrf_token": token.group(1)})
    results.append(("POST /login", status))
    for path in ("/", "/nominations", "/help/workflow"):
        results.append((path, fetch(opener, base + path)[0]))


def hammer(base: str, token: str, usernames: list[str]) -> list[tuple]:
    """Concurrent API and browser-like clients; returns (request, status or exception) for each."""
    results: list = []
    jobs = [(api_client, (base, token, results))] * 3 + [(page_client, (base, name, results)) for name in usernames]

    def guarded(target, args):
        try:
            target(*args)
        except Exception as exc:  # noqa: BLE001 - a refused or timed-out request is a result to report
            results.append(("exception", repr(exc)))

    threads = [threading.Thread(target=guarded, args=job) for job in jobs]
    [t.start() for t in threads]
    [t.join(timeout=REQUEST_TIMEOUT * 3) for t in threads]
    assert not any(t.is_alive() for t in threads), "a request hung"
    return results


@pytest.fixture
def served(ctx, make, settings):
    """An agency with a dossier waiting (so the start-up sweep has reminders to queue) and a token."""
    a = make.agency()
    nid = make.nomination(a)
    # The server runs on the real clock: put the dossier deadline 7 days from the real today, a
    # day on the reminder ladder, so that the scheduler's start-up sweep has reminders to queue.
    today = datetime.now(settings.timezone).date()
    with ctx.db.reading() as s:
        cycle_id = s.get(Nomination, nid).cycle_id
    administration.update_cycle_calendar(ctx, a.admin, cycle_id, registration_deadline=None,
                                         dossier_deadline=today + timedelta(days=7),
                                         council_meeting_on=today + timedelta(days=14),
                                         ceremony_on=today + timedelta(days=21))
    with ctx.db.reading() as s:
        names = {u.id: u.username for u in s.scalars(select(User))}
    token = directory.create_token(ctx, names[a.secretary], "serve test")
    ctx.db.dispose()   # the server is another process: leave it the database
    return a, token, [names[a.head], names[a.secretary], names[a.agency_head], names[a.staff_user]]


def test_thidua_serve_answers_every_request_in_every_boot_and_stops_in_seconds(served, settings, tmp_path):
    _agency, token, usernames = served
    failures = []
    for boot in range(BOOTS):
        server = Server(settings, free_port(), tmp_path / "serve.log")
        try:
            server.wait_until_listening()
            results = hammer(server.base, token, usernames)
            children = children_of(server.process.pid)
        finally:
            stopped_in = server.stop()
        bad = [r for r in results if r[0] == "exception" or not 200 <= r[1] < 500]
        failures += [(boot, r) for r in bad]
        assert len(results) == 3 * 4 + len(usernames) * 5
        assert stopped_in < STOP_WITHIN, f"boot {boot}: stopping took {stopped_in:.1f} s"
        assert len(children) == 2, "gunicorn and the scheduler run as the server's two children"
        assert all(gone(pid) for pid in children), "a child outlived the server"
    log = (tmp_path / "serve.log").read_text(errors="replace")
    assert failures == [], f"{failures}\n{log[-3000:]}"
    assert "Traceback" not in log, log[-3000:]


def test_the_scheduler_child_sweeps_at_start_and_links_point_at_the_served_port(served, settings, ctx, tmp_path):
    port = free_port()
    server = Server(settings, port, tmp_path / "serve.log")
    try:
        server.wait_until_listening()
        deadline = time.monotonic() + 60
        bodies = []
        while time.monotonic() < deadline and not bodies:
            with ctx.db.reading() as s:
                # Rendered when sent: the scheduler drains the outbox (to the local sink) after its sweep.
                bodies = [m.body_text for m in s.scalars(select(OutboxMessage).where(OutboxMessage.state == "sent"))]
            time.sleep(0.2)
    finally:
        server.stop()
    assert bodies, "the start-up sweep sent no reminder"
    assert any(f"http://127.0.0.1:{port}/" in body for body in bodies), bodies[0][:500]


def test_a_step_over_the_api_has_its_mail_queued_as_soon_as_the_response_is_sent(served, settings, ctx, tmp_path):
    # The step's transaction records its event only; the gunicorn worker fans it out into mail once the
    # response is out (webapp/__init__.py), well before the scheduler's next minute.
    _agency, token, _usernames = served
    with ctx.db.reading() as s:
        nid, version = s.execute(select(Nomination.id, Nomination.version)).one()
    ctx.db.dispose()
    server = Server(settings, free_port(), tmp_path / "serve.log")
    try:
        server.wait_until_listening()
        request = urllib.request.Request(
            f"{server.base}/api/v1/nominations/{nid}/actions", method="POST",
            data=json.dumps({"action": "hold", "version": version, "comment": "Đang thanh tra"}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
            assert response.status == 200
        answered = time.monotonic()
        held = []
        while time.monotonic() < answered + 10 and not held:
            with ctx.db.reading() as s:
                held = list(s.scalars(select(OutboxMessage).where(OutboxMessage.situation == "nomination_held")))
            time.sleep(0.1)
    finally:
        server.stop()
        ctx.db.dispose()
    assert len(held) == 1, "the step's email was not queued within 10 s of the response"


def test_a_crashed_scheduler_is_restarted_and_the_event_logged(served, settings, tmp_path):
    server = Server(settings, free_port(), tmp_path / "serve.log")
    try:
        server.wait_until_listening()
        scheduler = [p for p in children_of(server.process.pid) if "webapp.cli scheduler" in command_line(p)]
        assert len(scheduler) == 1
        os.kill(scheduler[0], signal.SIGKILL)
        deadline = time.monotonic() + 20
        replacement = []
        while time.monotonic() < deadline and not replacement:
            replacement = [p for p in children_of(server.process.pid)
                           if "webapp.cli scheduler" in command_line(p) and p != scheduler[0]]
            time.sleep(0.1)
        assert replacement, "the scheduler was not restarted"
    finally:
        assert server.stop() < STOP_WITHIN
    log = (tmp_path / "serve.log").read_text(errors="replace")
    assert "Bộ lập lịch dừng bất thường" in log

