"""A nomination carries its nominee's sort key, kept in step when the person or the department is renamed,
so the council's agenda and the reminders list names in Vietnamese order from an index."""
from __future__ import annotations

from sqlalchemy import select

from notifications import pending
from states import State
from workflow import directory, nominations, page_queries
from workflow.models import Department, Nomination, ReviewCycle
from workflow.text import person_sort_key, sort_key


def _keys(ctx) -> dict[int, str]:
    with ctx.db.reading() as s:
        return dict(s.execute(select(Nomination.id, Nomination.nominee_sort_key)).all())


def _agenda_names(ctx, cycle_id: int) -> list[str]:
    with ctx.db.reading() as s:
        return [item["nominee_name"] for item in page_queries.agenda(s, ctx, cycle_id, limit=10)["items"]]


def test_a_rename_moves_the_nominee_in_the_agenda_and_leaves_the_others_be(ctx, make):
    a = make.agency()
    cycle = make.cycle()
    people = [make.person(a.department_id, name) for name in ("Bùi Văn An", "Lê Thị Bình", "Trần Văn Cường")]
    ids = [make.nomination(a, cycle_id=cycle, person_id=p, state=State.DEPARTMENT_REVIEWED) for p in people]
    assert _keys(ctx)[ids[0]] == person_sort_key("Bùi Văn An")
    assert _agenda_names(ctx, cycle) == ["Bùi Văn An", "Lê Thị Bình", "Trần Văn Cường"]

    directory.update_person(ctx, None, people[0], full_name="Bùi Văn Đức", department_id=a.department_id)
    keys = _keys(ctx)
    assert keys[ids[0]] == person_sort_key("Bùi Văn Đức")
    assert keys[ids[1]] == person_sort_key("Lê Thị Bình")
    assert _agenda_names(ctx, cycle) == ["Lê Thị Bình", "Trần Văn Cường", "Bùi Văn Đức"]


def test_a_department_renamed_passes_its_key_to_its_collective_nominations_only(ctx, make):
    a = make.agency()
    cycle = make.cycle()
    collective = nominations.create_nomination(ctx, a.head, cycle_id=cycle, nominee_type="collective",
                                               department_id=a.department_id, award_form="agency_certificate")
    individual = make.nomination(a, cycle_id=cycle)
    with ctx.db.reading() as s:
        dept = s.get(Department, a.department_id)
        code, before = dept.code, _keys(ctx)[individual]
        assert _keys(ctx)[collective] == dept.sort_key
    directory.update_department(ctx, None, a.department_id, code=code, name="Văn phòng Ủy ban")
    keys = _keys(ctx)
    assert keys[collective] == sort_key("Văn phòng Ủy ban")
    assert keys[individual] == before


def test_the_reminders_name_the_first_nominees_of_each_department_in_name_order(ctx, make, monkeypatch):
    monkeypatch.setattr(pending, "SHOWN_NAMES", 2)
    a = make.agency()
    cycle = make.cycle()
    for name in ("Trần Văn Cường", "Lê Thị Bình", "Bùi Văn An"):
        make.nomination(a, cycle_id=cycle, person_id=make.person(a.department_id, name))
    make.nomination(a, cycle_id=cycle, person_id=make.person(a.other_department_id, "Hà Văn Dũng"), by=a.secretary)
    with ctx.db.reading() as s:
        c = s.get(ReviewCycle, cycle)
        by_department = pending._first_names(s, c, State.REGISTERED, by_department=True)
        first = pending._first_names(s, c, State.REGISTERED)
    assert by_department[a.department_id] == ["Bùi Văn An", "Lê Thị Bình"]
    assert by_department[a.other_department_id] == ["Hà Văn Dũng"]
    assert first[None] == ["Bùi Văn An", "Lê Thị Bình"]
