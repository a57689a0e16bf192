"""The outbox relay against a real SMTP server (aiosmtpd on 127.0.0.1)."""
from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

from sqlalchemy import select

from notifications import outbox
from notifications.outbox import drain, list_messages
from workflow import nominations
from workflow.audit import fan_out
from workflow.models import OutboxMessage

from .conftest import free_port, use_smtp


def registered_by_staff(ctx, make) -> int:
    """One pending email (to the department head) for a nomination the staff member registered, fanned out."""
    a = make.agency()
    nid = nominations.create_nomination(ctx, a.staff_user, cycle_id=make.cycle(), nominee_type="individual",
                                        person_id=a.staff_person, award_form="agency_certificate")
    fan_out(ctx)
    return nid


def rows(ctx) -> list[OutboxMessage]:
    fan_out(ctx)  # what a relay would find
    with ctx.db.reading() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_vietnamese_subject_and_body_arrive_intact(ctx, make, smtp_server):
    use_smtp(ctx, smtp_server.port)
    registered_by_staff(ctx, make)
    [queued] = rows(ctx)
    assert queued.body_text is None  # rendered by the relay, not in the step's transaction
    report = drain(ctx)
    assert report.sent == 1 and report.errors == []
    [row] = rows(ctx)  # as the relay stored what it sent
    assert row.subject == queued.subject
    [envelope] = smtp_server.received
    assert envelope.rcpt_tos == [row.to_address]
    msg = message_from_bytes(envelope.original_content, policy=policy.default)
    assert msg["Subject"] == row.subject == "Đề nghị khen thưởng mới chờ Phòng xét: Lê Thị Hoà"
    assert msg["Message-ID"] == row.message_id
    assert str(msg["From"]) == "Hội đồng Thi đua - Khen thưởng <thiduakhenthuong@localhost>"
    assert msg.get_body(("plain",)).get_content() == row.body_text
    assert msg.get_body(("html",)).get_content() == row.body_html
    assert "Kính gửi Trần Thị Trưởng" in row.body_text
    assert (row.state, row.transport, row.attempts, row.last_error) == ("sent", "smtp", 1, None)


def test_a_451_makes_the_relay_retry_later_and_succeed(ctx, make, smtp_server, clock):
    use_smtp(ctx, smtp_server.port)
    registered_by_staff(ctx, make)
    smtp_server.answer_next("451 4.3.0 Hệ thống bận, thử lại sau")
    assert drain(ctx).retry_later == 1
    [row] = rows(ctx)
    assert row.state == "pending" and row.attempts == 1 and "451" in row.last_error
    assert row.next_attempt_at == clock.now() + timedelta(minutes=1)
    assert drain(ctx).handled == 0  # not due yet
    clock.advance(minutes=1)
    assert drain(ctx).sent == 1
    assert len(smtp_server.received) == 1
    [row] = rows(ctx)
    assert (row.state, row.attempts, row.last_error) == ("sent", 2, None)


def test_temporary_failures_give_up_after_the_last_retry(ctx, make, smtp_server, clock):
    use_smtp(ctx, smtp_server.port)
    registered_by_staff(ctx, make)
    ladder = ctx.settings.section("mail")["retry_minutes"]
    smtp_server.answer_next(*["421 4.7.0 Thử lại sau"] * (len(ladder) + 1))
    for minutes in ladder:
        assert drain(ctx).retry_later == 1
        clock.advance(minutes=minutes)
    assert drain(ctx).failed == 1
    [row] = rows(ctx)
    assert row.state == "failed" and row.attempts == len(ladder) + 1
    assert smtp_server.received == []


def test_a_550_marks_the_message_failed(ctx, make, smtp_server, clock):
    use_smtp(ctx, smtp_server.port)
    registered_by_staff(ctx, make)
    smtp_server.answer_next("550 5.1.1 Hộp thư không tồn tại")
    assert drain(ctx).failed == 1
    [row] = rows(ctx)
    assert row.state == "failed" and "550" in row.last_error and "Hộp thư không tồn tại" in row.last_error
    clock.advance(hours=5)
    assert drain(ctx).handled == 0
    assert smtp_server.received == []


def test_a_mail_server_that_is_down_loses_nothing(ctx, make, clock):
    port = free_port()  # nobody listens here yet
    use_smtp(ctx, port)
    nid = registered_by_staff(ctx, make)
    for _ in range(8):  # down for longer than the whole retry ladder
        report = drain(ctx)
        assert report.retry_later == 1 and "Không kết nối được" in report.errors[0]
        clock.advance(hours=1)
    [row] = rows(ctx)
    assert row.state == "pending" and row.attempts == 0
    from .conftest import SmtpServer
    server = SmtpServer()
    server.port = port
    server.start()
    try:
        assert drain(ctx).sent == 1
        assert len(server.received) == 1
    finally:
        server.stop()
    with ctx.db.reading() as s:
        assert [m.state for m in list_messages(s, nomination_id=nid)] == ["sent"]


def test_a_failing_mail_server_never_blocks_a_transition(ctx, make):
    use_smtp(ctx, free_port())
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person)
    make.act(a.secretary, nid, "hold", comment="Đang thanh tra")
    assert make.state(nid) == "on_hold"
    assert [r.state for r in rows(ctx)] == ["pending"]


def test_rows_left_sending_by_a_crash_are_sent_again(ctx, make, smtp_server, clock):
    use_smtp(ctx, smtp_server.port)
    registered_by_staff(ctx, make)
    with ctx.db.transaction() as s:  # a relay claimed it, then its process died
        row = s.scalars(select(OutboxMessage)).one()
        row.state, row.locked_at = "sending", clock.now()
    assert drain(ctx).handled == 0  # a relay may still be working on it
    clock.advance(minutes=11)
    report = drain(ctx)
    assert report.recovered == 1 and report.sent == 1
    assert len(smtp_server.received) == 1
    [row] = rows(ctx)
    assert row.state == "sent"


def test_without_smtp_mail_is_kept_in_the_local_sink(ctx, make):
    nid = registered_by_staff(ctx, make)
    report = drain(ctx)
    assert report.kept_in_sink == 1
    with ctx.db.reading() as s:
        [row] = list_messages(s, limit=10)
        assert (row.state, row.transport, row.last_error, row.nomination_id) == ("sent", "sink", None, nid)
        assert outbox.count_by_state(s) == {"pending": 0, "sending": 0, "sent": 1, "failed": 0}


def test_a_failed_message_can_be_put_back_in_the_queue(ctx, make, smtp_server):
    use_smtp(ctx, smtp_server.port)
    a = make.agency()
    nominations.create_nomination(ctx, a.staff_user, cycle_id=make.cycle(), nominee_type="individual",
                                  person_id=a.staff_person, award_form="agency_certificate")
    smtp_server.answer_next("554 5.7.1 Từ chối")
    drain(ctx)
    [row] = rows(ctx)
    outbox.retry_message(ctx, a.secretary, row.id)
    assert drain(ctx).sent == 1
