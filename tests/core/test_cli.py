"""The `thidua` command: init, users, tokens and the demo, against both databases."""
import pytest
from click.testing import CliRunner

from webapp import create_app
from webapp.cli import main


@pytest.fixture
def run(settings, ctx):
    """Invoke `thidua …` on the test database (ctx has initialised it)."""
    env = {"THIDUA_DATABASE__URL": settings.database_url,
           "THIDUA_APP__INSTANCE_PATH": str(settings.instance_path)}

    def invoke(*args, input=None):
        result = CliRunner().invoke(main, list(args), env=env, input=input, catch_exceptions=False)
        return result
    return invoke


def test_init_is_idempotent_and_says_so(run):
    result = run("init")
    assert result.exit_code == 0
    assert "Đã thêm: 0 thông tin cơ quan, 0 phong trào, 0 kỳ xét." in result.output


def test_users_create_list_passwd_and_token(run, ctx):
    result = run("users", "create", "vanthu", "--role", "staff", "--email", "vt@example.vn",
                 input="mat-khau-dai\nmat-khau-dai\n")
    assert result.exit_code == 0, result.output
    listing = run("users", "list").output
    assert "vanthu" in listing and "staff" in listing
    assert run("users", "passwd", "vanthu", input="khac-hoan-toan\nkhac-hoan-toan\n").exit_code == 0
    token = run("token", "create", "vanthu").stdout.strip().splitlines()[-1]
    client = create_app(context=ctx).test_client()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me["username"] == "vanthu"


def test_domain_errors_are_messages_not_tracebacks(run):
    result = run("users", "create", "x", "--role", "emperor", input="mat-khau-dai\nmat-khau-dai\n")
    assert result.exit_code == 2
    assert "Vai trò không hợp lệ" in result.output
    result = run("token", "create", "nobody")
    assert result.exit_code == 2 and "Không tìm thấy tài khoản" in result.output


def test_the_demo_has_every_state_and_its_api_answers_with_real_data(run, ctx):
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert "thidua@2026" in result.output and "truongphong_" in result.output
    assert "Dữ liệu mẫu đã có" in run("demo").output
    token = run("token", "create", "thuky").stdout.strip().splitlines()[-1]
    client = create_app(context=ctx).test_client()
    headers = {"Authorization": f"Bearer {token}"}
    states = set()
    cursor = None
    while True:
        page = client.get("/api/v1/nominations?limit=200" + (f"&cursor={cursor}" if cursor else ""),
                          headers=headers).get_json()
        states |= {n["state"] for n in page["items"]}
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert states == {"registered", "department_reviewed", "council_reviewed", "head_approved", "awarded",
                      "rejected", "withdrawn", "on_hold"}
    for url in ("/api/v1/departments", "/api/v1/people", "/api/v1/cycles", "/api/v1/initiatives",
                "/api/v1/contest-results", "/api/v1/task-ratings", "/api/v1/registrations"):
        assert client.get(url, headers=headers).get_json()["items"], url
    users = run("users", "list").output
    for name in ("admin", "truongban", "photruongban", "thuky", "hoidong1", "truongphong_cs"):
        assert name in users
