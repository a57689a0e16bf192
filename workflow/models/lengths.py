"""Text longer than its column is refused with a Vietnamese message before it reaches the database:
PostgreSQL would raise a DataError (a 500) and SQLite would silently keep it."""
from __future__ import annotations

from functools import cache

from sqlalchemy import String, event
from sqlalchemy.orm import Session

from ..errors import Invalid, Problem

# What users call the columns they can type into; others are named by their column.
LABELS = {"original_name": "Tên tệp", "full_name": "Họ và tên", "title": "Tiêu đề", "name": "Tên",
          "username": "Tên đăng nhập", "email": "Thư điện tử", "hometown": "Quê quán", "position": "Chức vụ"}


@cache
def _limits(table) -> tuple[tuple[str, int], ...]:
    """(attribute, length) of a table's bounded text columns: read once per table, checked every flush."""
    return tuple((c.key, c.type.length) for c in table.columns if isinstance(c.type, String) and c.type.length)


def _too_long(obj) -> list[Problem]:
    problems = []
    for key, length in _limits(obj.__table__):
        value = getattr(obj, key, None)
        if isinstance(value, str) and len(value) > length:
            label = LABELS.get(key, key)
            problems.append(Problem(f"{key}_too_long", f"“{label}” dài quá {length} ký tự."))
    return problems


@event.listens_for(Session, "before_flush")
def _check_lengths(session, flush_context, instances) -> None:
    problems = [p for obj in list(session.new) + list(session.dirty) if hasattr(obj, "__table__")
                for p in _too_long(obj)]
    if problems:
        raise Invalid(problems)
