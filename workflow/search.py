"""Diacritic-insensitive name search backed by an index on both databases (migration 0008).

`person.search_name` holds the folded name ("nguyen van an"). PostgreSQL answers a substring
LIKE on it from a pg_trgm GIN index; SQLite from an FTS5 trigram table over the same column.
Callers use the result as a semi-join (`Person.id.in_(people_matching(...))`), so a rare name is
found without reading every nomination.
"""
from __future__ import annotations

from sqlalchemy import literal_column, select, table
from sqlalchemy.orm import Session

from .models import Person
from .text import fold, like_pattern

_FTS = table("person_name_fts")


def people_matching(s: Session, query: str):
    """A SELECT of the ids of people whose name contains `query`, ignoring case and diacritics."""
    folded = fold(query)
    if s.get_bind().dialect.name == "sqlite" and not any(c in folded for c in "%_\\"):
        # FTS5's trigram index serves LIKE (3+ characters); it takes no ESCAPE clause, hence the guard
        return select(literal_column("rowid")).select_from(_FTS).where(
            literal_column("search_name").like(f"%{folded}%"))
    return select(Person.id).where(Person.search_name.like(like_pattern(query), escape="\\"))
