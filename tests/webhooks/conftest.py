from __future__ import annotations

import dataclasses

import pytest

import notifications

from .receiver import Receiver


@pytest.fixture(autouse=True)
def _subscribed(request):
    if "ctx" in request.fixturenames:
        notifications.subscribe(request.getfixturevalue("ctx"))


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


def use_webhooks(ctx, **conf) -> None:
    """Override [webhooks] for one test (short timeouts)."""
    raw = {**ctx.settings.raw, "webhooks": {**ctx.settings.section("webhooks"), **conf}}
    ctx.settings = dataclasses.replace(ctx.settings, raw=raw)
