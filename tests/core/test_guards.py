"""Every guard of the workflow refuses with a reason a user can act on, and changes nothing."""
from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from states import State
from workflow import council, dossier, nominations
from workflow.errors import Conflict, Forbidden, Invalid, NotFound
from workflow.models import AuditEntry, DomainEvent, Nomination
from workflow.nominations import ActionInput


@pytest.fixture
def a(make):
    return make.agency()


def codes(exc_info):
    return [p.code for p in exc_info.value.problems]


def audit_count(ctx, nid):
    with ctx.db.reading() as s:
        return len(s.scalars(select(AuditEntry).where(AuditEntry.nomination_id == nid)).all())


def test_department_review_lists_every_missing_piece_at_once(ctx, make, a):
    person = make.person(a.department_id)  # no evidence at all
    nid = nominations.create_nomination(ctx, a.head, cycle_id=make.cycle(), nominee_type="individual",
                                        person_id=person, award_form="agency_certificate")
    before = audit_count(ctx, nid)
    with pytest.raises(Invalid) as exc:
        make.act(a.head, nid, "department_review")
    assert codes(exc) == ["criteria_unmet", "criteria_evidence", "missing_achievement_report",
                          "missing_department_minutes"]
    assert "Chưa đạt tiêu chuẩn" in exc.value.problems[0].message
    assert make.state(nid) == "registered" and make.version(nid) == 1
    assert audit_count(ctx, nid) == before


def test_department_review_stores_the_checklist_with_its_evidence(ctx, make, a):
    nid = make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    with ctx.db.reading() as s:
        nom = s.get(Nomination, nid)
        assert nom.criteria["met"] is True
        assert nom.criteria["lines"][0]["evidence"][0]["prize"] == "Giải Ba"
        assert nom.criteria_evaluated_at is not None


def test_only_the_nominees_department_head_reviews(ctx, make, a):
    nid = make.nomination(a)
    make.minutes(a, make.cycle())
    make.report(a, nid)
    for user in (a.other_head, a.secretary, a.agency_head, a.staff_user):
        with pytest.raises((Forbidden, NotFound)):
            make.act(user, nid, "department_review")


def test_council_review_needs_quorum_a_passing_vote_and_the_recognition_decision(ctx, make, a):
    nid = make.nomination(a, state=State.REGISTERED)
    cycle = make.cycle()
    low = make.meeting(a, cycle, present=4, total=7)   # 4/7 < 2/3
    make.minutes(a, cycle)
    make.report(a, nid)
    make.act(a.head, nid, "department_review")
    council.record_vote(ctx, a.secretary, low, nomination_id=nid, votes_for=2, votes_against=2)
    with pytest.raises(Invalid) as exc:
        make.act(a.secretary, nid, "council_review", meeting_id=low)
    assert codes(exc) == ["quorum_not_met", "vote_not_passed"]
    ok = make.meeting(a, cycle, present=6, total=7)
    with pytest.raises(Invalid) as exc:
        make.act(a.secretary, nid, "council_review", meeting_id=ok)
    assert codes(exc) == ["vote_missing"]
    council.record_vote(ctx, a.secretary, ok, nomination_id=nid, votes_for=3, votes_against=3)
    with pytest.raises(Invalid) as exc:
        make.act(a.secretary, nid, "council_review", meeting_id=ok)
    assert codes(exc) == ["vote_not_passed"]  # 3 of 6 is not more than half
    council.record_vote(ctx, a.secretary, ok, nomination_id=nid, votes_for=4, votes_against=2)
    make.act(a.secretary, nid, "council_review", meeting_id=ok)
    assert make.state(nid) == "council_reviewed"


def test_an_initiative_based_nomination_needs_the_recognition_decision(ctx, make, a):
    person = make.person(a.department_id)
    make.initiative(a, authors=[person], appraised=True)
    cycle = make.cycle()
    nid = nominations.create_nomination(ctx, a.head, cycle_id=cycle, nominee_type="individual", person_id=person,
                                        award_form="agency_certificate")
    make.minutes(a, cycle)
    make.report(a, nid)
    make.act(a.head, nid, "department_review")
    meeting = make.meeting(a, cycle)
    council.record_vote(ctx, a.secretary, meeting, nomination_id=nid, votes_for=5, votes_against=0)
    with pytest.raises(Invalid) as exc:
        make.act(a.secretary, nid, "council_review", meeting_id=meeting)
    assert codes(exc) == ["missing_recognition_decision"]
    dossier.upload_for_nomination(ctx, a.secretary, nid, "recognition_decision", "qd.pdf", b"%PDF qd")
    make.act(a.secretary, nid, "council_review", meeting_id=meeting)


def test_a_meeting_of_another_cycle_does_not_count(ctx, make, a):
    nid = make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    other = make.meeting(a, make.cycle(year=2024))
    with pytest.raises(Invalid) as exc:
        make.act(a.secretary, nid, "council_review", meeting_id=other)
    assert codes(exc) == ["meeting_not_in_cycle"]


