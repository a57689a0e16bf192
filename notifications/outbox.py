"""The outbox relay: send pending rows over SMTP (or keep them in the local sink), retry, recover.

Exactly once, never stalled: each message is claimed on its own (a lease: state "sending",
`locked_at`, `claimed_by`) in one short transaction, rendered and sent outside any
transaction, then settled in another, only by the relay that holds its lease. So a slow
server never lets a second relay take a message another is sending, a message that cannot
be built or is refused fails alone with its reason, and a crash leaves at most the one
message in flight "sending": after `stale_sending_minutes` it is sent again, with the
Message-ID fixed at queue time, so the copy is recognisable as the same message.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from workflow.actors import load_actor
from workflow.audit import audit, fan_out
from workflow.email_address import parse_email
from workflow.errors import Conflict, Forbidden, not_found
from workflow.models import OutboxMessage

from . import emails
from .settings import MailSettings, mail_settings

log = logging.getLogger(__name__)

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
    body_text: str | None
    body_html: str | None
    template: str | None
    variables: dict | None
    created_at: object


class Unsendable(Exception):
    """This message can never leave as it is (bad address, broken header): it fails alone."""


def compose(m: Claimed) -> emails.Rendered:
    """The text to send: rendered now from the stored variables, or as rendered before."""
    if m.body_text is not None:
        return emails.Rendered(m.subject, m.body_text, m.body_html or "")
    try:
        return emails.render_stored(m.template, m.variables or {})
    except Exception as exc:  # noqa: BLE001 - a template error must not stop the other messages
        raise Unsendable(f"Không soạn được nội dung thư (mẫu {m.template}): {exc}") from None


def preview(row: OutboxMessage) -> emails.Rendered:
    """The text of any outbox row, for pages and tests: as sent, or as the relay will render it."""
    m = Claimed(row.id, row.message_id, row.to_address, row.subject, row.body_text, row.body_html,
                row.template, row.variables, row.created_at)
    try:
        return compose(m)
    except Unsendable as exc:
        return emails.Rendered(row.subject, str(exc), "")


def build_email(m: Claimed, content: emails.Rendered, mail: MailSettings, to: str) -> EmailMessage:
    """The MIME message: UTF-8 text and HTML alternatives, a stable Message-ID."""
    msg = EmailMessage()
    try:
        msg["Subject"] = content.subject
        msg["From"] = mail.sender
        msg["To"] = to
        msg["Date"] = format_datetime(m.created_at)
        msg["Message-ID"] = m.message_id
        msg["Auto-Submitted"] = "auto-generated"
        msg.set_content(content.text, charset="utf-8")
        if content.html:
            msg.add_alternative(content.html, subtype="html", charset="utf-8")
    except (ValueError, TypeError) as exc:  # e.g. CR/LF in a header
        raise Unsendable(f"Không tạo được thư: {exc}") from None
    return msg


def recover_stale(ctx, model, stale_minutes: int) -> int:
    """Put back rows of `model` (email or webhook) a crashed relay left "sending" too long."""
    now = ctx.clock.now()
    cutoff = now - timedelta(minutes=stale_minutes)
    with ctx.db.transaction() as s:
        rows = s.scalars(select(model).where(model.state == "sending", model.locked_at < cutoff)
                         .with_for_update(skip_locked=True)).all()
        for row in rows:
            row.state, row.locked_at, row.claimed_by, row.next_attempt_at = "pending", None, None, now
            row.last_error = "Lần gửi trước bị gián đoạn (tiến trình dừng đột ngột); sẽ gửi lại."
        return len(rows)


def recover_stuck(ctx) -> int:
    """Put back emails a crashed relay left "sending" for too long. Returns how many."""
    return recover_stale(ctx, OutboxMessage, mail_settings(ctx.settings).stale_sending_minutes)


def lease_next(ctx, model, lease: str, snapshot):
    """Take the next due row of `model` under `lease` in one short transaction; `snapshot(row)` of it, or None."""
    now = ctx.clock.now()
    with ctx.db.transaction() as s:
        # SKIP LOCKED: two relays on PostgreSQL take different rows; SQLite serialises writers.
        row = s.scalars(select(model).where(
            model.state == "pending",
            or_(model.next_attempt_at.is_(None), model.next_attempt_at <= now),
        ).order_by(model.id).limit(1).with_for_update(skip_locked=True)).first()
        if row is None:
            return None
        row.state, row.locked_at, row.claimed_by = "sending", now, lease
        return snapshot(row)


def holds_lease(row, lease: str) -> bool:
    """Only the relay holding the lease settles a row; after a takeover the other relay's outcome counts."""
    return row.state == "sending" and row.claimed_by == lease


