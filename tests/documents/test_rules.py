"""Who may generate what, where generated files are filed, and the errors users see."""
from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from docx import Document as open_docx
from sqlalchemy import select

from states import State
from workflow import documents
from workflow.documents import PdfUnavailable, render
from workflow.dossier import active_documents
from workflow.errors import Forbidden, Invalid, NotFound
from workflow.models import AuditEntry, Document

from .conftest import all_text, docx_of, stored


def test_each_document_is_generated_only_by_those_responsible_for_it(ctx, scene):
    a = scene.a
    dept = {"cycle_id": scene.cycle_id, "department_id": a.department_id}
    assert documents.generate(ctx, a.head, "department_list", **dept)
    assert documents.generate(ctx, a.secretary, "department_list", **dept)
    with pytest.raises(Forbidden, match="Trưởng phòng"):
        documents.generate(ctx, a.other_head, "department_list", **dept)
    assert documents.generate(ctx, a.head, "achievement_report", nomination_id=scene.hoa)
    with pytest.raises(NotFound):  # another department's head does not even see the dossier
        documents.generate(ctx, a.other_head, "achievement_report", nomination_id=scene.hoa)
    for kind, target in (("request_letter", {"meeting_id": scene.meeting_id}),
                         ("council_minutes", {"meeting_id": scene.meeting_id}),
                         ("award_decision", {"meeting_id": scene.meeting_id}),
                         ("certificate", {"nomination_id": scene.hoa}),
                         ("cycle_list", {"cycle_id": scene.cycle_id})):
        for user in (a.head, a.agency_head, a.staff_user):
            with pytest.raises((Forbidden, NotFound)) as err:
                documents.generate(ctx, user, kind, **target)
            if err.type is Forbidden:
                assert "Thư ký Hội đồng" in err.value.message


def test_the_nominee_may_draft_their_own_report(ctx, make):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person)
    doc_id = documents.generate(ctx, a.staff_user, "achievement_report", nomination_id=nid)
    assert "Lê Thị Hoà" in all_text(docx_of(ctx, doc_id))
    other = make.user(["staff"], make.person(a.department_id, "Ngô Văn Khác"))
    with pytest.raises(NotFound):
        documents.generate(ctx, other, "achievement_report", nomination_id=nid)


def test_generated_files_are_filed_with_their_owner_template_version_and_hash(ctx, scene):
    sec = scene.a.secretary
    cases = {
        "department_list": ({"cycle_id": scene.cycle_id, "department_id": scene.a.department_id},
                            {"cycle_id": scene.cycle_id, "department_id": scene.a.department_id}),
        "achievement_report": ({"nomination_id": scene.hoa}, {"nomination_id": scene.hoa}),
        "council_minutes": ({"meeting_id": scene.meeting_id}, {"council_meeting_id": scene.meeting_id}),
        "request_letter": ({"cycle_id": scene.cycle_id}, {"council_meeting_id": scene.deputy_meeting_id}),
        "award_decision": ({"meeting_id": scene.meeting_id}, {"council_meeting_id": scene.meeting_id}),
    }
    for kind, (target, owner) in cases.items():
        doc, content = stored(ctx, documents.generate(ctx, sec, kind, **target))
        assert doc.kind == kind and doc.generated and not doc.superseded
        assert doc.sha256 == hashlib.sha256(content).hexdigest() and doc.size == len(content)
        assert doc.original_name.endswith(".docx") and content[:2] == b"PK"
        path = render.PACKAGE_TEMPLATES / doc.template_name
        assert doc.template_version == hashlib.sha256(path.read_bytes()).hexdigest()
        for key, value in owner.items():
            assert getattr(doc, key) == value, (kind, key)
        open_docx(io.BytesIO(content))  # a valid .docx
    with ctx.db.reading() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "generate_document")).all()
        assert len(entries) == len(cases) and all(e.actor_id == sec for e in entries)


def test_generating_again_supersedes_the_earlier_file_and_same_content_keeps_its_hash(ctx, scene):
    first = documents.generate(ctx, scene.a.head, "achievement_report", nomination_id=scene.hoa)
    second = documents.generate(ctx, scene.a.head, "achievement_report", nomination_id=scene.hoa)
    with ctx.db.reading() as s:
        current = active_documents(s, kind="achievement_report", nomination_id=scene.hoa)
        assert [d.id for d in current if d.generated] == [second]
        # a draft never hides the (signed) report that someone uploaded
        assert [d.generated for d in current].count(False) == 1
        assert s.get(Document, first).superseded
        assert s.get(Document, first).sha256 == s.get(Document, second).sha256  # fixed zip times


def test_an_agency_template_in_the_instance_folder_wins(ctx, make):
    a = make.agency()
    nid = make.nomination(a)
    name = "bao_cao_thanh_tich_nd152_chuyen_de.docx"  # a thematic Giấy khen after 01/7/2025
    own = render.override_dir(ctx.settings) / name
    own.parent.mkdir(parents=True)
    doc = open_docx(render.PACKAGE_TEMPLATES / name)
    doc.add_paragraph("Mẫu riêng của cơ quan: {{ person.name }}")
    doc.save(own)
    row, _ = stored(ctx, documents.generate(ctx, a.head, "achievement_report", nomination_id=nid))
    assert row.template_version == hashlib.sha256(own.read_bytes()).hexdigest()
    assert "Mẫu riêng của cơ quan: Nguyễn Văn Thử" in all_text(docx_of(ctx, row.id))


