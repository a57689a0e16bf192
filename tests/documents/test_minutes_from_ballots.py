"""The council minutes follow the meeting record and its count: time and place, who attended by name,
how the members voted (secret ballot in the app, paper ballots entered) and the result per nomination."""
from __future__ import annotations

from sqlalchemy import select

from states import State
from workflow import ballots, documents
from workflow.models import CouncilMember, User

from .conftest import all_text, docx_of


def test_the_minutes_are_written_from_a_secret_vote_held_in_the_app(ctx, make):
    ctx.settings.raw.setdefault("council", {})["secret_ballot"] = True
    a = make.agency()
    passed, failed = (make.nomination(a, state=State.DEPARTMENT_REVIEWED) for _ in range(2))
    meeting = make.meeting(a, make.cycle(), present=5, total=7)
    seated = make.roster(a, 7)
    with ctx.db.reading() as s:
        people = {m: s.get(CouncilMember, m).person_id for m in seated}
        users = {u.person_id: u.id for u in s.scalars(select(User)) if u.person_id}
    logins = {m: users.get(p) or make.user(["council_member"], p) for m, p in people.items()}
    ballots.open_voting(ctx, a.secretary, meeting)
    for i, (c1, c2) in enumerate([("for", "for"), ("for", "against"), ("for", "against"), ("against", "against")]):
        ballots.cast_ballots(ctx, logins[seated[i]], meeting, {passed: c1, failed: c2})
    ballots.cast_ballots(ctx, a.secretary, meeting, {passed: "for", failed: "for"}, paper_for_member_id=seated[4])
    ballots.close_voting(ctx, a.secretary, meeting)
    doc = docx_of(ctx, documents.generate(ctx, a.secretary, "council_minutes", meeting_id=meeting))
    text = all_text(doc)
    assert "Thời gian họp: từ 08 giờ 00 đến 10 giờ 30; địa điểm: Phòng họp số 1." in text
    assert "- Chủ trì: Đặng Tấn Giản." in text
    assert "- Thành viên Hội đồng dự họp: 05/07 thành viên (71,4%): Đặng Tấn Giản (Chủ tịch Hội đồng);" in text
    assert ("các thành viên dự họp bỏ phiếu kín đối với từng trường hợp trên phần mềm quản lý thi đua, khen"
            " thưởng (01 thành viên bỏ phiếu giấy, Thư ký nhập vào phần mềm)") in text
    rows = [[c.text for c in r.cells[3:]] for r in doc.tables[1].rows[1:]]
    assert sorted(rows) == [["2", "3", "40%", "Không đạt"], ["4", "1", "80%", "Đạt"]]
