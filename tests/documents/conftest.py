"""Fixtures for the document tests: a scene carried to the award, and readers for what was generated."""
from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from docx import Document as open_docx
from sqlalchemy import update

from workflow.dossier import file_path
from workflow.models import Campaign, Document

from . import scenario

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "documents"


PLAN = "Kế hoạch số 768/KH-BDT ngày 20/9/2021"


@pytest.fixture
def scene(ctx, make):
    # The agency fills in its plan's number in config.toml; the seed leaves it blank.
    with ctx.db.transaction() as s:
        s.execute(update(Campaign).where(Campaign.code == "CCHC-2021-2025").values(plan_reference=PLAN))
    return scenario.build(make)


def stored(ctx, document_id: int) -> tuple[Document, bytes]:
    """The document row and its bytes, as the download would serve them."""
    with ctx.db.reading() as s:
        doc = s.get(Document, document_id)
        return doc, file_path(ctx.settings, doc).read_bytes()


def docx_of(ctx, document_id: int):
    return open_docx(io.BytesIO(stored(ctx, document_id)[1]))


def all_text(doc) -> str:
    """Every paragraph of the body and of every table cell (nested), in order, one per line."""
    lines = []

    def walk(container):
        for block in container.iter_inner_content():
            if hasattr(block, "rows"):
                for row in block.rows:
                    for cell in row.cells:
                        walk(cell)
            else:
                lines.append(block.text)
    walk(doc)
    # Agency names join their word groups with no-break spaces (layout); tests read words.
    return "\n".join(lines).replace("\u00a0", " ")


def paragraphs(doc):
    """Every paragraph, including those inside tables."""
    out = []

    def walk(container):
        for block in container.iter_inner_content():
            if hasattr(block, "rows"):
                for row in block.rows:
                    seen = set()
                    for cell in row.cells:
                        if id(cell._tc) not in seen:
                            seen.add(id(cell._tc))
                            walk(cell)
            else:
                out.append(block)
    walk(doc)
    return out


def paragraph(doc, startswith: str):
    for p in paragraphs(doc):
        if p.text.replace("\u00a0", " ").strip().startswith(startswith):
            return p
    raise AssertionError(f"no paragraph starts with {startswith!r}")


def soffice_or_skip() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("THIDUA_REQUIRE_PDF") == "1":
            pytest.fail("LibreOffice (soffice) is required here (THIDUA_REQUIRE_PDF=1) but not installed")
        pytest.skip("LibreOffice (soffice) is not installed; PDF rendering not tested")
    return exe
