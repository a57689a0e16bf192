"""Who hears about it, and when: step emails, the outbox relay, reminders and the scheduler.

`subscribe(ctx)` once at start-up (app factory and CLI) turns domain events into emails.
"""
from __future__ import annotations

from . import webhooks
from .events import on_event


def subscribe(ctx) -> None:
    """Install the email and webhook subscribers on the context (once, however often it is called)."""
    for subscriber in (on_event, webhooks.on_event):
        if subscriber not in ctx.subscribers:
            ctx.subscribers.append(subscriber)


__all__ = ["on_event", "subscribe"]
