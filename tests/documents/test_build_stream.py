"""A cycle build streams its drafts (flat memory) yet writes exactly what the whole plan made."""
from __future__ import annotations

import io
from contextlib import contextmanager
from types import GeneratorType

from openpyxl import load_workbook
from sqlalchemy import event, select

from workflow import documents
from workflow.actors import load_actor
from workflow.documents import drafts, facts, service
from workflow.errors import Invalid
from workflow.models import CouncilMeeting, Nomination


def _reference(ctx, user_id: int, cycle_id: int):
    """The build as it was when the whole plan was made up front, in one session: (files, problems)."""
    plan, problems = [], []
    with ctx.db.reading() as s:
        _user, actor = load_actor(s, user_id)

        def attempt(make, label):
            try:
                draft = make()
            except Invalid as exc:
                problems.append(f"{label}: {exc.message}")
                return
            plan.append(draft)
            problems.extend(p for p in draft.problems if p not in problems)

        noms = sorted(s.scalars(select(Nomination).where(Nomination.cycle_id == cycle_id,
                                                         Nomination.state.in_(facts.LIVE_STATES))),
                      key=lambda n: (n.department.sort_key, facts.nominee_sort_key(n)))
        attempt(lambda: drafts.cycle_list(s, ctx, actor, cycle_id), "Danh sách toàn cơ quan")
        for d in dict.fromkeys(n.department_id for n in noms):
            attempt(lambda d=d: drafts.department_list(s, ctx, actor, cycle_id, d), "Danh sách của phòng")
        for n in noms:
            attempt(lambda n=n: drafts.achievement_report(s, ctx, actor, n.id), f"Báo cáo thành tích #{n.id}")
        for m in s.scalars(select(CouncilMeeting).where(CouncilMeeting.cycle_id == cycle_id)
                           .order_by(CouncilMeeting.held_on, CouncilMeeting.id)):
            label = f"Cuộc họp Hội đồng ngày {m.held_on:%d/%m/%Y}"
            attempt(lambda m=m: drafts.council_minutes(s, ctx, actor, m.id, None), label)
            attempt(lambda m=m: drafts.request_letter(s, ctx, actor, m.id, None), label)
            if any(n.council_meeting_id == m.id and n.state in facts.APPROVED_STATES for n in noms):
                attempt(lambda m=m: drafts.award_decision(s, ctx, actor, m.id, None), label)
        for n in noms:
            if n.state == "awarded" and n.award_form == "agency_certificate":
                attempt(lambda n=n: drafts.certificate(s, ctx, actor, n.id), f"Giấy khen #{n.id}")
    files = {f"{d.folder}/{d.stem}.{d.extension}".lstrip("/"): service.render_draft(ctx, d) for d in plan}
    return files, problems


def _cells(content: bytes) -> dict:
    """A workbook as what a reader sees: every sheet's values, fonts, formats, merges, panes, widths."""
    wb = load_workbook(io.BytesIO(content))
    out = {}
    for ws in wb:
        out[ws.title] = {
            "cells": [[(c.value, c.font.name, c.font.sz, bool(c.font.b), bool(c.font.i), c.number_format,
                        c.border.left.style, c.fill.fgColor.rgb if c.fill.fill_type else None,
                        c.alignment.horizontal, bool(c.alignment.wrap_text)) for c in row] for row in ws.iter_rows()],
            "merged": sorted(str(r) for r in ws.merged_cells.ranges), "freeze": ws.freeze_panes,
            "filter": ws.auto_filter.ref, "titles": ws.print_title_rows,
            "widths": {k: v.width for k, v in ws.column_dimensions.items() if v.width},
            "heights": {k: v.height for k, v in ws.row_dimensions.items() if v.height},
            "page": (ws.page_setup.orientation, ws.page_setup.paperSize, ws.page_setup.fitToWidth,
                     ws.page_setup.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage),
        }
    return out


