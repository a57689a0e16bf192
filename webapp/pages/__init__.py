"""The pages each role works in: one blueprint per area, and the Vietnamese error pages."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import (
        admin,
        authorisations,  # who may act in the head's name
        ballots,  # the council's vote held in the app
        council,
        decisions,  # the register of decisions and certificates
        department,
        documents,
        errors,
        evidence,
        head,
        help,
        inbox,
        mail,
        nominations,
        registers,
        verify,
        webhooks,
    )
    for module in (inbox, nominations, department, council, head, registers, admin, mail, help, documents, decisions,
                   evidence, ballots, authorisations, webhooks, verify):
        app.register_blueprint(module.bp)
    errors.init_app(app)
    from .. import reports  # the report pages, with their own blueprint
    app.register_blueprint(reports.bp)
