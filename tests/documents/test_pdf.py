"""Every document rendered by LibreOffice to PDF, then to PNG (kept in tests/artifacts/documents/).

Few LibreOffice starts: the documents of the scene are converted in one batch. Runs on
SQLite only: the database is not what these tests are about.
"""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from workflow import documents
from workflow.documents.cli import documents as documents_group
from workflow.documents.pdf import convert_files

from .conftest import ARTIFACTS, soffice_or_skip, stored

pytestmark = [pytest.mark.pdf, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]


def _png_pages(pdf_path, out_dir) -> int:
    """Render each page to PNG (the CI artefacts); the number of pages rendered."""
    stem = out_dir / pdf_path.stem
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf_path), str(stem)], check=True, capture_output=True)
    mine = re.compile(re.escape(pdf_path.stem) + r"-\d+\.png")
    return sum(1 for p in out_dir.iterdir() if mine.fullmatch(p.name))


def _page_size_pt(pdf_path) -> tuple[float, float]:
    out = subprocess.run(["pdfinfo", str(pdf_path)], check=True, capture_output=True, text=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("Page size:"))
    w, _x, h = line.split(":", 1)[1].split()[:3]
    return float(w), float(h)


def test_every_document_prints_to_pdf_and_png_with_the_expected_pages(ctx, scene):
    soffice_or_skip()
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    sec = scene.a.secretary
    made = {
        "danh-sach-phong": documents.generate(ctx, sec, "department_list", cycle_id=scene.cycle_id,
                                              department_id=scene.a.department_id),
        "bao-cao-ca-nhan": documents.generate(ctx, sec, "achievement_report", nomination_id=scene.hoa),
        "bao-cao-tap-the": documents.generate(ctx, sec, "achievement_report", nomination_id=scene.collective),
        "to-trinh": documents.generate(ctx, sec, "request_letter", meeting_id=scene.meeting_id),
        "bien-ban": documents.generate(ctx, sec, "council_minutes", meeting_id=scene.meeting_id),
        "quyet-dinh": documents.generate(ctx, sec, "award_decision", meeting_id=scene.meeting_id),
        "quyet-dinh-kt": documents.generate(ctx, sec, "award_decision", meeting_id=scene.deputy_meeting_id),
    }
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    src = ARTIFACTS / "docx"
    src.mkdir(parents=True)
    for name, doc_id in made.items():
        (src / f"{name}.docx").write_bytes(stored(ctx, doc_id)[1])
    pdfs = convert_files(ctx.settings, sorted(src.glob("*.docx")), ARTIFACTS / "pdf")  # one LibreOffice run
    # the certificate is made as PDF by the service itself (one more run)
    certificate, content = stored(ctx, documents.generate(ctx, sec, "certificate", nomination_id=scene.deputy_signed))
    assert certificate.original_name.endswith(".pdf") and content.startswith(b"%PDF")
    (ARTIFACTS / "pdf" / "giay-khen.pdf").write_bytes(content)
    pdfs.append(ARTIFACTS / "pdf" / "giay-khen.pdf")

    png = ARTIFACTS / "png"
    png.mkdir()
    pages = {p.stem: _png_pages(p, png) for p in pdfs}
    assert pages["danh-sach-phong"] == 1
    assert pages["giay-khen"] == 1
    assert pages["quyet-dinh"] == pages["quyet-dinh-kt"] == 2  # the decision, then its annexed list
    for name in ("bao-cao-ca-nhan", "bao-cao-tap-the", "to-trinh", "bien-ban"):
        assert 1 <= pages[name] <= 3, name
    width, height = _page_size_pt(ARTIFACTS / "pdf" / "giay-khen.pdf")
    assert (round(width), round(height)) == (842, 595)  # A4 landscape
    assert tuple(round(x) for x in _page_size_pt(ARTIFACTS / "pdf" / "quyet-dinh.pdf")) == (595, 842)


def test_the_build_command_writes_the_whole_cycle_with_pdfs(ctx, scene, tmp_path):
    soffice_or_skip()
    out = tmp_path / "ho-so"
    result = CliRunner().invoke(documents_group, ["build", "--cycle", str(scene.cycle_id), "--out", str(out),
                                                  "--pdf"], obj=ctx)
    assert result.exit_code == 0, result.output
    assert "Đã ghi" in result.output
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    docx = {f for f in files if f.endswith(".docx")}
    assert {f[:-5] + ".pdf" for f in docx} <= files  # every .docx has its PDF
    assert "danh-sach-toan-co-quan_so-ket-nam-2025.xlsx" in files
    assert {f for f in files if f.startswith("01-danh-sach-cac-phong/")} == {
        "01-danh-sach-cac-phong/danh-sach-de-nghi_phong-chinh-sach.docx",
        "01-danh-sach-cac-phong/danh-sach-de-nghi_phong-chinh-sach.pdf",
        "01-danh-sach-cac-phong/danh-sach-de-nghi_phong-ke-hoach.docx",
        "01-danh-sach-cac-phong/danh-sach-de-nghi_phong-ke-hoach.pdf"}
    reports = [f for f in files if f.startswith("02-bao-cao-thanh-tich/") and f.endswith(".docx")]
    assert len(reports) == 7
    council = sorted(f for f in files if f.startswith("03-hoi-dong/") and f.endswith(".docx"))
    assert len(council) == 6  # minutes, request letter and decision of each of the two meetings
    certificates = [f for f in files if f.startswith("04-giay-khen/")]
    assert len(certificates) == 5 and all(f.endswith(".pdf") for f in certificates)
