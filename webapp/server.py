"""`thidua serve`: gunicorn for the web, the scheduler in a process of its own, both supervised.

Why two child processes and no scheduler in the gunicorn master: gunicorn forks its workers
from the master, and a fork copies memory but not threads. A master that had started the
scheduler (threads, a connection pool, ORM mapper configuration) handed its workers locks held
by threads that do not exist in the child; some workers then hung or failed on every request.
So the process that forks (gunicorn's master) never starts a thread or opens a database
connection: workers build the app after the fork (no preload), and the scheduler is a freshly
executed interpreter (`thidua scheduler`), restarted if it dies and stopped with the server.

This supervisor only starts, watches and stops its two children (fork+exec via subprocess):
it holds no thread and no database connection while they run.
"""
from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from workflow.config import Settings

STOP_SECONDS = 8          # how long a child may take to stop before it is killed
RESTART_DELAYS = (1, 2, 5, 10, 30, 60)   # back-off between restarts of a crashed scheduler
POLL_SECONDS = 0.2


def wsgi_app():
    """Entry point for `gunicorn 'webapp.server:wsgi_app()'`; called in each worker, after the fork."""
    from . import create_app
    app = create_app(Settings.load())
    settle_for_requests()
    return app


def settle_for_requests() -> None:
    """Put what a worker built at start-up (modules, mappers, the app: most of its objects, alive as long as
    it is) out of the garbage collector's reach. A full collection then walks only what requests made since:
    the ~60 ms pause it added to a request every so often became under 1 ms (p95 in tests/bench/scale.py)."""
    gc.collect()
    gc.freeze()


def gunicorn_command(*, host: str, port: int, workers: int) -> list[str]:
    """gunicorn as a child process, the app built in each worker (never preloaded in the master)."""
    return [sys.executable, "-m", "gunicorn",
            "--bind", f"{host}:{port}", "--workers", str(max(1, workers)), "--threads", "4",
            "--worker-class", "gthread", "--timeout", "120", "--graceful-timeout", str(STOP_SECONDS - 3),
            "--access-logfile", "-",
            # gunicorn 27 opens a control socket in the user's home, shared by every gunicorn of
            # that user; we need none.
            "--no-control-socket",
            "webapp.server:wsgi_app()"]


def scheduler_command() -> list[str]:
    return [sys.executable, "-m", "webapp.cli", "scheduler"]


def listen_url(host: str, port: int) -> str:
    """The address users reach `thidua serve` at, for links in emails when base_url is not set."""
    if host in ("0.0.0.0", "::", ""):
        import socket
        host = socket.getfqdn()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


@dataclass
class Child:
    """One supervised child process."""

    name: str
    command: list[str]
    env: dict
    restart: bool
    process: subprocess.Popen | None = None
    restarts: int = 0
    next_start: float = 0.0

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, env=self.env)

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)


@dataclass
class Supervisor:
    children: list[Child]
    echo: Callable[[str], None] = print
    stopping: bool = False
    exit_code: int = 0
    _clock: Callable[[], float] = field(default=time.monotonic)

    def request_stop(self, *_args) -> None:
        self.stopping = True

    def run(self) -> int:
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, self.request_stop)
        for child in self.children:
            child.start()
        try:
            while not self.stopping:
                self._watch()
                time.sleep(POLL_SECONDS)
        finally:
            self._stop_all()
        return self.exit_code

    def _watch(self) -> None:
        now = self._clock()
        for child in self.children:
            code = child.exited()
            if code is None:
                continue
            if not child.restart:
                # The web server is the service: when it ends, everything ends with its code.
                self.echo(f"{child.name} đã dừng (mã {code}); dừng toàn bộ dịch vụ.")
                self.exit_code = code or 0
                self.stopping = True
                return
            if child.next_start == 0.0:
                delay = RESTART_DELAYS[min(child.restarts, len(RESTART_DELAYS) - 1)]
                self.echo(f"{child.name} dừng bất thường (mã {code}); khởi động lại sau {delay} giây.")
                child.next_start = now + delay
            elif now >= child.next_start:
                child.restarts += 1
                child.next_start = 0.0
                child.start()

    def _stop_all(self) -> None:
        for child in self.children:
            child.stop()
        deadline = self._clock() + STOP_SECONDS
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(0.1, deadline - self._clock()))
            except subprocess.TimeoutExpired:
                self.echo(f"{child.name} không dừng sau {STOP_SECONDS} giây; buộc dừng.")
                child.process.kill()
                child.process.wait()


def run(settings: Settings, *, host: str, port: int, workers: int, scheduler: bool, echo=print) -> int:
    """Run the web server and (unless told not to) the scheduler until stopped; returns the exit code."""
    env = dict(os.environ)
    if settings.source is not None:
        env["THIDUA_CONFIG"] = str(settings.source)   # children read the same configuration
    if not settings.base_url_configured:
        env["THIDUA_APP__BASE_URL"] = listen_url(host, port)
    children = [Child("Máy chủ web (gunicorn)", gunicorn_command(host=host, port=port, workers=workers), env,
                      restart=False)]
    if scheduler:
        children.append(Child("Bộ lập lịch", scheduler_command(), env, restart=True))
    return Supervisor(children, echo=echo).run()
