"""Access you can take back: tokens revoked, expired or read-only; locked accounts; sessions ended
by logout and by a new password, even when the old cookie is replayed."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from webapp.cli import main
from workflow import directory, tokens
from workflow.errors import Forbidden, Invalid

from .conftest import Browser


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_a_revoked_token_is_refused_at_once_and_its_use_was_recorded(app, ctx, make):
    a = make.agency()
    token = directory.create_token(ctx, make.username(a.secretary), "Báo cáo tháng")
    client = app.test_client()
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 200
    [row] = tokens.list_tokens(ctx, None, user_id=a.secretary)
    assert row["last_used_at"] is not None and row["name"] == "Báo cáo tháng" and row["status"] == "active"
    tokens.revoke_token(ctx, a.secretary, row["id"])
    response = client.get("/api/v1/me", headers=_bearer(token))
    assert response.status_code == 401 and response.json["code"] == "unauthorized"
    assert tokens.list_tokens(ctx, None, user_id=a.secretary)[0]["status"] == "revoked"


def test_last_used_is_written_at_most_once_a_minute(app, ctx, clock, make):
    a = make.agency()
    token = directory.create_token(ctx, make.username(a.secretary))
    client = app.test_client()
    client.get("/api/v1/me", headers=_bearer(token))
    first = tokens.list_tokens(ctx, None, user_id=a.secretary)[0]["last_used_at"]
    clock.set(clock.now() + timedelta(seconds=30))
    client.get("/api/v1/me", headers=_bearer(token))
    assert tokens.list_tokens(ctx, None, user_id=a.secretary)[0]["last_used_at"] == first
    clock.set(clock.now() + timedelta(seconds=31))
    client.get("/api/v1/me", headers=_bearer(token))
    assert tokens.list_tokens(ctx, None, user_id=a.secretary)[0]["last_used_at"] > first


def test_a_token_works_through_its_last_day_and_not_after(app, ctx, clock, make):
    a = make.agency()
    last_day = clock.today() + timedelta(days=2)
    token = tokens.create_token(ctx, make.username(a.secretary), "tạm", expires_at=tokens.expiry_at_end_of(ctx, last_day))
    client = app.test_client()
    clock.set(last_day)
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 200
    clock.set(last_day + timedelta(days=1))
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 401
    assert tokens.list_tokens(ctx, None, user_id=a.secretary)[0]["status"] == "expired"


def test_a_read_only_token_reads_but_every_write_is_refused(app, ctx, make):
    a = make.agency()
    token = tokens.create_token(ctx, make.username(a.secretary), "chỉ đọc", scope="read")
    client = app.test_client()
    assert client.get("/api/v1/initiatives", headers=_bearer(token)).status_code == 200
    writes = [("post", "/api/v1/initiatives", {"title": "X", "field": "e_government", "year": 2025}),
              ("post", "/api/v1/nominations/1/actions", {"action": "hold"}),
              ("post", "/api/v1/tokens", {"name": "leo thang"}),
              ("delete", "/api/v1/tokens/1", None)]
    for method, url, body in writes:
        response = getattr(client, method)(url, json=body, headers=_bearer(token))
        assert response.status_code == 403 and response.json["code"] == "read_only_token", url
    assert len(tokens.list_tokens(ctx, None)) == 1


def test_tokens_through_the_api_own_ones_only(app, ctx, make):
    a = make.agency()
    mine = directory.create_token(ctx, make.username(a.head))
    theirs = directory.create_token(ctx, make.username(a.secretary))
    client = app.test_client()
    created = client.post("/api/v1/tokens", json={"name": "Máy chấm công", "scope": "read",
                                                  "expires_on": "2026-06-30"}, headers=_bearer(mine))
    assert created.status_code == 201 and created.json["scope"] == "read" and created.json["token"].startswith("td_")
    assert created.json["expires_at"].startswith("2026-06-30")
    listed = client.get("/api/v1/tokens", headers=_bearer(mine)).json["items"]
    assert {t["username"] for t in listed} == {make.username(a.head)} and len(listed) == 2
    secretary_token_id = tokens.list_tokens(ctx, None, user_id=a.secretary)[0]["id"]
    assert client.delete(f"/api/v1/tokens/{secretary_token_id}", headers=_bearer(mine)).status_code == 404
    assert client.get("/api/v1/me", headers=_bearer(theirs)).status_code == 200
    assert client.delete(f"/api/v1/tokens/{created.json['id']}", headers=_bearer(mine)).status_code == 204
    assert client.get("/api/v1/me", headers=_bearer(created.json["token"])).status_code == 401


def test_a_locked_account_loses_its_session_and_tokens_at_once(app, ctx, make):
    a = make.agency()
    token = directory.create_token(ctx, make.username(a.head))
    b = Browser(app.test_client()).login(make.username(a.head))
    with pytest.raises(Invalid):
        directory.set_user_active(ctx, a.admin, a.head, False, "")
    with pytest.raises(Forbidden):
        directory.set_user_active(ctx, a.secretary, a.head, False, "Nghỉ hưu")
    directory.set_user_active(ctx, a.admin, a.head, False, "Nghỉ hưu từ 01/12/2025")
    assert b.get("/").status_code == 302
    assert app.test_client().get("/api/v1/me", headers=_bearer(token)).status_code == 401
    refused = Browser(app.test_client())
    with pytest.raises(AssertionError):
        refused.login(make.username(a.head))
    directory.set_user_active(ctx, a.admin, a.head, True, "")
    assert b.get("/").status_code == 302  # the old session does not come back
    Browser(app.test_client()).login(make.username(a.head))


def test_logout_refuses_the_replayed_cookie_and_ends_other_sessions(app, make):
    a = make.agency()
    laptop = Browser(app.test_client()).login(make.username(a.head))
    phone = Browser(app.test_client()).login(make.username(a.head))
    stolen = laptop.client.get_cookie("session").value
    assert laptop.post("/logout").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/").status_code == 302
    assert phone.get("/").status_code == 302


def test_a_new_password_ends_sessions_and_revokes_tokens(app, ctx, make):
    a = make.agency()
    b = Browser(app.test_client()).login(make.username(a.head))
    token = directory.create_token(ctx, make.username(a.head))
    directory.set_password(ctx, None, make.username(a.head), "mat-khau-moi-2026")
    assert b.get("/").status_code == 302
    assert app.test_client().get("/api/v1/me", headers=_bearer(token)).status_code == 401
    Browser(app.test_client()).login(make.username(a.head), "mat-khau-moi-2026")


def test_an_admin_changing_their_own_password_stays_logged_in(app, make):
    a = make.agency()
    admin = Browser(app.test_client()).login(make.username(a.admin))
    other = Browser(app.test_client()).login(make.username(a.admin))
    response = admin.post(f"/admin/users/{a.admin}/password", data={"password": "mat-khau-moi-2026"})
    assert response.status_code == 302
    assert admin.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_the_command_line_creates_lists_and_revokes_tokens_and_locks_accounts(ctx, make, settings, monkeypatch):
    a = make.agency()
    monkeypatch.setattr("webapp.cli.Context.from_settings", lambda _settings: ctx)
    runner = CliRunner()
    created = runner.invoke(main, ["token", "create", make.username(a.secretary), "--name", "Đồng bộ",
                                   "--scope", "read", "--expires", (date.today() + timedelta(days=400)).isoformat()])
    assert created.exit_code == 0, created.output
    listed = runner.invoke(main, ["token", "list", "--user", make.username(a.secretary)])
    assert "Đồng bộ" in listed.output and "read" in listed.output and "còn hiệu lực" in listed.output
    token_id = tokens.list_tokens(ctx, None, user_id=a.secretary)[0]["id"]
    assert runner.invoke(main, ["token", "revoke", str(token_id)]).exit_code == 0
    assert "đã thu hồi" in runner.invoke(main, ["token", "list"]).output
    locked = runner.invoke(main, ["users", "deactivate", make.username(a.head), "--reason", "Chuyển công tác"])
    assert locked.exit_code == 0, locked.output
    assert directory.authenticate(ctx, make.username(a.head), "mat-khau-thu-nghiem") is None
    assert runner.invoke(main, ["users", "activate", make.username(a.head)]).exit_code == 0
    assert directory.authenticate(ctx, make.username(a.head), "mat-khau-thu-nghiem") == a.head


def test_an_admin_revokes_a_token_from_the_tokens_page(app, ctx, make):
    a = make.agency()
    token = directory.create_token(ctx, make.username(a.secretary), "Đồng bộ sổ")
    admin = Browser(app.test_client()).login(make.username(a.admin))
    page = admin.get("/admin/tokens").get_data(as_text=True)
    assert "Đồng bộ sổ" in page and "còn hiệu lực" in page
    token_id = tokens.list_tokens(ctx, None)[0]["id"]
    assert admin.post(f"/admin/tokens/{token_id}/revoke").status_code == 302
    assert app.test_client().get("/api/v1/me", headers=_bearer(token)).status_code == 401
    staff = Browser(app.test_client()).login(make.username(a.staff_user))
    assert staff.get("/admin/tokens").status_code == 403
