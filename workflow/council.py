"""The council's meetings and votes, and advancing what a meeting passed.

A meeting is a record: date, start and end time, place, chair and secretary from the roster,
and attendance by name (the quorum is counted from it). It can be corrected, with a reason in
the audit, until a council review has relied on it, and deleted while nothing refers to it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from states import Action, State

from .actors import load_actor
from .audit import audit
from .council_roster import in_office
from .errors import Conflict, Forbidden, Invalid, Problem, not_found
from .models import CouncilMeeting, CouncilVote, CouncilVoting, Document, MeetingAttendance, Nomination, ReviewCycle
from .nominations import ActionInput, ItemResult, take_action_on_many
from .text import nfc


def _require_secretary(actor) -> None:
    if not actor.has("council_secretary"):
        raise Forbidden("not_allowed", "Chỉ Thư ký Hội đồng TĐKT được ghi nhận cuộc họp và biểu quyết.")


@dataclass
class MeetingInput:
    """What the secretary records about a meeting."""

    held_on: date | None
    starts_at: time | None
    ends_at: time | None
    place: str
    chair_member_id: int | None
    secretary_member_id: int | None
    present_member_ids: list[int] = field(default_factory=list)
    note: str = ""


def opens_on(cycle: ReviewCycle) -> date:
    """The day the cycle's emulation registration opens: 1 January of its year (registration closes 31 March)."""
    return date(cycle.year, 1, 1)


def meeting_label(m: CouncilMeeting) -> str:
    """Unambiguous in a picker: date, time and place ('Họp ngày 20/11/2025, 08:00–10:30, Phòng họp số 1')."""
    text = f"Họp ngày {m.held_on:%d/%m/%Y}"
    if m.starts_at and m.ends_at:
        text += f", {m.starts_at:%H:%M}–{m.ends_at:%H:%M}"
    if m.place:
        text += f", {m.place}"
    if not (m.starts_at or m.place):
        text += f" (cuộc họp số {m.id})"
    return text


def _check(s: Session, ctx, cycle: ReviewCycle, data: MeetingInput) -> tuple[list, dict]:
    """Validate a meeting against the cycle and the roster in office; returns (roster, attendance)."""
    problems = []
    if data.held_on is None:
        raise Invalid(Problem("held_on", "Cần nhập ngày họp."))
    if data.held_on > ctx.clock.today():
        problems.append(Problem("held_on", "Ngày họp không được sau ngày hôm nay."))
    if data.held_on < opens_on(cycle):
        problems.append(Problem("held_on_before_cycle",
                                f"Ngày họp {data.held_on:%d/%m/%Y} trước khi {cycle.title} mở đăng ký"
                                f" ({opens_on(cycle):%d/%m/%Y})."))
    if data.starts_at is None or data.ends_at is None:
        problems.append(Problem("times", "Cần nhập giờ bắt đầu và giờ kết thúc cuộc họp."))
    elif data.ends_at <= data.starts_at:
        problems.append(Problem("times", "Giờ kết thúc phải sau giờ bắt đầu."))
    if not nfc(data.place or "").strip():
        problems.append(Problem("place", "Cần nhập địa điểm họp."))
    roster = in_office(s, data.held_on)
    ids = {m.id for m in roster}
    present = set(data.present_member_ids or [])
    if not roster:
        problems.append(Problem("no_roster", f"Chưa có thành viên Hội đồng đương nhiệm vào ngày"
                                             f" {data.held_on:%d/%m/%Y}; cập nhật danh sách Hội đồng trước."))
    elif present - ids:
        problems.append(Problem("not_in_office", "Có người được đánh dấu dự họp nhưng không phải thành viên"
                                                 " Hội đồng đương nhiệm vào ngày họp."))
    for key, member_id, title in (("chair", data.chair_member_id, "Chủ trì"),
                                  ("secretary", data.secretary_member_id, "Thư ký cuộc họp")):
        if member_id is None:
            problems.append(Problem(key, f"Cần chọn {title.lower()}."))
        elif member_id not in present:
            problems.append(Problem(key, f"{title} phải là thành viên Hội đồng có mặt tại cuộc họp."))
    if problems:
        raise Invalid(problems)
    return roster, {m.id: m.id in present for m in roster}


