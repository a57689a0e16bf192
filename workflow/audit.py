"""Writing the audit trail and the domain events, always inside the caller's transaction.

Audit rows form a hash chain (workflow/audit_chain.py). Each writer locks the chain head
row (SELECT … FOR UPDATE on PostgreSQL; SQLite writers are already serialised by BEGIN
IMMEDIATE), so two transactions can never both extend the same link.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .audit_chain import FIELDS, GENESIS, Break, chain_hash, first_break
from .models import AuditChainHead, AuditEntry, DomainEvent


def _locked_head(session: Session) -> AuditChainHead:
    with session.no_autoflush:  # pending writes go out with the audit row's flush, not one flush earlier
        return _head(session)


def _head(session: Session) -> AuditChainHead:
    head = session.get(AuditChainHead, 1, with_for_update=True)
    if head is None:  # a database emptied by hand (tests truncate): start a new chain
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        session.execute(dialect.insert(AuditChainHead).values(id=1, seq=0, row_hash=GENESIS)
                        .on_conflict_do_nothing())
        head = session.get(AuditChainHead, 1, with_for_update=True)
    return head


def audit(session: Session, ctx, *, actor_id: int | None, action: str, entity_type: str,
          entity_id: int | None, nomination_id: int | None = None, from_state: str | None = None,
          to_state: str | None = None, comment: str | None = None, payload: dict | None = None,
          on_behalf_of: str | None = None) -> AuditEntry:
    """Append one audit row, chained to the one before it."""
    head = _locked_head(session)
    entry = AuditEntry(at=ctx.clock.now(), actor_id=actor_id, action=action, entity_type=entity_type,
                       entity_id=entity_id, nomination_id=nomination_id, from_state=from_state,
                       to_state=to_state, comment=comment, payload=payload, on_behalf_of=on_behalf_of,
                       seq=head.seq + 1, prev_hash=head.row_hash)
    entry.row_hash = chain_hash({name: getattr(entry, name) for name in FIELDS}, head.row_hash)
    head.seq, head.row_hash = entry.seq, entry.row_hash
    session.add(entry)
    return entry


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
    """Record a domain event and let subscribers react in the same transaction."""
    event = DomainEvent(at=ctx.clock.now(), name=name, nomination_id=nomination_id,
                        actor_id=actor_id, payload=payload or {})
    session.add(event)
    session.flush()
    for subscriber in ctx.subscribers:
        subscriber(session, ctx, event)
    return event
