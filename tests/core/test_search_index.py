"""The name search finds names ignoring case and diacritics, through the index on either database."""
from __future__ import annotations

from sqlalchemy import text

from workflow import queries
from workflow.actors import load_actor
from workflow.models import Person


def test_a_name_search_ignores_diacritics_and_follows_renames(ctx, make):
    a = make.agency()
    rare = make.person(a.department_id, "Hầu Thị Quýnh")
    make.nomination(a, person_id=rare)
    make.nomination(a)
    with ctx.db.reading() as s:
        _, actor = load_actor(s, a.secretary)
        found = queries.list_nominations(s, actor, q="hau thi quynh")["items"]
        assert [n["nominee_name"] for n in found] == ["Hầu Thị Quýnh"]
        assert [p["full_name"] for p in queries.search_people(s, "QUYNH")] == ["Hầu Thị Quýnh"]
        assert queries.search_people(s, "100%_") == []  # LIKE's wildcards are literal
    with ctx.db.transaction() as s:  # a rename (e.g. by an import) keeps the index in step
        s.get(Person, rare).full_name = "Hầu Thị Quỳnh Anh"
    with ctx.db.reading() as s:
        assert [p["full_name"] for p in queries.search_people(s, "quynh anh")] == ["Hầu Thị Quỳnh Anh"]


def test_the_search_is_served_by_an_index(ctx):
    with ctx.db.engine.connect() as conn:
        if ctx.db.is_sqlite:
            plan = " ".join(str(r) for r in conn.execute(text(
                "EXPLAIN QUERY PLAN SELECT rowid FROM person_name_fts WHERE search_name LIKE '%hau thi%'")))
            assert "VIRTUAL TABLE INDEX" in plan
        else:
            conn.execute(text("SET enable_seqscan = off"))
            plan = " ".join(r[0] for r in conn.execute(text(
                "EXPLAIN SELECT id FROM person WHERE search_name LIKE '%hau thi%'")))
            assert "ix_person_search_trgm" in plan
