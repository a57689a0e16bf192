"""What each generated document says, and how it is laid out (opened with python-docx)."""
from __future__ import annotations

import io
import unicodedata
from datetime import date

from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from workflow import documents
from workflow.actors import load_actor
from workflow.documents import build_templates, render
from workflow.documents.service import cycle_drafts
from workflow.models import ReviewCycle

from . import scenario
from .conftest import all_text, docx_of, paragraph, paragraphs, stored


def _gen(ctx, user, kind, **kw):
    return docx_of(ctx, documents.generate(ctx, user, kind, **kw))


def _italic(p) -> bool:
    return all(r.italic for r in p.runs if r.text.strip())


def _bold(p) -> bool:
    return all(r.bold for r in p.runs if r.text.strip())


def test_department_list_names_part_i_collectives_and_part_ii_individuals_signed_by_the_head(ctx, scene):
    doc = _gen(ctx, scene.a.head, "department_list", cycle_id=scene.cycle_id, department_id=scene.a.department_id)
    text = all_text(doc)
    assert "SỞ DÂN TỘC VÀ TÔN GIÁO\nPHÒNG CHÍNH SÁCH" in text
    assert "DANH SÁCH TẬP THỂ, CÁ NHÂN" in text
    assert "Kính gửi: Hội đồng Thi đua - Khen thưởng Sở Dân tộc và Tôn giáo." in text
    rows = [[c.text for c in row.cells] for row in doc.tables[1].rows]
    assert rows[0] == ["Số TT", "Tập thể/ cá nhân", "Ghi chú"]
    assert rows[1][:2] == ["I", "Tập thể"] and rows[2][:2] == ["1", "Phòng Chính sách"]
    assert rows[3][:2] == ["II", "Cá nhân"]
    # Vietnamese order by given name: Ánh, Bích, Hoà, (Cộng) sự, Út
    assert [r[1].split(",")[0] for r in rows[4:]] == [
        "Bà Huỳnh Thị Ánh", "Bà Võ Thị Bích", "Bà Lê Thị Hoà", f"Ông {scenario.TRICKY_NAME}", "Ông Đinh Văn Út"]
    assert [r[0] for r in rows[4:]] == ["1", "2", "3", "4", "5"]
    assert rows[4][2] == "Đề nghị tặng Giấy khen của Giám đốc Sở"
    assert "Phạm Văn Bình" not in text  # another department's nominee
    assert "Tổng số: 01 tập thể và 05 cá nhân." in text
    assert "TRƯỞNG PHÒNG" in text and "Trần Thị Trưởng" in text
    date_line = paragraph(doc, "Quảng Ngãi, ngày")
    assert date_line.text == "Quảng Ngãi, ngày 20 tháng 11 năm 2025" and _italic(date_line)
    received = paragraph(doc, "Nơi nhận:")
    assert received.runs[0].bold and received.runs[0].italic and received.runs[0].font.size == Pt(12)
    assert paragraph(doc, "- Như trên;").runs[0].font.size == Pt(11)


def test_individual_report_of_2025_uses_decree_98_form_03_prefilled_from_the_registers(ctx, scene):
    ctx.clock.set(date(2025, 6, 20))  # before Decree 152/2025 took effect (01/7/2025)
    doc_id = documents.generate(ctx, scene.a.head, "achievement_report", nomination_id=scene.hoa)
    row, _ = stored(ctx, doc_id)
    assert row.template_name == "bao_cao_thanh_tich_nd98_mau03.docx"
    doc = docx_of(ctx, doc_id)
    text = all_text(doc)
    assert text.splitlines()[0] == "Mẫu số 03"
    assert "ĐỀ NGHỊ TẶNG GIẤY KHEN CỦA GIÁM ĐỐC SỞ DÂN TỘC VÀ TÔN GIÁO" in text
    assert "Bà Lê Thị Hoà, Chuyên viên Phòng Chính sách" in text
    for line in ("- Họ tên: Lê Thị Hoà.", "- Sinh ngày, tháng, năm: 05/02/1988.", "Giới tính: Nữ.",
                 "- Quê quán: Xã Tịnh Khê, TP. Quảng Ngãi.", "- Trú quán: Phường Trần Phú, TP. Quảng Ngãi.",
                 "- Chức vụ (Đảng, chính quyền, đoàn thể): Chuyên viên."):
        assert line in text
    assert "+ Cuộc thi trực tuyến tìm hiểu CCHC năm 2025: đạt Giải Ba." in text
    assert "Chưa đạt" not in text  # a report states what was achieved
    awards = [[c.text for c in r.cells] for r in doc.tables[-2].rows]
    assert awards[1] == ["2024", "Giấy khen của Trưởng Ban Dân tộc (khen thưởng theo chuyên đề)",
                         "Quyết định số 31/QĐ-BDT ngày 20/11/2024 của Trưởng Ban Dân tộc"]
    assert "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG" in text
    assert "NGƯỜI BÁO CÁO THÀNH TÍCH" in text and "XÁC NHẬN CỦA THỦ TRƯỞNG CƠ QUAN\n(Ký, đóng dấu)" in text
    assert len(list(doc.element.body.iter(qn("w:footnoteReference")))) == 3
    assert all(unicodedata.normalize("NFC", p.text) == p.text for p in paragraphs(doc))  # diacritics intact