def apply_outcome(row, outcome: str, error: str | None, now, retry_minutes: tuple[int, ...],
                  report: DrainReport) -> None:
    """Settle a leased row: sent, back in the queue after the next back-off step, or failed for good."""
    row.locked_at, row.claimed_by, row.last_error = None, None, error
    if outcome == SENT:
        row.state, row.sent_at = "sent", now
        row.attempts += 1
        report.sent += 1
        return
    if outcome == UNREACHABLE:  # no attempt was made: never gives up, nothing is lost
        row.state, row.next_attempt_at = "pending", now + timedelta(minutes=retry_minutes[0])
        report.retry_later += 1
        return
    row.attempts += 1
    if outcome == TEMPORARY and row.attempts <= len(retry_minutes):
        row.state = "pending"
        row.next_attempt_at = now + timedelta(minutes=retry_minutes[row.attempts - 1])
        report.retry_later += 1
        return
    if outcome == TEMPORARY:
        row.last_error = f"{error} — đã thử {row.attempts} lần, vẫn lỗi tạm thời: ngừng gửi."
    row.state, row.next_attempt_at = "failed", None
    report.failed += 1


def _claim_one(ctx, lease: str) -> Claimed | None:
    return lease_next(ctx, OutboxMessage, lease, lambda row: Claimed(
        row.id, row.message_id, row.to_address, row.subject, row.body_text, row.body_html,
        row.template, row.variables, row.created_at))


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


def envelope_address(to_address: str, smtputf8: bool) -> str:
    """The address to give the server: ASCII (IDN domain as punycode) when possible, else Unicode if allowed."""
    try:
        address = parse_email(to_address)
    except ValueError as exc:
        raise Unsendable(str(exc)) from None
    if address.ascii is not None:
        return address.ascii
    if smtputf8:
        return address.normalized
    raise Unsendable(f"Máy chủ thư không nhận địa chỉ có dấu (không hỗ trợ SMTPUTF8): {to_address}")


def _send(smtp: smtplib.SMTP, msg: EmailMessage, to: str) -> tuple[str, str | None]:
    try:
        smtp.send_message(msg, to_addrs=[to])
        return SENT, None
    except smtplib.SMTPRecipientsRefused as exc:
        code, raw = next(iter(exc.recipients.values()))
        return _classify(code, _response_text(raw))
    except smtplib.SMTPResponseException as exc:
        return _classify(exc.smtp_code, _response_text(exc.smtp_error))


