"""The verification code printed on decisions and certificates: short, unguessable, easy to read aloud."""
from __future__ import annotations

import re
import secrets

# Crockford's base32: no I, L, O, U, so nothing is mistaken for 1 or 0; 10 characters = 50 random bits.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def printed(code: str) -> str:
    """As printed: two groups of five, 'K7Q2M-9XH4T'."""
    return f"{code[:5]}-{code[5:]}" if code else ""


def normalise(typed: str) -> str | None:
    """What a person typed or scanned, back to the stored form; None if it cannot be a code."""
    code = re.sub(r"[\s\-]", "", (typed or "").upper()).translate(_CONFUSABLE)
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code
