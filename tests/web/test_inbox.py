"""The inbox lists a user's own steps only, counted per group, the first items shown, returned ones first."""
from __future__ import annotations

from sqlalchemy import event

from states import State
from workflow import inbox

from .helpers import text_of


def test_a_returned_dossier_is_in_the_inbox_of_whoever_must_act_on_it_and_of_no_one_else(ctx, make, browser_for):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person, state=State.DEPARTMENT_REVIEWED)
    make.act(a.secretary, nid, "send_back", comment="Thiếu xác nhận của Sở Nội vụ")
    head = text_of(browser_for(a.head).get("/"))
    assert head.count("Thiếu xác nhận của Sở Nội vụ") == 1  # once, in its group: not twice
    assert "Có 1 hồ sơ đang chờ bạn xử lý" in head and "1 bị trả lại" in head
    for user in (a.admin, a.agency_head, a.deputy, a.secretary, a.member, a.other_head):
        page = text_of(browser_for(user).get("/"))
        assert "Thiếu xác nhận của Sở Nội vụ" not in page and "Lê Thị Hoà" not in page, user


def test_the_next_move_clears_the_returned_mark(ctx, make, browser_for):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person, state=State.DEPARTMENT_REVIEWED)
    make.act(a.secretary, nid, "send_back", comment="Thiếu xác nhận của Sở Nội vụ")
    make._department_review(a, nid)
    page = text_of(browser_for(a.secretary).get("/"))
    assert "Lê Thị Hoà" in page and "Bị trả lại" not in page


def test_a_large_group_shows_its_first_items_returned_first_and_a_link_to_all(ctx, make, browser_for):
    a = make.agency()
    nids = [make.nomination(a) for _ in range(inbox.FIRST_ITEMS + 2)]
    make._department_review(a, nids[-1])
    make.act(a.secretary, nids[-1], "send_back", comment="Bổ sung biên bản")
    page = text_of(browser_for(a.head).get("/"))
    assert f"Có {len(nids)} hồ sơ đang chờ bạn xử lý" in page
    assert f"Đang hiện {inbox.FIRST_ITEMS} trên {len(nids)} hồ sơ" in page and "Xem tất cả" in page
    assert "Bổ sung biên bản" in page  # the newest one, shown because returned ones come first


def test_the_inbox_runs_the_same_number_of_queries_for_few_and_many_items(ctx, make):
    a = make.agency()
    statements = []
    event.listen(ctx.db.engine, "before_cursor_execute", lambda *args: statements.append(1))

    def count() -> int:
        from workflow.actors import load_actor
        statements.clear()
        with ctx.db.reading() as s:
            _, actor = load_actor(s, a.head)
            inbox.inbox_groups(s, actor)
        return len(statements)

    make.nomination(a)
    few = count()
    for _ in range(inbox.FIRST_ITEMS + 3):
        make.nomination(a)
    assert count() == few


def test_past_the_cap_a_count_reads_more_than_and_the_next_cycle_is_counted_apart(ctx, make, browser_for, monkeypatch):
    monkeypatch.setattr(inbox, "COUNT_CAP", 2)  # counting stops there: never a scan of every dossier
    a = make.agency()
    for _ in range(3):
        make.nomination(a)
    make.nomination(a, cycle_id=make.cycle(year=2026, campaign="CCHC-2026-2030"))
    page = text_of(browser_for(a.head).get("/"))
    assert "Có hơn 3 hồ sơ đang chờ bạn xử lý" in page  # 2 capped (really 3) + 1 of the next cycle
    assert "hơn 2" in page  # the capped group's badge
