"""The [mail] and [reminders] sections of config.toml as typed values."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from email.utils import parseaddr


@dataclass(frozen=True)
class MailSettings:
    smtp_host: str
    smtp_port: int
    smtp_security: str  # "starttls", "ssl" or "none"
    smtp_user: str
    smtp_password: str
    sender: str
    retry_minutes: tuple[int, ...]
    timeout: float
    stale_sending_minutes: int

    @property
    def uses_sink(self) -> bool:
        """No SMTP server configured: mail is kept locally and shown in the web app."""
        return not self.smtp_host

    @property
    def domain(self) -> str:
        """The sender's domain, for Message-IDs."""
        address = parseaddr(self.sender)[1]
        return address.rpartition("@")[2] or "localhost"


@dataclass(frozen=True)
class ReminderSettings:
    ladder_days: tuple[int, ...]
    escalate_days: int
    sweep_time: time
    outbox_interval_minutes: int


def mail_settings(settings) -> MailSettings:
    """Read [mail]; the password normally comes from THIDUA_MAIL__SMTP_PASSWORD."""
    m = settings.section("mail")
    security = str(m.get("smtp_security", "starttls")).lower()
    if security not in ("starttls", "ssl", "none"):
        raise ValueError(f"[mail] smtp_security must be starttls, ssl or none, not {security!r}")
    timeout, stale = float(m.get("smtp_timeout", 30)), int(m.get("stale_sending_minutes", 10))
    if stale * 60 < 6 * timeout:
        # One message's commands (connect … DATA) each wait up to `timeout`: a lease shorter than
        # that could run out while the message is still being sent, and another relay would send it too.
        raise ValueError(f"[mail] stale_sending_minutes ({stale}) must be at least 6 × smtp_timeout ({timeout} s)")
    return MailSettings(
        smtp_host=str(m.get("smtp_host") or "").strip(),
        smtp_port=int(m.get("smtp_port", 587)),
        smtp_security=security,
        smtp_user=str(m.get("smtp_user") or ""),
        smtp_password=str(m.get("smtp_password") or ""),
        sender=str(m.get("sender") or "thiduakhenthuong@localhost"),
        retry_minutes=tuple(int(x) for x in m.get("retry_minutes", [1, 5, 15, 60, 240])),
        timeout=timeout,
        stale_sending_minutes=stale,
    )


def reminder_settings(settings) -> ReminderSettings:
    """Read [reminders]: the ladder of days before a deadline, escalation days, sweep time."""
    r = settings.section("reminders")
    ladder = sorted({int(x) for x in r.get("ladder_days", [14, 7, 3, 1]) if int(x) > 0}, reverse=True)
    hour, _, minute = str(r.get("sweep_time", "07:30")).partition(":")
    return ReminderSettings(
        ladder_days=tuple(ladder),
        escalate_days=max(0, int(r.get("escalate_days", 7))),
        sweep_time=time(int(hour), int(minute or 0)),
        outbox_interval_minutes=max(1, int(r.get("outbox_interval_minutes", 1))),
    )
