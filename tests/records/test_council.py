"""The council meeting as a record: within the cycle, quorum from attendance by name, votes only on what
the department had reviewed by the meeting day, corrections audited until used, deletion while empty."""
from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from states import State
from workflow import council, council_roster
from workflow.errors import Conflict, Invalid
from workflow.models import AuditEntry, CouncilMeeting

from .helpers import Api


def _input(seated, present, **kw) -> council.MeetingInput:
    return council.MeetingInput(**{"held_on": date(2025, 11, 20), "starts_at": time(8), "ends_at": time(10),
                                   "place": "Phòng họp số 1", "chair_member_id": seated[0],
                                   "secretary_member_id": seated[1], "present_member_ids": seated[:present], **kw})


def _problems(exc) -> set[str]:
    return {p.code for p in exc.value.problems}


def test_the_quorum_is_counted_from_attendance_by_name(ctx, make):
    a = make.agency()
    seated = make.roster(a, 7)
    low = council.record_meeting(ctx, a.secretary, make.cycle(), _input(seated, 4))
    ok = council.record_meeting(ctx, a.secretary, make.cycle(), _input(seated, 5))
    with ctx.db.reading() as s:
        low_m, ok_m = s.get(CouncilMeeting, low), s.get(CouncilMeeting, ok)
        assert (low_m.members_present, low_m.members_total) == (4, 7)
        assert (ok_m.members_present, ok_m.members_total) == (5, 7)
        assert [a_.member.name for a_ in ok_m.attendance if a_.present][:2] == ["Đặng Tấn Giản", "Phạm Văn Thư"]
    nid = make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    council.record_vote(ctx, a.secretary, low, nomination_id=nid, votes_for=4, votes_against=0)
    with pytest.raises(Invalid) as err:
        make.act(a.secretary, nid, "council_review", meeting_id=low)
    assert "quorum_not_met" in _problems(err)
    # the chair must be there, and only members in office count
    with pytest.raises(Invalid) as err:
        council.record_meeting(ctx, a.secretary, make.cycle(), _input(seated, 5, chair_member_id=seated[6]))
    assert "chair" in _problems(err)


def test_a_meeting_outside_the_cycle_is_refused(ctx, make):
    a = make.agency()
    seated = make.roster(a, 7)
    for day, code in ((date(2020, 1, 1), "held_on_before_cycle"), (date(2025, 11, 21), "held_on")):
        with pytest.raises(Invalid) as err:
            council.record_meeting(ctx, a.secretary, make.cycle(), _input(seated, 5, held_on=day))
        assert code in _problems(err)
    with pytest.raises(Invalid) as err:
        council.record_meeting(ctx, a.secretary, make.cycle(), _input(seated, 5, ends_at=time(7)))
    assert "times" in _problems(err)


def test_votes_are_refused_on_nominations_reviewed_after_the_meeting_day(ctx, make, clock):
    a = make.agency()
    seated = make.roster(a, 7)
    clock.set(date(2025, 11, 24))
    early = council.record_meeting(ctx, a.secretary, make.cycle(), _input(seated, 6, held_on=date(2025, 11, 24)))
    clock.set(date(2025, 12, 1))
    nid = make.nomination(a, state=State.DEPARTMENT_REVIEWED)   # reviewed on 01/12
    with pytest.raises(Conflict) as err:
        council.record_vote(ctx, a.secretary, early, nomination_id=nid, votes_for=6, votes_against=0)
    assert err.value.code == "reviewed_after_meeting" and "01/12/2025" in err.value.message
    later = council.record_meeting(ctx, a.secretary, make.cycle(), _input(seated, 6, held_on=date(2025, 12, 1)))
    council.record_vote(ctx, a.secretary, later, nomination_id=nid, votes_for=6, votes_against=0)


