"""`thidua documents …`: write a whole cycle's documents to a folder; copy templates for editing."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import click
from sqlalchemy import select

from ..models import User, UserRole
from . import build_cycle, render
from .build_templates import BUILDERS


def _context():
    return click.get_current_context().find_root().obj


def _user_id(ctx, username: str | None) -> int:
    """The named user, or by default the first council secretary."""
    with ctx.db.reading() as s:
        if username:
            user_id = s.scalars(select(User.id).where(User.username == username)).first()
            if user_id is None:
                raise click.ClickException(f"Không có tài khoản “{username}”.")
            return user_id
        user_id = s.scalars(select(User.id).join(UserRole).where(UserRole.role == "council_secretary",
                                                                 User.active.is_(True)).order_by(User.id)).first()
    if user_id is None:
        raise click.ClickException("Chưa có tài khoản Thư ký Hội đồng TĐKT; dùng --as để chọn người thực hiện.")
    return user_id


class _Bar:
    """A click progress bar opened on the first step, once the number of files is known."""

    def __init__(self):
        self.bar = None

    def __call__(self, done: int, total: int, label: str) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="Đang tạo tài liệu", show_pos=True,
                                         item_show_func=lambda item: item)
            self.bar.__enter__()
        self.bar.length = total  # a document that cannot be made lowers it
        self.bar.update(done - self.bar.pos, label)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@click.group()
def documents():
    """Tài liệu hồ sơ khen thưởng (danh sách, báo cáo, tờ trình, biên bản, quyết định, Giấy khen)."""


@documents.command("build")
@click.option("--cycle", "cycle_id", type=int, required=True, help="Mã kỳ xét (id trong GET /api/v1/cycles).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Thư mục ghi tài liệu.")
@click.option("--pdf", is_flag=True, help="Tạo thêm bản PDF của mỗi tài liệu (cần LibreOffice).")
@click.option("--as", "username", default=None, help="Người thực hiện (mặc định: Thư ký Hội đồng đầu tiên).")
def build(cycle_id: int, out_dir: Path, pdf: bool, username: str | None):
    """Ghi toàn bộ tài liệu của một kỳ xét vào thư mục OUT."""
    ctx = _context()
    started = time.monotonic()
    bar = _Bar()
    try:
        result = build_cycle(ctx, _user_id(ctx, username), cycle_id, out_dir, pdf=pdf, progress=bar)
    finally:
        bar.close()
    click.echo(f"Đã ghi {len(result.written)} tệp vào {out_dir} trong {time.monotonic() - started:.1f} giây.")
    for problem in result.problems:
        click.echo(f"Lưu ý: {problem}", err=True)


@documents.command("templates")
@click.option("--copy", "copy", is_flag=True, help="Chép các mẫu vào thư mục của cơ quan để sửa trong Word.")
def templates(copy: bool):
    """Liệt kê mẫu văn bản đang dùng; --copy chép mẫu gốc sang <instance>/templates/documents/."""
    ctx = _context()
    target = render.override_dir(ctx.settings)
    if copy:
        target.mkdir(parents=True, exist_ok=True)
    for name in BUILDERS:
        own = target / name
        if copy and not own.exists():
            shutil.copyfile(render.PACKAGE_TEMPLATES / name, own)
        path = render.template_path(ctx.settings, name)
        origin = "của cơ quan" if path == own else "mẫu gốc"
        click.echo(f"{name}  [{origin}]  {render.template_version(path)[:12]}  {path}")
