"""`thidua reminders run`, `thidua outbox send|list`, `thidua scheduler` (registered by webapp/cli.py)."""
from __future__ import annotations

from datetime import date

import click

from workflow.config import Settings
from workflow.context import Context

from . import outbox as outbox_mod
from . import subscribe
from .emails import vn_date
from .mail_alerts import alert_admins
from .reminders import Digest, run_reminders
from .scheduler import run_scheduler


def _context() -> Context:
    """The Context the `thidua` main group put in click's obj (or one from config.toml)."""
    click_ctx = click.get_current_context()
    obj = click_ctx.find_root().obj
    if isinstance(obj, Context):
        return obj
    context = Context.from_settings(Settings.load())
    subscribe(context)
    click_ctx.find_root().obj = context
    return context


def _days(line) -> str:
    if line.escalation:
        return f"đã quá hạn {line.days} ngày"
    return "hôm nay là hạn cuối" if line.days == 0 else f"còn {line.days} ngày"


def _echo_digest(digest: Digest) -> None:
    r = digest.recipient
    click.echo(f"• {r.name} <{r.address}>: {len(digest.lines)} việc")
    for line in digest.lines:
        kind = "Quá hạn" if line.escalation else "Nhắc hạn"
        click.echo(f"    [{kind}] {line.title} – {line.cycle_title}: hạn {vn_date(line.deadline_on)}, {_days(line)}")
        for detail in line.details:
            click.echo(f"        - {detail}")


@click.group("reminders")
def reminders():
    """Nhắc hạn: gửi thư nhắc việc trước và sau các mốc của kỳ xét."""


@reminders.command("run")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Chạy như vào ngày này (YYYY-MM-DD); mặc định: hôm nay.")
@click.option("--dry-run", is_flag=True, help="Chỉ liệt kê ai sẽ nhận thư gì; không gửi, không ghi gì.")
def reminders_run(as_of, dry_run):
    """Quét các mốc hạn và gửi thư nhắc (mỗi thư nhắc chỉ gửi một lần)."""
    ctx = _context()
    day: date = as_of.date() if as_of else ctx.clock.today()
    report = run_reminders(ctx, day, dry_run=dry_run)
    if dry_run:
        click.echo(f"Chạy thử nhắc hạn ngày {vn_date(day)} — không gửi thư nào.")
    if not report.sent:
        click.echo(f"Không có thư nhắc nào cần gửi ngày {vn_date(day)}.")
    for digest in report.sent:
        _echo_digest(digest)
    if report.deferred:
        click.echo(f"{len(report.deferred)} người đã nhận thư nhắc trong ngày; việc mới phát sinh sẽ được nhắc"
                   " vào lần quét sau.")
    if dry_run:
        click.echo(f"Sẽ gửi {len(report.sent)} thư nhắc.")
        return
    alerts = alert_admins(ctx, day)
    if alerts:
        click.echo(f"Có thư gửi thất bại: đã báo cho {alerts} quản trị viên.")
    if report.sent or alerts:
        if report.sent:
            click.echo(f"Đã xếp {len(report.sent)} thư nhắc vào hàng đợi.")
        _echo_drain(outbox_mod.drain(ctx))


@click.group("outbox")
def outbox():
    """Hàng đợi thư điện tử."""


def _echo_drain(report: outbox_mod.DrainReport) -> None:
    parts = [f"đã gửi {report.sent}"]
    if report.kept_in_sink:
        parts.append(f"giữ tại hộp thư cục bộ {report.kept_in_sink} (chưa cấu hình SMTP; xem trang “Thư đã gửi”)")
    if report.retry_later:
        parts.append(f"sẽ thử lại {report.retry_later}")
    if report.failed:
        parts.append(f"thất bại {report.failed}")
    if report.recovered:
        parts.append(f"khôi phục {report.recovered} thư gửi dở")
    click.echo("Hàng đợi thư: " + ", ".join(parts) + ".")
    for line in report.errors:
        click.echo(f"  {line}", err=True)


@outbox.command("send")
def outbox_send():
    """Gửi ngay các thư đang chờ trong hàng đợi."""
    report = outbox_mod.drain(_context())
    if report.handled == 0 and not report.recovered:
        click.echo("Không có thư nào đến lượt gửi.")
        return
    _echo_drain(report)


@outbox.command("list")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000), help="Số thư tối đa.")
@click.option("--state", type=click.Choice(list(outbox_mod.STATE_TITLES)), default=None, help="Chỉ thư ở trạng thái này.")
@click.option("--nomination", "nomination_id", type=int, default=None, help="Chỉ thư về hồ sơ đề nghị này.")
def outbox_list(limit, state, nomination_id):
    """Liệt kê thư trong hàng đợi, mới nhất trước."""
    ctx = _context()
    with ctx.db.reading() as s:
        rows = outbox_mod.list_messages(s, limit=limit, state=state, nomination_id=nomination_id)
        counts = outbox_mod.count_by_state(s)
    click.echo(", ".join(f"{outbox_mod.STATE_TITLES[k]}: {v}" for k, v in counts.items()))
    if not rows:
        click.echo("Không có thư nào.")
    for m in rows:
        at = m.created_at.astimezone(ctx.clock.tz).strftime("%d/%m/%Y %H:%M")
        where = " (hộp thư cục bộ)" if m.transport == "sink" else ""
        click.echo(f"#{m.id}  {at}  {outbox_mod.STATE_TITLES[m.state]}{where}  {m.to_address}  {m.subject}")
        if m.last_error and m.state != "sent":
            click.echo(f"      {m.last_error}")


@click.command("scheduler")
@click.option("--no-wait", is_flag=True, help="Thoát ngay nếu đã có bộ lập lịch khác chạy (mặc định: chờ làm dự phòng).")
def scheduler(no_wait):
    """Chạy bộ lập lịch (nhắc hạn hằng ngày, gửi thư định kỳ) như một tiến trình riêng."""
    raise SystemExit(run_scheduler(_context(), wait=not no_wait, echo=click.echo))
