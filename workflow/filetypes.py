"""A file's first bytes must match its extension: a renamed .exe is not a .pdf."""
from __future__ import annotations

_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")   # Office Open XML and OpenDocument are zip files
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)            # the older .doc and .xls

SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "docx": _ZIP, "xlsx": _ZIP, "odt": _ZIP, "ods": _ZIP,
    "doc": _OLE, "xls": _OLE,
    "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}


def content_matches_extension(extension: str, content: bytes) -> bool:
    """True when the bytes start as files of that extension do (unknown extensions: no check)."""
    signatures = SIGNATURES.get(extension.lower())
    return signatures is None or content.startswith(signatures)