def _fill(meeting: CouncilMeeting, roster: list, attendance: dict, data: MeetingInput) -> None:
    by_id = {m.id: m for m in roster}
    meeting.held_on, meeting.starts_at, meeting.ends_at = data.held_on, data.starts_at, data.ends_at
    meeting.place = nfc(data.place).strip()
    meeting.chair_member_id, meeting.secretary_member_id = data.chair_member_id, data.secretary_member_id
    meeting.chair_name = by_id[data.chair_member_id].name
    meeting.note = nfc(data.note) or ""
    meeting.attendance = [MeetingAttendance(member_id=k, present=v) for k, v in attendance.items()]
    meeting.members_total = len(roster)
    meeting.members_present = sum(attendance.values())
    meeting.attendance_by_name = True


def _snapshot(m: CouncilMeeting) -> dict:
    return {"held_on": m.held_on.isoformat(), "starts_at": m.starts_at.isoformat() if m.starts_at else None,
            "ends_at": m.ends_at.isoformat() if m.ends_at else None, "place": m.place,
            "chair_member_id": m.chair_member_id, "secretary_member_id": m.secretary_member_id,
            "present": sorted(a.member_id for a in m.attendance if a.present),
            "members_total": m.members_total, "members_present": m.members_present}


def record_meeting(ctx, user_id: int, cycle_id: int, data: MeetingInput) -> int:
    """Record a council meeting of a cycle, with attendance by name. Returns its id."""
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        _require_secretary(actor)
        cycle = s.get(ReviewCycle, cycle_id)
        if cycle is None:
            raise not_found("kỳ xét")
        roster, attendance = _check(s, ctx, cycle, data)
        meeting = CouncilMeeting(cycle_id=cycle_id, created_by_id=user.id, created_at=ctx.clock.now())
        _fill(meeting, roster, attendance, data)
        s.add(meeting)
        s.flush()
        audit(s, ctx, actor_id=user.id, action="record_meeting", entity_type="council_meeting",
              entity_id=meeting.id, payload={"cycle_id": cycle_id, **_snapshot(meeting)})
        return meeting.id


def _used_by_review(s: Session, meeting_id: int) -> bool:
    return s.scalar(select(func.count()).select_from(Nomination)
                    .where(Nomination.council_meeting_id == meeting_id)) > 0


def correct_meeting(ctx, user_id: int, meeting_id: int, data: MeetingInput, reason: str) -> None:
    """Correct a meeting's record (audited, with the reason) until a council review has relied on it."""
    reason = nfc(reason or "").strip()
    if not reason:
        raise Invalid(Problem("reason_required", "Cần ghi rõ lý do sửa biên bản cuộc họp."))
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        _require_secretary(actor)
        meeting = s.get(CouncilMeeting, meeting_id, with_for_update=True)
        if meeting is None:
            raise not_found("cuộc họp Hội đồng")
        if _used_by_review(s, meeting.id):
            raise Conflict("meeting_used", "Hội đồng đã xét hồ sơ dựa trên cuộc họp này; không thể sửa.")
        _refuse_if_voting(s, meeting.id)
        before = _snapshot(meeting)
        roster, attendance = _check(s, ctx, meeting.cycle, data)
        present = sum(attendance.values())
        for vote in meeting.votes:
            if vote.votes_for + vote.votes_against > present:
                raise Invalid(Problem("too_many_votes", f"Biểu quyết đã ghi cho {vote.nomination.nominee_name}"
                                                        f" có {vote.votes_for + vote.votes_against} phiếu, nhiều"
                                                        f" hơn {present} thành viên dự họp sau khi sửa."))
        _fill(meeting, roster, attendance, data)
        meeting.updated_at = ctx.clock.now()
        audit(s, ctx, actor_id=user.id, action="correct_meeting", entity_type="council_meeting",
              entity_id=meeting.id, comment=reason, payload={"before": before, "after": _snapshot(meeting)})


