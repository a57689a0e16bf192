"""Domain errors. Each carries a stable code and a Vietnamese message a user can act on.

The web layer maps them: NotFound 404, Forbidden 403, Conflict 409, Invalid 422.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


class DomainError(Exception):
    status = 400

    def __init__(self, code: str, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.problems = problems or [Problem(code, message)]


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class Invalid(DomainError):
    """Input or a business guard failed: lists every problem at once."""

    status = 422

    def __init__(self, problems: list[Problem] | Problem, message: str | None = None):
        problems = [problems] if isinstance(problems, Problem) else list(problems)
        first = problems[0] if problems else Problem("invalid", "Dữ liệu không hợp lệ.")
        super().__init__(first.code, message or first.message, problems)


def not_found(what: str) -> NotFound:
    return NotFound("not_found", f"Không tìm thấy {what}.")
