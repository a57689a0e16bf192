"""A document probe: build a whole cycle and check, from each .docx, what a Sở Nội vụ clerk checks."""
from __future__ import annotations

import re
from datetime import date

from docx import Document as open_docx
from docx.oxml.ns import qn

from workflow import documents, units
from workflow.documents import vn

from .conftest import all_text

DOUBLED = re.compile(r"\b(Trưởng phòng Phòng|Chánh Văn phòng Văn phòng|Chánh Thanh tra Thanh tra)\b", re.IGNORECASE)


def _built(ctx, scene, tmp_path):
    ctx.settings.raw["documents"] = {"soffice": "/khong/co/soffice"}  # .docx only: structure is what we check
    result = documents.build_cycle(ctx, scene.a.secretary, scene.cycle_id, tmp_path / "out")
    return result, [open_docx(str(f)) for f in result.files if f.suffix == ".docx"]


def test_every_document_of_a_cycle_passes_the_probe(ctx, scene, tmp_path):
    result, docs = _built(ctx, scene, tmp_path)
    assert docs
    for doc in docs:
        text = all_text(doc)
        body = doc.element.body
        # no table row can split across pages
        assert all(tr.find(qn("w:trPr")) is not None and tr.find(qn("w:trPr")).find(qn("w:cantSplit")) is not None
                   for tr in body.iter(qn("w:tr")))
        # no doubled words in titles, no demo marker in a legal line
        assert not DOUBLED.search(text), DOUBLED.search(text)
        assert not any("minh họa" in line for line in text.splitlines() if line.startswith("Căn cứ"))
        # the law in force on 20/11/2025 (the scene's date): Decree 152/2025, never the repealed 98/2023
        for line in text.splitlines():
            if line.startswith("Căn cứ Nghị định"):
                assert "152/2025/NĐ-CP" in line
        # agency names break only between word groups
        if "TÔN GIÁO" in text:
            assert "TÔN\u00a0GIÁO" in "\n".join(p.text for p in doc.paragraphs) + "".join(
                c.text for t in doc.tables for r in t.rows for c in r.cells)
        # control tags are gone, and no italic note is set bold
        assert "{%" not in text and "{{" not in text
        for p in body.iter(qn("w:p")):
            t = "".join(x.text or "" for x in p.iter(qn("w:t")))
            if t.startswith("(Ký,"):
                assert p.find(qn("w:r")).find(qn("w:rPr")).find(qn("w:i")) is not None
    # the decision without a number yet is a draft; the signer's missing authority is reported
    assert any("chức năng, nhiệm vụ, quyền hạn của cơ quan" in p for p in result.problems)


def test_signature_blocks_keep_with_the_paragraph_before(ctx, scene, tmp_path):
    _result, docs = _built(ctx, scene, tmp_path)
    checked = 0
    for doc in docs:
        body = list(doc.element.body)
        for i, el in enumerate(body):
            if el.tag != qn("w:tbl") or "Nơi nhận:" not in "".join(t.text or "" for t in el.iter(qn("w:t"))):
                continue
            before = next(e for e in reversed(body[:i]) if e.tag in (qn("w:p"), qn("w:tbl")))
            if before.tag == qn("w:p"):
                assert before.find(qn("w:pPr")).find(qn("w:keepNext")) is not None
                checked += 1
    assert checked


def test_units_are_named_as_they_stood_on_each_document_date(ctx, scene):
    with ctx.db.transaction() as s:
        from workflow.models import Department
        dept = s.get(Department, scene.a.department_id)
        old_name = dept.name
    units.add_version(ctx, scene.a.admin, scene.a.department_id, valid_from=date(2025, 10, 1),
                      name="Văn phòng Sở", kind="van_phong")
    with ctx.db.reading() as s:
        dept = s.get(Department, scene.a.department_id)
        assert units.unit_on(dept, date(2025, 9, 30)).name == old_name
        now = units.unit_on(dept, date(2025, 11, 20))
        assert (now.name, now.head_title) == ("Văn phòng Sở", "Chánh Văn phòng")
    listing = documents.generate(ctx, scene.a.head, "department_list", cycle_id=scene.cycle_id,
                                 department_id=scene.a.department_id)
    from .conftest import docx_of
    text = all_text(docx_of(ctx, listing))
    assert "VĂN PHÒNG SỞ" in text and "CHÁNH VĂN PHÒNG" in text and old_name.upper() not in text


