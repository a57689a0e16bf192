"""Writing the audit trail and the domain events, always inside the caller's transaction.

Audit rows form a hash chain (workflow/audit_chain.py). Each writer locks the chain head
row (SELECT … FOR UPDATE on PostgreSQL; SQLite writers are already serialised by BEGIN
IMMEDIATE), so two transactions can never both extend the same link.
"""
from __future__ import annotations

import logging

from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, joinedload

from .actors import load_actor
from .audit_chain import FIELDS, GENESIS, Break, chain_hash, first_break
from .errors import Conflict, Forbidden, not_found
from .models import AuditChainHead, AuditEntry, DomainEvent, Nomination, User
from .models.audit import IS_PENDING_EVENT

# The step's writes go through Core, not the unit of work: one row each, nothing to track afterwards, and
# the ORM's per-object bookkeeping was most of a step's CPU. Built once; the compiled form is cached.
_HEAD = AuditChainHead.__table__
_READ_HEAD = select(_HEAD.c.seq, _HEAD.c.row_hash).where(_HEAD.c.id == 1).with_for_update()
_MOVE_HEAD = update(_HEAD).where(_HEAD.c.id == 1)
_INSERT_AUDIT = insert(AuditEntry.__table__)
_INSERT_EVENT = insert(DomainEvent.__table__)
# PostgreSQL: the row and the head that now points at it in one statement (a data-modifying WITH), one round
# trip fewer per audited write. SQLite has no such WITH: two statements, in the same transaction either way.
_INSERT_AND_MOVE_HEAD = _INSERT_AUDIT.add_cte(
    _MOVE_HEAD.values(seq=bindparam("head_seq"), row_hash=bindparam("head_hash")).cte("moved_head"))


def _core(session: Session):
    """The session's connection, for Core statements: first what an autoflush would have written (a row
    may refer to it), then none of the ORM's per-statement work."""
    session.flush()
    return session.connection()


def _locked_head(conn) -> tuple[int, str]:
    """The chain head's (seq, hash), locked until commit (FOR UPDATE; SQLite's BEGIN IMMEDIATE already is)."""
    head = conn.execute(_READ_HEAD).first()
    if head is None:  # a database emptied by hand (tests truncate): start a new chain
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        conn.execute(dialect.insert(_HEAD).values(id=1, seq=0, row_hash=GENESIS).on_conflict_do_nothing())
        head = conn.execute(_READ_HEAD).first()
    return head.seq, head.row_hash


def audit(session: Session, ctx, *, actor_id: int | None, action: str, entity_type: str,
          entity_id: int | None, nomination_id: int | None = None, from_state: str | None = None,
          to_state: str | None = None, comment: str | None = None, payload: dict | None = None,
          on_behalf_of: str | None = None) -> None:
    """Append one audit row, chained to the one before it."""
    conn = _core(session)
    seq, prev_hash = _locked_head(conn)
    row = {"at": ctx.clock.now(), "actor_id": actor_id, "action": action, "entity_type": entity_type,
           "entity_id": entity_id, "nomination_id": nomination_id, "from_state": from_state, "to_state": to_state,
           "comment": comment, "payload": payload, "on_behalf_of": on_behalf_of, "seq": seq + 1}
    row_hash = chain_hash(row, prev_hash)
    if conn.dialect.name == "postgresql":
        conn.execute(_INSERT_AND_MOVE_HEAD, {**row, "prev_hash": prev_hash, "row_hash": row_hash,
                                             "head_seq": row["seq"], "head_hash": row_hash})
    else:
        conn.execute(_INSERT_AUDIT, {**row, "prev_hash": prev_hash, "row_hash": row_hash})
        conn.execute(_MOVE_HEAD, {"seq": row["seq"], "row_hash": row_hash})


def verify_chain(session: Session) -> tuple[int, Break | None]:
    """Walk the whole log in order: (rows checked, the first broken link or None)."""
    columns = [AuditEntry.id, AuditEntry.prev_hash, AuditEntry.row_hash] + [getattr(AuditEntry, f) for f in FIELDS]
    checked = 0

    def rows():
        nonlocal checked
        for row in session.execute(select(*columns).order_by(AuditEntry.seq).execution_options(yield_per=1000)):
            checked += 1
            yield row._asdict()

    head = session.get(AuditChainHead, 1)
    broken = first_break(rows(), (head.seq, head.row_hash) if head else None)
    return checked, broken


