"""What a department proposed is frozen at its review: later changes never rewrite its list or the minutes."""
from __future__ import annotations

from alembic import command
from sqlalchemy import select

from states import State
from workflow import council, proposals, schema
from workflow.actors import load_actor
from workflow.documents import drafts
from workflow.models import DepartmentProposal, Person


def _list_names(ctx, make, a) -> list[str]:
    with ctx.db.reading() as s:
        _, actor = load_actor(s, a.secretary)
        draft = drafts.department_list(s, ctx, actor, make.cycle(), a.department_id)
    return [r["name"] for r in draft.context["collectives"] + draft.context["individuals"]]


def test_the_department_list_keeps_what_was_proposed_whatever_happened_later(ctx, make):
    a = make.agency()
    rejected = make.nomination(a, person_id=a.staff_person, state=State.DEPARTMENT_REVIEWED)
    kept = make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    make.act(a.secretary, rejected, "reject", comment="Hội đồng không thông qua")
    with ctx.db.transaction() as s:   # the directory changes after the review
        s.get(Person, a.staff_person).position = "Phó Trưởng phòng"
    names = _list_names(ctx, make, a)
    assert any("Lê Thị Hoà" in n and "Phó Trưởng phòng" not in n for n in names), names
    assert len(names) == 2
    with ctx.db.reading() as s:
        assert set(proposals.latest(s, make.cycle(), a.department_id)) == {rejected, kept}


def test_a_nomination_rejected_before_the_review_was_never_proposed(ctx, make):
    a = make.agency()
    make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    dropped = make.nomination(a)
    make.act(a.head, dropped, "reject", comment="Không đủ tiêu chuẩn")
    assert len(_list_names(ctx, make, a)) == 1


def test_the_minutes_count_what_the_departments_proposed_and_name_the_members(ctx, make):
    a = make.agency()
    nid = make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    meeting = make.meeting(a, make.cycle(), present=6, total=7)
    council.record_vote(ctx, a.secretary, meeting, nomination_id=nid, votes_for=6, votes_against=0)
    make.act(a.secretary, nid, "reject", comment="Rút khỏi danh sách")
    with ctx.db.reading() as s:
        _, actor = load_actor(s, a.secretary)
        context = drafts.council_minutes(s, ctx, actor, meeting, None).context
    assert context["voted"] == "01 cá nhân"
    assert "Đặng Tấn Giản (Chủ tịch Hội đồng)" in context["present_names"]
    assert context["secretary_name"] == "Phạm Văn Thư"


def test_reviews_before_the_snapshot_existed_are_frozen_when_migrating(ctx, make):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person, state=State.DEPARTMENT_REVIEWED)
    schema.migrate(ctx.db.engine, command.downgrade, "0002")
    schema.upgrade(ctx.db.engine)
    with ctx.db.reading() as s:
        row = s.scalars(select(DepartmentProposal)).one()
    assert row.nomination_id == nid and "Lê Thị Hoà" in row.line
    assert row.note.startswith("Đề nghị tặng Giấy khen của")


def test_the_nomination_page_shows_the_frozen_proposal_and_the_meeting_that_voted(ctx, make):
    from webapp import create_app

    from ..web.conftest import Browser
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person, state=State.COUNCIL_REVIEWED)
    app = create_app(context=ctx)
    app.config.update(TESTING=True)
    html = Browser(app.test_client()).login(make.username(a.secretary)).get(f"/nominations/{nid}").get_data(as_text=True)
    assert "chốt khi Phòng xét" in html and "Họp ngày 20/11/2025, 08:00–10:30, Phòng họp số 1" in html