class _Connection:
    """One SMTP connection kept across messages of a drain, opened on first need, reopened after a drop."""

    def __init__(self, mail: MailSettings):
        self.mail, self.smtp = mail, None

    def get(self) -> smtplib.SMTP:
        if self.smtp is None:
            self.smtp = _connect(self.mail)
        return self.smtp

    def drop(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.close()
            finally:
                self.smtp = None

    def quit(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.drop()


def _deliver_one(conn: _Connection, m: Claimed, mail: MailSettings) -> tuple[str, str | None, emails.Rendered | None]:
    """Render, build and send one message: (outcome, reason, the text that was sent or tried)."""
    try:
        content = compose(m)
        envelope_address(m.to_address, smtputf8=True)  # a bad address fails before any connection
        build_email(m, content, mail, m.to_address)
    except Unsendable as exc:
        return PERMANENT, str(exc), None
    try:
        smtp = conn.get()
    except (OSError, smtplib.SMTPException) as exc:
        return UNREACHABLE, f"Không kết nối được máy chủ thư {mail.smtp_host}:{mail.smtp_port}: {exc}", content
    try:
        to = envelope_address(m.to_address, smtputf8=smtp.has_extn("smtputf8"))
        msg = build_email(m, content, mail, to)
    except Unsendable as exc:
        return PERMANENT, str(exc), content
    try:
        outcome, error = _send(smtp, msg, to)
    except (OSError, smtplib.SMTPException) as exc:  # the connection dropped mid-message
        conn.drop()
        return TEMPORARY, f"Mất kết nối máy chủ thư: {exc}", content
    return outcome, error, content


def _settle(ctx, mail: MailSettings, m: Claimed, lease: str, outcome: str, error: str | None,
            content: emails.Rendered | None, report: DrainReport) -> None:
    now = ctx.clock.now()
    with ctx.db.transaction() as s:
        row = s.get(OutboxMessage, m.id, with_for_update=True)
        if not holds_lease(row, lease):
            # Our lease ran out and another relay took the message over: its outcome is the one that counts.
            report.errors.append(f"#{m.id} {m.to_address}: quá thời hạn giữ thư, đã do tiến trình khác xử lý.")
            return
        if content is not None:
            row.subject, row.body_text, row.body_html = content.subject[:500], content.text, content.html
        apply_outcome(row, outcome, error, now, mail.retry_minutes, report)
        if outcome == SENT:
            row.transport = "smtp"
            return
        report.errors.append(f"#{m.id} {m.to_address}: {error}")
        if row.state == "failed":
            log.warning("outbox: message #%s to %s failed: %s", m.id, m.to_address, row.last_error)


def _keep_in_sink(ctx, m: Claimed, lease: str, report: DrainReport) -> None:
    try:
        content, error = compose(m), None
    except Unsendable as exc:
        content, error = None, str(exc)
    now = ctx.clock.now()
    with ctx.db.transaction() as s:
        row = s.get(OutboxMessage, m.id, with_for_update=True)
        if row.state != "sending" or row.claimed_by != lease:
            return
        row.locked_at = row.claimed_by = row.next_attempt_at = None
        if content is None:
            row.state, row.last_error = "failed", error
            report.failed += 1
            report.errors.append(f"#{m.id} {m.to_address}: {error}")
            return
        row.subject, row.body_text, row.body_html = content.subject[:500], content.text, content.html
        row.state, row.sent_at, row.transport, row.last_error = "sent", now, "sink", None
        report.kept_in_sink += 1


def drain(ctx, *, limit: int = 100, max_batches: int = 20) -> DrainReport:
    """Send what is due, one message at a time (at most limit × max_batches), over SMTP or into the sink."""
    fan_out(ctx)  # events not yet turned into mail (a web worker stopped before it could, the CLI's steps)
    mail = mail_settings(ctx.settings)
    report = DrainReport(recovered=recover_stuck(ctx))
    lease = uuid.uuid4().hex
    conn = _Connection(mail)
    try:
        for _ in range(limit * max_batches):
            m = _claim_one(ctx, lease)
            if m is None:
                break
            if mail.uses_sink:
                _keep_in_sink(ctx, m, lease, report)
                continue
            outcome, error, content = _deliver_one(conn, m, mail)
            _settle(ctx, mail, m, lease, outcome, error, content, report)
            if outcome == UNREACHABLE:
                break
    finally:
        conn.quit()
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


def failure_summary(session: Session, *, limit: int = 5) -> tuple[int, list[dict]]:
    """How many messages failed (and were not put back), and their commonest reasons."""
    count = session.scalar(select(func.count()).where(OutboxMessage.state == "failed")) or 0
    if not count:
        return 0, []
    reason = func.coalesce(OutboxMessage.last_error, "")
    rows = session.execute(select(reason, func.count()).where(OutboxMessage.state == "failed").group_by(reason)
                           .order_by(func.count().desc(), reason).limit(limit)).all()
    return count, [{"reason": r or "(không rõ)", "count": n} for r, n in rows]


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
