"""Writing the audit trail and the domain events, always inside the caller's transaction.

Audit rows form a hash chain (workflow/audit_chain.py). Each writer locks the chain head
row (SELECT … FOR UPDATE on PostgreSQL; SQLite writers are already serialised by BEGIN
IMMEDIATE), so two transactions can never both extend the same link.
"""
from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .audit_chain import FIELDS, GENESIS, Break, chain_hash, first_break
from .models import AuditChainHead, AuditEntry, DomainEvent

# The step's writes go through Core, not the unit of work: one row each, nothing to track afterwards, and
# the ORM's per-object bookkeeping was most of a step's CPU. Built once; the compiled form is cached.
_HEAD = AuditChainHead.__table__
_READ_HEAD = select(_HEAD.c.seq, _HEAD.c.row_hash).where(_HEAD.c.id == 1).with_for_update()
_MOVE_HEAD = update(_HEAD).where(_HEAD.c.id == 1)
_INSERT_AUDIT = insert(AuditEntry.__table__)
_INSERT_EVENT = insert(DomainEvent.__table__)


def _locked_head(session: Session) -> tuple[int, str]:
    """The chain head's (seq, hash), locked until commit (FOR UPDATE; SQLite's BEGIN IMMEDIATE already is)."""
    head = session.execute(_READ_HEAD).first()
    if head is None:  # a database emptied by hand (tests truncate): start a new chain
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        session.execute(dialect.insert(_HEAD).values(id=1, seq=0, row_hash=GENESIS).on_conflict_do_nothing())
        head = session.execute(_READ_HEAD).first()
    return head.seq, head.row_hash


def audit(session: Session, ctx, *, actor_id: int | None, action: str, entity_type: str,
          entity_id: int | None, nomination_id: int | None = None, from_state: str | None = None,
          to_state: str | None = None, comment: str | None = None, payload: dict | None = None,
          on_behalf_of: str | None = None) -> None:
    """Append one audit row, chained to the one before it."""
    seq, prev_hash = _locked_head(session)
    row = {"at": ctx.clock.now(), "actor_id": actor_id, "action": action, "entity_type": entity_type,
           "entity_id": entity_id, "nomination_id": nomination_id, "from_state": from_state, "to_state": to_state,
           "comment": comment, "payload": payload, "on_behalf_of": on_behalf_of, "seq": seq + 1}
    row_hash = chain_hash(row, prev_hash)
    session.execute(_INSERT_AUDIT, {**row, "prev_hash": prev_hash, "row_hash": row_hash})
    session.execute(_MOVE_HEAD, {"seq": row["seq"], "row_hash": row_hash})


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
    """Record a domain event and let subscribers react in the same transaction (the event they get is not
    in the session: it is only read)."""
    row = {"at": ctx.clock.now(), "name": name, "nomination_id": nomination_id, "actor_id": actor_id,
           "payload": payload or {}}
    event = DomainEvent(id=session.execute(_INSERT_EVENT, row).inserted_primary_key[0], **row)
    for subscriber in ctx.subscribers:
        subscriber(session, ctx, event)
    return event