def test_award_needs_a_decision_number_and_a_date_not_in_the_future(ctx, make, a):
    nid = make.nomination(a, state=State.HEAD_APPROVED)
    with pytest.raises(Invalid) as exc:
        make.act(a.secretary, nid, "award")
    assert codes(exc) == ["decision_number_required", "decision_date_required"]
    with pytest.raises(Invalid) as exc:
        make.act(a.secretary, nid, "award", decision_number="5/QĐ-BDT", decision_date=date(2026, 1, 1))
    assert codes(exc) == ["decision_date_future"]
    make.act(a.secretary, nid, "award", decision_number="5/QĐ-BDT", decision_date=ctx.clock.today())
    with ctx.db.reading() as s:
        assert s.get(Nomination, nid).decision_number == "5/QĐ-BDT"


@pytest.mark.parametrize("action", ["send_back", "reject", "hold"])
def test_actions_that_need_a_reason_refuse_without_one(ctx, make, a, action):
    nid = make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    with pytest.raises(Invalid) as exc:
        make.act(a.secretary, nid, action, comment="   ")
    assert codes(exc) == ["reason_required"]


def test_a_held_nomination_accepts_nothing_but_resume(ctx, make, a):
    nid = make.nomination(a, state=State.COUNCIL_REVIEWED)
    make.act(a.secretary, nid, "hold", comment="Đang xem xét đơn khiếu nại")
    for user, action in ((a.agency_head, "head_approve"), (a.secretary, "reject"), (a.head, "withdraw")):
        with pytest.raises(Conflict) as exc:
            make.act(user, nid, action, comment="x")
        assert exc.value.code == "on_hold"
    make.act(a.agency_head, nid, "resume")
    assert make.state(nid) == "council_reviewed"


def test_send_back_undoes_what_the_step_recorded(ctx, make, a):
    nid = make.nomination(a, state=State.HEAD_APPROVED)
    make.act(a.secretary, nid, "send_back", comment="Quyết định cần ký lại")
    with ctx.db.reading() as s:
        nom = s.get(Nomination, nid)
        assert nom.state == "council_reviewed" and nom.approved_by_id is None
    make.act(a.agency_head, nid, "send_back", comment="Hội đồng xét lại")
    with ctx.db.reading() as s:
        assert s.get(Nomination, nid).council_meeting_id is None


def test_a_deputy_approval_is_recorded_as_signed_for_the_head(ctx, make, a):
    nid = make.nomination(a, state=State.COUNCIL_REVIEWED)
    make.act(a.deputy, nid, "head_approve")
    with ctx.db.reading() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.nomination_id == nid)
                          .order_by(AuditEntry.id.desc())).first()
        # 2025-11-20 is after the 2025 reorganisation: the head is now "Giám đốc Sở"; the factory's deputy
        # holds a standing KT. assignment, whose domain the audit names
        assert entry.on_behalf_of == "KT. Giám đốc Sở (được phân công lĩnh vực: Thi đua, khen thưởng)"
        assert s.get(Nomination, nid).approved_for_head is True


def test_withdraw_only_before_the_council(ctx, make, a):
    nid = make.nomination(a, state=State.COUNCIL_REVIEWED)
    with pytest.raises(Conflict):
        make.act(a.head, nid, "withdraw")
    other = make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    make.act(a.head, other, "withdraw")
    assert make.state(other) == "withdrawn"


def test_a_disabled_account_takes_no_step(ctx, make, a):
    # the step loads its actor on its own (actors.load_acting), not through load_actor's check
    nid = make.nomination(a)
    before = audit_count(ctx, nid)
    with ctx.db.transaction() as s:
        s.execute(text("UPDATE user_account SET active = :no WHERE id = :id"), {"no": False, "id": a.secretary})
    with pytest.raises(Forbidden) as exc:
        make.act(a.secretary, nid, "hold", comment="Đang xác minh")
    assert exc.value.code == "inactive_user"
    assert make.state(nid) == "registered" and audit_count(ctx, nid) == before


def test_a_stale_version_is_a_conflict(ctx, make, a):
    nid = make.nomination(a, state=State.REGISTERED)
    with pytest.raises(Conflict) as exc:
        nominations.take_action(ctx, a.head, nid, "reject", ActionInput(version=7, comment="x"))
    assert exc.value.code == "stale_version"


def test_a_nominee_is_nominated_once_per_cycle_and_form(ctx, make, a):
    make.prize(a, a.staff_person)
    kwargs = {"cycle_id": make.cycle(), "nominee_type": "individual", "person_id": a.staff_person,
                  "award_form": "agency_certificate"}
    nominations.create_nomination(ctx, a.head, **kwargs)
    with pytest.raises(Conflict) as exc:
        nominations.create_nomination(ctx, a.secretary, **kwargs)
    assert "đã có đề nghị" in exc.value.message


