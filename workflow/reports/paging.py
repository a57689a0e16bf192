"""Keyset paging of the reports' lists: a cursor "key~id" names the last row shown, and the next page
starts after it in (key, id) order, whatever the size of the list."""
from __future__ import annotations

from sqlalchemy import and_, or_

from ..errors import Invalid, Problem


def parse_cursor(value: str | None) -> tuple[str, int] | None:
    if not value:
        return None
    key, _, ident = value.rpartition("~")
    if not ident.isdigit():
        raise Invalid(Problem("bad_cursor", "Tham số phân trang (cursor) không hợp lệ."))
    return key, int(ident)


def cursor_of(key: str, ident: int) -> str:
    return f"{key}~{ident}"


def after(query, key_column, id_column, cursor: str | None):
    """`query` restricted to the rows after the cursor in (key, id) order."""
    position = parse_cursor(cursor)
    if position is None:
        return query
    return query.where(or_(key_column > position[0], and_(key_column == position[0], id_column > position[1])))
