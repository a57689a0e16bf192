"""Fixtures for the web tests: the app around the test Context, logged-in clients, a fast hasher."""
from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher

from webapp import create_app

from ..factories import PASSWORD


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    # Real Argon2, with the smallest cost: logins stay real without 0.3 s per user.
    monkeypatch.setattr("workflow.auth._hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def app(ctx):
    application = create_app(context=ctx)
    application.config.update(TESTING=True)
    return application


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Browser:
    """A test client that logs in through the real form and posts with the page's CSRF token."""

    def __init__(self, client, username: str | None = None):
        self.client = client
        self.username = username
        self.token = None

    def login(self, username: str, password: str = PASSWORD):
        page = self.client.get("/login")
        response = self.client.post("/login", data={"username": username, "password": password,
                                                    "csrf_token": csrf_of(page.get_data(as_text=True))})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        self.username = username
        self.token = csrf_of(self.client.get("/").get_data(as_text=True))
        return self

    def get(self, url, **kw):
        return self.client.get(url, **kw)

    def post(self, url, data=None, **kw):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token)
        return self.client.post(url, data=data, **kw)


@pytest.fixture
def browser_for(app, make):
    """browser_for(user_id) -> a logged-in test client for that user."""

    def _login(user_id: int) -> Browser:
        return Browser(app.test_client()).login(make.username(user_id))

    return _login
