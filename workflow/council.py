"""The council's meetings and votes, and advancing what a meeting passed."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from states import Action, State

from .actors import load_actor
from .audit import audit
from .errors import Conflict, Forbidden, Invalid, Problem, not_found
from .models import CouncilMeeting, CouncilVote, Nomination, ReviewCycle
from .nominations import ActionInput, ItemResult, take_action_on_many
from .text import nfc


def _require_secretary(actor) -> None:
    if not actor.has("council_secretary"):
        raise Forbidden("not_allowed", "Chỉ Thư ký Hội đồng TĐKT được ghi nhận cuộc họp và biểu quyết.")


def record_meeting(ctx, user_id: int, cycle_id: int, *, held_on: date, members_total: int,
                   members_present: int, chair_name: str = "", note: str = "") -> int:
    """Record a council meeting of a cycle: date and attendance. Returns its id."""
    problems = []
    if not isinstance(members_total, int) or not 0 < members_total <= 500:
        problems.append(Problem("members_total", "Số thành viên Hội đồng phải là số nguyên dương (tối đa 500)."))
    if not isinstance(members_present, int) or members_present < 0:
        problems.append(Problem("members_present", "Số thành viên dự họp phải là số nguyên không âm."))
    elif isinstance(members_total, int) and members_present > members_total:
        problems.append(Problem("members_present", "Số thành viên dự họp không thể lớn hơn số thành viên Hội đồng."))
    if held_on is None:
        problems.append(Problem("held_on", "Cần nhập ngày họp."))
    elif held_on > ctx.clock.today():
        problems.append(Problem("held_on", "Ngày họp không được sau ngày hôm nay."))
    if problems:
        raise Invalid(problems)
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        _require_secretary(actor)
        if s.get(ReviewCycle, cycle_id) is None:
            raise not_found("kỳ xét")
        meeting = CouncilMeeting(cycle_id=cycle_id, held_on=held_on, members_total=members_total,
                                 members_present=members_present, chair_name=nfc(chair_name) or "",
                                 note=nfc(note) or "", created_by_id=user.id, created_at=ctx.clock.now())
        s.add(meeting)
        s.flush()
        audit(s, ctx, actor_id=user.id, action="record_meeting", entity_type="council_meeting",
              entity_id=meeting.id, payload={"cycle_id": cycle_id, "held_on": held_on.isoformat(),
                                             "members_total": members_total, "members_present": members_present})
        return meeting.id


def record_vote(ctx, user_id: int, meeting_id: int, *, nomination_id: int, votes_for: int,
                votes_against: int) -> int:
    """Record (or correct) the council's vote on one nomination at one meeting."""
    problems = []
    for name, value in (("votes_for", votes_for), ("votes_against", votes_against)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(Problem(name, "Số phiếu phải là số nguyên không âm."))
    if problems:
        raise Invalid(problems)
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        _require_secretary(actor)
        meeting = s.get(CouncilMeeting, meeting_id)
        if meeting is None:
            raise not_found("cuộc họp Hội đồng")
        # Lock the nomination as take_action does: a vote corrected while the council review
        # runs waits for it (or it for the vote), never slips past it.
        nom = s.get(Nomination, nomination_id, with_for_update=True)
        if nom is None:
            raise not_found("đề nghị khen thưởng")
        if nom.cycle_id != meeting.cycle_id:
            raise Invalid(Problem("meeting_not_in_cycle", "Hồ sơ không thuộc kỳ xét của cuộc họp này."))
        if nom.state != State.DEPARTMENT_REVIEWED:
            raise Conflict("not_on_agenda", f"Chỉ biểu quyết hồ sơ ở trạng thái “{State.DEPARTMENT_REVIEWED.title}”.")
        if votes_for + votes_against > meeting.members_present:
            raise Invalid(Problem("too_many_votes",
                                  f"Tổng số phiếu ({votes_for + votes_against}) vượt số thành viên dự họp"
                                  f" ({meeting.members_present})."))
        vote = s.scalars(select(CouncilVote).where(CouncilVote.meeting_id == meeting_id,
                                                   CouncilVote.nomination_id == nomination_id)).first()
        before = {"votes_for": vote.votes_for, "votes_against": vote.votes_against} if vote else None
        if vote is None:
            vote = CouncilVote(meeting_id=meeting_id, nomination_id=nomination_id, votes_for=votes_for,
                               votes_against=votes_against, recorded_by_id=user.id, recorded_at=ctx.clock.now())
            s.add(vote)
        else:
            vote.votes_for, vote.votes_against = votes_for, votes_against
            vote.recorded_by_id, vote.recorded_at = user.id, ctx.clock.now()
        s.flush()
        audit(s, ctx, actor_id=user.id, action="record_vote", entity_type="council_vote", entity_id=vote.id,
              nomination_id=nomination_id,
              payload={"meeting_id": meeting_id, "votes_for": votes_for, "votes_against": votes_against,
                       "previous": before})
        return vote.id


def advance_passed(ctx, user_id: int, meeting_id: int) -> list[ItemResult]:
    """Council review of every nomination voted at this meeting; each with its own result."""
    with ctx.db.reading() as s:
        meeting = s.get(CouncilMeeting, meeting_id)
        if meeting is None:
            raise not_found("cuộc họp Hội đồng")
        items = []
        for vote in meeting.votes:
            # the ones that did not pass come back with the reason, not silently skipped
            if vote.nomination.state == State.DEPARTMENT_REVIEWED:
                items.append((vote.nomination_id, vote.nomination.version))
    return take_action_on_many(ctx, user_id, Action.COUNCIL_REVIEW, items, ActionInput(meeting_id=meeting_id))
