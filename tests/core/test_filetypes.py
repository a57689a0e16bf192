"""Uploads are checked by their first bytes against their extension."""
from __future__ import annotations

import io
import zipfile

import pytest

from workflow import dossier
from workflow.errors import Invalid
from workflow.filetypes import content_matches_extension

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 16


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize("extension, content, ok", [
    ("pdf", b"%PDF-1.7\n", True), ("pdf", b"MZ\x90\x00", False), ("PDF", b"%PDF-1.4", True),
    ("docx", _docx(), True), ("xlsx", _docx(), True), ("docx", b"%PDF-1.4", False),
    ("png", PNG, True), ("png", JPEG, False), ("jpg", JPEG, True), ("jpeg", PNG, False),
    ("doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", True), ("xls", _docx(), False),
])
def test_the_first_bytes_must_match_the_extension(extension, content, ok):
    assert content_matches_extension(extension, content) is ok


def test_a_program_renamed_to_pdf_is_refused_with_a_vietnamese_reason(ctx, make):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person)
    with pytest.raises(Invalid) as refused:
        dossier.upload_for_nomination(ctx, a.head, nid, "achievement_report", "bao-cao.pdf", b"MZ\x90\x00 program")
    assert refused.value.code == "file_content" and "không đúng loại tệp .pdf" in refused.value.message
    assert dossier.upload_for_nomination(ctx, a.head, nid, "achievement_report", "bao-cao.docx", _docx())