def test_titles_join_without_doubled_words_and_names_break_between_groups():
    assert units.join_title("Trưởng phòng", "Phòng Kế hoạch - Tổng hợp") == "Trưởng phòng Kế hoạch - Tổng hợp"
    assert units.join_title("Chánh Văn phòng", "Văn phòng Sở") == "Chánh Văn phòng Sở"
    assert units.join_title("Chuyên viên", "Thanh tra Sở") == "Chuyên viên Thanh tra Sở"
    assert vn.agency_line("Sở Dân tộc và Tôn giáo") == "SỞ DÂN\u00a0TỘC VÀ\u00a0TÔN\u00a0GIÁO"
    assert vn.agency_line("Phòng Kế hoạch - Tổng hợp") == "PHÒNG KẾ\u00a0HOẠCH\u00a0- TỔNG\u00a0HỢP"
    for text in ("Giấy khen của Trưởng Ban Dân tộc", "Phòng Chính sách Dân tộc", "UBND tỉnh Quảng Ngãi",
                 "Hội đồng Thi đua - Khen thưởng", "Giấy khen của Giám đốc Sở Dân tộc và Tôn giáo"):
        assert vn.agency_line(text).replace("\u00a0", " ") == vn.upper(text)  # every word kept, in order
    for name in ("Ban Dân tộc", "Sở Dân tộc và Tôn giáo", "Phòng Chính sách Dân tộc"):
        width, rule = vn.name_width_cm(name), vn.RULE_WIDTHS[vn.rule_choice(name)]
        assert width / 3 <= rule <= width / 2


def test_the_law_in_force_is_chosen_by_date(ctx):
    from workflow.agency import legal_texts_on, report_form_on
    cites = lambda d: " | ".join(r["citation"] for r in legal_texts_on(ctx.settings, d))
    assert "91/2017" in cites(date(2021, 11, 30)) and "14/6/2005" in cites(date(2021, 11, 30))
    assert "98/2023" in cites(date(2025, 6, 30)) and "06/2022/QH15" in cites(date(2025, 6, 30))
    assert "152/2025" in cites(date(2025, 7, 1)) and "98/2023" not in cites(date(2025, 7, 1))
    assert "15/2025/TT-BNV" in cites(date(2026, 3, 1))
    assert report_form_on(ctx.settings, date(2023, 11, 30), "thematic", "individual")["form"] == "Mẫu số 07"
    assert report_form_on(ctx.settings, date(2024, 11, 30), "thematic", "individual")["form"] == "Mẫu số 03"
    late = report_form_on(ctx.settings, date(2025, 11, 30), "thematic", "collective")
    assert late["template"] == "bao_cao_thanh_tich_nd152_chuyen_de.docx" and late["confirms"]
    # a later text is one more row: no code change
    ctx.settings.raw["legal_texts"].append({"kind": "law", "valid_from": date(2026, 7, 1),
                                            "citation": "Luật sửa đổi (thử)"})
    assert "Luật sửa đổi (thử)" in cites(date(2026, 8, 1))
    ctx.settings.raw["legal_texts"].pop()


def test_a_broken_template_stops_the_build_before_anything_is_written(ctx, scene, tmp_path):
    import pytest
    from docx import Document as new_docx

    from workflow.documents import render
    from workflow.errors import Invalid

    name = "quyet_dinh_khen_thuong.docx"
    own = render.override_dir(ctx.settings) / name
    own.parent.mkdir(parents=True)
    doc = new_docx(str(render.PACKAGE_TEMPLATES / name))
    doc.add_paragraph("{%p if sign.on_behalf %}")  # an alternative left open by a Word edit
    doc.save(own)
    out = tmp_path / "out"
    with pytest.raises(Invalid) as caught:
        documents.build_cycle(ctx, scene.a.secretary, scene.cycle_id, out)
    message = caught.value.message
    assert f"Mẫu văn bản “{name}” có lỗi ở thẻ “{{% if sign.on_behalf %}}”" in message
    assert "chưa có thẻ đóng" in message
    assert "Chưa tạo tệp nào" in message and not out.exists(), message


def test_thematic_awards_are_marked_and_are_no_basis_for_merit(ctx, scene):
    from sqlalchemy import select

    from workflow.models import Campaign, Nomination
    from workflow.reports.history import person_history

    with ctx.db.reading() as s:
        person_id = s.get(Nomination, scene.hoa).person_id
        history = person_history(s, scene.a.secretary, person_id)
    assert history["awards"] and all(a["thematic"] for a in history["awards"])
    assert history["merit_basis"] == []  # Decree 152/2025 Art. 4
    with ctx.db.transaction() as s:
        for campaign in s.scalars(select(Campaign)):
            campaign.thematic = False  # a regular (non-thematic) movement's awards do count
    with ctx.db.reading() as s:
        history = person_history(s, scene.a.secretary, person_id)
    assert history["merit_basis"] == history["awards"]
