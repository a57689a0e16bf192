"""The reminder sweep: the ladder, escalation, catch-up, one digest a day, exactly once."""
from __future__ import annotations

from datetime import date

from sqlalchemy import update

from notifications.reminders import due_steps, run_reminders
from workflow.models import ReviewCycle

from .helpers import digests, email_of, ledger, register

LADDER = (14, 7, 3, 1)


def test_due_steps_before_on_and_after_a_deadline():
    d = date(2025, 3, 31)
    assert due_steps(d, date(2025, 3, 16), LADDER, 7) == []
    assert due_steps(d, date(2025, 3, 17), LADDER, 7) == [(14, date(2025, 3, 17))]
    assert due_steps(d, date(2025, 3, 31), LADDER, 7) == [(14, date(2025, 3, 17)), (7, date(2025, 3, 24)),
                                                          (3, date(2025, 3, 28)), (1, date(2025, 3, 30))]
    # After the deadline only escalations, and only for escalate_days.
    assert due_steps(d, date(2025, 4, 2), LADDER, 7) == [(-1, date(2025, 4, 1)), (-2, date(2025, 4, 2))]
    assert due_steps(d, date(2025, 4, 8), LADDER, 7) == []


def test_department_heads_who_have_not_registered_get_the_reminder_and_only_they(ctx, make):
    a = make.agency()
    register(ctx, a.other_head, a.other_department_id, 2025)
    report = run_reminders(ctx, date(2025, 3, 17))
    assert [d.recipient.user_id for d in report.sent] == [a.head]
    [mail] = digests(ctx)
    assert mail.to_address == email_of(ctx, a.head)
    assert mail.subject == "[Nhắc hạn] 1 việc thi đua – khen thưởng cần xử lý, hạn gần nhất 31/03/2025"
    assert "Phòng Chính sách: chưa gửi đăng ký thi đua năm 2025." in mail.body_text
    assert "còn 14 ngày" in mail.body_text and "Sơ kết năm 2025" in mail.body_text
    assert "http://thidua.test/registrations" in mail.body_html
    [row] = ledger(ctx)
    assert (row.deadline, row.offset_days, row.due_on, row.sent_on, row.outbox_id) == (
        "registration_deadline", 14, date(2025, 3, 17), date(2025, 3, 17), mail.id)


def test_a_second_run_the_same_day_or_with_the_clock_moved_back_sends_nothing(ctx, make):
    make.agency()
    assert len(run_reminders(ctx, date(2025, 3, 24)).sent) == 2
    assert run_reminders(ctx, date(2025, 3, 24)).sent == []
    assert run_reminders(ctx, date(2025, 3, 17)).sent == []  # clock moved back a week
    assert run_reminders(ctx, date(2025, 3, 20)).sent == []
    assert len(digests(ctx)) == 2


def test_a_dry_run_shows_who_would_get_what_and_writes_nothing(ctx, make):
    a = make.agency()
    report = run_reminders(ctx, date(2025, 3, 17), dry_run=True)
    assert {d.recipient.user_id for d in report.sent} == {a.head, a.other_head}
    assert ledger(ctx) == [] and digests(ctx) == []
    assert len(run_reminders(ctx, date(2025, 3, 17)).sent) == 2


def test_missed_days_are_caught_up_once_in_one_digest(ctx, make):
    a = make.agency()
    report = run_reminders(ctx, date(2025, 3, 26))  # the sweep did not run on the 17th nor the 24th
    assert {d.recipient.user_id for d in report.sent} == {a.head, a.other_head}
    assert len(digests(ctx)) == 2
    rows = ledger(ctx)
    assert sorted((r.offset_days, r.due_on, r.sent_on) for r in rows if r.recipient_user_id == a.head) == [
        (7, date(2025, 3, 24), date(2025, 3, 26)), (14, date(2025, 3, 17), date(2025, 3, 26))]
    assert "còn 5 ngày" in digests(ctx)[0].body_text
    assert run_reminders(ctx, date(2025, 3, 27)).sent == []
    assert len(run_reminders(ctx, date(2025, 3, 28)).sent) == 2  # the 3-day step, on its day


