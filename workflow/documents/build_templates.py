"""(Re)build the .docx templates in templates/: `python -m workflow.documents.build_templates`.

The files are committed so agencies can open and adjust them in Word; this script keeps
them reproducible (same input, same bytes). An agency's own edited copy goes in
<instance_path>/templates/documents/<name>.docx and is used instead.
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .layout import CENTER, LEFT, RIGHT, Builder

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _table(b: Builder, heads: list[str], widths: list[float], loop: str, cells: list[str],
           *, empty: str | None = None, aligns=None, group: tuple[str, str] | None = None, size: float = 13):
    """A bordered table: header row, an optional group row, one row per item ({%tr for %})."""
    t = b.table(widths, rows=1, borders=True)
    for cell, head in zip(t.rows[0].cells, heads):
        b.cell_text(cell, head, size=size, bold=True).paragraph_format.keep_with_next = True
    b.repeat_header(t.rows[0])
    _rows(b, t, loop, cells, empty=empty, aligns=aligns, group=group, size=size)
    return t


def _rows(b: Builder, t, loop: str, cells: list[str], *, empty=None, aligns=None, group=None, size: float = 13):
    n = len(cells)
    if group:
        b.add_row(t, [group[0], group[1]] + [""] * (n - 2), bold=True, aligns=[CENTER, LEFT] + [CENTER] * (n - 2),
                  size=size)
    b.add_row(t, [f"{{%tr for {loop} %}}"] + [""] * (n - 1))
    b.add_row(t, cells, aligns=aligns, size=size)
    b.add_row(t, ["{%tr endfor %}"] + [""] * (n - 1))
    if empty:
        var = loop.split(" in ", 1)[1]
        b.add_row(t, [f"{{%tr if not {var} %}}"] + [""] * (n - 1))
        b.add_row(t, ["", empty] + [""] * (n - 2), aligns=[CENTER, LEFT] + [CENTER] * (n - 2), size=size)
        b.add_row(t, ["{%tr endif %}"] + [""] * (n - 1))


def _bases(b: Builder) -> None:
    b.jinja("{%p for basis in bases %}")
    b.body("{{ basis }}", italic=True)
    b.jinja("{%p endfor %}")


def _draft_mark(b: Builder) -> None:
    """'DỰ THẢO' at the top right until the document is numbered and signed."""
    b.jinja("{%p if draft_mark %}")
    b.para("{{ draft_mark }}", size=14, bold=True, align=RIGHT)
    b.jinja("{%p endif %}")


def _article(b: Builder, head: str, text: str):
    p = b.body("")
    b.run(p, head, bold=True)
    b.run(p, text)
    return p


# --- 1 ---------------------------------------------------------------------------------------------

def department_list() -> Builder:
    b = Builder(title="Danh sách đề nghị khen thưởng của Phòng")
    b.title_block(superior="{{ superior }}", issuer="{{ issuer }}", number=None, date_line="{{ date_line }}")
    b.para("DANH SÁCH TẬP THỂ, CÁ NHÂN", bold=True, align=CENTER, before=18)
    b.para("Có thành tích tiêu biểu, xuất sắc trong thực hiện {{ campaign_phrase }}, {{ cycle_phrase }}",
           bold=True, align=CENTER)
    b.rule(3.5, after=6)
    b.para("Kính gửi: {{ addressee }}.", align=CENTER, after=12)
    t = _table(b, ["Số TT", "Tập thể/ cá nhân", "Ghi chú"], [1.6, 8.4, 6.4], "row in collectives",
               ["{{ loop.index }}", "{{ row.name }}", "{{ row.note }}"], empty="Không có",
               aligns=[CENTER, LEFT, LEFT], group=("I", "Tập thể"))
    _rows(b, t, "row in individuals", ["{{ loop.index }}", "{{ row.name }}", "{{ row.note }}"], empty="Không có",
          aligns=[CENTER, LEFT, LEFT], group=("II", "Cá nhân"))
    b.body("Tổng số: {{ how_many }}.", before=6, keep_next=True)
    b.recipients_and_signature(["- Như trên;", "- Lưu: Phòng."], ["{{ signer_title }}"], name="{{ signer_name }}",
                               note="(Ký, ghi rõ họ tên)")
    b.page_numbers()
    return b


# --- 2: the three report forms ------------------------------------------------------------------------

ND91_NOTES = [
    ("Ghi hình thức đề nghị khen thưởng. Chỉ áp dụng các hình thức khen thưởng thuộc thẩm quyền của bộ, ngành,"
    " địa phương; trường hợp xuất sắc, tiêu biểu mới đề nghị Thủ tướng Chính phủ tặng Cờ thi đua của Chính phủ,"
    " Bằng khen của Thủ tướng Chính phủ, trường hợp đặc biệt xuất sắc trình Thủ tướng Chính phủ đề nghị"
    " Chủ tịch nước tặng Huân chương."),
    ("Nếu là tập thể hoặc thủ trưởng đơn vị sản xuất, kinh doanh phải nêu việc thực hiện nghĩa vụ nộp ngân sách"
    " nhà nước; đảm bảo môi trường, an toàn vệ sinh lao động, an toàn vệ sinh thực phẩm (có trích lục và nội"
    " dung xác nhận của cơ quan nhà nước có thẩm quyền)."),
    "Đối với cá nhân: Ký, ghi rõ họ, tên và có xác nhận của thủ trưởng cơ quan.",
    "Đối với cá nhân: Ký, ghi rõ họ, tên và có xác nhận của thủ trưởng cơ quan.",
]
ND98_NOTES = [
    "Ghi hình thức đề nghị khen thưởng.",
    ("Nêu thành tích đạt được căn cứ vào chức năng, nhiệm vụ được giao, các chỉ tiêu thi đua đã đăng ký và kết quả"
    " thực hiện; các mô hình, giải pháp, sáng kiến được cấp có thẩm quyền công nhận (ghi rõ số, ngày của quyết"
    " định công nhận)."),
    ("Nêu các danh hiệu thi đua, hình thức khen thưởng đã được nhận (ghi rõ số, ngày, tháng, năm của quyết định;"
    " cơ quan ban hành quyết định)."),
]


def _report_head(b: Builder, notes: list[str]) -> None:
    b.para("{{ form_number }}", size=13, bold=True, align=RIGHT)
    b.title_block(superior="{{ superior }}", issuer="{{ issuer }}", number=None, date_line="{{ date_line }}")
    b.para("BÁO CÁO THÀNH TÍCH", bold=True, align=CENTER, before=18, keep_next=True)
    p = b.para("{{ award_line }}", bold=True, align=CENTER, keep_next=True)
    b.footnote_ref(p, notes[0])
    b.para("{{ nominee_heading }}", bold=True, align=CENTER, before=6, keep_next=True)
    b.para("(Thành tích trong {{ campaign_phrase }}, {{ cycle_phrase }})", italic=True, align=CENTER, size=13)
    b.rule(3.5, after=6)


def _criteria(b: Builder, heading: str, note: str | None = None) -> None:
    p = b.body(heading)
    if note:
        b.footnote_ref(p, note)
    b.jinja("{%p for line in criteria %}")
    b.body("- {{ line.label }}:")
    b.jinja("{%p for item in line.evidence %}")
    b.body("+ {{ item }}", first_line=1.5)
    b.jinja("{%p endfor %}")
    b.jinja("{%p endfor %}")
    b.jinja("{%p if not criteria %}")
    b.body("- Chưa có minh chứng đáp ứng tiêu chuẩn thi đua trong dữ liệu của cơ quan.")
    b.jinja("{%p endif %}")


def _award_tables(b: Builder) -> None:
    b.body("1. Danh hiệu thi đua:", keep_next=True)
    _table(b, ["Năm", "Danh hiệu thi đua",
               "Số, ngày, tháng, năm của quyết định công nhận danh hiệu thi đua; cơ quan ban hành quyết định"],
           [2.0, 6.2, 8.2], "title in emulation_titles", ["{{ title.year }}", "{{ title.name }}", "{{ title.decision }}"],
           empty="Chưa có", aligns=[CENTER, LEFT, LEFT])
    b.body("2. Hình thức khen thưởng:", before=6, keep_next=True)
    _table(b, ["Năm", "Hình thức khen thưởng", ("Số, ngày, tháng, năm của quyết định khen thưởng; cơ quan ban hành"
                                               " quyết định")], [2.0, 6.2, 8.2],
           "award in past_awards", ["{{ award.year }}", "{{ award.form }}", "{{ award.decision }}"],
           empty="Chưa có", aligns=[CENTER, LEFT, LEFT])


CONFIRM = (["{{ confirm_title }}"], ["{{ confirm_note }}"])
SIGNER = (["{{ signer_title }}"], ["{{ signer_note }}"])


def _report_signatures(b: Builder, left: tuple[list[str], list[str]], left_name: str,
                       right: tuple[list[str], list[str]], right_name: str,
                       left_note_ref: str | None = None, right_note_ref: str | None = None) -> None:
    """Two signature blocks side by side: (title lines, italic note lines) each, names level."""
    b.keep_last_with_next()
    t = b.table([8.0, b.text_width_cm - 8.0], rows=1)
    height = max(len(left[0]) + len(left[1]), len(right[0]) + len(right[1]))
    for cell, (titles, notes), name, note in ((t.rows[0].cells[0], left, left_name, left_note_ref),
                                              (t.rows[0].cells[1], right, right_name, right_note_ref)):
        lines = titles + notes
        last_title = len(titles) - 1
        for i, line in enumerate(lines):
            bold = i < len(titles)
            p = b.cell_text(cell, line, size=14 if bold else 13, bold=bold, italic=not bold, first=(i == 0))
            if i == 0:
                p.paragraph_format.space_before = Pt(18)
            if note and i == last_title:
                b.footnote_ref(p, note)
        for _ in range(4 + height - len(lines)):  # names level on both sides
            b.cell_text(cell, "", first=False)
        b.cell_text(cell, name, size=14, bold=True, first=False)


def report_nd91() -> Builder:
    """Decree 91/2017 'Mẫu số 07' (the seed's form), for collectives and individuals."""
    b = Builder(title="Báo cáo thành tích - Mẫu số 07 (Nghị định 91/2017/NĐ-CP)")
    _report_head(b, ND91_NOTES)
    b.para("I. THÔNG TIN CHUNG", bold=True, before=6, keep_next=True)
    b.jinja("{%p if collective %}")
    b.body("- Tên đơn vị: {{ unit.name }}.")
    b.body("- Địa điểm trụ sở chính: {{ unit.address }}; điện thoại: {{ unit.phone }}; thư điện tử: {{ unit.email }}.")
    b.body("- Cơ cấu tổ chức, tổng số cán bộ, công chức và người lao động: {{ unit.staff }} người;"
           " {{ unit.head_title }}: {{ unit.head }}.")
    b.body("- Chức năng, nhiệm vụ được giao: {{ unit.functions }}")
    b.jinja("{%p else %}")
    b.body("- Họ và tên: {{ person.name }}.")
    b.body("- Ngày, tháng, năm sinh: {{ person.birth }}; giới tính: {{ person.gender }}.")
    b.body("- Quê quán: {{ person.hometown }}.")
    b.body("- Nơi thường trú: {{ person.residence }}.")
    b.body("- Chức vụ, đơn vị công tác: {{ person.position }}, {{ person.unit }}.")
    b.jinja("{%p endif %}")
    p = b.para("II. THÀNH TÍCH ĐẠT ĐƯỢC", bold=True, before=6, keep_next=True)
    b.footnote_ref(p, ND91_NOTES[1])
    _criteria(b, "1. Kết quả thực hiện các tiêu chuẩn thi đua:")
    b.body("2. Các biện pháp, giải pháp đạt được thành tích; kinh nghiệm rút ra: {{ summary }}")
    b.body("3. Các hình thức khen thưởng đã được nhận:")
    b.jinja("{%p for award in past_awards %}")
    b.body("- {{ award.line }}")
    b.jinja("{%p endfor %}")
    b.jinja("{%p if not past_awards %}")
    b.body("- Chưa có.")
    b.jinja("{%p endif %}")
    _report_signatures(b, CONFIRM, "", SIGNER, "{{ reporter_name }}",
                       left_note_ref=ND91_NOTES[2], right_note_ref=ND91_NOTES[3])
    b.page_numbers()
    return b


def report_nd98_collective() -> Builder:
    """Decree 98/2023 'Mẫu số 02': a collective."""
    b = Builder(title="Báo cáo thành tích tập thể - Mẫu số 02 (Nghị định 98/2023/NĐ-CP)")
    _report_head(b, ND98_NOTES)
    b.para("I. THÔNG TIN CHUNG", bold=True, before=6, keep_next=True)
    b.body("1. Đặc điểm, tình hình:")
    b.body("- Tên đơn vị: {{ unit.name }}.")
    b.body("- Địa điểm trụ sở chính: {{ unit.address }}; điện thoại: {{ unit.phone }}; thư điện tử: {{ unit.email }}.")
    b.body("- Cơ cấu tổ chức, tổng số cán bộ, công chức, người lao động: {{ unit.staff }} người;"
           " {{ unit.head_title }}: {{ unit.head }}.")
    b.body("2. Chức năng, nhiệm vụ: {{ unit.functions }}")
    b.para("II. THÀNH TÍCH ĐẠT ĐƯỢC", bold=True, before=6, keep_next=True)
    _criteria(b, "1. Kết quả thực hiện nhiệm vụ và các tiêu chuẩn thi đua:", ND98_NOTES[1])
    b.body("2. Những biện pháp hoặc nguyên nhân đạt được thành tích; các phong trào thi đua đã được áp dụng:"
           " {{ summary }}")
    p = b.para("III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", bold=True, before=6, keep_next=True)
    b.footnote_ref(p, ND98_NOTES[2])
    _award_tables(b)
    _report_signatures(b, CONFIRM, "", SIGNER, "{{ reporter_name }}")
    b.page_numbers()
    return b


def report_nd98_individual() -> Builder:
    """Decree 98/2023 'Mẫu số 03': an individual."""
    b = Builder(title="Báo cáo thành tích cá nhân - Mẫu số 03 (Nghị định 98/2023/NĐ-CP)")
    _report_head(b, ND98_NOTES)
    b.para("I. THÔNG TIN CHUNG", bold=True, before=6, keep_next=True)
    b.body("- Họ tên: {{ person.name }}.")
    b.body("- Sinh ngày, tháng, năm: {{ person.birth }}.      Giới tính: {{ person.gender }}.")
    b.body("- Quê quán: {{ person.hometown }}.")
    b.body("- Trú quán: {{ person.residence }}.")
    b.body("- Đơn vị công tác: {{ person.unit }}, {{ agency.name }}.")
    b.body("- Chức vụ (Đảng, chính quyền, đoàn thể): {{ person.position }}.")
    b.body("- Trình độ chuyên môn, nghiệp vụ: {{ person.qualifications }}.")
    b.body("- Học hàm, học vị, danh hiệu, giải thưởng: {{ blank }}.")
    b.para("II. THÀNH TÍCH ĐẠT ĐƯỢC", bold=True, before=6, keep_next=True)
    b.body("1. Quyền hạn, nhiệm vụ được giao hoặc đảm nhận: {{ person.post }}.")
    _criteria(b, "2. Thành tích đạt được của cá nhân:", ND98_NOTES[1])
    b.body("{{ summary }}")
    p = b.para("III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", bold=True, before=6, keep_next=True)
    b.footnote_ref(p, ND98_NOTES[2])
    _award_tables(b)
    _report_signatures(b, CONFIRM, "", SIGNER, "{{ reporter_name }}")
    b.page_numbers()
    return b


def report_nd152_thematic() -> Builder:
    """Decree 152/2025: the report for a thematic emulation award. The form's number and wording
    are not confirmed (config.toml says so); this keeps the sections every report form shares."""
    b = Builder(title="Báo cáo thành tích đề nghị khen thưởng thi đua theo chuyên đề (Nghị định 152/2025/NĐ-CP)")
    _report_head(b, ["Ghi hình thức đề nghị khen thưởng."])
    b.para("I. THÔNG TIN CHUNG", bold=True, before=6, keep_next=True)
    b.jinja("{%p if collective %}")
    b.body("- Tên đơn vị: {{ unit.name }}.")
    b.body("- Địa điểm trụ sở chính: {{ unit.address }}; điện thoại: {{ unit.phone }}; thư điện tử: {{ unit.email }}.")
    b.body("- Tổng số cán bộ, công chức, người lao động: {{ unit.staff }} người; {{ unit.head_title }}: {{ unit.head }}.")
    b.body("- Chức năng, nhiệm vụ được giao: {{ unit.functions }}")
    b.jinja("{%p else %}")
    b.body("- Họ và tên: {{ person.name }}.      Giới tính: {{ person.gender }}.")
    b.body("- Ngày, tháng, năm sinh: {{ person.birth }}.")
    b.body("- Quê quán: {{ person.hometown }}.")
    b.body("- Nơi thường trú: {{ person.residence }}.")
    b.body("- Chức vụ, đơn vị công tác: {{ person.post }}, {{ agency.name }}.")
    b.body("- Trình độ chuyên môn, nghiệp vụ: {{ person.qualifications }}.")
    b.jinja("{%p endif %}")
    b.para("II. THÀNH TÍCH ĐẠT ĐƯỢC TRONG PHONG TRÀO THI ĐUA", bold=True, before=6, keep_next=True)
    _criteria(b, "1. Kết quả thực hiện các nội dung, tiêu chí thi đua của phong trào:")
    b.body("2. Các biện pháp, giải pháp đã thực hiện để đạt được thành tích: {{ summary }}")
    b.body("3. Các hình thức khen thưởng đã được nhận:")
    b.jinja("{%p for award in past_awards %}")
    b.body("- {{ award.line }}")
    b.jinja("{%p endfor %}")
    b.jinja("{%p if not past_awards %}")
    b.body("- Chưa có.")
    b.jinja("{%p endif %}")
    _report_signatures(b, CONFIRM, "", SIGNER, "{{ reporter_name }}")
    b.page_numbers()
    return b


# --- 3, 4 ------------------------------------------------------------------------------------------------

def request_letter() -> Builder:
    b = Builder(title="Tờ trình đề nghị khen thưởng")
    _draft_mark(b)
    b.title_block(superior="{{ superior }}", issuer="{{ issuer }}", number="{{ number_line }}",
                  date_line="{{ date_line }}")
    b.doc_title("TỜ TRÌNH", "Về việc đề nghị khen thưởng tập thể, cá nhân có thành tích trong"
                            " {{ campaign_phrase }}, {{ cycle_phrase }}")
    b.para("Kính gửi: {{ addressee }}.", align=CENTER, after=12)
    _bases(b)
    b.body("Căn cứ kết quả họp Hội đồng Thi đua - Khen thưởng ngày {{ meeting_date }} ({{ present }}/{{ total }}"
           " thành viên dự họp),", italic=True)
    b.body("Hội đồng Thi đua - Khen thưởng kính trình {{ head_title }} xem xét, khen thưởng {{ how_many }}"
           " đã được Hội đồng biểu quyết thông qua, cụ thể như sau:")
    b.para("I. TẬP THỂ ({{ collective_count }})", bold=True, before=6, after=3, keep_next=True)
    _table(b, ["STT", "Tên tập thể", "Hình thức đề nghị", "Phiếu đồng ý", "Tỷ lệ"], [1.3, 6.0, 4.9, 2.2, 2.0],
           "row in collectives", ["{{ loop.index }}", "{{ row.name }}", "{{ row.award }}", "{{ row.votes_for }}",
                                  "{{ row.ratio }}"], empty="Không có", aligns=[CENTER, LEFT, LEFT, CENTER, CENTER],
           size=12)
    b.para("II. CÁ NHÂN ({{ individual_count }})", bold=True, before=6, after=3, keep_next=True)
    _table(b, ["STT", "Họ và tên", "Chức vụ, đơn vị", "Hình thức đề nghị", "Phiếu đồng ý", "Tỷ lệ"],
           [1.3, 4.2, 4.4, 3.1, 1.8, 1.6], "row in individuals",
           ["{{ loop.index }}", "{{ row.name }}", "{{ row.post }}", "{{ row.award }}",
            "{{ row.votes_for }}", "{{ row.ratio }}"], empty="Không có",
           aligns=[CENTER, LEFT, LEFT, LEFT, CENTER, CENTER], size=12)
    b.body("Hồ sơ kèm theo gồm: biên bản họp Hội đồng Thi đua - Khen thưởng; danh sách đề nghị và biên bản họp xét"
           " của các phòng; báo cáo thành tích của tập thể, cá nhân được đề nghị.", before=6)
    b.body("Hội đồng Thi đua - Khen thưởng kính trình {{ head_title }} xem xét, quyết định./.", keep_next=True)
    b.recipients_and_signature(["- Như trên;", "- Lưu: VT, HĐTĐKT."], ["TM. HỘI ĐỒNG", "{{ chair_title }}"],
                               name="{{ chair_name }}")
    b.page_numbers()
    return b


def council_minutes() -> Builder:
    b = Builder(title="Biên bản họp Hội đồng Thi đua - Khen thưởng")
    b.title_block(superior="{{ superior }}", issuer="{{ issuer }}", number="{{ number_line }}",
                  date_line="{{ date_line }}")
    b.doc_title("BIÊN BẢN", "Họp Hội đồng Thi đua - Khen thưởng xét khen thưởng {{ cycle_phrase }}")
    b.body("Hôm nay, {{ meeting_long_date }}, tại {{ venue }}, Hội đồng Thi đua - Khen thưởng họp xét khen"
           " thưởng tập thể, cá nhân có thành tích trong {{ campaign_phrase }}, {{ cycle_phrase }}.")
    b.jinja("{%p if meeting_time %}")
    b.body("Thời gian họp: {{ meeting_time }}; địa điểm: {{ meeting_place }}.")
    b.jinja("{%p endif %}")
    b.para("I. THÀNH PHẦN", bold=True, before=6, keep_next=True)
    b.body("- Chủ trì: {{ chair_name }}.")
    b.body("- Thư ký: {{ secretary_name }}.")
    b.body("- Thành viên Hội đồng dự họp: {{ present }}/{{ total }} thành viên ({{ present_ratio }})"
           "{{ present_names }}.")
    b.body("{{ quorum_sentence }}")
    b.para("II. NỘI DUNG", bold=True, before=6, keep_next=True)
    b.body("Hội đồng đã xem xét hồ sơ đề nghị khen thưởng của {{ voted }} do các phòng đề nghị; các thành viên"
           " dự họp {{ vote_method }}. Kết quả biểu quyết như sau:")
    _table(b, ["STT", "Tập thể, cá nhân", "Đơn vị", "Đồng ý", "Không đồng ý", "Tỷ lệ đồng ý", "Kết quả"],
           [1.3, 4.3, 3.5, 1.7, 1.9, 1.8, 1.9], "row in votes",
           ["{{ loop.index }}", "{{ row.name }}", "{{ row.unit }}", "{{ row.votes_for }}", "{{ row.votes_against }}",
            "{{ row.ratio }}", "{{ row.result }}"], empty="Không có hồ sơ được biểu quyết",
           aligns=[CENTER, LEFT, LEFT, CENTER, CENTER, CENTER, CENTER], size=12)
    b.para("III. KẾT LUẬN", bold=True, before=6, keep_next=True)
    b.body("{{ conclusion }}")
    b.jinja("{%p if note %}")
    b.body("Ý kiến khác: {{ note }}")
    b.jinja("{%p endif %}")
    b.body("Biên bản được lập xong và thông qua tại cuộc họp; các thành viên dự họp nhất trí với nội dung"
           " biên bản./.", keep_next=True)
    t = b.table([b.text_width_cm / 2] * 2, rows=1)
    b.signature(t.rows[0].cells[0], ["THƯ KÝ"], name="{{ secretary_name }}")
    b.signature(t.rows[0].cells[1], ["CHỦ TRÌ"], name="{{ chair_signature }}")
    b.page_numbers()
    return b


# --- 5, 6 ------------------------------------------------------------------------------------------------

def award_decision() -> Builder:
    b = Builder(title="Quyết định khen thưởng")
    _draft_mark(b)
    b.title_block(superior="{{ superior }}", issuer="{{ issuer }}", number="{{ number_line }}",
                  date_line="{{ date_line }}")
    b.doc_title("QUYẾT ĐỊNH", "Về việc tặng Giấy khen cho tập thể, cá nhân có thành tích xuất sắc trong"
                              " {{ campaign_phrase }}, {{ cycle_phrase }}")
    b.para("{{ authority_upper }}", bold=True, align=CENTER, before=6, after=6, keep_next=True)
    _bases(b)
    b.body("{{ proposal }}", italic=True)
    b.para("QUYẾT ĐỊNH:", bold=True, align=CENTER, before=6, after=6, keep_next=True)
    _article(b, "Điều 1. ", "Tặng Giấy khen của {{ authority }} cho {{ how_many }}"
                            " (có danh sách kèm theo) đã có thành tích xuất sắc"
                            " trong {{ campaign_phrase }}, {{ cycle_phrase }}.")
    _article(b, "Điều 2. ", "Quyết định này có hiệu lực kể từ ngày ký.")
    p = _article(b, "Điều 3. ", "Chánh {{ agency.office_name }}, Trưởng các phòng thuộc {{ agency.short_name }} và"
                                " các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.")
    p.paragraph_format.keep_with_next = True
    b.recipients_and_signature(["- Như Điều 3;", "- Lãnh đạo {{ agency.word }};", "- Lưu: VT, VP."],
                               ["{%p if sign.on_behalf %}", "{{ sign.on_behalf }}", "{%p endif %}",
                                "{{ sign.title }}"], name="{{ sign.name }}")
    b.page_break()
    b.para("DANH SÁCH", bold=True, align=CENTER, keep_next=True)
    b.para("Tập thể, cá nhân được tặng Giấy khen của {{ authority }}", bold=True, align=CENTER, keep_next=True)
    b.para("{{ annex_ref }}", italic=True, align=CENTER, keep_next=True)
    b.rule(3.5, after=12)
    b.para("I. TẬP THỂ ({{ collective_count }})", bold=True, after=3, keep_next=True)
    _table(b, ["STT", "Tên tập thể"], [1.5, 14.9], "row in collectives", ["{{ loop.index }}", "{{ row.name }}"],
           empty="Không có", aligns=[CENTER, LEFT])
    b.para("II. CÁ NHÂN ({{ individual_count }})", bold=True, before=6, after=3, keep_next=True)
    _table(b, ["STT", "Họ và tên", "Chức vụ, đơn vị công tác"], [1.5, 6.0, 8.9], "row in individuals",
           ["{{ loop.index }}", "{{ row.name }}", "{{ row.post }}"], empty="Không có",
           aligns=[CENTER, LEFT, LEFT])
    _verification_block(b)
    b.page_numbers()
    return b


def _verification_block(b: Builder, container=None, size: float = 11) -> None:
    """The verification QR and code (workflow/verification.py); prints nothing before a number is given."""
    b.jinja("{%p if verification_code %}", container=container)
    if container is None:
        b.para("{{ verification_qr }}", align=CENTER, before=12)
        b.para("Mã xác minh: {{ verification_code }} — {{ verification_url }}", size=size, italic=True, align=CENTER)
    else:
        b.cell_text(container, "{{ verification_qr }}", size=size, first=False)
        b.cell_text(container, "Mã xác minh: {{ verification_code }}", size=size, italic=True, first=False)
    b.jinja("{%p endif %}", container=container)


def _page_border(b: Builder) -> None:
    sect = b.doc.sections[0]._sectPr
    borders = OxmlElement("w:pgBorders")
    borders.set(qn("w:offsetFrom"), "page")
    for side in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{side}")
        for k, v in (("w:val", "thinThickSmallGap"), ("w:sz", "24"), ("w:space", "24"), ("w:color", "9C1C1C")):
            el.set(qn(k), v)
        borders.append(el)
    # pgBorders follows pgMar (and pgSz) in sectPr's schema order
    sect.find(qn("w:pgMar")).addnext(borders)


def certificate() -> Builder:
    """Giấy khen: A4 landscape, one page, framed, for printing."""
    b = Builder(landscape=True, title="Giấy khen")
    _page_border(b)
    b.title_block(superior="{{ superior }}", issuer="{{ issuer }}", number=None, date_line=None, left_cm=9.0,
                  motto_rule_cm=5.6)
    red = RGBColor(0x9C, 0x1C, 0x1C)
    b.para("{{ authority_upper }}", size=17, bold=True, align=CENTER, before=30)
    b.para("TẶNG", size=17, bold=True, align=CENTER, before=8)
    b.para("GIẤY KHEN", size=54, bold=True, align=CENTER, before=10, after=10, color=red)
    b.para("{{ awardee }}", size=26, bold=True, align=CENTER, before=6)
    b.para("{{ awardee_detail }}", size=17, align=CENTER, before=6)
    p = b.para("{{ reason }}", size=17, italic=True, align=CENTER, before=14, line=1.15)
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = Cm(1.5)
    t = b.table([11.0, b.text_width_cm - 11.0], rows=1)
    b.keep_row(t.rows[0])
    left, right = t.rows[0].cells
    for i, text in enumerate(["{{ decision_line }}", "{{ decision_date }}", "Số vào sổ: {{ register_number }}"]):
        p = b.cell_text(left, text, size=13, align=CENTER, first=(i == 0))
        if i == 0:
            p.paragraph_format.space_before = Pt(44)
    _verification_block(b, container=left)
    p = b.cell_text(right, "{{ date_line }}", size=14, italic=True)
    p.paragraph_format.space_before = Pt(20)
    b.jinja("{%p if sign.on_behalf %}", container=right)
    b.cell_text(right, "{{ sign.on_behalf }}", size=14, bold=True, first=False)
    b.jinja("{%p endif %}", container=right)
    b.cell_text(right, "{{ sign.title }}", size=14, bold=True, first=False)
    for _ in range(4):
        b.cell_text(right, "", first=False)
    b.cell_text(right, "{{ sign.name }}", size=14, bold=True, first=False)
    return b


BUILDERS = {
    "danh_sach_de_nghi_phong.docx": department_list,
    "bao_cao_thanh_tich_nd91_mau07.docx": report_nd91,
    "bao_cao_thanh_tich_nd98_mau02.docx": report_nd98_collective,
    "bao_cao_thanh_tich_nd98_mau03.docx": report_nd98_individual,
    "bao_cao_thanh_tich_nd152_chuyen_de.docx": report_nd152_thematic,
    "to_trinh_de_nghi_khen_thuong.docx": request_letter,
    "bien_ban_hop_hoi_dong.docx": council_minutes,
    "quyet_dinh_khen_thuong.docx": award_decision,
    "giay_khen.docx": certificate,
}


def build_all(target: Path = TEMPLATES) -> list[Path]:
    """Write every template into `target`; returns the paths written."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in BUILDERS.items():
        path = target / name
        path.write_bytes(make().save_bytes())
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    target = Path(argv[0]) if argv else TEMPLATES
    for path in build_all(target):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
