"""What the page views share: the acting user inside a read session, and domain errors as text."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import request
from flask_login import current_user
from sqlalchemy.orm import Session

from states import Actor
from workflow.errors import DomainError

from ..context import get_ctx


@contextmanager
def reading() -> Iterator[tuple[Session, Actor]]:
    """A read session and the current user's Actor, as loaded once for this request (webapp.auth)."""
    with get_ctx().db.reading() as s:
        yield s, current_user.actor


def messages(exc: DomainError) -> list[str]:
    """Every problem of a refused use case, as sentences a user can act on."""
    return [p.message for p in exc.problems] or [exc.message]


def int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and int(value) < 2**31 else None


def form_errors(form) -> list[str]:
    out = []
    for field_name, errors in form.errors.items():
        field = getattr(form, field_name, None)
        label = field.label.text if field is not None and field.label else field_name
        out.extend(f"{label}: {e}" for e in errors)
    return out


PER_PAGE = 50


def paginate(rows: list, per_page: int = PER_PAGE) -> dict:
    """One page of an already filtered and sorted list, with the total, for the `pager` macro."""
    total = len(rows)
    pages = max(1, -(-total // per_page))
    page = min(max(int_arg("page") or 1, 1), pages)
    start = (page - 1) * per_page
    return {"items": rows[start:start + per_page], "total": total, "page": page, "pages": pages,
            "first": start + 1 if total else 0, "last": min(start + per_page, total)}
