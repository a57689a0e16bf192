"""The outbox relay: send pending rows over SMTP (or keep them in the local sink), retry, recover.

Rows are claimed in one short transaction (state "sending"), sent outside any transaction,
then settled in another; so a slow or failing mail server never holds a database lock
and never touches the transition that queued the mail. Rows left "sending" by a crash go
back to "pending" after `stale_sending_minutes`; the Message-ID is fixed at queue time, so
a message sent twice by such a recovery is recognisable as the same message.
"""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from workflow.actors import load_actor
from workflow.audit import audit
from workflow.errors import Conflict, Forbidden, not_found
from workflow.models import OutboxMessage

from .settings import MailSettings, mail_settings

SENT, TEMPORARY, PERMANENT, UNREACHABLE = "sent", "temporary", "permanent", "unreachable"
STATE_TITLES = {"pending": "Chờ gửi", "sending": "Đang gửi", "sent": "Đã gửi", "failed": "Gửi thất bại"}
TRANSPORT_TITLES = {"smtp": "Qua máy chủ thư", "sink": "Giữ tại hộp thư cục bộ (chưa cấu hình SMTP)"}


@dataclass
class DrainReport:
    """What one drain did; `errors` holds one line per failure, for logs and the CLI."""

    sent: int = 0
    kept_in_sink: int = 0
    retry_later: int = 0
    failed: int = 0
    recovered: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.kept_in_sink + self.retry_later + self.failed


@dataclass(frozen=True)
class Claimed:
    id: int
    message_id: str
    to_address: str
    subject: str
    body_text: str
    body_html: str | None
    created_at: object


def build_email(m: Claimed, mail: MailSettings) -> EmailMessage:
    """The MIME message: UTF-8 text and HTML alternatives, a stable Message-ID."""
    msg = EmailMessage()
    msg["Subject"] = m.subject
    msg["From"] = mail.sender
    msg["To"] = m.to_address
    msg["Date"] = format_datetime(m.created_at)
    msg["Message-ID"] = m.message_id
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(m.body_text, charset="utf-8")
    if m.body_html:
        msg.add_alternative(m.body_html, subtype="html", charset="utf-8")
    return msg


def recover_stuck(ctx) -> int:
    """Put back rows a crashed relay left "sending" for too long. Returns how many."""
    mail = mail_settings(ctx.settings)
    now = ctx.clock.now()
    cutoff = now - timedelta(minutes=mail.stale_sending_minutes)
    with ctx.db.transaction() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.state == "sending",
                                                     OutboxMessage.locked_at < cutoff)).all()
        for row in rows:
            row.state, row.locked_at, row.next_attempt_at = "pending", None, now
            row.last_error = "Lần gửi trước bị gián đoạn (tiến trình dừng đột ngột); sẽ gửi lại."
        return len(rows)


def _claim(ctx, limit: int) -> list[Claimed]:
    now = ctx.clock.now()
    with ctx.db.transaction() as s:
        # SKIP LOCKED: two relays on PostgreSQL take different rows; SQLite serialises writers.
        rows = s.scalars(select(OutboxMessage).where(
            OutboxMessage.state == "pending",
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        ).order_by(OutboxMessage.id).limit(limit).with_for_update(skip_locked=True)).all()
        for row in rows:
            row.state, row.locked_at = "sending", now
        return [Claimed(r.id, r.message_id, r.to_address, r.subject, r.body_text, r.body_html, r.created_at)
                for r in rows]


