"""The council votes in the app: the secretary opens voting at a meeting, each member present votes
per nomination (or the secretary enters their paper ballot), the secretary closes it.

Closing counts the ballots into the meeting's `CouncilVote` rows (tally "ballots"), so the pass
rule, the quorum rule and "advance what passed" are the council's own, unchanged. In a secret
voting who voted (`BallotParticipation`) and how (`Ballot`) share no column, and nothing here
reads them together: the audit says who voted on what, never the choice.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from states import State

from .actors import load_actor
from .audit import audit, record_event
from .council import meeting_label, reviewed_on
from .errors import Conflict, Forbidden, Invalid, Problem, not_found
from .models import (
    AWARD_FORMS,
    CHOICES,
    Ballot,
    BallotParticipation,
    CouncilMeeting,
    CouncilMember,
    CouncilVote,
    CouncilVoting,
    MeetingAttendance,
    Nomination,
    User,
    VotingItem,
)
from .nominations import quorum_met, vote_passes


def _require_secretary(actor) -> None:
    if not actor.has("council_secretary"):
        raise Forbidden("not_allowed", "Chỉ Thư ký Hội đồng TĐKT được mở, đóng biểu quyết hoặc nhập phiếu giấy.")


def agenda(s: Session, ctx, meeting: CouncilMeeting) -> list[Nomination]:
    """What the meeting can vote on: the cycle's nominations the departments had reviewed by its day."""
    rows = s.scalars(select(Nomination).where(Nomination.cycle_id == meeting.cycle_id,
                                              Nomination.state == State.DEPARTMENT_REVIEWED)
                     .order_by(Nomination.id)).all()
    return [n for n in rows if (reviewed_on(ctx, n) or meeting.held_on) <= meeting.held_on]


def open_voting(ctx, user_id: int, meeting_id: int) -> None:
    """Open voting at a meeting on its agenda; secret and abstain are fixed now from the settings."""
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        _require_secretary(actor)
        meeting = s.get(CouncilMeeting, meeting_id, with_for_update=True)
        if meeting is None:
            raise not_found("cuộc họp Hội đồng")
        if s.get(CouncilVoting, meeting_id) is not None:
            raise Conflict("voting_exists", "Cuộc họp này đã mở biểu quyết.")
        if meeting.votes:
            raise Conflict("paper_tally_exists", "Cuộc họp đã có kết quả kiểm phiếu nhập tay; không mở biểu"
                                                 " quyết trên phần mềm cho cuộc họp này.")
        if not meeting.attendance_by_name:
            raise Conflict("attendance_not_by_name", "Cuộc họp chưa ghi danh sách thành viên dự họp theo tên.")
        if not quorum_met(ctx.settings, meeting):
            raise Conflict("quorum_not_met", f"Cuộc họp chỉ có {meeting.members_present}/{meeting.members_total}"
                                             f" thành viên dự, chưa đủ tỷ lệ {ctx.settings.quorum}.")
        items = agenda(s, ctx, meeting)
        if not items:
            raise Conflict("empty_agenda", "Không có hồ sơ nào Phòng đã xét đến ngày họp để biểu quyết.")
        voting = CouncilVoting(meeting_id=meeting.id, secret=ctx.settings.secret_ballot,
                               abstain_allowed=ctx.settings.abstain_allowed, opened_by_id=user.id,
                               opened_at=ctx.clock.now())
        voting.agenda = [VotingItem(nomination_id=n.id, position=i) for i, n in enumerate(items, 1)]
        s.add(voting)
        s.flush()
        audit(s, ctx, actor_id=user.id, action="open_voting", entity_type="council_voting", entity_id=meeting.id,
              payload={"secret": voting.secret, "abstain_allowed": voting.abstain_allowed,
                       "agenda": [n.id for n in items]})


def _member_present(s: Session, meeting_id: int, *, person_id: int | None = None,
                    member_id: int | None = None) -> CouncilMember | None:
    q = (select(CouncilMember).join(MeetingAttendance, MeetingAttendance.member_id == CouncilMember.id)
         .where(MeetingAttendance.meeting_id == meeting_id, MeetingAttendance.present.is_(True)))
    q = q.where(CouncilMember.person_id == person_id) if member_id is None else q.where(CouncilMember.id == member_id)
    return s.scalars(q).first() if (person_id or member_id) else None


def _own_items(voting: CouncilVoting, member: CouncilMember) -> set[int]:
    """The agenda's nominations of which this member is the nominee: separation of duties keeps them out
    of the member's vote (as it keeps a nominee from taking any step on their own dossier)."""
    return {i.nomination_id for i in voting.agenda
            if i.nomination.person_id is not None and i.nomination.person_id == member.person_id}


