"""APScheduler 3.x wiring: one daily reminder sweep and a frequent outbox drain, one scheduler per database.

`thidua scheduler` runs it in its own process (BlockingScheduler); `thidua serve` starts that
command as a child process of its own (never inside gunicorn's master: see webapp/server.py).
It runs only in the process that wins the leader lock: a file lock in the instance folder for
SQLite, a session-level `pg_try_advisory_lock` held on a dedicated connection for PostgreSQL.
A leader whose lock connection dropped takes the lock again at its next job if it is free.
Should two ever run anyway, the ledger still sends each reminder once and the relay claims
each email once.
"""
from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time as _time
from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from filelock import FileLock, Timeout
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from workflow.imports.staging import purge_stale_uploads

from .mail_alerts import alert_admins
from .outbox import drain
from .reminders import run_reminders
from .settings import reminder_settings
from .webhooks import announce_passed_deadlines, drain_webhooks

log = logging.getLogger(__name__)

# A fixed 64-bit key for pg_try_advisory_lock ("thidua" + 1); advisory locks are per database.
ADVISORY_KEY = 0x7468696475610001
SWEEP_MISFIRE_GRACE = 12 * 3600   # a sweep late by up to 12 hours still runs (then coalesced)
DRAIN_MISFIRE_GRACE = 10 * 60


Hold = tuple[Callable[[], None], Callable[[], bool]]   # (release, alive) of one held lock


class LeaderLock:
    """Held by the one process allowed to run the scheduler for a database."""

    def __init__(self, kind: str, take: Callable[[], Hold | None], hold: Hold):
        self.kind = kind
        self._take = take
        self._release, self._alive = hold
        self.released = False
        # A forked child inherits this object but must never release its parent's lock.
        self.owner_pid = os.getpid()

    @property
    def owned_here(self) -> bool:
        return os.getpid() == self.owner_pid

    def alive(self) -> bool:
        """Still held? (A PostgreSQL lock dies with its connection.)"""
        if self.released or not self.owned_here:
            return False
        try:
            return self._alive()
        except Exception:  # noqa: BLE001 - a broken connection means the lock is gone
            return False

    def ensure(self) -> bool:
        """Still the leader, taking the lock again if it was lost (a dropped connection) and is free."""
        if self.alive():
            return True
        if self.released or not self.owned_here:
            return False
        try:
            self._release()   # closes what is left of the lost lock's connection
        except Exception as exc:  # noqa: BLE001 - it is already broken
            log.info("closing the lost scheduler lock: %s", exc)
        try:
            hold = self._take()
        except Exception as exc:  # noqa: BLE001 - the database may be down for a moment: try next run
            log.warning("scheduler lock lost and not re-taken: %s", exc)
            return False
        if hold is None:
            log.warning("scheduler lock lost; another process leads now")
            return False
        self._release, self._alive = hold
        log.warning("scheduler lock lost and re-taken")
        return True

    def release(self) -> None:
        if not self.released and self.owned_here:
            self.released = True
            self._release()


def lock_path(ctx):
    return ctx.settings.instance_path / "scheduler.lock"


def _take_file_lock(ctx) -> Hold | None:
    path = lock_path(ctx)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path), thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return None
    return lock.release, lambda: lock.is_locked


def _take_advisory_lock(ctx) -> Hold | None:
    # A connection of its own, outside the app's pool (which would reset or recycle it),
    # in autocommit so that it never sits "idle in transaction" while it holds the lock.
    engine = create_engine(ctx.db.engine.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    conn = engine.connect()
    try:
        won = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar()
    except BaseException:
        conn.close()
        engine.dispose()
        raise
    if not won:
        conn.close()
        engine.dispose()
        return None

    def release():
        try:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
        finally:
            conn.close()
            engine.dispose()

    def alive():
        return bool(conn.execute(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted"
        )).scalar())

    return release, alive


def try_leader_lock(ctx) -> LeaderLock | None:
    """Take the scheduler lock for this database without waiting; None if another process has it."""
    kind, take = ("file", _take_file_lock) if ctx.db.is_sqlite else ("postgresql", _take_advisory_lock)
    hold = take(ctx)
    return None if hold is None else LeaderLock(kind, lambda: take(ctx), hold)


