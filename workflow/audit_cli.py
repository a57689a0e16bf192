"""`thidua audit verify`: walk the audit log's hash chain and name the first broken link."""
from __future__ import annotations

import click

from .audit import verify_chain


@click.group("audit")
def audit_group():
    """Nhật ký thao tác (audit log)."""


@audit_group.command("verify")
@click.pass_context
def verify(click_ctx):
    """Kiểm tra chuỗi băm của nhật ký: phát hiện bản ghi bị sửa, xoá hoặc chèn."""
    ctx = click_ctx.find_root().obj
    with ctx.db.reading() as s:
        checked, broken = verify_chain(s)
    if broken is None:
        click.echo(f"Nhật ký toàn vẹn: {checked} bản ghi, chuỗi băm nối liền.")
        return
    click.echo(f"Nhật ký KHÔNG toàn vẹn. {broken.message}", err=True)
    raise SystemExit(1)
