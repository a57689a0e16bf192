"""The reminder ladder and the daily sweep that sends each reminder exactly once.

For every deadline of every review cycle, reminders go out `ladder_days` before it to
whoever still has work pending, and escalations go out daily for `escalate_days` after
it to the secretary and the agency head while someone is late. A step missed (the
sweep did not run that day) is caught up on the next run, once, while its deadline has
not passed; a stale pre-deadline reminder is never sent after the deadline (escalation
covers that). All of one recipient's items of a day go in one digest.

Exactly once: the ledger `reminder_sent` has a unique key (cycle, deadline, offset,
recipient), and its rows are inserted in the transaction that queues the digests. A
row another process holds means it sent that step; it is skipped (ON CONFLICT DO NOTHING).
The day's digests are queued in one transaction, in a constant number of statements.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from workflow import stand_ins
from workflow.models import OutboxMessage, ReminderSent, ReviewCycle

from . import emails, pending
from .links import cycle_url, registrations_url
from .recipients import Recipient
from .settings import reminder_settings

DEADLINES = {
    "registration_deadline": "Hạn gửi đăng ký thi đua",
    "dossier_deadline": "Hạn Phòng họp xét và gửi hồ sơ đề nghị khen thưởng",
    "council_meeting_on": "Họp Hội đồng Thi đua - Khen thưởng xét hồ sơ",
    "ceremony_on": "Phê duyệt và công bố khen thưởng",
}
SITUATION = "reminder_digest"
TEMPLATE = "reminder_digest__recipient"


@dataclass(frozen=True)
class Line:
    """One item of a digest: a deadline of a cycle, the steps it settles, and what is pending."""

    cycle_id: int
    cycle_title: str
    deadline: str
    deadline_on: date
    as_of: date
    steps: tuple[tuple[int, date], ...]  # (offset, due_on); offset > 0 before, < 0 after
    details: tuple[str, ...]
    link: str

    @property
    def title(self) -> str:
        return DEADLINES[self.deadline]

    @property
    def escalation(self) -> bool:
        return self.steps[0][0] < 0

    @property
    def days(self) -> int:
        """Days left before the deadline, or days late after it."""
        return abs((self.deadline_on - self.as_of).days)


@dataclass
class Digest:
    recipient: Recipient
    lines: list[Line]


@dataclass
class SweepReport:
    as_of: date
    dry_run: bool
    sent: list[Digest] = field(default_factory=list)       # queued (or, in a dry run, that would be)
    deferred: list[Digest] = field(default_factory=list)   # recipient already had today's digest
    taken_by_others: int = 0                               # steps another process sent first


def due_steps(deadline_on: date, as_of: date, ladder: tuple[int, ...], escalate_days: int) -> list[tuple[int, date]]:
    """The steps of one deadline due by `as_of` that may still go out on `as_of`."""
    if as_of <= deadline_on:
        steps = [(n, deadline_on - timedelta(days=n)) for n in ladder]
    elif as_of <= deadline_on + timedelta(days=escalate_days):
        steps = [(-k, deadline_on + timedelta(days=k)) for k in range(1, escalate_days + 1)]
    else:
        return []
    return sorted((step for step in steps if step[1] <= as_of), key=lambda step: step[1])


def _due_deadlines(s: Session, as_of: date, ladder: tuple[int, ...], escalate_days: int):
    """(cycle_id, deadline, date, steps) for every deadline with steps due on `as_of`: a light query."""
    columns = [getattr(ReviewCycle, name) for name in DEADLINES]
    rows = s.execute(select(ReviewCycle.id, ReviewCycle.campaign_id, ReviewCycle.kind, ReviewCycle.year, *columns)
                     .order_by(ReviewCycle.year, ReviewCycle.id)).all()
    annual = {(r.campaign_id, r.year) for r in rows if r.kind == "annual"}
    for row in rows:
        for deadline in DEADLINES:
            on = getattr(row, deadline)
            if on is None:
                continue
            # Registration is yearly: the annual cycle of the same year already reminds of it.
            if deadline == "registration_deadline" and row.kind == "final" and (row.campaign_id, row.year) in annual:
                continue
            steps = due_steps(on, as_of, ladder, escalate_days)
            if steps:
                yield row.id, deadline, on, steps


def _link(settings, cycle: ReviewCycle, deadline: str) -> str:
    return registrations_url(settings) if deadline == "registration_deadline" else cycle_url(settings, cycle.id)


def plan(s: Session, ctx, as_of: date) -> list[Digest]:
    """Who should get what on `as_of`, leaving out steps the ledger already holds."""
    conf = reminder_settings(ctx.settings)
    due = list(_due_deadlines(s, as_of, conf.ladder_days, conf.escalate_days))
    if not due:  # most days of the year
        return []
    cycles = {c.id: c for c in s.scalars(select(ReviewCycle).where(ReviewCycle.id.in_({d[0] for d in due}))
                                         .options(selectinload(ReviewCycle.campaign)))}
    by_user: dict[int, Digest] = {}
    standing = stand_ins.on_day(s, ctx, as_of)   # while someone is away, their reminders reach the stand-in too
    for cycle_id, deadline, on, steps in due:
        cycle = cycles[cycle_id]
        work = pending.BY_DEADLINE[deadline](s, cycle, standing)
        if steps[0][0] < 0:
            targets = ({r.user_id: (r, work.late) for r in pending.escalation_recipients(s, standing)}
                       if work.late else {})
        else:
            targets = work.todo
        if not targets:
            continue
        done = set(s.execute(select(ReminderSent.offset_days, ReminderSent.recipient_user_id).where(
            ReminderSent.cycle_id == cycle.id, ReminderSent.deadline == deadline,
            ReminderSent.offset_days.in_([o for o, _ in steps]))).all())
        for user_id, (recipient, details) in targets.items():
            todo = tuple(step for step in steps if (step[0], user_id) not in done)
            if todo:
                line = Line(cycle.id, cycle.title, deadline, on, as_of, todo, tuple(details),
                            _link(ctx.settings, cycle, deadline))
                by_user.setdefault(user_id, Digest(recipient, [])).lines.append(line)
    for digest in by_user.values():
        digest.lines.sort(key=lambda line: (not line.escalation, line.deadline_on, line.cycle_id))
    return sorted(by_user.values(), key=lambda d: d.recipient.user_id)


def _claim(s: Session, ctx, digests: list[Digest], as_of: date) -> dict[tuple, int]:
    """Insert the ledger rows of every step of `digests` in one statement; those another process holds
    already are skipped (its sweep sent them). Returns the steps this sweep claimed: key -> ledger id.

    Rows go in key order, so two sweeps racing on PostgreSQL wait on each other's rows in the same
    order (no deadlock); SQLite's writers are serialised by BEGIN IMMEDIATE."""
    now = ctx.clock.now()
    rows = sorted(({"cycle_id": line.cycle_id, "deadline": line.deadline, "offset_days": offset,
                    "recipient_user_id": d.recipient.user_id, "due_on": due_on, "sent_on": as_of, "created_at": now}
                   for d in digests for line in d.lines for offset, due_on in line.steps), key=_ledger_key)
    if not rows:
        return {}
    insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    key_columns = (ReminderSent.cycle_id, ReminderSent.deadline, ReminderSent.offset_days,
                   ReminderSent.recipient_user_id)
    claimed = s.execute(insert(ReminderSent).on_conflict_do_nothing().returning(ReminderSent.id, *key_columns),
                        rows)
    return {tuple(row[1:]): row[0] for row in claimed}


