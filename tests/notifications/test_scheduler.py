"""The scheduler: its jobs and settings, and one leader per database (file lock / advisory lock)."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import text

from notifications import scheduler as sched
from notifications.scheduler import build_scheduler, try_leader_lock
from workflow.clock import FixedClock
from workflow.config import PROJECT_ROOT
from workflow.context import Context

from .helpers import digests


def start_if_leader(ctx):
    """What `thidua scheduler` does, in a thread: run the jobs only if this context wins the lock."""
    lock = try_leader_lock(ctx)
    if lock is None:
        return None
    scheduler = build_scheduler(ctx, BackgroundScheduler, lock)
    scheduler.start()
    return scheduler, lock


def stop(leader) -> None:
    scheduler, lock = leader
    scheduler.shutdown(wait=True)
    lock.release()


def other_context(ctx) -> Context:
    """A second process's view of the same database: its own engine and connections."""
    return Context.from_settings(ctx.settings, clock=FixedClock(ctx.clock.now()))


def wait_for(predicate, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_the_jobs_run_in_the_agency_time_zone_once_at_a_time_with_a_generous_grace(ctx):
    scheduler = build_scheduler(ctx, BackgroundScheduler)
    scheduler.start(paused=True)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {"reminders", "outbox", "reminders_catch_up"}  # 08:00 local is past 07:30
        assert str(scheduler.timezone) == "Asia/Ho_Chi_Minh"
        daily = jobs["reminders"]
        assert isinstance(daily.trigger, CronTrigger) and str(daily.trigger.timezone) == "Asia/Ho_Chi_Minh"
        assert str(daily.trigger) == "cron[hour='7', minute='30']"
        assert jobs["outbox"].trigger.interval == timedelta(minutes=1)
        for job in jobs.values():
            assert job.coalesce is True and job.max_instances == 1
        assert daily.misfire_grace_time >= 3600
    finally:
        scheduler.shutdown(wait=False)


def test_no_catch_up_sweep_before_the_days_sweep_time(ctx, clock):
    clock.set(clock.local_now().replace(hour=6, minute=0))
    scheduler = build_scheduler(ctx, BackgroundScheduler)
    assert {job.id for job in scheduler.get_jobs()} == {"reminders", "outbox"}


def test_two_schedulers_started_at_once_elect_one_leader_and_send_nothing_twice(ctx, make):
    a = make.agency()
    make.nomination(a)  # the head has a dossier to review before 30/11: a reminder is due on 20/11
    contexts = [ctx, other_context(ctx)]
    leaders = [None, None]
    barrier = threading.Barrier(2)

    def start(i):
        barrier.wait()
        leaders[i] = start_if_leader(contexts[i])

    threads = [threading.Thread(target=start, args=(i,)) for i in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    try:
        running = [leader for leader in leaders if leader is not None]
        assert len(running) == 1
        assert wait_for(lambda: len(digests(ctx)) == 1)  # its catch-up sweep ran
        time.sleep(0.3)
        assert [m.recipient_user_id for m in digests(ctx)] == [a.head]
    finally:
        for leader in leaders:
            if leader is not None:
                stop(leader)
        contexts[1].db.dispose()
    lock = try_leader_lock(contexts[0])  # released on stop
    assert lock is not None
    lock.release()


def test_even_without_the_lock_two_schedulers_send_each_reminder_once(ctx, make):
    a = make.agency()
    make.nomination(a)
    make.nomination(a, person_id=make.person(a.other_department_id), by=a.other_head)
    contexts = [ctx, other_context(ctx)]
    schedulers = [build_scheduler(c, BackgroundScheduler) for c in contexts]
    try:
        [s.start() for s in schedulers]
        assert wait_for(lambda: len(digests(ctx)) >= 2)
        [s.shutdown(wait=True) for s in schedulers]
        assert sorted(m.recipient_user_id for m in digests(ctx)) == sorted([a.head, a.other_head])
    finally:
        for s in schedulers:
            if s.running:
                s.shutdown(wait=False)
        contexts[1].db.dispose()


def test_the_lock_is_held_across_processes(ctx):
    child = subprocess.Popen([sys.executable, "-m", "tests.notifications.hold_lock", ctx.db.url,
                              str(ctx.settings.instance_path)], cwd=PROJECT_ROOT, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "held"
        assert try_leader_lock(ctx) is None
        assert start_if_leader(ctx) is None
    finally:
        child.stdin.close()
        child.wait(timeout=30)
    lock = try_leader_lock(ctx)
    assert lock is not None and lock.alive()
    lock.release()
    assert not lock.alive()


def test_jobs_do_nothing_once_the_lock_is_lost(ctx, make):
    a = make.agency()
    make.nomination(a)
    lock = try_leader_lock(ctx)
    lock.release()
    sched.sweep_job(ctx, lock)
    assert digests(ctx) == []
    sched.sweep_job(ctx)
    assert len(digests(ctx)) == 1 and digests(ctx)[0].state == "sent"  # swept, then drained to the sink


def test_a_leader_whose_lock_connection_dropped_takes_the_lock_again(ctx, make):
    if ctx.db.is_sqlite:
        pytest.skip("a file lock has no connection to lose")
    lock = try_leader_lock(ctx)
    assert lock is not None
    with ctx.db.engine.connect() as conn:
        pids = conn.execute(text("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
                                 " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                                 )).scalars().all()
        assert len(pids) == 1
        conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pids[0]})
    assert wait_for(lambda: not lock.alive())
    a = make.agency()
    make.nomination(a)
    sched.sweep_job(ctx, lock)   # re-takes the lock, then sweeps
    assert lock.alive()
    assert len(digests(ctx)) == 1
    lock.release()


def test_a_lost_lock_taken_by_another_process_is_not_taken_back(ctx):
    if ctx.db.is_sqlite:
        pytest.skip("a file lock has no connection to lose")
    lock = try_leader_lock(ctx)
    with ctx.db.engine.connect() as conn:
        pid = conn.execute(text("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
                                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                                )).scalar_one()
        conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
    assert wait_for(lambda: not lock.alive())
    other = other_context(ctx)
    rival = try_leader_lock(other)
    try:
        assert rival is not None
        assert lock.ensure() is False
    finally:
        rival.release()
        other.db.dispose()
    assert lock.ensure() is True   # free again: taken back
    lock.release()
