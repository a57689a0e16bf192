"""The council's vote through the pages: the secretary opens and closes at her desk, a member votes from
the inbox link, a paper ballot is entered on a member's behalf; a member of a secret voting sees only
that they voted (the phone-sized browser test is tests/web/test_ballot_browser.py)."""
from __future__ import annotations

from sqlalchemy import select

from states import State
from workflow.models import CouncilMember, CouncilVote, User


def _seat_users(ctx, make, a, total=7, present=5):
    """Two department-reviewed nominations, a meeting with `present` of `total`, a login per member."""
    noms = [make.nomination(a, state=State.DEPARTMENT_REVIEWED) for _ in range(2)]
    meeting = make.meeting(a, make.cycle(), present=present, total=total)
    seated = make.roster(a, total)
    with ctx.db.reading() as s:
        people = {m: s.get(CouncilMember, m).person_id for m in seated}
        users = {u.person_id: u.id for u in s.scalars(select(User)) if u.person_id}
    logins = {m: users.get(p) or make.user(["council_member"], p) for m, p in people.items()}
    return noms, meeting, seated, logins


def test_a_meeting_votes_through_the_pages(ctx, make, browser_for):
    a = make.agency()
    (n1, n2), meeting, seated, logins = _seat_users(ctx, make, a)
    secretary = browser_for(a.secretary)
    assert "Mở biểu quyết" in secretary.get(f"/ballots/{meeting}/desk").get_data(as_text=True)
    assert secretary.post(f"/ballots/{meeting}/open").status_code == 302
    member = browser_for(logins[seated[3]])
    inbox = member.get("/").get_data(as_text=True)
    assert "Hội đồng đang biểu quyết" in inbox and f"/ballots/{meeting}" in inbox
    assert member.post(f"/ballots/{meeting}", data={f"choice-{n1}": "for", f"choice-{n2}": "against"}).status_code == 302
    page = member.get(f"/ballots/{meeting}").get_data(as_text=True)
    assert "Đã biểu quyết: Đồng ý" in page and "Đã biểu quyết: Không đồng ý" in page
    again = member.post(f"/ballots/{meeting}", data={f"choice-{n1}": "against"})
    assert again.status_code == 422 and "chỉ bỏ một phiếu" in again.get_data(as_text=True)
    absent = browser_for(logins[seated[6]])
    assert "Hội đồng đang biểu quyết" not in absent.get("/").get_data(as_text=True)
    refused = absent.post(f"/ballots/{meeting}", data={f"choice-{n1}": "for"})
    assert refused.status_code == 403
    paper = secretary.post(f"/ballots/{meeting}/paper",
                           data={"member_id": seated[4], f"choice-{n1}": "for", f"choice-{n2}": "for"})
    assert paper.status_code == 302
    assert "phiếu giấy, Thư ký nhập" in secretary.get(f"/ballots/{meeting}/desk").get_data(as_text=True)
    assert member.post(f"/ballots/{meeting}/close").status_code == 403
    assert secretary.post(f"/ballots/{meeting}/close").status_code == 302
    desk = secretary.get(f"/ballots/{meeting}/desk").get_data(as_text=True)
    assert "đã kết thúc" in desk and "2 đồng ý" in desk
    with ctx.db.reading() as s:
        votes = {v.nomination_id: v.votes_for for v in s.scalars(select(CouncilVote).where(
            CouncilVote.meeting_id == meeting))}
    assert votes == {n1: 2, n2: 1}


def test_a_member_of_a_secret_voting_sees_only_that_they_voted(ctx, make, browser_for):
    ctx.settings.raw.setdefault("council", {})["secret_ballot"] = True
    a = make.agency()
    (n1, _), meeting, seated, logins = _seat_users(ctx, make, a)
    browser_for(a.secretary).post(f"/ballots/{meeting}/open")
    member = browser_for(logins[seated[3]])
    member.post(f"/ballots/{meeting}", data={f"choice-{n1}": "against"})
    page = member.get(f"/ballots/{meeting}").get_data(as_text=True)
    assert "Đã biểu quyết" in page and "Đã biểu quyết: Không đồng ý" not in page and "Bỏ phiếu kín" in page


def test_staff_outside_the_council_do_not_see_a_voting(ctx, make, browser_for):
    a = make.agency()
    _, meeting, _, _ = _seat_users(ctx, make, a)
    browser_for(a.secretary).post(f"/ballots/{meeting}/open")
    assert browser_for(a.staff_user).get(f"/ballots/{meeting}").status_code == 403


def test_a_member_nominated_on_the_agenda_is_shown_why_they_do_not_vote_on_it(ctx, make, browser_for):
    from datetime import date

    from workflow import council_roster
    a = make.agency()
    own = make.nomination(a, person_id=a.staff_person, state=State.DEPARTMENT_REVIEWED)
    other = make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    make.roster(a, 4)
    council_roster.add_member(ctx, a.secretary, person_id=a.staff_person, council_role="member",
                              term_from=date(2020, 1, 1))
    meeting = make.meeting(a, make.cycle(), present=5, total=5)
    assert browser_for(a.secretary).post(f"/ballots/{meeting}/open").status_code == 302
    member = browser_for(a.staff_user)
    page = member.get(f"/ballots/{meeting}").get_data(as_text=True)
    assert f'data-testid="own-{own}"' in page and f'name="choice-{own}"' not in page and f'name="choice-{other}"' in page
    assert "nguyên tắc tách bạch nhiệm vụ" in page
    refused = member.post(f"/ballots/{meeting}", data={f"choice-{own}": "for"})
    assert refused.status_code == 422 and "không biểu quyết hồ sơ này" in refused.get_data(as_text=True)