# --- jobs -------------------------------------------------------------------------------

def sweep_job(ctx, lock: LeaderLock | None = None) -> None:
    """The daily job: reminders as of today, then send what they queued."""
    if lock is not None and not lock.ensure():
        log.error("not the scheduler leader; reminder sweep skipped")
        return
    ctx.db.optimize()  # the day's imports and edits: keep the planner's statistics fresh
    report = run_reminders(ctx, ctx.clock.today())
    announce_passed_deadlines(ctx, ctx.clock.today())
    log.info("reminders %s: %d digests, %d deferred", report.as_of, len(report.sent), len(report.deferred))
    if alert_admins(ctx, report.as_of):
        log.warning("outbox: failed messages remain; the administrators were told")
    purge_stale_uploads(ctx.settings)
    drain(ctx)


def drain_job(ctx, lock: LeaderLock | None = None) -> None:
    """The frequent job: send pending email, then pending webhook deliveries."""
    if lock is not None and not lock.ensure():
        log.error("not the scheduler leader; outbox drain skipped")
        return
    report = drain(ctx)
    for line in report.errors:
        log.warning("outbox: %s", line)
    for line in drain_webhooks(ctx).errors:
        log.warning("webhooks: %s", line)


def build_scheduler(ctx, kind=BackgroundScheduler, lock: LeaderLock | None = None, catch_up: bool = True):
    """A scheduler with the two jobs, in the agency's time zone; not started."""
    conf = reminder_settings(ctx.settings)
    tz = ctx.settings.timezone
    scheduler = kind(timezone=tz, job_defaults={"coalesce": True, "max_instances": 1,
                                                "misfire_grace_time": DRAIN_MISFIRE_GRACE})
    scheduler.add_job(sweep_job, CronTrigger(hour=conf.sweep_time.hour, minute=conf.sweep_time.minute, timezone=tz),
                      args=[ctx, lock], id="reminders", name="Nhắc hạn hằng ngày", replace_existing=True,
                      misfire_grace_time=SWEEP_MISFIRE_GRACE)
    scheduler.add_job(drain_job, IntervalTrigger(minutes=conf.outbox_interval_minutes, timezone=tz),
                      args=[ctx, lock], id="outbox", name="Gửi thư trong hàng đợi", replace_existing=True)
    if catch_up and ctx.clock.local_now().time() >= conf.sweep_time:
        # Started after today's sweep time (e.g. after downtime): sweep now; the ledger
        # makes this harmless if today's sweep already ran.
        scheduler.add_job(sweep_job, args=[ctx, lock], id="reminders_catch_up", name="Nhắc hạn (bù)",
                          misfire_grace_time=SWEEP_MISFIRE_GRACE)
    return scheduler


def _stop_on_sigterm() -> None:
    """A service manager stops us with SIGTERM: leave through `finally`, releasing the lock."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))


def run_scheduler(ctx, *, wait: bool = True, poll_seconds: float = 30, echo=None) -> int:
    """For `thidua scheduler`: take the lock (waiting as a standby if asked), then run until stopped."""
    echo = echo or (lambda message: print(message, flush=True))
    lock = try_leader_lock(ctx)
    if lock is None:
        if not wait:
            echo("Đã có một bộ lập lịch khác đang chạy trên cơ sở dữ liệu này.")
            return 1
        echo("Đã có một bộ lập lịch khác đang chạy; chờ để thay thế khi bộ đó dừng…")
    while lock is None:
        _time.sleep(poll_seconds)
        lock = try_leader_lock(ctx)
    ctx.db.optimize()
    scheduler = build_scheduler(ctx, BlockingScheduler, lock)
    conf = reminder_settings(ctx.settings)
    echo(f"Bộ lập lịch đang chạy: nhắc hạn lúc {conf.sweep_time:%H:%M} hằng ngày ({ctx.settings.timezone.key}),"
         f" gửi thư mỗi {conf.outbox_interval_minutes} phút. Nhấn Ctrl+C để dừng.")
    _stop_on_sigterm()
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        lock.release()
        echo("Đã dừng bộ lập lịch.")
    return 0