def cast_ballots(ctx, user_id: int, meeting_id: int, choices: dict[int, str], *,
                 paper_for_member_id: int | None = None) -> None:
    """Cast a member's ballots on some of the agenda, all or none: from their own account, or
    entered by the secretary from the member's paper ballot (`paper_for_member_id`)."""
    if not choices:
        raise Invalid(Problem("choices", "Chưa chọn biểu quyết cho hồ sơ nào."))
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        # the lock serialises casting with closing: nothing slips in after the close
        voting = s.get(CouncilVoting, meeting_id, with_for_update=True)
        if voting is None:
            raise not_found("phiên biểu quyết của cuộc họp")
        if not voting.is_open:
            raise Conflict("voting_closed", "Biểu quyết của cuộc họp này đã kết thúc; không nhận thêm phiếu.")
        if paper_for_member_id is not None:
            _require_secretary(actor)
            member = _member_present(s, meeting_id, member_id=paper_for_member_id)
        else:
            member = _member_present(s, meeting_id, person_id=user.person_id)
        if member is None:
            raise Forbidden("not_present", "Chỉ thành viên Hội đồng có mặt tại cuộc họp mới được biểu quyết.")
        on_agenda = {i.nomination_id for i in voting.agenda}
        own = _own_items(voting, member) if ctx.settings.separation_of_duties else set()
        allowed = set(CHOICES) if voting.abstain_allowed else {"for", "against"}
        done = set(s.scalars(select(BallotParticipation.nomination_id).where(
            BallotParticipation.meeting_id == meeting_id, BallotParticipation.member_id == member.id)))
        problems = []
        for nid, choice in choices.items():
            if nid not in on_agenda:
                problems.append(Problem("not_on_agenda", f"Hồ sơ số {nid} không có trong chương trình biểu quyết."))
            elif nid in own:
                problems.append(Problem("own_nomination", f"{member.name} là người được đề nghị trong hồ sơ số {nid} nên"
                                                          " không biểu quyết hồ sơ này (nguyên tắc tách bạch nhiệm vụ)."))
            elif nid in done:
                problems.append(Problem("already_voted", f"{member.name} đã biểu quyết hồ sơ số {nid}; mỗi thành viên"
                                                         " chỉ bỏ một phiếu."))
            elif choice not in allowed:
                problems.append(Problem("choice", "Phiếu phải là “Đồng ý” hoặc “Không đồng ý”"
                                                  + (" hoặc “Không biểu quyết”." if voting.abstain_allowed else ".")))
        if problems:
            raise Invalid(problems)
        for nid, choice in sorted(choices.items()):
            s.add(BallotParticipation(meeting_id=meeting_id, nomination_id=nid, member_id=member.id,
                                      cast_by_id=user.id, on_paper=paper_for_member_id is not None,
                                      open_choice=None if voting.secret else choice))
            s.add(Ballot(id=secrets.token_hex(16), meeting_id=meeting_id, nomination_id=nid, choice=choice))
        payload = {"member_id": member.id, "nomination_ids": sorted(choices), "on_paper": paper_for_member_id is not None}
        if not voting.secret:
            payload["choices"] = {str(k): v for k, v in sorted(choices.items())}
        audit(s, ctx, actor_id=user.id, action="cast_ballot", entity_type="council_voting", entity_id=meeting_id,
              payload=payload, on_behalf_of=member.name if paper_for_member_id is not None else None)


def _count(s: Session, meeting_id: int) -> dict[int, dict[str, int]]:
    rows = s.execute(select(Ballot.nomination_id, Ballot.choice, func.count()).where(Ballot.meeting_id == meeting_id)
                     .group_by(Ballot.nomination_id, Ballot.choice))
    counts: dict[int, dict[str, int]] = {}
    for nid, choice, n in rows:
        counts.setdefault(nid, dict.fromkeys(CHOICES, 0))[choice] = n
    return counts


def _shuffle(s: Session, meeting_id: int) -> None:
    """Write a secret voting's ballots anew, under fresh random keys in random order, so not even the
    storage order left by casting survives the close."""
    rows = s.execute(select(Ballot.nomination_id, Ballot.choice).where(Ballot.meeting_id == meeting_id)).all()
    s.execute(delete(Ballot).where(Ballot.meeting_id == meeting_id))
    fresh = sorted(((secrets.token_hex(16), nid, choice) for nid, choice in rows))
    s.add_all(Ballot(id=key, meeting_id=meeting_id, nomination_id=nid, choice=choice) for key, nid, choice in fresh)


