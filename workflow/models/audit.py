"""The append-only audit log, the domain events and the email outbox."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime

# The audit action `thidua demo` records (workflow/agency.py): every page asks whether it exists.
DEMO_MARK = "build_demo_data"
# written out, not bound: PostgreSQL's generic plan of a bound `action = $1` could not use the partial index
IS_DEMO_MARK = f"action = '{DEMO_MARK}'"


class AuditEntry(Base):
    """Who did what, when, acting for whom. Triggers in the migration forbid UPDATE and DELETE."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    on_behalf_of: Mapped[str | None] = mapped_column(String(200))  # e.g. "KT. Trưởng Ban"
    action: Mapped[str] = mapped_column(String(50))
    entity_type: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(30))
    to_state: Mapped[str | None] = mapped_column(String(30))
    comment: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict | None] = mapped_column(JSON)
    # The hash chain (workflow/audit.py): position, the previous row's hash, this row's hash.
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))

    actor = relationship("User")

    __table_args__ = (
        Index("ix_audit_log_entity", "entity_type", "entity_id"),
        # a partial index of (at most) one row: "is this demo data?" without scanning the log
        Index("ix_audit_log_demo_mark", "id", sqlite_where=text(IS_DEMO_MARK), postgresql_where=text(IS_DEMO_MARK)),
    )


class AuditChainHead(Base):
    """The one row naming the last link of the audit chain; writers lock it, so the chain never forks."""

    __tablename__ = "audit_chain_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    row_hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)


# written out, not bound, for the same reason as IS_DEMO_MARK
IS_PENDING_EVENT = "fanned_out_at IS NULL"


class DomainEvent(Base):
    """A past-tense fact recorded in the same transaction as the change it describes.

    It is also the outbox of its consequences: `fanned_out_at` stays empty until the subscribers (emails,
    webhooks) have turned it into outbox rows, after the change committed (workflow/audit.py `fan_out`).
    """

    __tablename__ = "domain_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    name: Mapped[str] = mapped_column(String(50), index=True)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    fanned_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # why a subscriber failed on it (a bug, not bad input): shown on the mail page, which can fan it out again
    fan_out_error: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (
        # the few events not yet fanned out, found without reading the others
        Index("ix_domain_event_pending", "id", sqlite_where=text(IS_PENDING_EVENT),
              postgresql_where=text(IS_PENDING_EVENT)),
    )


OUTBOX_STATES = ("pending", "sending", "sent", "failed")


class OutboxMessage(Base):
    """An email waiting to go out; written in the transaction that caused it."""

    __tablename__ = "outbox_message"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    situation: Mapped[str] = mapped_column(String(80))  # template name, e.g. "nomination_sent_back"
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    to_address: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(500))
    # The body is rendered by the relay when it sends (not in the workflow's write transaction),
    # from `template` and the JSON `variables` stored here: the same event gives the same text.
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    template: Mapped[str | None] = mapped_column(String(80))
    variables: Mapped[dict | None] = mapped_column(JSON)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("domain_event.id"))
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The lease: which relay run holds this one message while it is "sending".
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # How a sent message left: "smtp" (a mail server accepted it) or "sink" (no SMTP
    # configured: kept here and shown in the web app's "Thư đã gửi" page).
    transport: Mapped[str | None] = mapped_column(String(10))

    __table_args__ = (
        CheckConstraint("state IN ('pending', 'sending', 'sent', 'failed')", name="state"),
        CheckConstraint("state <> 'sent' OR sent_at IS NOT NULL", name="sent_has_time"),
        CheckConstraint("transport IS NULL OR transport IN ('smtp', 'sink')", name="transport"),
        CheckConstraint("state <> 'sent' OR transport IS NOT NULL", name="sent_has_transport"),
        CheckConstraint("body_text IS NOT NULL OR template IS NOT NULL", name="renderable"),
        CheckConstraint("state <> 'sent' OR body_text IS NOT NULL", name="sent_is_rendered"),
    )


class ReminderSent(Base):
    """The ledger that makes each reminder go out once: one row per (cycle, deadline, offset, recipient)."""

    __tablename__ = "reminder_sent"
    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycle.id"))
    deadline: Mapped[str] = mapped_column(String(40))
    offset_days: Mapped[int] = mapped_column(Integer)  # positive: before; negative: escalation after
    recipient_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    due_on: Mapped[date] = mapped_column(Date)
    # The as-of date of the sweep that sent it: one digest per recipient per day.
    sent_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id"))

    __table_args__ = (
        UniqueConstraint("cycle_id", "deadline", "offset_days", "recipient_user_id"),
        Index("ix_reminder_sent_recipient_sent_on", "recipient_user_id", "sent_on"),
        # the sweep's "who already had today's digest", for all recipients in one statement
        Index("ix_reminder_sent_sent_on_recipient", "sent_on", "recipient_user_id"),
    )