def test_collective_report_uses_form_02_with_staff_numbers_and_initiative_decisions(ctx, scene):
    ctx.clock.set(date(2025, 6, 20))  # before Decree 152/2025 took effect (01/7/2025)
    doc_id = documents.generate(ctx, scene.a.secretary, "achievement_report", nomination_id=scene.collective)
    assert stored(ctx, doc_id)[0].template_name == "bao_cao_thanh_tich_nd98_mau02.docx"
    text = all_text(docx_of(ctx, doc_id))
    assert text.splitlines()[0] == "Mẫu số 02"
    assert "- Địa điểm trụ sở chính: Số 96 Nguyễn Nghiêm, TP. Quảng Ngãi; điện thoại: 0255 3822 123;" in text
    assert "tổng số cán bộ, công chức, người lao động: 07 người; Trưởng phòng: Trần Thị Trưởng." in text
    assert "2. Chức năng, nhiệm vụ: Tham mưu thực hiện chính sách dân tộc trên địa bàn tỉnh." in text
    assert "+ Năm 2025: Hoàn thành xuất sắc nhiệm vụ." in text
    assert "được Sở Nội vụ công nhận tại cuộc thi theo Quyết định số" in text
    # a registered nomination has no stored checklist: the criteria are evaluated on the fly
    registered = all_text(_gen(ctx, scene.a.head, "achievement_report", nomination_id=scene.registered))
    assert "+ Cuộc thi trực tuyến tìm hiểu CCHC năm 2025: đạt Giải Ba." in registered
    assert "- Ngày, tháng" not in registered and "- Sinh ngày, tháng, năm: …" in registered  # unknown: dotted


def test_council_documents_record_votes_quorum_and_what_passed(ctx, scene):
    sec = scene.a.secretary
    minutes = _gen(ctx, sec, "council_minutes", meeting_id=scene.meeting_id)
    text = all_text(minutes)
    assert "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG" in text and "Số:         /BB-HĐTĐKT" in text
    assert "Hôm nay, ngày 20 tháng 11 năm 2025, tại trụ sở Sở Dân tộc và Tôn giáo tỉnh Quảng Ngãi" in text
    assert "- Chủ trì: Đặng Tấn Giản." in text and "- Thư ký: Phạm Văn Thư." in text
    assert "- Thành viên Hội đồng dự họp: 05/07 thành viên (71,4%): Đặng Tấn Giản (Chủ tịch Hội đồng);" in text
    assert "đạt tỷ lệ tối thiểu 2/3" in text
    votes = {r.cells[1].text: [c.text for c in r.cells[3:]] for r in minutes.tables[1].rows[1:]}
    assert votes["Võ Thị Bích"] == ["2", "3", "40%", "Không đạt"]
    assert votes["Phòng Chính sách"] == ["5", "0", "100%", "Đạt"]
    assert len(votes) == 5
    assert "khen thưởng 01 tập thể và 03 cá nhân có số phiếu đồng ý trên 1/2" in text
    assert "01 trường hợp không đạt" in text
    letter = _gen(ctx, sec, "request_letter", cycle_id=scene.cycle_id, meeting_id=scene.meeting_id)
    text = all_text(letter)
    assert "TỜ TRÌNH" in text and "Số:         /TTr-HĐTĐKT" in text
    assert "Kính gửi: Giám đốc Sở Dân tộc và Tôn giáo." in text
    assert "khen thưởng 01 tập thể và 03 cá nhân" in text
    assert "Võ Thị Bích" not in text  # voted down
    basis = paragraph(letter, "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15")
    assert _italic(basis)
    assert _italic(paragraph(letter, "Căn cứ Kế hoạch số 768/KH-BDT ngày 20/9/2021"))
    assert "TM. HỘI ĐỒNG\nCHỦ TỊCH" in text