def test_after_the_deadline_the_secretary_and_head_hear_who_is_late_not_the_stale_reminders(ctx, make):
    a = make.agency()
    register(ctx, a.other_head, a.other_department_id, 2025)
    report = run_reminders(ctx, date(2025, 4, 2))
    assert {d.recipient.user_id for d in report.sent} == {a.secretary, a.agency_head}
    assert {r.offset_days for r in ledger(ctx)} == {-1, -2}
    mail = digests(ctx)[0]
    assert mail.subject.startswith("[Quá hạn] 1 việc")
    assert "Phòng Chính sách: chưa gửi đăng ký thi đua." in mail.body_text
    assert "Phòng Kế hoạch" not in mail.body_text
    assert "đã quá 2 ngày" in mail.body_text
    register(ctx, a.head, a.department_id, 2025)  # late, but done: escalation stops
    assert run_reminders(ctx, date(2025, 4, 3)).sent == []
    assert run_reminders(ctx, date(2025, 4, 9)).sent == []


def test_one_digest_per_recipient_per_day_lists_every_deadline(ctx, make):
    a = make.agency()
    cycle = make.cycle()
    with ctx.db.transaction() as s:  # the calendar is data: move the dossier deadline next to registration
        s.execute(update(ReviewCycle).where(ReviewCycle.id == cycle).values(
            dossier_deadline=date(2025, 3, 31), council_meeting_on=date(2025, 12, 10)))
    make.nomination(a)
    report = run_reminders(ctx, date(2025, 3, 17))
    by_user = {d.recipient.user_id: d for d in report.sent}
    assert len(by_user[a.head].lines) == 2 and len(by_user[a.other_head].lines) == 1
    head_mails = [m for m in digests(ctx) if m.recipient_user_id == a.head]
    assert len(head_mails) == 1
    assert "Hạn gửi đăng ký thi đua" in head_mails[0].body_text
    assert "1 đề nghị chưa được Phòng xét" in head_mails[0].body_text
    assert "chưa có biên bản họp xét của Phòng" in head_mails[0].body_text
    assert {r.deadline for r in ledger(ctx) if r.recipient_user_id == a.head} == {
        "registration_deadline", "dossier_deadline"}


def test_work_that_appears_after_todays_digest_waits_for_tomorrows(ctx, make):
    a = make.agency()
    cycle = make.cycle()
    with ctx.db.transaction() as s:
        s.execute(update(ReviewCycle).where(ReviewCycle.id == cycle).values(dossier_deadline=date(2025, 3, 31)))
    run_reminders(ctx, date(2025, 3, 17))  # both heads: registration
    make.nomination(a)                     # now the head also has a dossier pending
    report = run_reminders(ctx, date(2025, 3, 17))
    assert report.sent == [] and [d.recipient.user_id for d in report.deferred] == [a.head]
    report = run_reminders(ctx, date(2025, 3, 18))
    assert [d.recipient.user_id for d in report.sent] == [a.head]
    assert [line.deadline for line in report.sent[0].lines] == ["dossier_deadline"]
    assert len([m for m in digests(ctx) if m.recipient_user_id == a.head]) == 2


def test_nobody_with_nothing_pending_is_reminded(ctx, make):
    a = make.agency()
    register(ctx, a.head, a.department_id, 2025)
    register(ctx, a.other_head, a.other_department_id, 2025)
    for day in (date(2025, 3, 17), date(2025, 3, 24), date(2025, 4, 1), date(2025, 11, 16), date(2025, 12, 1)):
        assert run_reminders(ctx, day).sent == []
    assert ledger(ctx) == [] and digests(ctx) == []


def test_while_a_department_head_is_away_the_acting_head_is_reminded_too_and_not_after(ctx, make):
    from workflow import authorisations
    a = make.agency()
    register(ctx, a.other_head, a.other_department_id, 2025)
    acting = make.user(["staff"], make.person(a.department_id, "Bùi Văn Quyền"))
    authorisations.record_acting_head(ctx, a.head, department_id=a.department_id, delegate_id=acting,
                                      valid_from=date(2025, 3, 10), valid_to=date(2025, 3, 20))
    report = run_reminders(ctx, date(2025, 3, 17))
    assert {d.recipient.user_id for d in report.sent} == {a.head, acting}
    assert "Phòng Chính sách: chưa gửi đăng ký thi đua năm 2025." in digests(ctx)[-1].body_text
    report = run_reminders(ctx, date(2025, 3, 24))             # back at work: the head alone
    assert {d.recipient.user_id for d in report.sent} == {a.head}
