"""The `thidua` command: init, demo, serve, users, tokens (and the notification/document groups)."""
from __future__ import annotations

import sys

import click
from sqlalchemy import select

import notifications
from notifications import cli as notifications_cli
from workflow import audit_cli, backup_cli, bootstrap, directory, schema, tokens
from workflow.config import Settings
from workflow.context import Context
from workflow.documents import cli as documents_cli
from workflow.errors import DomainError
from workflow.imports import cli as imports_cli
from workflow.models import Department, User

from .security import check_secret_for_bind


def _ctx() -> Context:
    return click.get_current_context().find_root().obj


class DomainAwareGroup(click.Group):
    """Turns domain errors into a readable message and exit code 2, not a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DomainError as exc:
            for problem in exc.problems:
                click.echo(f"Lỗi: {problem.message}", err=True)
            sys.exit(2)


@click.group(cls=DomainAwareGroup)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Tệp cấu hình (mặc định: THIDUA_CONFIG hoặc config.toml của dự án).")
@click.pass_context
def main(click_ctx, config_path):
    """thidua — quy trình thi đua, khen thưởng."""
    settings = Settings.load(config_path)
    click_ctx.obj = Context.from_settings(settings)
    notifications.subscribe(click_ctx.obj)


@main.command()
def init():
    """Tạo/cập nhật cơ sở dữ liệu lên phiên bản mới nhất và nạp cấu hình."""
    added = bootstrap.init(_ctx())
    click.echo(f"Cơ sở dữ liệu đã ở phiên bản {schema.head_revision()} ({_ctx().db.url.split('://')[0]}).")
    click.echo(f"Đã thêm: {added['identities']} thông tin cơ quan, {added['campaigns']} phong trào,"
               f" {added['cycles']} kỳ xét.")


@main.command()
@click.option("--reset", is_flag=True, help="Xóa toàn bộ dữ liệu hiện có rồi tạo lại dữ liệu mẫu.")
def demo(reset):
    """Tạo cơ quan mẫu (theo Kế hoạch gốc) với dữ liệu 2021–2025 và kỳ xét 2026 đang diễn ra."""
    from workflow import demo as demo_data

    ctx = _ctx()
    if reset:
        schema.drop_everything(ctx.db.engine)
    bootstrap.init(ctx)
    with ctx.db.reading() as s:
        exists = s.scalars(select(User.id).where(User.username == "admin")).first() is not None
    if exists:
        click.echo("Dữ liệu mẫu đã có (dùng --reset để tạo lại).")
    else:
        with click.progressbar(length=100, label="Đang tạo dữ liệu mẫu") as bar:
            demo_data.build(ctx, progress=bar.update)
    click.echo(demo_data.credentials_text())


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="Số tiến trình web (gunicorn).")
@click.option("--no-scheduler", is_flag=True, help="Không chạy bộ lập lịch (khi đã chạy `thidua scheduler` riêng).")
def serve(host, port, workers, no_scheduler):
    """Chạy dịch vụ: máy chủ web gunicorn và bộ lập lịch nhắc hạn, mỗi thứ một tiến trình riêng."""
    from .server import run

    ctx = _ctx()
    check_secret_for_bind(ctx.settings, host)
    if not schema.is_up_to_date(ctx.db.engine):
        bootstrap.init(ctx)
    # The supervisor keeps no connection open while its children run.
    ctx.db.dispose()
    click.echo(f"thidua đang chạy tại http://{host}:{port}/ (Ctrl+C để dừng)")
    raise SystemExit(run(ctx.settings, host=host, port=port, workers=workers, scheduler=not no_scheduler,
                         echo=click.echo))


@main.group()
def users():
    """Quản lý tài khoản."""


@users.command("list")
def users_list():
    """Liệt kê tài khoản: tên đăng nhập, vai trò, phòng."""
    with _ctx().db.reading() as s:
        rows = s.scalars(select(User).order_by(User.username)).all()
        heads = {d.head_person_id: d.name for d in s.scalars(select(Department)) if d.head_person_id}
        click.echo(f"{'Tên đăng nhập':<22} {'Vai trò':<44} Phòng")
        for u in rows:
            dept = u.person.department.name if u.person and u.person.department else ""
            if u.person_id in heads:
                dept = f"{heads[u.person_id]} (trưởng phòng)"
            state = "" if u.active else " [đã khóa]"
            click.echo(f"{u.username:<22} {','.join(sorted(u.roles)):<44} {dept}{state}")


@users.command("create")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, help="Vai trò (lặp lại để thêm nhiều vai trò).")
@click.option("--person-id", type=int, default=None, help="Gắn với cán bộ (mã trong danh sách cán bộ).")
@click.option("--email", default=None)
@click.password_option(help="Mật khẩu (ít nhất 8 ký tự).")
def users_create(username, roles, person_id, email, password):
    """Tạo tài khoản."""
    uid = directory.create_user(_ctx(), None, username=username, password=password, roles=list(roles),
                                person_id=person_id, email=email)
    click.echo(f"Đã tạo tài khoản {username} (mã {uid}).")


@users.command("passwd")
@click.argument("username")
@click.password_option(help="Mật khẩu mới (ít nhất 8 ký tự).")
def users_passwd(username, password):
    """Đặt lại mật khẩu."""
    directory.set_password(_ctx(), None, username, password)
    click.echo(f"Đã đổi mật khẩu của {username}.")


def _user_id(username: str) -> int:
    with _ctx().db.reading() as s:
        user_id = s.scalar(select(User.id).where(User.username == username.strip().lower()))
    if user_id is None:
        raise click.ClickException(f"Không tìm thấy tài khoản “{username}”.")
    return user_id


@users.command("deactivate")
@click.argument("username")
@click.option("--reason", required=True, help="Lý do khóa (ghi vào nhật ký).")
def users_deactivate(username, reason):
    """Khóa tài khoản: phiên đăng nhập và token của tài khoản bị từ chối ngay."""
    directory.set_user_active(_ctx(), None, _user_id(username), False, reason)
    click.echo(f"Đã khóa tài khoản {username}.")


@users.command("activate")
@click.argument("username")
@click.option("--reason", default="", help="Lý do mở khóa (ghi vào nhật ký).")
def users_activate(username, reason):
    """Mở khóa tài khoản (người dùng đăng nhập lại; các phiên cũ không dùng lại được)."""
    directory.set_user_active(_ctx(), None, _user_id(username), True, reason)
    click.echo(f"Đã mở khóa tài khoản {username}.")


@main.group()
def token():
    """Token cho API."""


@token.command("create")
@click.argument("username")
@click.option("--name", "--label", "name", default="", help="Tên token (dùng cho việc gì).")
@click.option("--scope", type=click.Choice(["read", "full"]), default="full", show_default=True,
              help="read: chỉ đọc; full: đọc và ghi.")
@click.option("--expires", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Hết hạn sau ngày này (YYYY-MM-DD); bỏ trống: không hết hạn.")
def token_create(username, name, scope, expires):
    """In một token mới (dòng cuối cùng) cho USERNAME."""
    ctx = _ctx()
    value = tokens.create_token(ctx, username, name, scope=scope,
                                expires_at=tokens.expiry_at_end_of(ctx, expires.date()) if expires else None)
    click.echo(f"Token cho {username} (chỉ hiện một lần):", err=True)
    click.echo(value)


@token.command("list")
@click.option("--user", "username", default=None, help="Chỉ token của tài khoản này.")
def token_list(username):
    """Liệt kê token: mã, tài khoản, tên, phạm vi, hạn, lần dùng cuối, trạng thái."""
    ctx = _ctx()
    user_id = _user_id(username) if username else None
    status = {"active": "còn hiệu lực", "expired": "đã hết hạn", "revoked": "đã thu hồi"}
    click.echo(f"{'Mã':>5} {'Tài khoản':<18} {'Tên':<24} {'Phạm vi':<8} {'Hết hạn':<11} {'Dùng lần cuối':<17} Trạng thái")
    for t in tokens.list_tokens(ctx, None, user_id=user_id):
        click.echo(f"{t['id']:>5} {t['username']:<18} {t['name'][:24]:<24} {t['scope']:<8} "
                   f"{(t['expires_at'] or '—')[:10]:<11} {(t['last_used_at'] or '—')[:16]:<17} {status[t['status']]}")


@token.command("revoke")
@click.argument("token_id", type=int)
def token_revoke(token_id):
    """Thu hồi token (theo mã trong `thidua token list`): có hiệu lực ngay."""
    tokens.revoke_token(_ctx(), None, token_id)
    click.echo(f"Đã thu hồi token {token_id}.")


# Command groups owned by the other packages.
main.add_command(notifications_cli.reminders, "reminders")
main.add_command(notifications_cli.outbox, "outbox")
main.add_command(notifications_cli.scheduler, "scheduler")
main.add_command(documents_cli.documents, "documents")
main.add_command(imports_cli.import_, "import")
main.add_command(imports_cli.export, "export")
main.add_command(audit_cli.audit_group, "audit")
main.add_command(backup_cli.backup, "backup")
main.add_command(backup_cli.restore, "restore")


if __name__ == "__main__":   # `python -m webapp.cli`: how `thidua serve` starts the scheduler
    main()
