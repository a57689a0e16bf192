"""The probe in print: whatever the length of the text before it, a signature block never stands
alone at the top of a page — it takes the paragraph before it along (LibreOffice, SQLite only)."""
from __future__ import annotations

import copy
import io
import shutil
import subprocess

import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn

from workflow import documents
from workflow.documents.pdf import convert_files

from .conftest import soffice_or_skip, stored

pytestmark = [pytest.mark.pdf, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]


def _pages_text(pdf) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return out.split("\f")


def test_a_signature_block_moves_with_the_paragraph_before_it(ctx, scene, tmp_path):
    soffice_or_skip()
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    doc_id = documents.generate(ctx, scene.a.secretary, "department_list", cycle_id=scene.cycle_id,
                                department_id=scene.a.department_id)
    content = stored(ctx, doc_id)[1]
    src = tmp_path / "docx"
    src.mkdir()
    # pad the text before "Tổng số" line by line, so that at some length the signature would fall
    # onto the next page on its own
    for n in range(14, 40, 2):
        doc = open_docx(io.BytesIO(content))
        total = next(p for p in doc.paragraphs if p.text.startswith("Tổng số:"))
        for _ in range(n):
            filler = copy.deepcopy(total._p)
            keep = filler.find(qn("w:pPr")).find(qn("w:keepNext"))
            if keep is not None:  # a filler is ordinary text: only the real last paragraph keeps with next
                keep.getparent().remove(keep)
            total._p.addprevious(filler)
        for p in doc.paragraphs:
            if p._p is not total._p and p.text.startswith("Tổng số:"):
                p.runs[0].text = "Dòng đệm để đẩy khối chữ ký xuống cuối trang."
                for r in p.runs[1:]:
                    r.text = ""
        doc.save(src / f"pad-{n:02d}.docx")
    pdfs = convert_files(ctx.settings, sorted(src.glob("*.docx")), tmp_path / "pdf")
    counts = set()
    for pdf in pdfs:
        pages = [p for p in _pages_text(pdf) if p.strip()]
        counts.add(len(pages))
        signed = next(i for i, p in enumerate(pages) if "Nơi nhận:" in p)
        # the page with the signature also holds the paragraph it follows
        assert "Tổng số:" in pages[signed], (pdf.name, pages[signed][:200])
    assert len(counts) > 1  # the padding did cross a page boundary
