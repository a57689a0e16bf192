"""Parsing request input into typed values, with Vietnamese errors instead of 500s."""
from __future__ import annotations

from datetime import date

from flask import request

from workflow.errors import Invalid, Problem

# Ids and counts are 32-bit integers in the database: anything larger is bad input, not a 500.
MAX_INT = 2**31 - 1


def json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid(Problem("bad_json", "Nội dung yêu cầu phải là một đối tượng JSON."))
    return body


def _fail(name: str, message: str):
    raise Invalid(Problem(f"invalid_{name}", message))


def integer(data: dict, name: str, *, required: bool = True, minimum: int | None = None) -> int | None:
    value = data.get(name)
    if value is None or value == "":
        if required:
            _fail(name, f"Thiếu trường “{name}”.")
        return None
    if isinstance(value, bool):
        _fail(name, f"“{name}” phải là số nguyên.")
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if not isinstance(value, int):
        _fail(name, f"“{name}” phải là số nguyên.")
    if minimum is not None and value < minimum:
        _fail(name, f"“{name}” phải lớn hơn hoặc bằng {minimum}.")
    if abs(value) > MAX_INT:
        _fail(name, f"“{name}” quá lớn.")
    return value


def text(data: dict, name: str, *, required: bool = False, max_length: int = 5000) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            _fail(name, f"Thiếu trường “{name}”.")
        return None
    if not isinstance(value, str):
        _fail(name, f"“{name}” phải là chuỗi ký tự.")
    if len(value) > max_length:
        _fail(name, f"“{name}” dài quá {max_length} ký tự.")
    if "\x00" in value or not _is_utf8(value):
        _fail(name, f"“{name}” chứa ký tự không hợp lệ.")
    return value


def _is_utf8(value: str) -> bool:
    # JSON may carry lone surrogates ("\udbd4"), which no database can store.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def choice(data: dict, name: str, options, *, required: bool = True) -> str | None:
    value = text(data, name, required=required)
    if value is not None and value not in options:
        _fail(name, f"“{name}” phải là một trong: {', '.join(options)}.")
    return value


def a_date(data: dict, name: str, *, required: bool = True) -> date | None:
    value = text(data, name, required=required, max_length=10)
    if value is None or value == "":
        if required:
            _fail(name, f"Thiếu trường “{name}”.")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(name, f"“{name}” phải là ngày dạng YYYY-MM-DD.")


def boolean(data: dict, name: str, default: bool = False) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        _fail(name, f"“{name}” phải là true hoặc false.")
    return value


def int_list(data: dict, name: str) -> list[int]:
    value = data.get(name) or []
    if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 0 < v <= MAX_INT for v in value):
        _fail(name, f"“{name}” phải là danh sách số nguyên dương.")
    return value


def query_int(name: str) -> int | None:
    value = request.args.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit() or int(value) > MAX_INT:
        _fail(name, f"Tham số “{name}” phải là số nguyên dương.")
    return int(value)


def query_year(name: str = "year") -> int | None:
    """A year in the query string: a calendar year the registers can hold (1900–2100)."""
    value = query_int(name)
    if value is not None and not 1900 <= value <= 2100:
        _fail(name, f"Tham số “{name}” phải là năm từ 1900 đến 2100.")
    return value


def a_time(data: dict, name: str, *, required: bool = True):
    """'08:30' -> time(8, 30)."""
    from datetime import time
    value = data.get(name)
    if value in (None, ""):
        if required:
            _fail(name, f"Thiếu trường “{name}”.")
        return None
    if not isinstance(value, str):
        _fail(name, f"“{name}” phải là giờ dạng HH:MM.")
    try:
        return time.fromisoformat(value)
    except ValueError:
        _fail(name, f"“{name}” phải là giờ dạng HH:MM.")