def test_award_decision_signed_by_the_head_then_by_a_deputy_with_kt(ctx, scene):
    doc = _gen(ctx, scene.a.secretary, "award_decision", meeting_id=scene.meeting_id)
    text = all_text(doc)
    assert "UBND TỈNH QUẢNG NGÃI\nSỞ DÂN TỘC VÀ TÔN GIÁO" in text
    assert "Số: 25/QĐ-SDTTG" in text
    assert paragraph(doc, "Quảng Ngãi,").text == "Quảng Ngãi, ngày 20 tháng 11 năm 2025"
    title = paragraph(doc, "QUYẾT ĐỊNH")
    assert _bold(title) and title.runs[0].font.size == Pt(14)
    assert _bold(paragraph(doc, "GIÁM ĐỐC SỞ DÂN TỘC VÀ TÔN GIÁO"))
    assert _italic(paragraph(doc, "Căn cứ Nghị định số 152/2025/NĐ-CP"))
    article = paragraph(doc, "Điều 1.")
    assert article.runs[0].bold and "cho 01 tập thể và 03 cá nhân (có danh sách kèm theo)" in article.text
    assert "KT." not in text
    assert "GIÁM ĐỐC SỞ\n\n\n\n\nĐặng Tấn Giản" in text
    assert "- Như Điều 3;" in text and "- Lãnh đạo Sở;" in text
    assert "(Kèm theo Quyết định số 25/QĐ-SDTTG ngày 20 tháng 11 năm 2025 của Giám đốc Sở Dân tộc và Tôn giáo)" in text
    annex = [[c.text for c in r.cells] for r in doc.tables[-1].rows]
    assert annex[1:] == [["1", "Phạm Văn Bình", "Kế toán Phòng Kế hoạch"],
                         ["2", "Lê Thị Hoà", "Chuyên viên Phòng Chính sách"],
                         ["3", scenario.TRICKY_NAME, "Chuyên viên Phòng Chính sách"]]
    breaks = [br for br in doc.element.body.iter(qn("w:br")) if br.get(qn("w:type")) == "page"]
    assert len(breaks) == 1  # the annexed list starts on its own page

    deputy = all_text(_gen(ctx, scene.a.secretary, "award_decision", meeting_id=scene.deputy_meeting_id))
    assert "Số: 26/QĐ-SDTTG" in deputy and "cho 01 cá nhân (có danh sách kèm theo)" in deputy
    assert "KT. GIÁM ĐỐC SỞ\nPHÓ GIÁM ĐỐC SỞ" in deputy and "Võ Văn Phó" in deputy


def test_names_with_ampersand_angle_brackets_and_quotes_come_out_literally(ctx, scene):
    report = all_text(_gen(ctx, scene.a.head, "achievement_report", nomination_id=scene.tricky))
    assert f"- Họ và tên: {scenario.TRICKY_NAME}." in report
    listing = all_text(_gen(ctx, scene.a.head, "department_list", cycle_id=scene.cycle_id,
                            department_id=scene.a.department_id))
    assert f"Ông {scenario.TRICKY_NAME}, Chuyên viên Phòng Chính sách" in listing
    assert "&amp;" not in report + listing and "&lt;" not in report + listing and "&#34;" not in report + listing


def test_every_template_variable_is_provided_by_its_draft(ctx, scene):
    with ctx.db.reading() as s:
        _user, actor = load_actor(s, scene.a.secretary)
        plan, problems = cycle_drafts(s, ctx, actor, s.get(ReviewCycle, scene.cycle_id))
    # only what the data cannot fill (unconfirmed forms, blanks, the signer's authority) is reported
    assert all(p.startswith(("Báo cáo thành tích", "Quyết định khen thưởng:", "Tờ trình:")) for p in problems)
    seen = {}
    for draft in plan:
        if draft.template:
            seen.setdefault(draft.template, set(draft.context))
    report_keys = seen["bao_cao_thanh_tich_nd152_chuyen_de.docx"]
    for older in ("bao_cao_thanh_tich_nd91_mau07.docx", "bao_cao_thanh_tich_nd98_mau02.docx",
                  "bao_cao_thanh_tich_nd98_mau03.docx"):
        seen[older] = report_keys  # the same draft, the forms of other dates
    assert set(seen) == set(build_templates.BUILDERS)
    for name, keys in seen.items():
        missing = render.undeclared_variables(render.PACKAGE_TEMPLATES / name) - keys
        assert not missing, f"{name} uses {missing}, which its draft does not provide"