def close_voting(ctx, user_id: int, meeting_id: int) -> dict[int, dict[str, int]]:
    """Close the voting and count it into the meeting's vote record; returns the count per nomination."""
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        _require_secretary(actor)
        voting = s.get(CouncilVoting, meeting_id, with_for_update=True)
        if voting is None:
            raise not_found("phiên biểu quyết của cuộc họp")
        if not voting.is_open:
            raise Conflict("voting_closed", "Biểu quyết của cuộc họp này đã kết thúc.")
        now = ctx.clock.now()
        voting.closed_at, voting.closed_by_id = now, user.id
        counts = _count(s, meeting_id)
        results = []
        for item in voting.agenda:
            c = counts.setdefault(item.nomination_id, dict.fromkeys(CHOICES, 0))
            vote = CouncilVote(meeting_id=meeting_id, nomination_id=item.nomination_id, votes_for=c["for"],
                               votes_against=c["against"], tally="ballots", recorded_by_id=user.id, recorded_at=now)
            s.add(vote)
            results.append({"nomination_id": item.nomination_id, "votes_for": c["for"],
                            "votes_against": c["against"], "abstained": c["abstain"],
                            "passed": vote_passes(ctx.settings, voting.meeting, vote)})
        if voting.secret:
            _shuffle(s, meeting_id)
        audit(s, ctx, actor_id=user.id, action="close_voting", entity_type="council_voting", entity_id=meeting_id,
              payload={"counts": {str(k): v for k, v in sorted(counts.items())}})
        meeting = voting.meeting
        # Totals only: in a secret voting no one's choice is in them.
        record_event(s, ctx, "council_voting_closed", actor_id=user.id, payload={
            "meeting_id": meeting.id, "cycle_id": meeting.cycle_id, "held_on": meeting.held_on.isoformat(),
            "label": meeting_label(meeting), "members_present": meeting.members_present,
            "members_total": meeting.members_total, "secret": voting.secret, "results": results})
        return counts


# --- reads ----------------------------------------------------------------------------------

@dataclass
class ItemView:
    nomination_id: int
    nominee: str
    department: str
    award: str
    voted: int                     # members who voted on it so far
    mine: str | None = None        # this member's choice: "secret" when voted in a secret voting
    own: bool = False              # this member is the nominee: they do not vote on it
    counts: dict | None = None     # after closing
    passed: bool | None = None


def voting_view(s: Session, ctx, meeting_id: int, user_id: int | None = None) -> dict | None:
    """The voting as a page shows it; for a member, their own ballots (in a secret voting, only that
    they voted). Running totals are never shown before the close."""
    voting = s.get(CouncilVoting, meeting_id)
    if voting is None:
        return None
    meeting = voting.meeting
    member = None
    if user_id is not None:
        user = s.get(User, user_id)
        member = _member_present(s, meeting_id, person_id=user.person_id) if user else None
    own = _own_items(voting, member) if member is not None and ctx.settings.separation_of_duties else set()
    part = s.scalars(select(BallotParticipation).where(BallotParticipation.meeting_id == meeting_id)).all()
    counts = _count(s, meeting_id) if not voting.is_open else {}
    votes = {v.nomination_id: v for v in meeting.votes}
    items = []
    for item in voting.agenda:
        nom = item.nomination
        view = ItemView(nom.id, nom.nominee_name, nom.department.name if nom.department else "",
                        AWARD_FORMS.get(nom.award_form, nom.award_form), sum(1 for p in part if p.nomination_id == nom.id))
        if member is not None:
            mine = next((p for p in part if p.nomination_id == nom.id and p.member_id == member.id), None)
            view.mine = None if mine is None else (mine.open_choice or "secret")
            view.own = nom.id in own
        if not voting.is_open:
            view.counts = counts.get(nom.id, dict.fromkeys(CHOICES, 0))
            view.passed = vote_passes(ctx.settings, meeting, votes.get(nom.id))
        items.append(view)
    present = [a.member for a in meeting.attendance if a.present]
    voted_by = {p.member_id for p in part}
    return {"meeting": meeting, "label": meeting_label(meeting), "voting": voting, "items": items,
            "member": member, "present": present, "voted_members": voted_by,
            "paper": {p.member_id for p in part if p.on_paper},
            "open_ballots": {(p.member_id, p.nomination_id): p.open_choice for p in part if p.open_choice}}


def may_see_voting(s: Session, view: dict, user_id: int) -> bool:
    """The council (secretary, members) and whoever sits present at the meeting see its voting."""
    _, actor = load_actor(s, user_id)
    return view["member"] is not None or any(actor.has(r) for r in ("council_secretary", "council_member"))


def open_votings_for(s: Session, user_id: int, separation_of_duties: bool = True) -> list[dict]:
    """Open votings where this user sits present and still has nominations to vote on (for the inbox);
    their own nominations are not theirs to vote on."""
    user = s.get(User, user_id)
    if user is None or user.person_id is None:
        return []
    rows = s.execute(select(CouncilVoting, CouncilMember).join(
        MeetingAttendance, MeetingAttendance.meeting_id == CouncilVoting.meeting_id).join(
        CouncilMember, CouncilMember.id == MeetingAttendance.member_id).where(
        CouncilVoting.closed_at.is_(None), MeetingAttendance.present.is_(True),
        CouncilMember.person_id == user.person_id)).all()
    out = []
    for voting, member in rows:
        done = s.scalar(select(func.count()).select_from(BallotParticipation).where(
            BallotParticipation.meeting_id == voting.meeting_id, BallotParticipation.member_id == member.id))
        left = len(voting.agenda) - done - (len(_own_items(voting, member)) if separation_of_duties else 0)
        if left > 0:
            out.append({"meeting_id": voting.meeting_id, "label": meeting_label(voting.meeting), "left": left})
    return out