def _connect(mail: MailSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if mail.smtp_security == "ssl":
        smtp = smtplib.SMTP_SSL(mail.smtp_host, mail.smtp_port, timeout=mail.timeout, context=context)
    else:
        smtp = smtplib.SMTP(mail.smtp_host, mail.smtp_port, timeout=mail.timeout)
    try:
        smtp.ehlo()
        if mail.smtp_security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if mail.smtp_user:
            smtp.login(mail.smtp_user, mail.smtp_password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _classify(code: int, text: str) -> tuple[str, str]:
    if 400 <= code < 500:
        return TEMPORARY, f"Lỗi tạm thời từ máy chủ thư: {code} {text}"
    return PERMANENT, f"Máy chủ thư từ chối: {code} {text}"


def _response_text(raw) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _send_one(smtp: smtplib.SMTP, m: Claimed, mail: MailSettings) -> tuple[str, str | None]:
    try:
        smtp.send_message(build_email(m, mail))
        return SENT, None
    except smtplib.SMTPRecipientsRefused as exc:
        code, raw = next(iter(exc.recipients.values()))
        return _classify(code, _response_text(raw))
    except smtplib.SMTPResponseException as exc:
        return _classify(exc.smtp_code, _response_text(exc.smtp_error))


def _deliver(mail: MailSettings, batch: list[Claimed]) -> list[tuple[Claimed, str, str | None]]:
    try:
        smtp = _connect(mail)
    except (OSError, smtplib.SMTPException) as exc:
        error = f"Không kết nối được máy chủ thư {mail.smtp_host}:{mail.smtp_port}: {exc}"
        return [(m, UNREACHABLE, error) for m in batch]
    outcomes = []
    with smtp:
        for i, m in enumerate(batch):
            try:
                outcome, error = _send_one(smtp, m, mail)
            except OSError as exc:  # the connection dropped: this one counts, the rest wait
                outcomes.append((m, TEMPORARY, f"Mất kết nối máy chủ thư: {exc}"))
                outcomes += [(rest, UNREACHABLE, f"Mất kết nối máy chủ thư: {exc}") for rest in batch[i + 1:]]
                break
            outcomes.append((m, outcome, error))
    return outcomes


def _settle(ctx, mail: MailSettings, outcomes, report: DrainReport) -> None:
    now = ctx.clock.now()
    with ctx.db.transaction() as s:
        for m, outcome, error in outcomes:
            row = s.get(OutboxMessage, m.id)
            row.locked_at, row.last_error = None, error
            if outcome == SENT:
                row.state, row.sent_at, row.transport = "sent", now, "smtp"
                row.attempts += 1
                report.sent += 1
                continue
            report.errors.append(f"#{m.id} {m.to_address}: {error}")
            if outcome == UNREACHABLE:  # no attempt was made: never gives up, nothing is lost
                row.state, row.next_attempt_at = "pending", now + timedelta(minutes=mail.retry_minutes[0])
                report.retry_later += 1
                continue
            row.attempts += 1
            if outcome == TEMPORARY and row.attempts <= len(mail.retry_minutes):
                row.state = "pending"
                row.next_attempt_at = now + timedelta(minutes=mail.retry_minutes[row.attempts - 1])
                report.retry_later += 1
            else:
                row.state, row.next_attempt_at = "failed", None
                report.failed += 1


def _keep_in_sink(ctx, batch: list[Claimed], report: DrainReport) -> None:
    now = ctx.clock.now()
    with ctx.db.transaction() as s:
        for m in batch:
            row = s.get(OutboxMessage, m.id)
            row.state, row.sent_at, row.transport = "sent", now, "sink"
            row.locked_at = row.last_error = row.next_attempt_at = None
            report.kept_in_sink += 1


def drain(ctx, *, limit: int = 100, max_batches: int = 20) -> DrainReport:
    """Send what is due: over SMTP, or into the local sink when no SMTP host is configured."""
    mail = mail_settings(ctx.settings)
    report = DrainReport(recovered=recover_stuck(ctx))
    for _ in range(max_batches):
        batch = _claim(ctx, limit)
        if not batch:
            break
        if mail.uses_sink:
            _keep_in_sink(ctx, batch, report)
            continue
        outcomes = _deliver(mail, batch)
        _settle(ctx, mail, outcomes, report)
        if any(outcome == UNREACHABLE for _, outcome, _ in outcomes):
            break
    return report


# --- reads for the web app ("Thư đã gửi", the nomination timeline) and the CLI ---------

def list_messages(session: Session, *, limit: int = 100, nomination_id: int | None = None,
                  state: str | None = None, offset: int = 0) -> list[OutboxMessage]:
    """Newest first; optionally only those about one nomination, or in one state."""
    q = select(OutboxMessage)
    if nomination_id is not None:
        q = q.where(OutboxMessage.nomination_id == nomination_id)
    if state is not None:
        q = q.where(OutboxMessage.state == state)
    q = q.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).offset(offset).limit(limit)
    return list(session.scalars(q))


def count_by_state(session: Session) -> dict[str, int]:
    """How many messages are pending, sending, sent and failed."""
    counts = dict.fromkeys(("pending", "sending", "sent", "failed"), 0)
    for state, n in session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)):
        counts[state] = n
    return counts


def get_message(session: Session, message_id: int) -> OutboxMessage:
    """One message, or NotFound."""
    row = session.get(OutboxMessage, message_id)
    if row is None:
        raise not_found("thư")
    return row


def retry_message(ctx, user_id: int, message_id: int) -> None:
    """An administrator (or the secretary) puts a failed message back in the queue."""
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        if not (actor.has("admin") or actor.has("council_secretary")):
            raise Forbidden("not_allowed", "Chỉ quản trị hoặc Thư ký Hội đồng được gửi lại thư.")
        row = s.get(OutboxMessage, message_id, with_for_update=True)
        if row is None:
            raise not_found("thư")
        if row.state != "failed":
            raise Conflict("not_failed", "Chỉ gửi lại được thư đã gửi thất bại.")
        row.state, row.attempts, row.next_attempt_at, row.last_error = "pending", 0, ctx.clock.now(), None
        audit(s, ctx, actor_id=user.id, action="retry_email", entity_type="outbox_message", entity_id=row.id,
              nomination_id=row.nomination_id, payload={"to": row.to_address, "subject": row.subject})
