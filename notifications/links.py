"""Addresses of the web app's pages, used in emails (one place to change if routes move)."""
from __future__ import annotations


def nomination_url(settings, nomination_id: int) -> str:
    return f"{settings.base_url}/nominations/{nomination_id}"


def cycle_url(settings, cycle_id: int) -> str:
    return f"{settings.base_url}/nominations?cycle_id={cycle_id}"


def registrations_url(settings, registration_id: int | None = None) -> str:
    base = f"{settings.base_url}/registrations"
    return f"{base}/{registration_id}" if registration_id else base


def mail_url(settings, state: str | None = None) -> str:
    return f"{settings.base_url}/mail" + (f"?state={state}" if state else "")
