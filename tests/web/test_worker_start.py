"""What a gunicorn worker does once, after the fork, before its first request (webapp/server.py)."""
from __future__ import annotations

import gc

from flask import Flask

from webapp import server


def test_a_worker_builds_the_app_then_puts_its_start_up_objects_out_of_the_collectors_reach(ctx, monkeypatch):
    # A full collection walked every module, mapper and template the worker holds: a ~60 ms pause added to
    # a request every so often (tests/bench/scale.py's p95). Frozen, those objects are no longer walked.
    monkeypatch.setattr(server.Settings, "load", staticmethod(lambda *a, **k: ctx.settings))
    gc.unfreeze()
    try:
        app = server.wsgi_app()
        assert isinstance(app, Flask)
        assert gc.get_freeze_count() > 10_000  # the app's objects, not a handful
    finally:
        gc.unfreeze()
