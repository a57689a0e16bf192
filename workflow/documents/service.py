"""Use cases: generate one document into its dossier; write every document of a cycle to a folder."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from ..actors import load_actor
from ..audit import audit
from ..dossier import add_document
from ..errors import Invalid, Problem
from ..models import DOCUMENT_KINDS, CouncilMeeting, Nomination
from . import drafts, facts, render, vn
from .drafts import Draft
from .pdf import converter, docx_to_pdf

KINDS = ("department_list", "achievement_report", "request_letter", "council_minutes", "award_decision",
         "certificate", "cycle_list")
XLSX_SOURCE = Path(__file__).resolve().parent / "xlsx.py"


MEETING_KINDS = ("request_letter", "council_minutes", "award_decision")


def _draft(s, ctx, actor, kind: str, *, nomination_id, cycle_id, department_id, meeting_id) -> Draft:
    if kind in MEETING_KINDS and not meeting_id and nomination_id:
        # from a dossier's page: the meeting that reviewed this nomination
        meeting_id = drafts.load_nomination(s, actor, nomination_id).council_meeting_id
        if meeting_id is None:
            raise Invalid(Problem("no_meeting", "Hồ sơ này chưa được Hội đồng TĐKT xét."))
    if kind == "department_list":
        return drafts.department_list(s, ctx, actor, cycle_id, department_id)
    if kind == "achievement_report":
        return drafts.achievement_report(s, ctx, actor, nomination_id)
    if kind == "request_letter":
        return drafts.request_letter(s, ctx, actor, meeting_id, cycle_id)
    if kind == "council_minutes":
        return drafts.council_minutes(s, ctx, actor, meeting_id, cycle_id)
    if kind == "award_decision":
        return drafts.award_decision(s, ctx, actor, meeting_id, cycle_id)
    if kind == "certificate":
        return drafts.certificate(s, ctx, actor, nomination_id)
    return drafts.cycle_list(s, ctx, actor, cycle_id)


def template_of(ctx, draft: Draft) -> tuple[str, str, Path | None]:
    """(template name, template version, path) of a draft."""
    if draft.template is None:
        return f"{draft.kind}.xlsx", hashlib.sha256(XLSX_SOURCE.read_bytes()).hexdigest(), None
    path = render.template_path(ctx.settings, draft.template)
    return draft.template, render.template_version(path), path


def render_draft(ctx, draft: Draft) -> bytes:
    """The file of a draft before any PDF conversion (.docx, or .xlsx for the agency-wide list)."""
    if draft.make is not None:
        return draft.make()
    return render.render_docx(template_of(ctx, draft)[2], draft.context)


def generate(ctx, user_id: int, kind: str, *, nomination_id: int | None = None, cycle_id: int | None = None,
             department_id: int | None = None, meeting_id: int | None = None, pdf: bool = False) -> int:
    """Generate one document and attach it to its nomination, department+cycle, meeting or cycle.

    The earlier document of the same kind for the same owner is superseded (kept for the record).
    Returns the new document id. With pdf=True the stored file is the PDF.
    """
    if kind not in KINDS:
        raise Invalid(Problem("document_kind", f"Không tạo được loại tài liệu “{kind}”."))
    with ctx.db.reading() as s:
        _user, actor = load_actor(s, user_id, ctx)
        draft = _draft(s, ctx, actor, kind, nomination_id=nomination_id, cycle_id=cycle_id,
                       department_id=department_id, meeting_id=meeting_id)
    # Rendering and LibreOffice run outside any transaction: a slow conversion holds no lock.
    name, version, _path = template_of(ctx, draft)
    content = render_draft(ctx, draft)
    filename = draft.filename
    if draft.pdf_only or (pdf and draft.extension == "docx"):
        content = docx_to_pdf(ctx.settings, [(filename, content)])[0]
        filename = f"{draft.stem}.pdf"
    with ctx.db.transaction() as s:
        user, _actor = load_actor(s, user_id)
        doc = add_document(s, ctx, user_id=user.id, kind=kind, filename=filename, content=content,
                           template_name=name, template_version=version, **draft.owner)
        return doc.id


# --- a whole cycle --------------------------------------------------------------------------------------

@dataclass
class BuildResult:
    """What `build_cycle` wrote, and what it could not (each with its reason)."""

    out_dir: Path
    files: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"out_dir": str(self.out_dir), "files": [str(f.relative_to(self.out_dir)) for f in self.files],
                "problems": self.problems}


def cycle_drafts(s, ctx, actor, cycle) -> tuple[list[Draft], list[str]]:
    """Every document of a cycle: the agency list, each department's list, each report, each meeting's
    minutes, request letter and decision, each certificate. Unavailable ones come back as reasons."""
    plan, problems = [], []

    def attempt(make, label: str):
        try:
            draft = make()
        except Invalid as exc:  # e.g. a meeting whose votes did not pass: nothing to request
            problems.append(f"{label}: {exc.message}")
            return
        plan.append(draft)
        problems.extend(p for p in draft.problems if p not in problems)

    noms = sorted(s.scalars(select(Nomination).where(Nomination.cycle_id == cycle.id,
                                                     Nomination.state.in_(facts.LIVE_STATES))),
                  key=lambda n: (n.department.sort_key, facts.nominee_sort_key(n)))
    attempt(lambda: drafts.cycle_list(s, ctx, actor, cycle.id), "Danh sách toàn cơ quan")
    for dept_id in dict.fromkeys(n.department_id for n in noms):
        attempt(lambda d=dept_id: drafts.department_list(s, ctx, actor, cycle.id, d), "Danh sách của phòng")
    for n in noms:
        attempt(lambda n=n: drafts.achievement_report(s, ctx, actor, n.id), f"Báo cáo thành tích #{n.id}")
    meetings = s.scalars(select(CouncilMeeting).where(CouncilMeeting.cycle_id == cycle.id)
                         .order_by(CouncilMeeting.held_on, CouncilMeeting.id)).all()
    for m in meetings:
        label = f"Cuộc họp Hội đồng ngày {m.held_on:%d/%m/%Y}"
        attempt(lambda m=m: drafts.council_minutes(s, ctx, actor, m.id, None), label)
        attempt(lambda m=m: drafts.request_letter(s, ctx, actor, m.id, None), label)
        if any(n.council_meeting_id == m.id and n.state in facts.APPROVED_STATES for n in noms):
            attempt(lambda m=m: drafts.award_decision(s, ctx, actor, m.id, None), label)
    for n in noms:
        if n.state == "awarded" and n.award_form == "agency_certificate":
            attempt(lambda n=n: drafts.certificate(s, ctx, actor, n.id), f"Giấy khen #{n.id}")
    return plan, problems


class _Progress:
    """Adapts a callable(done, total, label) or a click progress bar (`update(n, item)`)."""

    def __init__(self, sink, total: int):
        self.sink, self.total, self.done = sink, total, 0

    def step(self, n: int, label: str) -> None:
        self.done += n
        if self.sink is None:
            return
        if hasattr(self.sink, "update"):
            self.sink.update(n, label)
        else:
            self.sink(self.done, self.total, label)


PDF_BATCH = 50
PDF_WORKERS = max(1, min(4, os.cpu_count() or 1))


def build_cycle(ctx, user_id: int, cycle_id: int, out_dir: Path, pdf: bool = False, progress=None) -> BuildResult:
    """Write every document of a cycle into out_dir (with PDFs too if asked); secretary only."""
    out_dir = Path(out_dir)
    with ctx.db.reading() as s:
        _user, actor = load_actor(s, user_id)
        drafts.require_secretary(actor, "bộ tài liệu của kỳ xét")
        cycle = drafts.load_cycle(s, cycle_id)
        plan, problems = cycle_drafts(s, ctx, actor, cycle)
    # Every template is checked before anything is written: a bad edit stops the build whole.
    render.validate_templates(ctx.settings, [(template_of(ctx, d)[2], d.context) for d in plan if d.template])
    result = BuildResult(out_dir, problems=problems)
    to_pdf = [d for d in plan if d.pdf_only or (pdf and d.extension == "docx")]
    bar = _Progress(progress, len(plan) + len(to_pdf))
    wanted = {id(d) for d in to_pdf}
    # Each file is written as soon as it is rendered and only its path is kept: memory stays flat
    # whatever the number of nominees. PDF-only drafts wait in a staging folder for the converter.
    with tempfile.TemporaryDirectory(prefix="thidua-build-") as staging:
        rendered: list[tuple[Draft, Path, Path]] = []
        for i, draft in enumerate(plan):
            target = out_dir / draft.folder / f"{draft.stem}.{draft.extension}"
            source = Path(staging) / f"{i}.{draft.extension}" if draft.pdf_only else target
            _write(source, render_draft(ctx, draft))
            if not draft.pdf_only:
                result.files.append(target)
            if id(draft) in wanted:
                rendered.append((draft, target, source))
            bar.step(1, target.name)
        plan = None  # the drafts' contexts are no longer needed
        _convert(ctx, rendered, result, bar)
    with ctx.db.transaction() as s:
        audit(s, ctx, actor_id=user_id, action="build_cycle_documents", entity_type="review_cycle",
              entity_id=cycle_id, payload={"files": len(result.files), "pdf": pdf, "problems": len(result.problems)})
    return result


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _convert(ctx, items: list[tuple[Draft, Path, Path]], result: BuildResult, bar: _Progress) -> None:
    """PDFs in batches (one LibreOffice start per batch), each written next to its .docx."""
    if not items:
        return
    if converter(ctx.settings) is None:
        certificates = [(d, t, c) for d, t, c in items if d.pdf_only]
        result.problems.append("Chưa cài LibreOffice (soffice): không tạo được bản PDF"
                               + (f"; {len(certificates)} Giấy khen được ghi dạng .docx." if certificates else "."))
        for _d, target, source in certificates:
            _write(target, source.read_bytes())
            result.files.append(target)
        bar.step(len(items), "không có PDF")
        return
    batches = [items[i:i + PDF_BATCH] for i in range(0, len(items), PDF_BATCH)]
    # LibreOffice converts one file at a time: a few processes (each its own profile) use the cores.
    with ThreadPoolExecutor(max_workers=min(PDF_WORKERS, len(batches))) as pool:
        # a batch's files are read when it starts, so at most PDF_WORKERS batches are in memory
        futures = {pool.submit(_batch_to_pdf, ctx.settings, batch): batch for batch in batches}
        done = 0
        for future in as_completed(futures):
            batch = futures[future]
            for (_d, target, _c), data in zip(batch, future.result()):
                out = target.with_suffix(".pdf")
                _write(out, data)
                result.files.append(out)
            done += len(batch)
            bar.step(len(batch), f"PDF {done}/{len(items)}")


def _batch_to_pdf(settings, batch: list[tuple[Draft, Path, Path]]) -> list[bytes]:
    return docx_to_pdf(settings, [(target.name, source.read_bytes()) for _d, target, source in batch])


def kind_title(kind: str) -> str:
    return DOCUMENT_KINDS.get(kind, kind)


def build_cycle_archive(ctx, user_id: int, cycle_id: int, pdf: bool = False, progress=None) -> Path:
    """`build_cycle` into a fresh folder under <instance>/exports/, packed as one .zip; returns its path.

    For a web button: hundreds of nominees take a minute or more, so run it outside the request."""
    exports = ctx.settings.instance_path / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    with ctx.db.reading() as s:
        title = drafts.load_cycle(s, cycle_id).title
    stamp = ctx.clock.now().astimezone(ctx.clock.tz).strftime("%Y%m%d-%H%M%S")
    name = f"ho-so-{vn.slug(title)}-{stamp}"
    with tempfile.TemporaryDirectory(dir=exports) as tmp:
        build_cycle(ctx, user_id, cycle_id, Path(tmp) / name, pdf=pdf, progress=progress)
        archive = shutil.make_archive(str(exports / name), "zip", root_dir=tmp, base_dir=name)
    return Path(archive)
