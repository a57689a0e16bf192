"""Email variables to JSON and back, so the outbox can keep them and the relay render later.

Dates survive the trip (templates format them); dataclasses become dicts, which Jinja
reads with the same `a.b` syntax.
"""
from __future__ import annotations

import dataclasses
from datetime import date, datetime

_DATE, _DATETIME = "$date", "$datetime"


def dump(value):
    """A JSON-ready copy of `value`."""
    if isinstance(value, datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, date):
        return {_DATE: value.isoformat()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dump(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): dump(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [dump(v) for v in value]
    return value


def load(value):
    """The variables `dump` stored, with their dates back."""
    if isinstance(value, dict):
        if len(value) == 1 and _DATE in value:
            return date.fromisoformat(value[_DATE])
        if len(value) == 1 and _DATETIME in value:
            return datetime.fromisoformat(value[_DATETIME])
        return {k: load(v) for k, v in value.items()}
    if isinstance(value, list):
        return [load(v) for v in value]
    return value
