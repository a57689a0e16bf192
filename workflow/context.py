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
    # Hear of each domain event once its transaction has committed (workflow/audit.py `fan_out`):
    # notifications turn events into outbox rows. A context without any records its events as done.
    subscribers: list[Callable] = field(default_factory=list)
    # Per-process memo of slow-changing reads (the agency identity of the day): see agency.identity_today.
    memo: dict = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock | None = None) -> Context:
        db = Database(settings.database_url,
                      sqlite_busy_timeout=float(settings.section("database").get("sqlite_busy_timeout", 15)))
        return cls(db=db, settings=settings, clock=clock or Clock(settings.timezone))
