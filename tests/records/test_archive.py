"""The cycle archive is the real dossier: every signed upload (checked against the database), drafts in a
folder of their own, a manifest of what is present and missing; built in the background, then downloaded."""
from __future__ import annotations

import hashlib
import io
import time
import zipfile

from openpyxl import load_workbook
from sqlalchemy import select

from states import State
from workflow import documents, dossier_archive
from workflow.models import Document, ExportJob

from .helpers import Api


def _scene(ctx, make):
    a = make.agency()
    awarded = make.nomination(a, person_id=a.staff_person, state=State.AWARDED)
    waiting = make.nomination(a)
    documents.generate(ctx, a.head, "achievement_report", nomination_id=waiting)   # a draft only
    return a, awarded, waiting


def test_the_archive_holds_every_signed_upload_drafts_apart_and_a_manifest(ctx, make):
    a, awarded, waiting = _scene(ctx, make)
    job_id = dossier_archive.start(ctx, a.secretary, make.cycle(), background=False)
    with ctx.db.reading() as s:
        job = s.get(ExportJob, job_id)
        assert job.state == "done" and job.done == job.total > 0
        path = dossier_archive.archive_path(ctx, job)
        signed = {d.sha256 for d in s.scalars(select(Document).where(
            Document.cycle_id == make.cycle(), Document.generated.is_(False), Document.superseded.is_(False)))}
        signed |= {d.sha256 for d in s.scalars(select(Document).where(
            Document.nomination_id.in_([awarded, waiting]), Document.generated.is_(False),
            Document.superseded.is_(False)))}
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        in_signed = {hashlib.sha256(z.read(n)).hexdigest() for n in names if n.startswith("1-ho-so-da-ky/")}
        drafts = [n for n in names if n.startswith("2-ban-du-thao/")]
        manifest = load_workbook(io.BytesIO(z.read("danh-muc-ho-so.xlsx")))
    assert signed and in_signed == signed
    assert any(f"_hs{waiting}/" in n for n in drafts)
    assert not any(f"_hs{waiting}/" in n for n in names if n.startswith("1-ho-so-da-ky/"))
    rows = [[c.value for c in r] for r in manifest["Tài liệu bắt buộc"].iter_rows()]
    waiting_report = next(r for r in rows if r[1] == waiting and r[4] == "Báo cáo thành tích")
    assert waiting_report[5] == "Chỉ có bản dự thảo — thiếu bản ký"
    awarded_report = next(r for r in rows if r[1] == awarded and r[4] == "Báo cáo thành tích")
    assert awarded_report[5] == "Có bản đã ký" and awarded_report[6].startswith("1-ho-so-da-ky/")


def test_the_api_builds_in_the_background_and_downloads_when_ready(ctx, make):
    a, _awarded, _waiting = _scene(ctx, make)
    api = Api(ctx, make)
    assert api.post(a.head, f"/api/v1/cycles/{make.cycle()}/archive-jobs").status_code == 403
    r = api.post(a.secretary, f"/api/v1/cycles/{make.cycle()}/archive-jobs")
    assert r.status_code == 202
    job = r.get_json()
    for _ in range(100):
        job = api.get(a.secretary, f"/api/v1/archive-jobs/{job['id']}").get_json()
        if job["state"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert job["state"] == "done", job
    r = api.get(a.secretary, job["download_url"])
    assert r.status_code == 200 and zipfile.ZipFile(io.BytesIO(r.data)).testzip() is None
