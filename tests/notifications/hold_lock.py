"""Run as a separate process by test_scheduler: take the scheduler lock, say so, hold it until stdin closes."""
from __future__ import annotations

import sys

from notifications.scheduler import try_leader_lock
from workflow.config import Settings
from workflow.context import Context


def main(db_url: str, instance_path: str) -> None:
    settings = Settings.load(overrides={"database": {"url": db_url}, "app": {"instance_path": instance_path}},
                             environ={})
    ctx = Context.from_settings(settings)
    lock = try_leader_lock(ctx)
    print("held" if lock else "busy", flush=True)
    sys.stdin.read()
    if lock:
        lock.release()
    ctx.db.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
