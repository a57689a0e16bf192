"""Five simulated years, day by day: every expected reminder exactly once, on the expected day."""
from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from notifications.reminders import SITUATION
from workflow.models import OutboxMessage, ReminderSent

from .helpers import with_bodies
from .simulation import FiveYears, days


def observed(ctx) -> tuple[dict[tuple, date], list[ReminderSent], dict[int, OutboxMessage]]:
    with ctx.db.reading() as s:
        rows = list(s.scalars(select(ReminderSent)))
        mails = {m.id: m for m in s.scalars(select(OutboxMessage).where(OutboxMessage.situation == SITUATION))}
    return {(r.cycle_id, r.deadline, r.offset_days, r.recipient_user_id): r.sent_on for r in rows}, rows, mails


def check_against_the_oracle(ctx, sim: FiveYears, run_days: list[date]) -> dict[tuple, date]:
    expected = sim.expected_ledger(run_days)
    got, rows, mails = observed(ctx)
    assert len(rows) == len(got)  # no step twice
    missing = {k: v for k, v in expected.items() if k not in got}
    extra = {k: v for k, v in got.items() if k not in expected}
    wrong_day = {k: (expected[k], got[k]) for k in expected.keys() & got.keys() if expected[k] != got[k]}
    assert (missing, extra, wrong_day) == ({}, {}, {})
    # One digest per recipient per day, holding every step sent to them that day.
    per_day = Counter((m.recipient_user_id, m.created_at.astimezone(ctx.clock.tz).date()) for m in mails.values())
    assert set(per_day.values()) == {1}
    assert set(per_day) == {(user, day) for (_, _, _, user), day in got.items()}
    for row in rows:
        assert mails[row.outbox_id].recipient_user_id == row.recipient_user_id
    return expected


def mail_to(ctx, user_id: int, day: date) -> OutboxMessage:
    _, _, mails = observed(ctx)
    [mail] = [m for m in mails.values()
              if m.recipient_user_id == user_id and m.created_at.astimezone(ctx.clock.tz).date() == day]
    return with_bodies([mail])[0]


@pytest.mark.slow
def test_five_years_day_by_day_send_each_expected_reminder_once(ctx, make):
    sim = FiveYears(ctx, make)
    run_days = sim.play(date(2021, 1, 1), date(2025, 12, 31))
    expected = check_against_the_oracle(ctx, sim, run_days)
    a = sim.a
    offsets = Counter(offset for (_, _, offset, _) in expected)
    assert offsets[14] and offsets[1] and offsets[-1] and offsets[-7]
    # 2021: department B registers late, so the secretary and the head hear it from 01/04.
    mail = mail_to(ctx, a.secretary, date(2021, 4, 1))
    assert mail.subject.startswith("[Quá hạn]")
    assert "Phòng Kế hoạch: chưa gửi đăng ký thi đua." in mail.body_text
    assert "Phòng Chính sách" not in mail.body_text
    assert not any(k[3] == a.member for k in expected)  # a plain council member has nothing to do
    # 2025: the final review's council met two days late; the annual dossiers were due the same weeks.
    mail = mail_to(ctx, a.secretary, date(2025, 11, 16))
    assert "Họp Hội đồng Thi đua - Khen thưởng xét hồ sơ – Tổng kết giai đoạn 2021-2025" in mail.body_text
    assert "đã quá 1 ngày" in mail.body_text
    two_lines = mail_to(ctx, a.secretary, date(2025, 12, 2))
    assert "ĐÃ QUÁ HẠN" in two_lines.body_text and "SẮP ĐẾN HẠN" in two_lines.body_text
    assert ("Phòng Kế hoạch: 1 đề nghị chưa được Phòng xét: Ngô Thị Bình; chưa có biên bản họp xét của Phòng."
            in two_lines.body_text)


@pytest.mark.slow
def test_days_the_sweep_missed_are_caught_up_once(ctx, make):
    sim = FiveYears(ctx, make)
    skip = set()
    if ctx.db.is_sqlite:
        skip |= set(days(date(2022, 3, 15), date(2022, 3, 25)))   # A registered meanwhile: nothing to catch up
        skip |= set(days(date(2023, 11, 28), date(2023, 12, 4)))  # across the dossier deadline
    skip |= set(days(date(2024, 11, 22), date(2024, 11, 29)))     # three ladder steps missed before the deadline
    skip |= set(days(date(2025, 3, 30), date(2025, 4, 1)))        # the last step goes stale; escalation catches up
    # The whole period on SQLite; on PostgreSQL (slower per query) from October 2024.
    first = date(2021, 1, 1) if ctx.db.is_sqlite else date(2024, 10, 1)
    run_days = sim.play(first, date(2025, 12, 31), skip=frozenset(skip))
    expected = check_against_the_oracle(ctx, sim, run_days)
    a, annual_2024 = sim.a, sim.cycles[("annual", 2024)]
    caught_up = {k[2] for k, day in expected.items()
                 if k[0] == annual_2024 and k[1] == "dossier_deadline" and k[3] == a.other_head}
    assert caught_up == {14, 7, 3, 1}
    assert expected[(annual_2024, "dossier_deadline", 1, a.other_head)] == date(2024, 11, 30)
    assert "hôm nay là hạn cuối" in mail_to(ctx, a.other_head, date(2024, 11, 30)).body_text
    annual_2025 = sim.cycles[("annual", 2025)]
    assert (annual_2025, "registration_deadline", 1, a.other_head) not in expected  # stale after the deadline
    assert expected[(annual_2025, "registration_deadline", -1, a.secretary)] == date(2025, 4, 2)
