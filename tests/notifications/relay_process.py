"""Run as a separate process by test_relay_hardening: one relay drain against a test SMTP server.

The test kills it with SIGKILL in the middle of a message to check what a crash costs.
"""
from __future__ import annotations

import sys

from notifications.outbox import drain
from workflow.config import Settings
from workflow.context import Context


def main(db_url: str, instance_path: str, port: str) -> None:
    settings = Settings.load(overrides={
        "database": {"url": db_url}, "app": {"instance_path": instance_path},
        "mail": {"smtp_host": "127.0.0.1", "smtp_port": int(port), "smtp_security": "none", "smtp_timeout": 10},
    }, environ={})
    ctx = Context.from_settings(settings)
    print("draining", flush=True)
    drain(ctx)
    ctx.db.dispose()


if __name__ == "__main__":
    main(*sys.argv[1:4])
