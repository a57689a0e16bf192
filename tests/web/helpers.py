"""Small helpers for the web tests (kept out of tests/factories.py, which others share)."""
from __future__ import annotations

import html
import re

from sqlalchemy import select

from workflow.models import AuditEntry, Nomination


def text_of(response) -> str:
    """The page's visible text, tags stripped and entities decoded, spaces collapsed."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.DOTALL)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def nomination(ctx, nid: int) -> Nomination:
    with ctx.db.reading() as s:
        return s.get(Nomination, nid)


def audit_actions(ctx, nid: int) -> list[str]:
    with ctx.db.reading() as s:
        return list(s.scalars(select(AuditEntry.action).where(AuditEntry.nomination_id == nid)
                              .order_by(AuditEntry.id)))
