"""Writing the audit trail and the domain events, always inside the caller's transaction."""
from __future__ import annotations

from sqlalchemy.orm import Session

from .models import AuditEntry, DomainEvent


def audit(session: Session, ctx, *, actor_id: int | None, action: str, entity_type: str,
          entity_id: int | None, nomination_id: int | None = None, from_state: str | None = None,
          to_state: str | None = None, comment: str | None = None, payload: dict | None = None,
          on_behalf_of: str | None = None) -> AuditEntry:
    """Append one audit row."""
    entry = AuditEntry(at=ctx.clock.now(), actor_id=actor_id, action=action, entity_type=entity_type,
                       entity_id=entity_id, nomination_id=nomination_id, from_state=from_state,
                       to_state=to_state, comment=comment, payload=payload, on_behalf_of=on_behalf_of)
    session.add(entry)
    return entry


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
