"""`thidua backup OUT` and `thidua restore IN` (registered by webapp/cli.py)."""
from __future__ import annotations

from pathlib import Path

import click

from . import backup as backup_mod


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def backup(click_ctx, out):
    """Sao lưu cơ sở dữ liệu rồi thư mục tài liệu vào một tệp .tar (chạy được khi dịch vụ đang chạy)."""
    count = backup_mod.backup(click_ctx.find_root().obj, out)
    click.echo(f"Đã sao lưu cơ sở dữ liệu và {count} tệp tài liệu vào {out}.")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Không hỏi lại trước khi thay toàn bộ dữ liệu hiện có.")
@click.pass_context
def restore(click_ctx, archive, yes):
    """Khôi phục từ bản sao lưu: tài liệu trước, rồi cơ sở dữ liệu (hãy dừng dịch vụ trước)."""
    if not yes:
        click.confirm("Toàn bộ dữ liệu hiện có sẽ được thay bằng bản sao lưu. Tiếp tục?", abort=True)
    report = backup_mod.restore(click_ctx.find_root().obj, archive)
    click.echo(f"Đã khôi phục cơ sở dữ liệu và {report.documents} tệp tài liệu.")
    problems = []
    if report.missing_files:
        problems.append(f"{len(report.missing_files)} tài liệu thiếu tệp hoặc sai mã băm: "
                        + ", ".join(report.missing_files[:10]))
    if report.audit_break:
        problems.append(f"Nhật ký không toàn vẹn: {report.audit_break}")
    for line in problems:
        click.echo(f"Cảnh báo: {line}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo(f"Kiểm tra: mọi tài liệu đủ tệp; nhật ký {report.audit_rows} bản ghi, chuỗi băm nối liền.")
