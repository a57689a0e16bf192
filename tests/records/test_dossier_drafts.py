"""Drafts are drafts: only an uploaded signed copy completes a dossier; wrong uploads are withdrawn, audited."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from states import State
from webapp import create_app
from workflow import documents, dossier, dossier_files
from workflow.actors import load_actor
from workflow.errors import Conflict, Forbidden, Invalid
from workflow.models import AuditEntry, Document, Nomination

from ..web.conftest import Browser
from .helpers import Api


def _requirement(ctx, nid: int, kind: str) -> dict:
    with ctx.db.reading() as s:
        reqs = dossier_files.requirements(s, s.get(Nomination, nid))
    return next(r for r in reqs if r["kind"] == kind)


def _missing(ctx, nid: int) -> set[str]:
    with ctx.db.reading() as s:
        return {m["kind"] for m in dossier.missing_documents(s, s.get(Nomination, nid))}


def test_a_generated_report_never_completes_the_dossier(ctx, make):
    a = make.agency()
    nid = make.nomination(a)
    make.minutes(a, make.cycle())
    documents.generate(ctx, a.head, "achievement_report", nomination_id=nid)
    assert _requirement(ctx, nid, "achievement_report") == {
        "kind": "achievement_report", "title": "Báo cáo thành tích", "draft": True, "signed": False}
    assert "achievement_report" in _missing(ctx, nid)
    with pytest.raises(Invalid) as err:
        make.act(a.head, nid, "department_review")
    assert "missing_achievement_report" in {p.code for p in err.value.problems}
    make.report(a, nid)
    assert _requirement(ctx, nid, "achievement_report")["signed"]
    assert _missing(ctx, nid) == set()
    make.act(a.head, nid, "department_review")
    assert make.state(nid) == State.DEPARTMENT_REVIEWED


def test_every_file_is_listed_with_who_replaced_it_and_when(ctx, make, clock):
    a = make.agency()
    nid = make.nomination(a)
    first = make.report(a, nid)
    clock.advance(minutes=5)
    second = dossier.upload_for_nomination(ctx, a.head, nid, "achievement_report", "bao-cao-v2.pdf", b"%PDF second")
    with ctx.db.reading() as s:
        _, actor = load_actor(s, a.secretary)
        files = {f["id"]: f for f in dossier_files.dossier_files(s, actor, s.get(Nomination, nid))}
    assert files[second]["status"] == "current"
    assert files[first]["status"] == "superseded"
    assert files[first]["replaced_by"]["id"] == second
    assert files[first]["replaced_by"]["by"] == "Trần Thị Trưởng"
    assert files[first]["replaced_by"]["at"] == clock.now().isoformat()


def test_the_uploader_withdraws_a_wrong_upload_with_a_reason_in_the_audit(ctx, make):
    a = make.agency()
    nid = make.nomination(a)
    doc_id = make.report(a, nid)
    with pytest.raises(Invalid):
        dossier_files.withdraw_document(ctx, a.head, doc_id, "  ")
    with pytest.raises(Forbidden):
        dossier_files.withdraw_document(ctx, a.secretary, doc_id, "không phải tôi tải")
    dossier_files.withdraw_document(ctx, a.head, doc_id, "Tải nhầm báo cáo của người khác")
    assert not _requirement(ctx, nid, "achievement_report")["signed"]
    with ctx.db.reading() as s:
        doc = s.get(Document, doc_id)
        assert doc.withdrawn_at and doc.withdrawal_reason == "Tải nhầm báo cáo của người khác"
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "withdraw_document")).one()
        assert (entry.entity_id, entry.nomination_id, entry.actor_id) == (doc_id, nid, a.head)
        assert entry.comment == "Tải nhầm báo cáo của người khác"
    with pytest.raises(Conflict):  # once is enough
        dossier_files.withdraw_document(ctx, a.head, doc_id, "lần nữa")


def test_a_file_cannot_be_withdrawn_after_the_step_that_relied_on_it(ctx, make):
    a = make.agency()
    nid = make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    with ctx.db.reading() as s:
        report = dossier.active_documents(s, kind="achievement_report", nomination_id=nid)[0].id
        minutes = dossier.department_minutes(s, make.cycle(), a.department_id)[0].id
    for doc_id in (report, minutes):
        with pytest.raises(Conflict, match="Phòng đã xét"):
            dossier_files.withdraw_document(ctx, a.head, doc_id, "muộn rồi")
    # a draft is never withdrawn: it never counted
    draft = documents.generate(ctx, a.head, "achievement_report", nomination_id=nid)
    with pytest.raises(Conflict, match="dự thảo"):
        dossier_files.withdraw_document(ctx, a.head, draft, "nháp")


def test_api_withdraws_and_the_page_shows_draft_and_signed_copy(ctx, make):
    a = make.agency()
    nid = make.nomination(a)
    make.minutes(a, make.cycle())
    documents.generate(ctx, a.head, "achievement_report", nomination_id=nid)
    doc_id = make.report(a, nid)
    api = Api(ctx, make)
    body = api.get(a.head, f"/api/v1/nominations/{nid}").get_json()
    report = next(r for r in body["requirements"] if r["kind"] == "achievement_report")
    assert report["draft"] and report["signed"]
    assert {f["id"] for f in body["files"] if f["may_withdraw"]} >= {doc_id}

    app = create_app(context=ctx)
    app.config.update(TESTING=True)
    browser = Browser(app.test_client()).login(make.username(a.head))
    html = browser.get(f"/nominations/{nid}").get_data(as_text=True)
    assert "đã có bản dự thảo" in html and "đã tải bản ký" in html

    r = api.post(a.head, f"/api/v1/documents/{doc_id}/withdraw", json={})
    assert r.status_code == 422
    r = api.post(a.head, f"/api/v1/documents/{doc_id}/withdraw", json={"reason": "Nhầm tệp"})
    assert r.status_code == 200 and r.get_json()["status"] == "withdrawn"
    html = browser.get(f"/nominations/{nid}").get_data(as_text=True)
    assert "chưa tải bản ký" in html and "Nhầm tệp" in html
