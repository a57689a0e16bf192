"""The certificate printed as PDF carries a QR code that decodes back to its public verification address."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from workflow import documents
from workflow.decisions import certificate_code
from workflow.verification import verify
from workflow.verification_code import printed

from .conftest import soffice_or_skip, stored

pytestmark = [pytest.mark.pdf, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]


def _pgm(path) -> tuple[int, int, bytes]:
    """Width, height and pixels of a binary PGM (P5) as pdftoppm -gray writes it."""
    data = path.read_bytes()
    fields, pos = [], 0
    while len(fields) < 4:  # magic, width, height, maxval
        while data[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    assert fields[0] == b"P5"
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[pos + 1:pos + 1 + width * height]


def test_the_printed_certificate_qr_decodes_to_its_verification_address(ctx, scene, tmp_path):
    zxingcpp = pytest.importorskip("zxingcpp")
    soffice_or_skip()
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    doc_id = documents.generate(ctx, scene.a.secretary, "certificate", nomination_id=scene.hoa)
    pdf = tmp_path / "giay-khen.pdf"
    pdf.write_bytes(stored(ctx, doc_id)[1])
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-singlefile", str(pdf), str(tmp_path / "page")],
                   check=True, capture_output=True)
    width, height, pixels = _pgm(tmp_path / "page.pgm")
    found = zxingcpp.read_barcodes(memoryview(pixels).cast("B", (height, width)))
    with ctx.db.reading() as s:
        code = certificate_code(s, scene.hoa)
        verdict = verify(s, found[0].text.rsplit("/", 1)[1])
    assert [b.text for b in found] == [f"{ctx.settings.base_url}/xac-minh/{printed(code)}"]
    assert verdict.status == "valid" and verdict.awardees[0]["name"] == "Lê Thị Hoà"
    assert subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.count(printed(code)) == 1


def test_the_decision_annex_carries_the_decision_code_and_its_qr(ctx, scene):
    from workflow.models import Nomination

    from .conftest import all_text, docx_of
    doc = docx_of(ctx, documents.generate(ctx, scene.a.secretary, "award_decision", meeting_id=scene.meeting_id))
    with ctx.db.reading() as s:
        code = s.get(Nomination, scene.hoa).decision.entry.verification_code
    text = all_text(doc)
    assert f"Mã xác minh: {printed(code)} — {ctx.settings.base_url}/xac-minh/{printed(code)}" in text
    assert len(doc.inline_shapes) == 1  # the QR image
