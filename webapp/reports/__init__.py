"""Reports pages: import with preview, dashboard, award history, eligibility, exports, calendar feed.

Register with `app.register_blueprint(webapp.reports.bp)`.
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from . import views  # noqa: F401  (routes register on import)
