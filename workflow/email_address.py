"""The one check of an email address, used by every form, import, API route and the mail relay.

Addresses are checked for syntax only (no DNS look-up: the agency's mail may live on an
internal server). An internationalised domain (IDN) is kept in Unicode for display and
has an ASCII form (punycode) for servers without SMTPUTF8; a non-ASCII local part has none.
"""
from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from .errors import Invalid, Problem

INVALID_MESSAGE = "Địa chỉ thư điện tử không hợp lệ"


@dataclass(frozen=True)
class EmailAddress:
    normalized: str          # what we store and show: Unicode domain, NFC
    ascii: str | None        # what a server without SMTPUTF8 accepts, or None when impossible


def parse_email(raw: str) -> EmailAddress:
    """The checked address, or ValueError with a Vietnamese reason (CR/LF, no @, bad domain …)."""
    text = (raw or "").strip()
    if any(ch in text for ch in "\r\n\0"):
        raise ValueError(f"{INVALID_MESSAGE}: có ký tự xuống dòng hoặc ký tự điều khiển.")
    try:
        checked = validate_email(text, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError:
        # The library's reasons are in English; the user needs to see which address is wrong.
        raise ValueError(f"{INVALID_MESSAGE}: «{text[:80]}».") from None
    return EmailAddress(checked.normalized, checked.ascii_email)


def normalize_email(raw: str | None, *, field: str = "email") -> str | None:
    """An optional address from user input: None when blank, the normalized form, or Invalid."""
    if raw is None or not raw.strip():
        return None
    try:
        return parse_email(raw).normalized
    except ValueError as exc:
        raise Invalid(Problem(field, str(exc))) from None