def record_event(session: Session, ctx, name: str, *, nomination_id: int | None = None,
                 actor_id: int | None = None, payload: dict | None = None) -> DomainEvent:
    """Record a domain event in the caller's transaction. Its subscribers hear of it after the commit
    (`fan_out`): a change that rolls back has no event and so no email, and a step does not hold its
    write locks while recipients are looked up. With no subscribers (the demo's history) it is done."""
    now = ctx.clock.now()
    row = {"at": now, "name": name, "nomination_id": nomination_id, "actor_id": actor_id,
           "payload": payload or {}, "fanned_out_at": None if ctx.subscribers else now}
    return DomainEvent(id=_core(session).execute(_INSERT_EVENT, row).inserted_primary_key[0], **row)


def _preload(s: Session, events: list[DomainEvent]) -> list:
    """What the subscribers look up for a batch, in two queries, not several statements an event: the
    nominations with the cycle, department and person their emails and webhooks name, and the actors.
    Returned to be held: the session keeps objects only while something refers to them."""
    nomination_ids = sorted({e.nomination_id for e in events if e.nomination_id is not None})
    actor_ids = sorted({e.actor_id for e in events if e.actor_id is not None})
    held = []
    if nomination_ids:
        held += s.scalars(select(Nomination).where(Nomination.id.in_(nomination_ids)).options(
            joinedload(Nomination.cycle), joinedload(Nomination.department), joinedload(Nomination.person))).all()
    if actor_ids:
        held += s.scalars(select(User).where(User.id.in_(actor_ids)).options(joinedload(User.person))).all()
    return held


_PENDING = (select(DomainEvent).where(text(IS_PENDING_EVENT)).order_by(DomainEvent.id)
            .with_for_update(skip_locked=True))
log = logging.getLogger(__name__)


def fan_out(ctx, *, batch: int = 200) -> int:
    """Let the subscribers turn every event not yet fanned out into outbox rows, oldest first; returns how many.

    Run by the relay before it sends, by the web app once a write request's response is out, and by the
    demo as its days pass. Each batch is one transaction (its rows are locked, SKIP LOCKED, so
    two workers never fan out one event twice); an event whose subscriber fails is logged and set aside
    (in a savepoint, its error kept: `set_aside`, `fan_out_again`) rather than blocking every later one.
    """
    if not ctx.subscribers:
        return 0
    done = 0
    while True:
        with ctx.db.reading() as s:  # most calls find nothing: no write transaction for them
            if s.scalar(select(DomainEvent.id).where(text(IS_PENDING_EVENT)).limit(1)) is None:
                return done
        with ctx.db.transaction() as s:
            events = list(s.scalars(_PENDING.limit(batch)))
            held = _preload(s, events)  # noqa: F841 - held for the loop below
            for event in events:
                try:
                    with s.begin_nested():
                        for subscriber in ctx.subscribers:
                            subscriber(s, ctx, event)
                except Exception as exc:
                    log.exception("fanning out event #%s (%s) failed; set aside", event.id, event.name)
                    event.fan_out_error = f"{type(exc).__name__}: {exc}"[:500]
                event.fanned_out_at = ctx.clock.now()
            done += len(events)
        if len(events) < batch:
            return done


def set_aside(session: Session, *, limit: int = 20) -> tuple[int, list[DomainEvent]]:
    """Events a subscriber failed on (their emails or webhooks were not made): how many, and the latest."""
    failed = DomainEvent.fan_out_error.is_not(None)
    count = session.scalar(select(func.count()).where(failed)) or 0
    latest = list(session.scalars(select(DomainEvent).where(failed).order_by(DomainEvent.id.desc()).limit(limit)))
    return count, latest


def fan_out_again(ctx, user_id: int, event_id: int) -> None:
    """An administrator, once the cause is fixed, has an event that was set aside fanned out again."""
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        if not actor.has("admin"):
            raise Forbidden("not_allowed", "Chỉ quản trị hệ thống được tạo lại thư của một sự kiện.")
        event = s.get(DomainEvent, event_id, with_for_update=True)
        if event is None:
            raise not_found("sự kiện")
        if event.fan_out_error is None:
            raise Conflict("not_set_aside", "Sự kiện này không bị lỗi khi tạo thư.")
        audit(s, ctx, actor_id=user.id, action="fan_out_again", entity_type="domain_event", entity_id=event.id,
              nomination_id=event.nomination_id, payload={"event": event.name, "error": event.fan_out_error})
        event.fanned_out_at = event.fan_out_error = None
    fan_out(ctx)
