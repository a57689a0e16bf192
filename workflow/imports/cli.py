"""`thidua import KIND FILE [--dry-run]` and `thidua export KIND --out FILE`.

The root group's `obj` is the Context; `--as` names the acting user (default: the first
administrator, else the first council secretary), whose rights the import and export obey.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy import select

from ..errors import Invalid, Problem
from ..models import Campaign, ReviewCycle, User, UserRole
from . import KIND_TITLES, ImportResult, apply_file, preview_file

SHOWN_ROWS = 20


def _ctx():
    return click.get_current_context().find_root().obj


def acting_user(ctx, username: str | None) -> int:
    """The user named by --as, or the first active admin, else the first council secretary."""
    with ctx.db.reading() as s:
        if username:
            uid = s.scalars(select(User.id).where(User.username == username.strip().lower(),
                                                  User.active.is_(True))).first()
            if uid is None:
                raise Invalid(Problem("unknown_user", f"Không có tài khoản đang hoạt động “{username}”."))
            return uid
        for role in ("admin", "council_secretary"):
            uid = s.scalars(select(User.id).join(UserRole).where(UserRole.role == role, User.active.is_(True))
                            .order_by(User.id)).first()
            if uid is not None:
                return uid
    raise Invalid(Problem("no_admin", "Chưa có tài khoản quản trị hoặc Thư ký Hội đồng: tạo bằng `thidua users create`."))


class _Bar:
    """A progress bar that appears once the number of rows is known (and only for large files)."""

    def __init__(self, label: str, threshold: int = 200):
        self.label, self.threshold, self.bar = label, threshold, None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None and total >= self.threshold:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _describe(row) -> str:
    detail = "; ".join(f"{k}: {v[1]}" if not v[0] else f"{k}: {v[0]} → {v[1]}" for k, v in row.changes.items())
    return f"  dòng {row.line:<5} {row.status_title:<10} {row.label}" + (f"  ({detail})" if detail else "")


def print_result(result: ImportResult, *, show_all: bool, dry_run: bool) -> None:
    c = result.counts
    click.echo(f"Tệp: {result.filename} — {KIND_TITLES[result.kind]}"
               f" (dòng tiêu đề: {', '.join(map(str, result.header_lines))})")
    click.echo("Cột nhận ra: " + ", ".join(f"{k} ← “{v}”" for k, v in result.columns.items()))
    if result.ignored_columns:
        click.echo("Cột bỏ qua: " + ", ".join(f"“{x}”" for x in result.ignored_columns))
    verb = "Sẽ tạo mới" if dry_run else "Đã tạo mới"
    click.echo(f"{verb}: {c['create']} · cập nhật: {c['update']} · không đổi: {c['unchanged']}"
               f" · từ chối: {c['refused']}")
    if result.refused:
        click.echo("Lý do từ chối: " + "; ".join(f"{k}: {v}" for k, v in result.refusal_summary.items()))
    changed = result.changed
    if changed:
        click.echo("Các dòng tạo mới / cập nhật:")
        for row in changed if show_all else changed[:SHOWN_ROWS]:
            click.echo(_describe(row))
        if not show_all and len(changed) > SHOWN_ROWS:
            click.echo(f"  … và {len(changed) - SHOWN_ROWS} dòng khác (thêm --all để xem hết).")
    if result.refused:
        click.echo("Các dòng bị từ chối (không nhập):")
        for row in result.refused:
            click.echo(f"  dòng {row.line:<5} {row.label}: {row.reason}")
    if dry_run:
        click.echo("Chạy thử: chưa ghi gì vào cơ sở dữ liệu.")
    elif not changed:
        click.echo("Không có gì thay đổi.")


@click.group("import")
def import_():
    """Nhập dữ liệu từ tệp Excel (.xlsx) hoặc CSV: xem trước, rồi ghi trong một giao dịch."""


def _import_command(kind: str, *, year_option: bool = False, contest_options: bool = False):
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Chỉ xem trước: in các dòng sẽ tạo/cập nhật và bị từ chối.")
    @click.option("--as", "as_user", default=None, metavar="USERNAME",
                  help="Tài khoản thực hiện (mặc định: quản trị hoặc Thư ký Hội đồng đầu tiên).")
    @click.option("--all", "show_all", is_flag=True, help="In mọi dòng tạo mới / cập nhật.")
    def command(file: Path, dry_run: bool, as_user: str | None, show_all: bool, **options):
        ctx = _ctx()
        user_id = acting_user(ctx, as_user)
        bar = _Bar("Đang đọc" if dry_run else "Đang nhập")
        try:
            run = preview_file if dry_run else apply_file
            result = run(ctx, user_id, kind, file.read_bytes(), file.name,
                         {k: v for k, v in options.items() if v is not None}, progress=bar)
        finally:
            bar.close()
        print_result(result, show_all=show_all, dry_run=dry_run)

    command.__doc__ = f"Nhập {KIND_TITLES[kind].lower()} từ FILE (.xlsx hoặc .csv)."
    if year_option:
        command = click.option("--year", type=click.IntRange(2000, 2100), default=None,
                               help="Năm dùng cho các dòng không có cột “Năm”.")(command)
    if contest_options:
        command = click.option("--round", "round", default=None, help="Đợt thi cho các dòng không có cột “Đợt”.")(command)
        command = click.option("--contest", "contest_kind", type=click.Choice(["online_cchc", "written_initiative"]),
                               default=None, help="Cuộc thi (mặc định: trực tuyến tìm hiểu CCHC).")(command)
    return import_.command(kind)(command)


_import_command("departments")
_import_command("people")
_import_command("contest-results", year_option=True, contest_options=True)
_import_command("initiatives", year_option=True)
_import_command("task-ratings", year_option=True)


def resolve_cycle(ctx, value: str | None) -> int | None:
    """A cycle from an id, a year ('2025': that year's annual review) or a period ('2021-2025': its final review)."""
    if not value:
        return None
    value = value.strip()
    with ctx.db.reading() as s:
        if "-" in value:
            first, _, last = value.partition("-")
            q = select(ReviewCycle.id).join(Campaign).where(
                ReviewCycle.kind == "final", Campaign.start_year == int(first), Campaign.end_year == int(last))
        elif value.isdigit() and len(value) == 4:
            q = select(ReviewCycle.id).join(Campaign).where(ReviewCycle.kind == "annual", ReviewCycle.year == int(value))
        elif value.isdigit():
            q = select(ReviewCycle.id).where(ReviewCycle.id == int(value))
        else:
            q = None
        found = s.scalars(q.order_by(ReviewCycle.id)).all() if q is not None else []
    if len(found) != 1:
        raise Invalid(Problem("unknown_cycle", f"Không xác định được kỳ xét “{value}” (dùng mã kỳ, năm như 2025,"
                                               " hoặc giai đoạn như 2021-2025)."))
    return found[0]


@click.command("export")
@click.argument("kind", type=click.Choice(["nominations", "initiatives", "contest-results", "task-ratings",
                                           "registrations", "award-history", "dashboard", "eligibility",
                                           "personnel-awards"]))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp .xlsx sẽ ghi ra.")
@click.option("--cycle", default=None, help="Kỳ xét: mã kỳ, năm (2025) hoặc giai đoạn (2021-2025).")
@click.option("--state", default=None, help="Trạng thái đề nghị (registered, awarded, …).")
@click.option("--year", type=int, default=None, help="Năm (sổ sáng kiến, kết quả thi, xếp loại, đăng ký).")
@click.option("--department", "department_id", type=int, default=None, help="Mã phòng.")
@click.option("--person", "person_id", type=int, default=None, help="Mã cá nhân (lịch sử khen thưởng).")
@click.option("--as", "as_user", default=None, metavar="USERNAME", help="Tài khoản thực hiện.")
def export(kind, out: Path, cycle, state, year, department_id, person_id, as_user):
    """Xuất một danh sách ra tệp .xlsx (hoặc .csv nếu tên tệp kết thúc bằng .csv)."""
    from ..reports.exports import EXPORT_TITLES, export_csv
    from ..reports.exports import export as build

    ctx = _ctx()
    user_id = acting_user(ctx, as_user)
    if out.suffix.lower() == ".csv":  # the first sheet as CSV, for systems that import CSV
        build = export_csv
    data = build(ctx, user_id, kind, cycle_id=resolve_cycle(ctx, cycle), state=state, year=year,
                 department_id=department_id, person_id=person_id)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    click.echo(f"Đã ghi {EXPORT_TITLES[kind].lower()} vào {out} ({len(data):,} byte).")
