"""Every page of every role, at office width (1366×768) and on a phone (390 px), passes the layout check.

The pages are those of the demo agency (five years of history, 47 accounts, a cycle in progress), so
lists are as long as a real agency's. Pages are found the way a user finds them: the navigation, then
every link on those pages, one page per kind of address (/nominations/12 stands for all nominations).
Screenshots go to tests/artifacts/layout/.
"""
from __future__ import annotations

import re
import threading
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from webapp import create_app
from workflow import bootstrap, demo
from workflow.config import Settings
from workflow.context import Context

from .layout import problems
from .test_browser import ARTIFACTS, chromium  # noqa: F401  (the shared Chromium fixture)

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "layout"
ROLES = ["admin", "truongban", "photruongban", "thuky", "hoidong1", "truongphong_vp", "truongphong_cs", "canbo_1"]
SKIP = re.compile(r"^/(static|api|language|documents)/|\.(xlsx|ics|zip|docx|pdf)$|/logout")
WIDTHS = {"1366": {"width": 1366, "height": 768}, "390": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    settings = Settings.load(overrides={
        "app": {"instance_path": str(folder / "instance"), "secret_key": "test-secret",
                "base_url": "http://thidua.test", "login_address_rate_limit": "10000 per minute"},
        "database": {"url": f"sqlite:///{folder / 'demo.sqlite3'}"},
        "mail": {"smtp_host": ""},
    }, environ={})
    ctx = Context.from_settings(settings)
    bootstrap.init(ctx)
    demo.build(ctx)
    app = create_app(context=ctx)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)
    httpd.server_close()
    ctx.db.dispose()


def _kind(path: str) -> str:
    """/nominations/12?x=1 -> /nominations/N : one page per kind of address."""
    return re.sub(r"\d+", "N", path.split("?")[0])


def _links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if href.startswith(base) and not SKIP.search(parts.path):
            paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def _pages_of(page, base: str) -> list[str]:
    """The navigation's pages, then one page of each kind linked from them, as the user can reach them."""
    page.goto(base + "/")
    nav = ["/"] + [p for p in _links(page, base) if p.split("?")[0] != "/"]
    seen: dict[str, str] = {}
    for path in nav:
        seen.setdefault(_kind(path), path)
    for path in list(dict.fromkeys(nav)):
        page.goto(base + path)
        for link in _links(page, base):
            seen.setdefault(_kind(link), link)
    return list(seen.values())


def _login(context, base: str, username: str):
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", demo.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    return page


@pytest.mark.parametrize("username", ROLES)
def test_every_page_of_the_role_passes_the_layout_check_at_both_widths(chromium, demo_server, username):  # noqa: F811
    context = chromium.new_context(viewport=WIDTHS["1366"], locale="en-US")  # an English browser, on purpose
    page = _login(context, demo_server, username)
    paths = _pages_of(page, demo_server)
    assert len(paths) >= 5, paths
    SHOTS.mkdir(parents=True, exist_ok=True)
    found = []
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        for path in paths:
            page.goto(demo_server + path)
            page.wait_for_load_state()
            name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "viec-can-xu-ly"
            page.screenshot(path=str(SHOTS / f"{username}-{name}-{width}.png"), full_page=True)
            found += [f"{width}px {path}: {p}" for p in problems(page, int(width))]
    context.close()
    assert not found, f"{username}: {len(found)} lỗi bố cục\n" + "\n".join(found)
