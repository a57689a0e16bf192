"""The packaged .docx templates: reproducible from the build script, and in Decree 30's format."""
from __future__ import annotations

import hashlib

import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from workflow.config import Settings
from workflow.documents import build_templates, render

TEMPLATES = sorted(build_templates.BUILDERS)
PORTRAIT = [t for t in TEMPLATES if t != "giay_khen.docx"]


def _mm(length) -> float:
    return length / Mm(1)


def test_the_committed_templates_are_exactly_what_the_build_script_makes(tmp_path):
    build_templates.build_all(tmp_path)
    for name in TEMPLATES:
        assert (tmp_path / name).read_bytes() == (render.PACKAGE_TEMPLATES / name).read_bytes(), (
            f"{name} differs from build_templates.py: run `python -m workflow.documents.build_templates`")


def test_config_names_only_templates_that_exist():
    rows = Settings.load(environ={}).raw["report_forms"]
    assert {r["award"] for r in rows} == {"thematic", "merit_collective", "merit_individual"}
    for row in rows:
        if row.get("use") != "merit":  # a row that sends its reports to the merit form of its dates
            assert (render.PACKAGE_TEMPLATES / row["template"]).is_file(), row
        assert row.get("source"), row  # every row says where it was checked
    for row in Settings.load(environ={}).raw["legal_texts"]:
        assert row["kind"] in ("law", "decree", "circular") and row.get("source"), row


@pytest.mark.parametrize("name", PORTRAIT)
def test_portrait_templates_are_a4_with_decree_30_margins(name):
    section = open_docx(render.PACKAGE_TEMPLATES / name).sections[0]
    assert round(_mm(section.page_width)) == 210 and round(_mm(section.page_height)) == 297
    assert 20 <= round(_mm(section.top_margin)) <= 25 and 20 <= round(_mm(section.bottom_margin)) <= 25
    assert 30 <= round(_mm(section.left_margin)) <= 35 and 15 <= round(_mm(section.right_margin)) <= 20


def test_the_certificate_is_a4_landscape():
    section = open_docx(render.PACKAGE_TEMPLATES / "giay_khen.docx").sections[0]
    assert round(_mm(section.page_width)) == 297 and round(_mm(section.page_height)) == 210


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_writes_in_times_new_roman(name):
    doc = open_docx(render.PACKAGE_TEMPLATES / name)
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    assert {fonts.get(qn(a)) for a in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")} == {"Times New Roman"}
    assert not any("Theme" in k for k in fonts.attrib)  # a theme font would override the named one
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert doc.styles["Normal"].font.size == Pt(14)
    named = {el.get(qn("w:ascii")) for el in doc.element.body.iter(qn("w:rFonts"))} - {None}
    assert named <= {"Times New Roman"}


@pytest.mark.parametrize("name", PORTRAIT)
def test_page_numbers_are_centred_in_the_top_margin_from_page_two(name):
    section = open_docx(render.PACKAGE_TEMPLATES / name).sections[0]
    assert section.different_first_page_header_footer
    header = section.header.paragraphs[0]
    assert header.alignment == 1  # centre
    assert "PAGE" in "".join(t.text for t in header._p.iter(qn("w:instrText")))
    first = section.first_page_header._element
    assert not list(first.iter(qn("w:instrText")))


@pytest.mark.parametrize("name", TEMPLATES)
def test_the_title_block_has_the_national_title_and_motto_with_a_line_beneath(name):
    doc = open_docx(render.PACKAGE_TEMPLATES / name)
    block = doc.tables[0]
    right = block.rows[0].cells[1].paragraphs
    title, motto, line = right[0], right[1], right[2]
    assert title.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert all(r.bold for r in title.runs) and 12 <= title.runs[0].font.size.pt <= 13
    assert motto.text == "Độc lập - Tự do - Hạnh phúc"
    assert all(r.bold for r in motto.runs) and 13 <= motto.runs[0].font.size.pt <= 14
    assert line._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:val")) == "single"
    left = block.rows[0].cells[0].paragraphs
    issuer = next(p for p in left if p.text == "{{ issuer }}")
    assert all(r.bold for r in issuer.runs) and 12 <= issuer.runs[0].font.size.pt <= 13


def test_report_forms_carry_their_footnotes():
    for name, count in (("bao_cao_thanh_tich_nd91_mau07.docx", 4), ("bao_cao_thanh_tich_nd98_mau02.docx", 3),
                        ("bao_cao_thanh_tich_nd98_mau03.docx", 3)):
        doc = open_docx(render.PACKAGE_TEMPLATES / name)
        refs = list(doc.element.body.iter(qn("w:footnoteReference")))
        assert len(refs) == count, name
        notes = [p for p in doc.part.package.parts if p.partname == "/word/footnotes.xml"]
        assert notes and "Ghi hình thức đề nghị khen thưởng" in notes[0].blob.decode("utf-8")


def test_the_template_version_is_the_hash_of_the_file(tmp_path):
    copy = tmp_path / "giay_khen.docx"
    copy.write_bytes((render.PACKAGE_TEMPLATES / "giay_khen.docx").read_bytes())
    assert render.template_version(copy) == hashlib.sha256(copy.read_bytes()).hexdigest()
    assert render.template_version(copy) == render.template_version(render.PACKAGE_TEMPLATES / "giay_khen.docx")
