"""A long document's rows are rendered one at a time (stream.py): docxtpl's XML, in flat memory."""
from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from docx import Document
from docxtpl import DocxTemplate

from workflow.actors import load_actor
from workflow.documents import drafts, render, service, stream
from workflow.errors import Invalid

LONG = {"department_list", "request_letter", "council_minutes", "award_decision"}
# what docxtpl turns into markup (line break, tab) or must escape
ODD = ["Trần Văn\nHai dòng", "Lê\tThị Tab", 'A & B <C> "D" \'E\'', "{{ không phải thẻ }}", ""]


def _entries(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def _whole(path, context) -> bytes:
    """What docxtpl makes rendering the document as one string (the renderer before stream.py)."""
    return render._render(path, context, DocxTemplate)


def _longer(context: dict, times: int) -> dict:
    """Each list of rows `times` as long, with odd values mixed in."""
    out = dict(context)
    for key, rows in context.items():
        if isinstance(rows, list) and rows and isinstance(rows[0], dict):
            out[key] = [{k: (ODD[i % len(ODD)] if k == "name" and i % 3 == 1 else v) for k, v in row.items()}
                        for i in range(times) for row in rows]
    return out


def _cycle_drafts(ctx, scene):
    with ctx.db.reading() as s:
        _user, actor = load_actor(s, scene.a.secretary)
        plan, _problems = service.cycle_drafts(s, ctx, actor, drafts.load_cycle(s, scene.cycle_id))
    return plan


def test_streamed_rows_give_the_same_xml_as_docxtpl(ctx, scene, monkeypatch):
    streamed = []
    write = stream.write
    monkeypatch.setattr(stream, "write", lambda tpl, *a: streamed.append(tpl.template_file) or write(tpl, *a))
    kinds = set()
    for draft in _cycle_drafts(ctx, scene):
        if draft.template is None or draft.kind in kinds - LONG:
            continue
        kinds.add(draft.kind)
        path = service.template_of(ctx, draft)[2]
        for context in (draft.context, _longer(draft.context, 7)):
            before = len(streamed)
            got = render.render_docx(path, context)
            assert len(streamed) == before + (draft.kind in LONG), draft.kind  # the others are rendered whole
            expected = _whole(path, context)
            assert _entries(got) == _entries(expected), (draft.kind, draft.stem)
            assert got == expected  # the same zip too: the same entries, times and compression
    assert LONG < kinds


def _table_template(tmp_path, *extra: str):
    """A one-table template: a header row, a row per item, then `extra` paragraphs."""
    doc = Document()
    table = doc.add_table(rows=4, cols=2)
    for row, texts in zip(table.rows, (["STT", "Tên"], ["{%tr for row in rows %}", ""],
                                       ["{{ loop.index }}", "{{ row.name }}"], ["{%tr endfor %}", ""])):
        for cell, text in zip(row.cells, texts):
            cell.text = text
    for text in extra:
        doc.add_paragraph(text)
    path = tmp_path / "mau.docx"
    doc.save(path)
    return path


def test_a_template_it_cannot_stream_exactly_is_rendered_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(stream, "write", lambda *a: pytest.fail("streamed"))
    rows = [{"name": f"Người {i}"} for i in range(5)]
    # a tag other than for/if could change what the rows see
    path = _table_template(tmp_path, "{%p set n = rows|length %}", "Tổng: {{ n }}")
    assert render.render_docx(path, {"rows": rows}) == _whole(path, {"rows": rows})


def test_rows_of_different_widths_fall_back_to_docxtpl(tmp_path):
    doc = Document()  # a cell repeated per item of row.extra: docxtpl refits the grid to the widest row
    table = doc.add_table(rows=4, cols=4)
    for row, texts in zip(table.rows, (["STT", "A", "B", "C"], ["{%tr for row in rows %}", "", "", ""],
                                       ["{{ row.name }}", "{%tc for x in row.extra %}", "{{ x }}", "{%tc endfor %}"],
                                       ["{%tr endfor %}", "", "", ""])):
        for cell, text in zip(row.cells, texts):
            cell.text = text
    doc.save(tmp_path / "mau.docx")
    rows = [{"name": "A", "extra": ["1"]}, {"name": "B", "extra": ["1", "2", "3", "4"]}]
    assert render.render_docx(tmp_path / "mau.docx", {"rows": rows}) == _whole(tmp_path / "mau.docx", {"rows": rows})


def test_an_undefined_name_in_a_row_is_still_a_clear_error(tmp_path):
    path = _table_template(tmp_path)
    with pytest.raises(Invalid, match="dùng dữ liệu không có"):
        render.render_docx(path, {"rows": [{"name": "A"}, {"ten": "B"}]})


def _peak(path, context) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        render.render_docx(path, context)
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def test_a_long_document_never_holds_all_its_rows_at_once(ctx, scene):
    minutes = next(d for d in _cycle_drafts(ctx, scene) if d.kind == "council_minutes")
    path = service.template_of(ctx, minutes)[2]
    short, long = _longer(minutes.context, 60), _longer(minutes.context, 600)  # ~300 and ~3000 rows
    assert len(long["votes"]) >= 3000
    small, large = _peak(path, short), _peak(path, long)
    # docxtpl's whole render holds every row's XML (~20 KiB a row at its peak): ten times the rows
    # would take some 50 MiB more; rendered a row at a time, only the compressed output grows.
    assert large < small + 4 * 2**20, (small, large)
