"""What every use case needs: the database, the settings, the clock, and who listens to events."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .clock import Clock
from .config import Settings
from .db import Database


@dataclass
class Context:
    db: Database
    settings: Settings
    clock: Clock
    # Called inside the transaction that records each domain event (notifications
    # turn events into outbox rows there, so no email exists for a rolled-back change).
    subscribers: list[Callable] = field(default_factory=list)
    # Per-process memo of slow-changing reads (the agency identity of the day): see agency.identity_today.
    memo: dict = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock | None = None) -> Context:
        db = Database(settings.database_url,
                      sqlite_busy_timeout=float(settings.section("database").get("sqlite_busy_timeout", 15)))
        return cls(db=db, settings=settings, clock=clock or Clock(settings.timezone))
