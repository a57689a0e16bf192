"""The document buttons: each drafts its document into the dossier and hands it to the browser."""
import io
import zipfile

from states import State
from workflow.models import Document


def test_the_department_head_drafts_a_report_and_the_secretary_prints_the_certificate(ctx, make, browser_for):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person, state=State.DEPARTMENT_REVIEWED)
    awarded = make.nomination(a, state=State.AWARDED)
    head = browser_for(a.head)
    page = head.get(f"/nominations/{nid}").get_data(as_text=True)
    assert "Soạn báo cáo thành tích theo mẫu" in page and "In Giấy khen" not in page
    r = head.post("/documents/generate", data={"kind": "achievement_report", "nomination_id": nid,
                                              "back": f"/nominations/{nid}"})
    assert r.status_code == 302 and "/documents/" in r.location
    download = head.get(r.location)
    assert download.status_code == 200 and download.data[:2] == b"PK"
    with ctx.db.reading() as s:
        assert s.query(Document).filter_by(nomination_id=nid, kind="achievement_report", generated=True).count() == 1

    secretary = browser_for(a.secretary)
    page = secretary.get(f"/nominations/{awarded}").get_data(as_text=True)
    assert "In Giấy khen (PDF)" in page
    # a refused generation comes back to the page with its reason
    r = head.post("/documents/generate", data={"kind": "cycle_list", "cycle_id": make.cycle(), "back": "/council"},
                  follow_redirects=True)
    assert "Thư ký" in r.get_data(as_text=True)


def test_the_meeting_page_drafts_minutes_and_the_cycle_page_gives_everything_as_a_zip(ctx, make, browser_for):
    a = make.agency()
    nid = make.nomination(a, state=State.COUNCIL_REVIEWED)
    with ctx.db.reading() as s:
        from workflow.models import Nomination
        meeting = s.get(Nomination, nid).council_meeting_id
    secretary = browser_for(a.secretary)
    page = secretary.get(f"/council/meetings/{meeting}").get_data(as_text=True)
    assert "Soạn biên bản họp Hội đồng" in page and "Soạn tờ trình" in page
    r = secretary.post("/documents/generate", data={"kind": "council_minutes", "meeting_id": meeting})
    assert r.status_code == 302
    assert secretary.get(r.location).data[:2] == b"PK"
    cycle = make.cycle()
    page = secretary.get(f"/council?cycle_id={cycle}").get_data(as_text=True)
    assert "Bản dự thảo mới của mọi tài liệu (.zip)" in page
    assert "Bộ hồ sơ đã ký của kỳ xét (.zip, kèm danh mục)" in page
    r = secretary.post(f"/cycles/{cycle}/documents/archive", data={"kind": "archive", "cycle_id": cycle})
    assert r.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(r.data)).namelist()
    assert any(n.endswith(".xlsx") for n in names) and any(n.endswith(".docx") for n in names)