def test_a_correction_is_audited_with_its_reason_and_blocked_once_a_review_used_the_meeting(ctx, make):
    a = make.agency()
    seated = make.roster(a, 7)
    meeting = council.record_meeting(ctx, a.secretary, make.cycle(), _input(seated, 5))
    with pytest.raises(Invalid):
        council.correct_meeting(ctx, a.secretary, meeting, _input(seated, 6), "  ")
    council.correct_meeting(ctx, a.secretary, meeting, _input(seated, 6, place="Hội trường"), "Ghi thiếu một người")
    with ctx.db.reading() as s:
        m = s.get(CouncilMeeting, meeting)
        assert (m.members_present, m.place) == (6, "Hội trường")
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "correct_meeting")).one()
        assert entry.comment == "Ghi thiếu một người"
        assert entry.payload["before"]["members_present"] == 5 and entry.payload["after"]["members_present"] == 6
    nid = make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    council.record_vote(ctx, a.secretary, meeting, nomination_id=nid, votes_for=6, votes_against=0)
    with pytest.raises(Invalid) as err:   # 6 votes recorded: attendance cannot drop below that
        council.correct_meeting(ctx, a.secretary, meeting, _input(seated, 5), "bớt người")
    assert "too_many_votes" in _problems(err)
    make.act(a.secretary, nid, "council_review", meeting_id=meeting)
    with pytest.raises(Conflict) as err:
        council.correct_meeting(ctx, a.secretary, meeting, _input(seated, 7), "muộn")
    assert err.value.code == "meeting_used"
    with pytest.raises(Conflict):
        council.delete_meeting(ctx, a.secretary, meeting)


def test_an_empty_meeting_is_deleted_and_the_deletion_audited(ctx, make):
    a = make.agency()
    seated = make.roster(a, 7)
    meeting = council.record_meeting(ctx, a.secretary, make.cycle(), _input(seated, 5))
    council.delete_meeting(ctx, a.secretary, meeting)
    with ctx.db.reading() as s:
        assert s.get(CouncilMeeting, meeting) is None
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "delete_meeting")).one().entity_id == meeting


def test_pickers_tell_two_meetings_of_one_day_apart_and_advance_says_why_it_skipped(ctx, make):
    a = make.agency()
    seated = make.roster(a, 7)
    morning = council.record_meeting(ctx, a.secretary, make.cycle(), _input(seated, 6))
    afternoon = council.record_meeting(ctx, a.secretary, make.cycle(),
                                       _input(seated, 6, starts_at=time(14), ends_at=time(16), place="Hội trường"))
    with ctx.db.reading() as s:
        labels = {council.meeting_label(s.get(CouncilMeeting, m)) for m in (morning, afternoon)}
    assert labels == {"Họp ngày 20/11/2025, 08:00–10:00, Phòng họp số 1",
                      "Họp ngày 20/11/2025, 14:00–16:00, Hội trường"}
    voted, unvoted = (make.nomination(a, state=State.DEPARTMENT_REVIEWED) for _ in range(2))
    council.record_vote(ctx, a.secretary, morning, nomination_id=voted, votes_for=2, votes_against=4)
    results = {r.nomination_id: r for r in council.advance_passed(ctx, a.secretary, morning)}
    assert set(results) == {voted, unvoted} and not any(r.ok for r in results.values())
    assert results[voted].error.problems[0].code == "vote_not_passed"
    assert results[unvoted].error.code == "vote_missing" and "08:00–10:00" in results[unvoted].error.message


def test_the_api_records_roster_and_meeting_and_the_page_shows_every_vote(ctx, make):
    a = make.agency()
    api = Api(ctx, make)
    with ctx.db.reading() as s:
        from workflow.models import User
        head_person = s.get(User, a.agency_head).person_id
    r = api.post(a.secretary, "/api/v1/council-members", json={"person_id": head_person, "council_role": "chair",
                                                               "title": "Giám đốc Sở", "term_from": "2025-01-01"})
    assert r.status_code == 201 and r.get_json()["role_title"] == "Chủ tịch Hội đồng"
    seated = make.roster(a, 7)
    assert len(api.get(a.member, "/api/v1/council-members?on=2025-11-20").get_json()["items"]) == 7
    nid = make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    meeting = council.record_meeting(ctx, a.secretary, make.cycle(), _input(seated, 6))
    council.record_vote(ctx, a.secretary, meeting, nomination_id=nid, votes_for=5, votes_against=1)
    body = api.get(a.member, f"/api/v1/council-meetings/{meeting}").get_json()
    assert body["chair"]["name"] == "Đặng Tấn Giản" and body["votes"][0]["tally"] == "paper"
    assert sum(x["present"] for x in body["attendance"]) == 6
    r = api.post(a.secretary, f"/api/v1/council-meetings/{meeting}/correction",
                 json={"held_on": "2025-11-20", "starts_at": "08:00", "ends_at": "11:00", "place": "Phòng họp số 1",
                       "chair_member_id": seated[0], "secretary_member_id": seated[1],
                       "present_member_ids": seated[:6]})
    assert r.status_code == 422   # no reason
    with ctx.db.reading() as s:
        assert council_roster.in_office(s, date(2025, 11, 20))
