"""Text longer than its column is refused with a Vietnamese message before it reaches the database:
PostgreSQL would raise a DataError (a 500) and SQLite would silently keep it."""
from __future__ import annotations

from sqlalchemy import String, event
from sqlalchemy.orm import Session

from ..errors import Invalid, Problem

# What users call the columns they can type into; others are named by their column.
LABELS = {"original_name": "Tên tệp", "full_name": "Họ và tên", "title": "Tiêu đề", "name": "Tên",
          "username": "Tên đăng nhập", "email": "Thư điện tử", "hometown": "Quê quán", "position": "Chức vụ"}


def _too_long(obj) -> list[Problem]:
    problems = []
    for column in obj.__table__.columns:
        if not isinstance(column.type, String) or not column.type.length:
            continue
        value = getattr(obj, column.key, None)
        if isinstance(value, str) and len(value) > column.type.length:
            label = LABELS.get(column.key, column.key)
            problems.append(Problem(f"{column.key}_too_long", f"“{label}” dài quá {column.type.length} ký tự."))
    return problems


@event.listens_for(Session, "before_flush")
def _check_lengths(session, flush_context, instances) -> None:
    problems = [p for obj in list(session.new) + list(session.dirty) if hasattr(obj, "__table__")
                for p in _too_long(obj)]
    if problems:
        raise Invalid(problems)
