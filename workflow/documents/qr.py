"""The verification QR code placed in a document: a PNG made with segno, turned into an image at render time."""
from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from docx.shared import Cm


@dataclass(frozen=True)
class QrImage:
    """A QR code for a docxtpl placeholder; `render_docx` turns it into an InlineImage of the template."""

    data: str
    width_cm: float = 2.4

    def png(self) -> bytes:
        buf = io.BytesIO()
        segno.make(self.data, error="m").save(buf, kind="png", scale=8, border=2)
        return buf.getvalue()

    def inline(self, tpl):
        from docxtpl import InlineImage
        return InlineImage(tpl, io.BytesIO(self.png()), width=Cm(self.width_cm))


def verification_context(settings, code: str | None) -> dict:
    """The placeholders documents carry: the printed code, the address, the QR (empty when no code yet)."""
    from ..verification import verification_url
    from ..verification_code import printed
    if not code:
        return {"verification_code": "", "verification_url": "", "verification_qr": ""}
    url = verification_url(settings, code)
    return {"verification_code": printed(code), "verification_url": url, "verification_qr": QrImage(url)}
