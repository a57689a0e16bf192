"""Access to the one Context from Flask code."""
from __future__ import annotations

from flask import current_app

from workflow.context import Context


def get_ctx() -> Context:
    return current_app.extensions["thidua"]
