"""The demo is built relative to the day it runs: this year's cycle is under way, its next deadline ahead."""
from __future__ import annotations

import io
from datetime import date
from itertools import pairwise

import pytest
from docx import Document as open_docx
from sqlalchemy import func, select

from states import State
from workflow import demo, documents, inbox
from workflow.actors import load_actor
from workflow.documents import drafts
from workflow.dossier import file_path
from workflow.models import (
    AuditEntry,
    Authorisation,
    BallotParticipation,
    Campaign,
    CouncilMeeting,
    CouncilVoting,
    Document,
    Nomination,
    RegisterEntry,
    ReviewCycle,
    User,
)


def _user(s, username: str) -> int:
    return s.scalars(select(User.id).where(User.username == username)).one()


def _held_in_the_app_and_approved_under_tuq(ctx, s, cycle, today):
    """This year's council met in the app: members voted from their own accounts, the secretary closed,
    the minutes came from the tally; the head is on leave under a TUQ. and the deputy's approval prints it."""
    meeting = s.scalars(select(CouncilMeeting).where(CouncilMeeting.cycle_id == cycle.id)).one()
    voting = s.get(CouncilVoting, meeting.id)
    assert voting is not None and not voting.is_open
    cast = s.scalars(select(BallotParticipation).where(BallotParticipation.meeting_id == meeting.id)).all()
    voters = {p.member.person_id for p in cast}
    assert voters == {a.member.person_id for a in meeting.attendance if a.present}
    assert not any(p.on_paper for p in cast)
    assert {p.cast_by_id for p in cast} == set(s.scalars(select(User.id).where(User.person_id.in_(voters))))
    assert len(meeting.votes) == len(voting.agenda)          # the count, not typed totals
    assert s.scalars(select(Document.id).where(Document.council_meeting_id == meeting.id,
                                               Document.kind == "council_minutes")).first() is not None
    head, deputy, secretary = _user(s, "truongban"), _user(s, "photruongban"), _user(s, "thuky")
    leave = s.scalars(select(Authorisation).where(Authorisation.capacity == "tuq")).one()
    assert leave.away and leave.grantor_id == head and leave.delegate_id == deputy and leave.in_force(today)
    approvals = s.scalars(select(AuditEntry).join(Nomination, Nomination.id == AuditEntry.nomination_id).where(
        Nomination.cycle_id == cycle.id, AuditEntry.action == "head_approve")).all()
    assert approvals and {e.actor_id for e in approvals} == {deputy}
    tuq = f"TUQ. Giám đốc Sở (văn bản ủy quyền số {leave.act_number} ngày {leave.act_date:%d/%m/%Y})"
    assert {e.on_behalf_of for e in approvals} == {tuq}
    awarded = s.scalars(select(Nomination.id).where(Nomination.cycle_id == cycle.id,
                                                    Nomination.state == State.AWARDED)).one()
    decision = documents.generate(ctx, secretary, "award_decision", meeting_id=meeting.id)
    with ctx.db.reading() as r:
        body = open_docx(io.BytesIO(file_path(ctx.settings, r.get(Document, decision)).read_bytes()))
        cells = [p for t in body.tables for row in t.rows for c in row.cells for p in c.paragraphs]
        text = "\n".join(p.text for p in body.paragraphs + cells)
        assert "TUQ. GIÁM ĐỐC SỞ" in text.replace("\u00a0", " ")
        certificate = drafts.certificate(r, ctx, load_actor(r, secretary)[1], awarded)
        assert certificate.context["sign"]["on_behalf"] == "TUQ. GIÁM ĐỐC SỞ"
        # while the head is away, the head's waiting approvals show in the deputy's inbox too
        waiting = {g["state"] for g in inbox.inbox_groups(r, load_actor(r, deputy, ctx)[1])["groups"]}
        assert State.COUNCIL_REVIEWED.value in waiting


@pytest.mark.slow
@pytest.mark.parametrize("today", [date(2026, 12, 1), date(2027, 2, 15), date(2026, 12, 28)])
def test_the_demo_has_this_years_cycle_in_progress_with_its_next_deadline_ahead(ctx, clock, today):
    if not ctx.db.is_sqlite:
        pytest.skip("the demo's dates do not depend on the database; the CLI test builds it on both")
    clock.set(today)
    demo.build(ctx)
    with ctx.db.reading() as s:
        cycle = s.scalars(select(ReviewCycle).where(ReviewCycle.kind == "annual", ReviewCycle.year == today.year)).one()
        states = dict(s.execute(select(Nomination.state, func.count()).where(Nomination.cycle_id == cycle.id)
                                .group_by(Nomination.state)).all())
        assert cycle.dossier_deadline > today
        assert cycle.council_meeting_on > today
        assert states.get(State.REGISTERED, 0) > 0 and states.get(State.DEPARTMENT_REVIEWED, 0) > 0
        # Every earlier year is history: its review has ended in awards.
        for year in range(2021, today.year):
            earlier = s.scalars(select(ReviewCycle).where(ReviewCycle.kind == "annual", ReviewCycle.year == year)).one()
            awarded = s.scalar(select(func.count()).where(Nomination.cycle_id == earlier.id,
                                                          Nomination.state == State.AWARDED))
            assert awarded > 0, year
        _held_in_the_app_and_approved_under_tuq(ctx, s, cycle, today)
        final = s.scalars(select(ReviewCycle).join(Campaign).where(
            Campaign.code == "CCHC-2021-2025", ReviewCycle.kind == "final")).one()
        assert s.scalar(select(func.count()).where(Nomination.cycle_id == final.id,
                                                   Nomination.state == State.AWARDED)) > 0
        _register_numbers_follow_dates(s)


def _register_numbers_follow_dates(s):
    """In every book of the register, a later number never carries an earlier date (an inspector reads
    a number issued before an earlier-numbered one as back-dating)."""
    entries = s.execute(select(RegisterEntry.doc_type, RegisterEntry.year, RegisterEntry.seq, RegisterEntry.number,
                               RegisterEntry.issued_on).order_by(RegisterEntry.doc_type, RegisterEntry.year,
                                                                 RegisterEntry.seq)).all()
    assert entries
    for before, after in pairwise(entries):
        if (before.doc_type, before.year) == (after.doc_type, after.year):
            assert before.issued_on <= after.issued_on, (before, after)