def delete_meeting(ctx, user_id: int, meeting_id: int) -> None:
    """Delete a meeting recorded by mistake, while no vote, file or review refers to it."""
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        _require_secretary(actor)
        meeting = s.get(CouncilMeeting, meeting_id, with_for_update=True)
        if meeting is None:
            raise not_found("cuộc họp Hội đồng")
        files = s.scalar(select(func.count()).select_from(Document)
                         .where(Document.council_meeting_id == meeting.id))
        _refuse_if_voting(s, meeting.id)
        if meeting.votes or files or _used_by_review(s, meeting.id):
            raise Conflict("meeting_not_empty", "Cuộc họp đã có biểu quyết hoặc tài liệu; chỉ xóa được cuộc họp"
                                                " chưa có gì. Hãy sửa thông tin cuộc họp thay vì xóa.")
        snapshot = {"cycle_id": meeting.cycle_id, **_snapshot(meeting)}
        s.delete(meeting)
        audit(s, ctx, actor_id=user.id, action="delete_meeting", entity_type="council_meeting",
              entity_id=meeting_id, payload=snapshot)


def _refuse_if_voting(s: Session, meeting_id: int) -> None:
    # a vote held in the app (workflow/ballots.py) is counted from its ballots and attendance
    if s.get(CouncilVoting, meeting_id) is not None:
        raise Conflict("voting_in_app", "Cuộc họp này biểu quyết trên phần mềm: kết quả lấy từ phiếu của thành"
                                        " viên, không sửa danh sách dự họp hay nhập tổng số phiếu bằng tay.")


def reviewed_on(ctx, nom: Nomination) -> date | None:
    """The local day the department reviewed the nomination (its criteria were stored then)."""
    return nom.criteria_evaluated_at.astimezone(ctx.clock.tz).date() if nom.criteria_evaluated_at else None


def record_vote(ctx, user_id: int, meeting_id: int, *, nomination_id: int, votes_for: int,
                votes_against: int) -> int:
    """Record (or correct) the council's vote on one nomination at one meeting (the paper tally)."""
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
        reviewed = reviewed_on(ctx, nom)
        if reviewed is not None and reviewed > meeting.held_on:
            raise Conflict("reviewed_after_meeting",
                           f"Phòng xét hồ sơ này ngày {reviewed:%d/%m/%Y}, sau cuộc họp ngày"
                           f" {meeting.held_on:%d/%m/%Y}: cuộc họp đó không thể đã biểu quyết hồ sơ này.")
        if votes_for + votes_against > meeting.members_present:
            raise Invalid(Problem("too_many_votes",
                                  f"Tổng số phiếu ({votes_for + votes_against}) vượt số thành viên dự họp"
                                  f" ({meeting.members_present})."))
        _refuse_if_voting(s, meeting.id)
        vote = s.scalars(select(CouncilVote).where(CouncilVote.meeting_id == meeting_id,
                                                   CouncilVote.nomination_id == nomination_id)).first()
        before = {"votes_for": vote.votes_for, "votes_against": vote.votes_against} if vote else None
        if vote is None:
            vote = CouncilVote(meeting_id=meeting_id, nomination_id=nomination_id, votes_for=votes_for,
                               votes_against=votes_against, tally="paper", recorded_by_id=user.id,
                               recorded_at=ctx.clock.now())
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
    """Council review of every nomination voted at this meeting, and for each one not advanced, why."""
    skipped: list[ItemResult] = []
    with ctx.db.reading() as s:
        meeting = s.get(CouncilMeeting, meeting_id)
        if meeting is None:
            raise not_found("cuộc họp Hội đồng")
        items = []
        voted = set()
        for vote in meeting.votes:
            voted.add(vote.nomination_id)
            state = State(vote.nomination.state)
            if state == State.DEPARTMENT_REVIEWED:
                items.append((vote.nomination_id, vote.nomination.version))
            else:
                skipped.append(ItemResult(vote.nomination_id, False, error=Conflict(
                    "not_on_agenda", f"Hồ sơ đang ở trạng thái “{state.title}”, không còn chờ Hội đồng xét.")))
        waiting = s.scalars(select(Nomination).where(Nomination.cycle_id == meeting.cycle_id,
                                                     Nomination.state == State.DEPARTMENT_REVIEWED)).all()
        for nom in waiting:
            if nom.id not in voted:
                skipped.append(ItemResult(nom.id, False, error=Conflict(
                    "vote_missing", f"Cuộc họp {meeting_label(meeting)} chưa ghi biểu quyết cho hồ sơ này.")))
    results = take_action_on_many(ctx, user_id, Action.COUNCIL_REVIEW, items, ActionInput(meeting_id=meeting_id))
    return results + skipped
