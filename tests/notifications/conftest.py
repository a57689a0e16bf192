"""Fixtures for the notification tests: the email subscriber installed, a real SMTP server."""
from __future__ import annotations

import asyncio
import dataclasses
import socket
import threading

import pytest
from aiosmtpd.controller import Controller

import notifications


@pytest.fixture(autouse=True)
def _subscribed(request):
    # Every notification test that uses a database context hears domain events, like the app.
    if "ctx" in request.fixturenames:
        notifications.subscribe(request.getfixturevalue("ctx"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Handler:
    """Accepts mail, unless told to answer the next DATA commands with given replies.

    `delay` makes it slow: the message counts as received at once, the 250 comes `delay` seconds later.
    """

    def __init__(self):
        self.envelopes = []
        self.replies: list[str] = []
        self.lock = threading.Lock()
        self.delay = 0.0
        self.ok = "250 2.0.0 Đã nhận"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.replies:
                return self.replies.pop(0)
            self.envelopes.append(envelope)
        if self.delay:
            await asyncio.sleep(self.delay)
        return self.ok


class SmtpServer:
    """A real aiosmtpd server on 127.0.0.1 that a test can stop and start again on the same port."""

    def __init__(self, smtputf8: bool = True):
        self.port = free_port()
        self.handler = Handler()
        self.controller = None
        self.smtputf8 = smtputf8
        if not smtputf8:  # such a server answers in ASCII only
            self.handler.ok = "250 2.0.0 OK"

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port,
                                     enable_SMTPUTF8=self.smtputf8)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self):
        return list(self.handler.envelopes)

    def answer_next(self, *replies: str):
        self.handler.replies.extend(replies)


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def use_smtp(ctx, port: int, **mail) -> None:
    """Point the context's [mail] settings at a plain SMTP server on 127.0.0.1:port."""
    raw = {**ctx.settings.raw, "mail": {**ctx.settings.section("mail"), "smtp_host": "127.0.0.1",
                                         "smtp_port": port, "smtp_security": "none", "smtp_timeout": 5, **mail}}
    ctx.settings = dataclasses.replace(ctx.settings, raw=raw)