def test_who_may_create_nominations(ctx, make, a):
    cycle = make.cycle()
    stranger = make.person(a.other_department_id)
    with pytest.raises(Forbidden):
        nominations.create_nomination(ctx, a.head, cycle_id=cycle, nominee_type="individual", person_id=stranger,
                                      award_form="agency_certificate")
    with pytest.raises(Forbidden):
        nominations.create_nomination(ctx, a.staff_user, cycle_id=cycle, nominee_type="individual",
                                      person_id=stranger, award_form="agency_certificate")
    nominations.create_nomination(ctx, a.staff_user, cycle_id=cycle, nominee_type="individual",
                                  person_id=a.staff_person, award_form="agency_certificate")
    nominations.create_nomination(ctx, a.head, cycle_id=cycle, nominee_type="collective",
                                  department_id=a.department_id, award_form="agency_certificate")


def test_every_step_writes_one_audit_row_and_one_event(ctx, make, a):
    nid = make.nomination(a, state=State.AWARDED)
    with ctx.db.reading() as s:
        transitions = s.scalars(select(AuditEntry).where(AuditEntry.nomination_id == nid,
                                                         AuditEntry.to_state.is_not(None))
                                .order_by(AuditEntry.id)).all()
        events = s.scalars(select(DomainEvent.name).where(DomainEvent.nomination_id == nid)
                           .order_by(DomainEvent.id)).all()
    assert [e.to_state for e in transitions] == [s.value for s in
                                                 (State.REGISTERED, State.DEPARTMENT_REVIEWED, State.COUNCIL_REVIEWED,
                                                  State.HEAD_APPROVED, State.AWARDED)]
    assert events == ["nomination_registered", "nomination_department_reviewed", "nomination_council_reviewed",
                      "nomination_head_approved", "nomination_awarded"]


def test_the_audit_log_is_append_only(ctx, make, a):
    nid = make.nomination(a)
    for statement in ("UPDATE audit_log SET comment = 'sửa'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError) as exc, ctx.db.transaction() as s:
            s.execute(text(statement))
        assert "append-only" in str(exc.value)
    assert audit_count(ctx, nid) >= 1


def test_check_constraints_tie_state_to_data(ctx, make, a):
    nid = make.nomination(a, state=State.HEAD_APPROVED)
    with pytest.raises(IntegrityError), ctx.db.transaction() as s:
        s.execute(text("UPDATE nomination SET state = 'awarded' WHERE id = :id"), {"id": nid})
    with pytest.raises(IntegrityError), ctx.db.transaction() as s:
        s.execute(text("UPDATE nomination SET approved_by_id = NULL WHERE id = :id"), {"id": nid})
    with pytest.raises(IntegrityError), ctx.db.transaction() as s:
        s.execute(text("UPDATE nomination SET state = 'on_hold' WHERE id = :id"), {"id": nid})


def test_a_failing_guard_in_a_batch_does_not_undo_the_others(ctx, make, a):
    good = make.nomination(a, state=State.COUNCIL_REVIEWED)
    bad = make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    results = nominations.take_action_on_many(ctx, a.agency_head, "head_approve", [(good, None), (bad, None),
                                                                                   (999999, None)])
    assert [r.ok for r in results] == [True, False, False]
    assert results[1].error.code == "illegal_transition" and results[2].error.status == 404
    assert make.state(good) == "head_approved"


def test_the_council_advances_everything_voted_at_a_meeting_with_a_result_each(ctx, make, a):
    cycle = make.cycle()
    passed, failed = (make.nomination(a, state=State.DEPARTMENT_REVIEWED) for _ in range(2))
    meeting = make.meeting(a, cycle)
    council.record_vote(ctx, a.secretary, meeting, nomination_id=passed, votes_for=5, votes_against=0)
    council.record_vote(ctx, a.secretary, meeting, nomination_id=failed, votes_for=1, votes_against=4)
    results = {r.nomination_id: r for r in council.advance_passed(ctx, a.secretary, meeting)}
    assert results[passed].ok and not results[failed].ok
    assert results[failed].error.problems[0].code == "vote_not_passed"


def test_votes_cannot_exceed_members_present(ctx, make, a):
    nid = make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    meeting = make.meeting(a, make.cycle(), present=5, total=7)
    with pytest.raises(Invalid):
        council.record_vote(ctx, a.secretary, meeting, nomination_id=nid, votes_for=4, votes_against=2)


def test_whatever_a_deputy_does_is_recorded_as_done_for_the_head(ctx, make, a):
    nid = make.nomination(a, state=State.COUNCIL_REVIEWED)
    make.act(a.deputy, nid, "hold", comment="Có đơn khiếu nại")
    make.act(a.secretary, nid, "resume")
    with ctx.db.reading() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.nomination_id == nid)
                         .order_by(AuditEntry.id.desc())).all()[:2]
    assert [r.on_behalf_of for r in rows] == [None, "KT. Giám đốc Sở"]


def test_a_deputy_sends_back_from_the_council_step(ctx, make, a):
    nid = make.nomination(a, state=State.COUNCIL_REVIEWED)
    make.act(a.deputy, nid, "send_back", comment="Hội đồng cần xét lại số phiếu")
    with ctx.db.reading() as s:
        nom = s.get(Nomination, nid)
        assert nom.state == "department_reviewed" and nom.council_meeting_id is None