def test_documents_follow_the_agency_identity_and_law_in_force_on_their_date(ctx, make):
    a = make.agency()
    someone = scenario.person(make, a.department_id, "Trương Văn Cũ")
    old, old_meeting = scenario.awarded_in(make, a, 2023, campaign="CCHC-2021-2025", number="40/QĐ-BDT",
                                           person=someone)
    ctx.clock.set(scenario.TODAY)  # made today, the 2023 dossier keeps its own date and law
    doc_id = documents.generate(ctx, a.secretary, "achievement_report", nomination_id=old)
    assert stored(ctx, doc_id)[0].template_name == "bao_cao_thanh_tich_nd91_mau07.docx"
    report = all_text(docx_of(ctx, doc_id))
    assert report.splitlines()[0] == "Mẫu số 07"
    assert "BAN DÂN TỘC\nPHÒNG CHÍNH SÁCH" in report and "ngày 30 tháng 11 năm 2023" in report
    assert "ĐỀ NGHỊ TẶNG GIẤY KHEN CỦA TRƯỞNG BAN DÂN TỘC" in report
    decision = all_text(_gen(ctx, a.secretary, "award_decision", meeting_id=old_meeting))
    assert "UBND TỈNH QUẢNG NGÃI\nBAN DÂN TỘC" in decision and "SỞ DÂN TỘC" not in decision
    assert "Số: 40/QĐ-BDT" in decision and "Quảng Ngãi, ngày 01 tháng 10 năm 2023" in decision
    assert "TRƯỞNG BAN DÂN TỘC" in decision and "Căn cứ Luật Thi đua, khen thưởng ngày 26/11/2003" in decision
    assert "Căn cứ Nghị định số 91/2017/NĐ-CP" in decision

    new, new_meeting = scenario.awarded_in(make, a, 2026, campaign="CCHC-2026-2030", number="07/QĐ-SDTTG",
                                           person=someone)
    decision = all_text(_gen(ctx, a.secretary, "award_decision", meeting_id=new_meeting))
    assert "UBND TỈNH QUẢNG NGÃI\nSỞ DÂN TỘC VÀ TÔN GIÁO" in decision and "BAN DÂN TỘC" not in decision
    assert "GIÁM ĐỐC SỞ DÂN TỘC VÀ TÔN GIÁO" in decision and "Căn cứ Nghị định số 152/2025/NĐ-CP" in decision
    assert "giai đoạn 2026-2030" in decision and "Kế hoạch số 768" not in decision
    report = all_text(_gen(ctx, a.secretary, "achievement_report", nomination_id=new))
    # Decree 152/2025's thematic form: its number is not confirmed, so a blank to fill (and reported)
    assert report.splitlines()[0] == "Mẫu số ……" and "ngày 01 tháng 10 năm 2026" in report
    assert "Quyết định số 40/QĐ-BDT ngày 01/10/2023 của Trưởng Ban Dân tộc" in report  # the earlier award
    # the 2023 report, made again now, does not list what came after it
    report = all_text(_gen(ctx, a.secretary, "achievement_report", nomination_id=old))
    assert "07/QĐ-SDTTG" not in report and "- Chưa có." in report


def test_agency_wide_workbook_lists_every_nomination_of_the_cycle(ctx, scene):
    doc_id = documents.generate(ctx, scene.a.secretary, "cycle_list", cycle_id=scene.cycle_id)
    row, content = stored(ctx, doc_id)
    assert row.original_name == "danh-sach-toan-co-quan_so-ket-nam-2025.xlsx" and row.cycle_id == scene.cycle_id
    assert row.department_id is None and row.council_meeting_id is None and row.nomination_id is None
    wb = load_workbook(io.BytesIO(content))
    ws = wb["Danh sách"]
    assert ws["A1"].value == "SỞ DÂN TỘC VÀ TÔN GIÁO TỈNH QUẢNG NGÃI"
    assert ws["A2"].value == "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG - SƠ KẾT NĂM 2025"
    header = [c.value for c in ws[5]]
    assert header[:3] == ["STT", "Tập thể / cá nhân", "Loại"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=6)]
    assert len(rows) == 7 and [r[0] for r in rows] == list(range(1, 8))
    by_name = {r[1]: r for r in rows}
    hoa = by_name["Lê Thị Hoà"]
    assert hoa[6] == "Đã khen thưởng" and hoa[8] == "5/5" and hoa[9] == "25/QĐ-SDTTG"
    assert hoa[10].date() == date(2025, 11, 20) and ws.cell(row=6, column=11).number_format == "DD/MM/YYYY"
    assert by_name["Võ Thị Bích"][8] == "2/5" and by_name["Đinh Văn Út"][6] == "Đã đăng ký đề nghị"
    assert scenario.TRICKY_NAME in by_name
    assert ws["A1"].font.name == "Times New Roman" and ws.freeze_panes == "C6"
    totals = {r[0].value: r[-1].value for r in wb["Tổng hợp"].iter_rows(min_row=6)}
    assert totals == {"Phòng Chính sách": 6, "Phòng Kế hoạch": 1}
