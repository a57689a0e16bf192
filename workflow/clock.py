"""The one clock. Tests and the reminder CLI inject a fixed one to say "as of"."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock:
    """Real time. `now()` is aware UTC; `today()` is the agency's local date."""

    def __init__(self, tz: ZoneInfo = LOCAL_TZ):
        self.tz = tz

    def now(self) -> datetime:
        return datetime.now(UTC)

    def local_now(self) -> datetime:
        return self.now().astimezone(self.tz)

    def today(self) -> date:
        return self.local_now().date()


class FixedClock(Clock):
    """A clock that says what it is told; `advance` moves it on."""

    def __init__(self, at: datetime | date, tz: ZoneInfo = LOCAL_TZ):
        super().__init__(tz)
        if not isinstance(at, datetime):
            at = datetime.combine(at, time(8, 0), tzinfo=tz)
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime | date) -> None:
        if not isinstance(at, datetime):
            at = datetime.combine(at, time(8, 0), tzinfo=self.tz)
        self._at = at.astimezone(UTC)

    def advance(self, **delta) -> None:
        self._at += timedelta(**delta)