def test_a_broken_agency_template_is_a_clear_error(ctx, make):
    a = make.agency()
    nid = make.nomination(a)
    name = "bao_cao_thanh_tich_nd152_chuyen_de.docx"
    own = render.override_dir(ctx.settings) / name
    own.parent.mkdir(parents=True)
    doc = open_docx(render.PACKAGE_TEMPLATES / name)
    doc.add_paragraph("{{ nguoi_ky }}")  # a value the service does not provide
    doc.save(own)
    with pytest.raises(Invalid, match="Mẫu văn bản “bao_cao_thanh_tich_nd152_chuyen_de.docx” có lỗi"):
        documents.generate(ctx, a.head, "achievement_report", nomination_id=nid)


def test_bad_requests_get_vietnamese_errors_and_store_nothing(ctx, make):
    a = make.agency()
    registered = make.nomination(a)
    with pytest.raises(Invalid, match="Không tạo được loại tài liệu"):
        documents.generate(ctx, a.secretary, "giay_to_la")
    with pytest.raises(Invalid, match="Cần chọn kỳ xét"):
        documents.generate(ctx, a.secretary, "cycle_list")
    with pytest.raises(NotFound, match="Không tìm thấy kỳ xét"):
        documents.generate(ctx, a.secretary, "cycle_list", cycle_id=999_999)
    with pytest.raises(Invalid, match="Chỉ in Giấy khen cho hồ sơ đã có quyết định khen thưởng"):
        documents.generate(ctx, a.secretary, "certificate", nomination_id=registered)
    with pytest.raises(Invalid, match="Chưa ghi nhận cuộc họp Hội đồng"):
        documents.generate(ctx, a.secretary, "council_minutes", cycle_id=make.cycle())
    meeting = make.meeting(a, make.cycle())
    with pytest.raises(Invalid, match="chưa có hồ sơ nào được Hội đồng biểu quyết thông qua"):
        documents.generate(ctx, a.secretary, "request_letter", meeting_id=meeting)
    with pytest.raises(Invalid, match="Chưa ghi nhận cuộc họp Hội đồng nào phù hợp"):
        documents.generate(ctx, a.secretary, "award_decision", cycle_id=make.cycle())
    with pytest.raises(Invalid, match="chưa có đề nghị khen thưởng nào"):
        documents.generate(ctx, a.other_head, "department_list", cycle_id=make.cycle(),
                           department_id=a.other_department_id)
    with ctx.db.reading() as s:
        assert not s.scalars(select(Document).where(Document.generated.is_(True))).all()


def test_without_a_pdf_converter_the_error_says_so_and_nothing_is_stored(ctx, make):
    a = make.agency()
    nid = make.nomination(a, state=State.AWARDED)
    ctx.settings.raw["documents"] = {"soffice": "/khong/co/soffice"}
    with pytest.raises(PdfUnavailable, match="chưa cài LibreOffice") as err:
        documents.generate(ctx, a.secretary, "certificate", nomination_id=nid)
    assert err.value.status == 503
    with pytest.raises(PdfUnavailable):
        documents.generate(ctx, a.head, "achievement_report", nomination_id=nid, pdf=True)
    assert documents.generate(ctx, a.head, "achievement_report", nomination_id=nid)  # the .docx still works
    with ctx.db.reading() as s:
        assert [d.kind for d in s.scalars(select(Document).where(Document.generated.is_(True)))] == [
            "achievement_report"]


def test_a_cycle_build_reports_progress_and_says_what_it_could_not_make(ctx, scene, tmp_path):
    ctx.settings.raw["documents"] = {"soffice": "/khong/co/soffice"}  # certificates fall back to .docx
    steps = []
    result = documents.build_cycle(ctx, scene.a.secretary, scene.cycle_id, tmp_path / "out",
                                   progress=lambda done, total, label: steps.append((done, total, label)))
    done = [d for d, _t, _l in steps]
    assert done == sorted(set(done)) and done[-1] == steps[-1][1] == 21 + 5  # 21 files, 5 PDFs not made
    assert len(result.files) == 1 + 2 + 7 + 6 + 5  # workbook, 2 lists, 7 reports, 2 meetings x 3, 5 certificates
    assert all(f.is_file() for f in result.files)
    assert result.problems[-1] == ("Chưa cài LibreOffice (soffice): không tạo được bản PDF; 5 Giấy khen được ghi"
                                   " dạng .docx.")
    # what the data could not fill is reported, never silently dropped
    assert any("chức năng, nhiệm vụ, quyền hạn của cơ quan" in p for p in result.problems)
    with ctx.db.reading() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "build_cycle_documents")).one()
        assert entry.entity_id == scene.cycle_id and entry.payload["files"] == len(result.files)
    with pytest.raises(Forbidden):
        documents.build_cycle(ctx, scene.a.head, scene.cycle_id, tmp_path / "other")
    archive = documents.build_cycle_archive(ctx, scene.a.secretary, scene.cycle_id)
    assert archive.parent == ctx.settings.instance_path / "exports" and archive.suffix == ".zip"
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
    assert all(n.startswith("ho-so-so-ket-nam-2025-20251120-") for n in names)
    assert any(n.endswith("/danh-sach-toan-co-quan_so-ket-nam-2025.xlsx") for n in names)


def test_council_documents_can_be_asked_for_from_a_dossier(ctx, scene):
    doc, _ = stored(ctx, documents.generate(ctx, scene.a.secretary, "award_decision",
                                            nomination_id=scene.deputy_signed))
    assert doc.council_meeting_id == scene.deputy_meeting_id
    with pytest.raises(Invalid, match="chưa được Hội đồng TĐKT xét"):
        documents.generate(ctx, scene.a.secretary, "council_minutes", nomination_id=scene.registered)