def _ledger_key(row: dict) -> tuple:
    return row["cycle_id"], row["deadline"], row["offset_days"], row["recipient_user_id"]


def _send_all(ctx, digests: list[Digest], as_of: date, report: SweepReport) -> None:
    """Queue the day's digests in one transaction, in statements that do not grow in number with them:
    who already had today's digest, the ledger claims, the outbox rows, the ledger's links to them
    (executemany, several rows per statement where the driver allows)."""
    with ctx.db.transaction() as s:
        already = set(s.scalars(select(ReminderSent.recipient_user_id).where(ReminderSent.sent_on == as_of)
                                .distinct()))
        # One digest a day: what came up since goes out with tomorrow's (the ladder catches up).
        report.deferred += [d for d in digests if d.recipient.user_id in already]
        todo = [d for d in digests if d.recipient.user_id not in already]
        claimed = _claim(s, ctx, todo, as_of)
        queued, ledgers = [], []
        for digest in todo:
            user_id = digest.recipient.user_id
            kept, ledger = [], []
            for line in digest.lines:
                ids = [claimed[key] for key in ((line.cycle_id, line.deadline, offset, user_id)
                                                for offset, _ in line.steps) if key in claimed]
                report.taken_by_others += len(line.steps) - len(ids)
                if ids:
                    kept.append(line)
                    ledger += ids
            if kept:
                queued.append(emails.outbox_row(s, ctx, situation=SITUATION, template=TEMPLATE, to=digest.recipient,
                                                variables=digest_variables(kept, as_of)))
                ledgers.append(ledger)
                report.sent.append(Digest(digest.recipient, kept))
        if queued:
            # matched by their unique message ids: rows in any order, so the driver may batch them
            outbox_ids = dict(s.execute(insert(OutboxMessage).returning(OutboxMessage.message_id, OutboxMessage.id),
                                        queued).all())
            s.execute(update(ReminderSent), [{"id": ledger_id, "outbox_id": outbox_ids[row["message_id"]]}
                                             for row, ledger in zip(queued, ledgers, strict=True)
                                             for ledger_id in ledger])


def _line_view(line: Line) -> dict:
    """A digest line as plain data (the outbox stores it as JSON), with what the template reads."""
    return {"title": line.title, "cycle_title": line.cycle_title, "deadline_on": line.deadline_on,
            "days": line.days, "details": list(line.details), "link": line.link}


def digest_variables(lines: list[Line], as_of: date) -> dict:
    upcoming = [line for line in lines if not line.escalation]
    return {"as_of": as_of, "upcoming": [_line_view(line) for line in upcoming],
            "overdue": [_line_view(line) for line in lines if line.escalation],
            "nearest": min((line.deadline_on for line in upcoming), default=None), "count": len(lines)}


def run_reminders(ctx, as_of: date, dry_run: bool = False) -> SweepReport:
    """The sweep as of a date: queue each due reminder once, one digest per recipient."""
    report = SweepReport(as_of=as_of, dry_run=dry_run)
    with ctx.db.reading() as s:
        digests = plan(s, ctx, as_of)
    if dry_run:
        report.sent = digests
        return report
    if digests:
        _send_all(ctx, digests, as_of, report)
    return report