def test_a_streamed_build_writes_the_same_files_and_problems_as_the_whole_plan(ctx, scene, tmp_path):
    ctx.settings.raw["documents"] = {"soffice": "/khong/co/soffice"}  # .docx only; PDFs are LibreOffice's
    expected, problems = _reference(ctx, scene.a.secretary, scene.cycle_id)
    result = documents.build_cycle(ctx, scene.a.secretary, scene.cycle_id, tmp_path / "out")
    written = [str(f.relative_to(tmp_path / "out")) for f in result.files]
    # the certificates come last: the .docx kept because no PDF could be made
    assert written == [*expected][:len(written)] and len(written) == len(expected)
    for name, content in expected.items():
        got = (tmp_path / "out" / name).read_bytes()
        if name.endswith(".xlsx"):  # openpyxl stamps its save time; compare what a reader sees
            assert _cells(got) == _cells(content), name
        else:
            assert got == content, name
    no_pdf = "Chưa cài LibreOffice (soffice): không tạo được bản PDF; 5 Giấy khen được ghi dạng .docx."
    assert result.problems == [*problems, no_pdf]


def test_the_drafts_come_lazily_a_chunk_of_nominees_per_session(ctx, scene, monkeypatch):
    monkeypatch.setattr(service, "CHUNK", 2)
    opened, open_now = [], []

    @contextmanager
    def sessions():
        loaded = []
        with ctx.db.reading() as s:
            event.listen(s, "loaded_as_persistent",
                         lambda _s, obj: loaded.append(obj.id) if isinstance(obj, Nomination)
                         and obj.cycle_id == scene.cycle_id else None)  # not a nominee's past awards
            opened.append(loaded)
            open_now.append(s)
            yield s
            open_now.remove(s)

    with ctx.db.reading() as s:
        _user, actor = load_actor(s, scene.a.secretary)
    problems = []
    plan = service.iter_cycle_drafts(sessions, ctx, actor, scene.cycle_id, problems)
    assert isinstance(plan, GeneratorType)
    assert next(plan).kind == "cycle_list" and len(opened) == 1  # nothing else is made before it is asked for
    reports = 0
    for draft in plan:
        assert not open_now  # a session is closed before its drafts are handed out
        if draft.kind in ("achievement_report", "certificate"):
            reports += 1
            assert len(set(opened[-1])) <= 2, opened[-1]  # the session that made it read one chunk of the cycle's
    # the cycle, 2 departments, 4 chunks of the 7 reports, 2 meetings' 3 documents each in its own session
    # (each lists the meeting's nominees), 3 chunks of the 5 certificates
    assert reports == 7 + 5 and len(opened) == 1 + 2 + 4 + 2 * 3 + 3


def test_with_a_converter_each_docx_gets_its_pdf_and_the_certificates_come_as_pdf_only(ctx, scene, tmp_path):
    soffice = tmp_path / "soffice"  # a stand-in: each "PDF" is a copy of its .docx
    soffice.write_text('#!/bin/sh\nwhile [ "$1" != "--outdir" ]; do shift; done\nout="$2"; shift 2\n'
                       'for f in "$@"; do cp "$f" "$out/$(basename "${f%.docx}").pdf"; done\n')
    soffice.chmod(0o755)
    ctx.settings.raw["documents"] = {"soffice": str(soffice)}
    result = documents.build_cycle(ctx, scene.a.secretary, scene.cycle_id, tmp_path / "out", pdf=True)
    written = {str(f.relative_to(tmp_path / "out")) for f in result.files}
    docx = {name for name in written if name.endswith(".docx")}
    certificates = {name for name in written if name.startswith("04-giay-khen/")}
    assert len(docx) == 2 + 7 + 6 and not docx & certificates  # lists, reports, meetings; no certificate .docx
    assert {name.removesuffix(".docx") + ".pdf" for name in docx} | certificates == \
        {name for name in written if name.endswith(".pdf")} and len(certificates) == 5
    for name in docx:
        out = tmp_path / "out"
        assert (out / name).read_bytes() == (out / name.removesuffix(".docx")).with_suffix(".pdf").read_bytes()
    assert result.as_dict()["files"] == [str(f.relative_to(tmp_path / "out")) for f in result.files]
