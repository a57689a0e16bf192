"""The eligibility lookup pages through both lists and finds what a full reading finds."""
from __future__ import annotations

from workflow import nominations
from workflow.reports import eligibility


def test_paging_through_the_lookup_finds_everyone_the_full_lookup_finds(ctx, make, monkeypatch):
    monkeypatch.setattr(eligibility, "WINDOW", 2)  # windows of two people: many pages, some empty
    a = make.agency()
    cycle = make.cycle()
    for i in range(7):
        make.prize(a, make.person(a.department_id, f"Đinh Văn Giải {i}"), 2025)
    make.person(a.department_id, "Đinh Văn Không")  # no evidence: never a candidate
    for i in range(5):
        weak = make.person(a.department_id, f"Đinh Văn Yếu {i}")
        nominations.create_nomination(ctx, a.head, cycle_id=cycle, nominee_type="individual", person_id=weak,
                                      award_form="agency_certificate")
    with ctx.db.reading() as s:
        full = eligibility.eligibility(s, ctx, a.secretary, cycle, limit=None)
        people, cursor = [], None
        while True:  # the eligible list, page by page
            page = eligibility.eligibility(s, ctx, a.secretary, cycle, after_eligible=cursor, limit=2)
            people += [x["name"] for x in page["eligible_not_nominated"] if x["person_id"]]
            if not (cursor := page["next_eligible"]):
                break
        nominated, cursor = [], None
        while True:  # the nominated-but-not-eligible list, page by page
            page = eligibility.eligibility(s, ctx, a.secretary, cycle, after_nominated=cursor, limit=2)
            nominated += [x["nomination_id"] for x in page["nominated_not_eligible"]]
            if not (cursor := page["next_nominated"]):
                break
    assert sorted(people) == sorted(x["name"] for x in full["eligible_not_nominated"] if x["person_id"])
    assert len(people) == 7 and len(set(people)) == 7
    assert sorted(nominated) == sorted(x["nomination_id"] for x in full["nominated_not_eligible"])
    assert len(nominated) == 5


def test_departments_page_apart_and_every_eligible_one_is_found(ctx, make, monkeypatch):
    monkeypatch.setattr(eligibility, "DEPARTMENT_WINDOW", 1)  # one department examined per page
    a = make.agency()
    cycle = make.cycle()
    eligible = [a.department_id] + [make.department(f"Phòng Đạt {i}") for i in range(3)]
    for dept in eligible:
        make.rating(a, 2025, department_id=dept)
        make.initiative(a, department_id=dept, contest=True)
    with ctx.db.reading() as s:
        full = eligibility.eligibility(s, ctx, a.secretary, cycle, limit=None)
        found, cursor, pages = [], None, 0
        while True:
            page = eligibility.eligibility(s, ctx, a.secretary, cycle, after_collective=cursor, limit=1)
            found += [x["department_id"] for x in page["eligible_not_nominated"] if x["nominee_type"] == "collective"]
            pages += 1
            if not (cursor := page["next_collective"]):
                break
    assert sorted(found) == sorted(eligible) == sorted(
        x["department_id"] for x in full["eligible_not_nominated"] if x["nominee_type"] == "collective")
    assert pages >= len(eligible)  # the other department (not eligible) took a page of its own
