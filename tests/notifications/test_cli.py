"""The CLI: `reminders run [--as-of] [--dry-run]`, `outbox send|list`, `scheduler`."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from notifications.cli import outbox, reminders, scheduler
from notifications.scheduler import try_leader_lock

from .helpers import digests, ledger


def run(command, args, ctx):
    result = CliRunner().invoke(command, args, obj=ctx, catch_exceptions=False)
    return result


def test_a_dry_run_prints_who_would_get_what_and_sends_nothing(ctx, make):
    make.agency()
    result = run(reminders, ["run", "--as-of", "2025-03-17", "--dry-run"], ctx)
    assert result.exit_code == 0
    assert "Chạy thử nhắc hạn ngày 17/03/2025" in result.output
    assert "• Trần Thị Trưởng <" in result.output
    assert "[Nhắc hạn] Hạn gửi đăng ký thi đua – Sơ kết năm 2025: hạn 31/03/2025, còn 14 ngày" in result.output
    assert "- Phòng Kế hoạch: chưa gửi đăng ký thi đua năm 2025." in result.output
    assert "Sẽ gửi 2 thư nhắc." in result.output
    assert digests(ctx) == [] and ledger(ctx) == []


def test_run_sends_once_and_the_second_run_sends_nothing(ctx, make):
    make.agency()
    first = run(reminders, ["run", "--as-of", "2025-03-17"], ctx)
    assert "Đã xếp 2 thư nhắc vào hàng đợi." in first.output
    assert "giữ tại hộp thư cục bộ 2" in first.output
    second = run(reminders, ["run", "--as-of", "2025-03-17"], ctx)
    assert "Không có thư nhắc nào cần gửi ngày 17/03/2025." in second.output
    assert len(digests(ctx)) == 2 and {m.state for m in digests(ctx)} == {"sent"}


def test_run_without_a_date_uses_the_clock(ctx, make):
    a = make.agency()
    make.nomination(a)  # dossier to review before 30/11; today (20/11) catches up the 14-day step
    result = run(reminders, ["run"], ctx)
    assert "Đã xếp 1 thư nhắc" in result.output and "còn 10 ngày" in result.output
    assert [r.sent_on.isoformat() for r in ledger(ctx)] == ["2025-11-20"]


def test_bad_dates_are_refused_with_a_message(ctx):
    result = CliRunner().invoke(reminders, ["run", "--as-of", "17/03/2025"], obj=ctx)
    assert result.exit_code == 2 and "17/03/2025" in result.output


def test_outbox_list_and_send(ctx, make):
    make.agency()
    run(reminders, ["run", "--as-of", "2025-03-17"], ctx)
    listing = run(outbox, ["list", "--limit", "5"], ctx)
    assert "Đã gửi: 2" in listing.output
    assert "(hộp thư cục bộ)" in listing.output and "[Nhắc hạn] 1 việc thi đua" in listing.output
    assert "Không có thư nào đến lượt gửi." in run(outbox, ["send"], ctx).output
    assert "Không có thư nào." in run(outbox, ["list", "--state", "failed"], ctx).output


def test_scheduler_refuses_to_start_a_second_one(ctx):
    lock = try_leader_lock(ctx)
    try:
        result = CliRunner().invoke(scheduler, ["--no-wait"], obj=ctx)
        assert result.exit_code == 1
        assert "Đã có một bộ lập lịch khác đang chạy" in result.output
    finally:
        lock.release()


def test_the_thidua_command_has_the_groups(ctx, make, tmp_path):
    cli = pytest.importorskip("webapp.cli")
    make.agency()
    env = {"THIDUA_DATABASE__URL": ctx.db.url, "THIDUA_APP__INSTANCE_PATH": str(tmp_path / "instance"),
           "THIDUA_MAIL__SMTP_HOST": ""}
    result = CliRunner().invoke(cli.main, ["reminders", "run", "--as-of", "2025-03-17"], env=env,
                                catch_exceptions=False)
    assert "Đã xếp 2 thư nhắc vào hàng đợi." in result.output
    listing = CliRunner().invoke(cli.main, ["outbox", "list"], env=env, catch_exceptions=False)
    assert "Đã gửi: 2" in listing.output
