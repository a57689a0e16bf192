"""One input layer for pages and API: text no database can store is refused as 400 before any view runs.

PostgreSQL refuses NUL in text and no database stores a lone surrogate (JSON may carry "\\udbd4");
SQLite would silently keep what PostgreSQL refuses, so both are refused everywhere, alike. JSON
nested deeper than MAX_JSON_DEPTH is refused before it is parsed (deep nesting exhausts the
parser's recursion). Uploaded file names must fit their column (255 characters).
"""
from __future__ import annotations

import re

from flask import Flask, request

from workflow.errors import DomainError

MAX_JSON_DEPTH = 32
MAX_FILENAME_LENGTH = 255
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


class BadInput(DomainError):
    status = 400


def _check_text(where: str, value) -> None:
    if isinstance(value, str) and _UNSTORABLE.search(value):
        raise BadInput("invalid_characters", f"{where} chứa ký tự không hợp lệ (ký tự NUL hoặc mã Unicode hỏng).")


def _walk(where: str, value, depth: int = 0) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _check_text(f"Tên trường “{k[:40]}”" if isinstance(k, str) else where, k)
            _walk(f"Trường “{k[:40]}”", v, depth + 1)
    elif isinstance(value, list):
        for v in value:
            _walk(where, v, depth + 1)
    else:
        _check_text(where, value)


def json_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text, without parsing it (strings skipped)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub(b"", raw)):
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def check_request() -> None:
    for name, values in request.args.lists():
        _check_text(f"Tham số “{name[:40]}”", name)
        for v in values:
            _check_text(f"Tham số “{name[:40]}”", v)
    for name, v in (request.view_args or {}).items():
        _check_text("Địa chỉ", v)
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, values in request.form.lists():
            _check_text(f"Trường “{name[:40]}”", name)
            for v in values:
                _check_text(f"Trường “{name[:40]}”", v)
        for f in request.files.values():
            _check_text("Tên tệp", f.filename)
            if f.filename and len(f.filename) > MAX_FILENAME_LENGTH:
                raise BadInput("filename_too_long", f"Tên tệp dài quá {MAX_FILENAME_LENGTH} ký tự; hãy đổi tên tệp"
                                                    " cho ngắn lại rồi tải lên.")
    if request.is_json and request.content_length != 0:
        raw = request.get_data(cache=True)
        if json_depth(raw) > MAX_JSON_DEPTH:
            raise BadInput("json_too_deep", f"Dữ liệu JSON lồng nhau quá {MAX_JSON_DEPTH} cấp.")
        _walk("Dữ liệu JSON", request.get_json(silent=True))


def init_app(app: Flask) -> None:
    app.before_request(check_request)
