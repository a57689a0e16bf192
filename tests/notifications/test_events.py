"""Each step of a nomination emails whoever must act next, once the step has committed (the fan-out)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from notifications.outbox import list_messages
from states import State
from workflow import nominations, registers
from workflow.audit import fan_out
from workflow.errors import Invalid
from workflow.models import Campaign, OutboxMessage, User
from workflow.nominations import ActionInput

from .helpers import with_bodies


def mails(ctx, **where) -> list[OutboxMessage]:
    """The mail queued so far, after the fan-out the relay (or the web request) runs."""
    fan_out(ctx)
    with ctx.db.reading() as s:
        q = select(OutboxMessage).order_by(OutboxMessage.id)
        for name, value in where.items():
            q = q.where(getattr(OutboxMessage, name) == value)
        return with_bodies(list(s.scalars(q)))


def address(ctx, user_id: int) -> str:
    with ctx.db.reading() as s:
        return s.get(User, user_id).email


def to(ctx, situation: str) -> set[str]:
    return {m.to_address for m in mails(ctx, situation=situation)}


def test_a_nomination_registered_by_staff_asks_the_department_head_to_review_it(ctx, make):
    a = make.agency()
    nid = nominations.create_nomination(ctx, a.staff_user, cycle_id=make.cycle(), nominee_type="individual",
                                        person_id=a.staff_person, award_form="agency_certificate")
    [mail] = mails(ctx, situation="nomination_registered")
    assert mail.to_address == address(ctx, a.head)
    assert mail.recipient_user_id == a.head and mail.nomination_id == nid and mail.state == "pending"
    assert mail.subject == "Đề nghị khen thưởng mới chờ Phòng xét: Lê Thị Hoà"
    assert f"http://thidua.test/nominations/{nid}" in mail.body_text
    assert f'href="http://thidua.test/nominations/{nid}"' in mail.body_html
    assert "Trần Thị Trưởng" in mail.body_text  # greeting by name
    assert "Sở Dân tộc và Tôn giáo tỉnh Quảng Ngãi" in mail.body_text  # the agency's name in force today


def test_nobody_is_emailed_about_their_own_action(ctx, make):
    a = make.agency()
    make.nomination(a)  # registered by the department head
    assert mails(ctx, situation="nomination_registered") == []


def test_each_forward_step_emails_the_next_actor_and_the_award_reaches_nominee_and_department(ctx, make):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person, state=State.AWARDED)
    secretary = {address(ctx, a.secretary)}
    assert to(ctx, "nomination_department_reviewed") == secretary
    # the deputy's standing "KT." lets them sign, but the head's work reaches them only while the head is away
    assert to(ctx, "nomination_council_reviewed") == {address(ctx, a.agency_head)}
    assert to(ctx, "nomination_head_approved") == secretary
    assert to(ctx, "nomination_awarded") == {address(ctx, a.staff_user), address(ctx, a.head)}
    nominee_mail = next(m for m in mails(ctx, situation="nomination_awarded") if m.recipient_user_id == a.staff_user)
    assert "Quyết định số 12/QĐ-BDT" in nominee_mail.body_text
    assert nominee_mail.subject.startswith("Chúc mừng Lê Thị Hoà")
    # The nomination's timeline lists every email about it, newest first.
    with ctx.db.reading() as s:
        timeline = list_messages(s, nomination_id=nid)
    assert [m.situation for m in timeline][:2] == ["nomination_awarded", "nomination_awarded"]
    assert {m.situation for m in timeline} >= {"nomination_department_reviewed", "nomination_head_approved"}


@pytest.mark.parametrize("action", ["send_back", "reject", "hold"])
def test_send_back_reject_and_hold_tell_the_department_head_why(ctx, make, action):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person, state=State.DEPARTMENT_REVIEWED)
    make.act(a.secretary, nid, action, comment="Thiếu quyết định công nhận sáng kiến năm 2025")
    [mail] = mails(ctx, situation=nominations.EVENT_OF[action])
    assert mail.to_address == address(ctx, a.head)
    assert "Thiếu quyết định công nhận sáng kiến năm 2025" in mail.body_text
    assert "Thiếu quyết định công nhận sáng kiến năm 2025" in mail.body_html
    assert "Phạm Văn Thư" in mail.body_text  # who did it


def test_resume_tells_whoever_must_act_on_the_step_it_returns_to(ctx, make):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person, state=State.COUNCIL_REVIEWED)
    make.act(a.secretary, nid, "hold", comment="Đang xem xét đơn khiếu nại")
    make.act(a.secretary, nid, "resume", comment="Đã giải quyết xong khiếu nại")
    assert to(ctx, "nomination_resumed") == {address(ctx, a.agency_head)}


def test_while_the_head_or_a_department_head_is_away_the_stand_in_is_emailed_too(ctx, make, clock):
    from datetime import date

    from workflow import authorisations
    a = make.agency()
    make.authorise(a, valid_from=date(2025, 11, 20), valid_to=date(2025, 11, 30), away=True)
    acting = make.user(["staff"], make.person(a.department_id, "Bùi Văn Quyền"))
    authorisations.record_acting_head(ctx, a.head, department_id=a.department_id, delegate_id=acting,
                                      valid_from=date(2025, 11, 20), valid_to=date(2025, 11, 30))
    make.nomination(a, person_id=a.staff_person, by=a.staff_user, state=State.COUNCIL_REVIEWED)
    assert to(ctx, "nomination_registered") == {address(ctx, a.head), address(ctx, acting)}
    assert to(ctx, "nomination_council_reviewed") == {address(ctx, a.agency_head), address(ctx, a.deputy)}
    clock.set(date(2025, 12, 1))                                   # both are back
    make.nomination(a, by=a.secretary)
    assert [m.to_address for m in mails(ctx, situation="nomination_registered")][-1:] == [address(ctx, a.head)]


def test_users_without_email_are_skipped(ctx, make):
    a = make.agency()
    with ctx.db.transaction() as s:
        deputy = s.get(User, a.deputy)
        deputy.email = deputy.person.email = None
    make.authorise(a, away=True)          # the deputy would be told, standing in for the head
    make.nomination(a, state=State.COUNCIL_REVIEWED)
    assert to(ctx, "nomination_council_reviewed") == {address(ctx, a.agency_head)}


def test_a_step_that_fails_its_guards_leaves_no_email(ctx, make):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person)
    before = len(mails(ctx))
    with pytest.raises(Invalid):  # no minutes, no report
        nominations.take_action(ctx, a.head, nid, "department_review", ActionInput(version=make.version(nid)))
    assert len(mails(ctx)) == before


def test_registrations_go_to_the_secretary_and_the_refusal_reason_back_to_the_head(ctx, make):
    a = make.agency()
    with ctx.db.reading() as s:
        campaign = s.scalars(select(Campaign.id).where(Campaign.code == "CCHC-2021-2025")).one()
    rid = registers.save_registration(ctx, a.head, campaign_id=campaign, department_id=a.department_id, year=2025,
                                      collective=True, person_ids=[a.staff_person], submit=True)
    assert to(ctx, "registration_submitted") == {address(ctx, a.secretary)}
    registers.decide_registration(ctx, a.secretary, rid, approve=False, reason="Chưa ghi chỉ tiêu đăng ký")
    [mail] = mails(ctx, situation="registration_refused")
    assert mail.to_address == address(ctx, a.head)
    assert "Chưa ghi chỉ tiêu đăng ký" in mail.body_text
    assert f"http://thidua.test/registrations/{rid}" in mail.body_text


def test_a_withdrawal_after_the_department_review_tells_the_secretary(ctx, make):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person, state=State.DEPARTMENT_REVIEWED)
    make.act(a.head, nid, "withdraw", comment="Cá nhân xin rút")
    [mail] = mails(ctx, situation="nomination_withdrawn")
    assert mail.to_address == address(ctx, a.secretary) and "Cá nhân xin rút" in mail.body_text


def test_an_approved_registration_is_announced_to_the_department_head(ctx, make):
    a = make.agency()
    with ctx.db.reading() as s:
        campaign = s.scalars(select(Campaign.id).where(Campaign.code == "CCHC-2021-2025")).one()
    rid = registers.save_registration(ctx, a.head, campaign_id=campaign, department_id=a.department_id, year=2025,
                                      collective=True, person_ids=[], submit=True)
    registers.decide_registration(ctx, a.secretary, rid, approve=True)
    [mail] = mails(ctx, situation="registration_approved")
    assert mail.to_address == address(ctx, a.head)
    assert mail.subject == "Đăng ký thi đua năm 2025 đã được duyệt: Phòng Chính sách"
