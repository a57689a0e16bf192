"""Who hears about it, and when: step emails, the outbox relay, reminders and the scheduler.

`subscribe(ctx)` once at start-up (app factory and CLI) turns domain events into emails.
"""
from __future__ import annotations

from .events import on_event


def subscribe(ctx) -> None:
    """Install the email subscriber on the context (once, however often it is called)."""
    if on_event not in ctx.subscribers:
        ctx.subscribers.append(on_event)


__all__ = ["on_event", "subscribe"]
