"""Use cases: generate one document into its dossier; write every document of a cycle to a folder."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from ..actors import load_actor
from ..audit import audit
from ..dossier import add_document
from ..errors import Invalid, Problem
from ..models import DOCUMENT_KINDS, CouncilMeeting
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
    written: list[str] = field(default_factory=list)  # in order, relative to out_dir: a short str each, not a Path
    problems: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[Path]:
        """The files as paths, made when asked (the build itself keeps and writes plain strings)."""
        return [self.out_dir / name for name in self.written]

    def as_dict(self) -> dict:
        return {"out_dir": str(self.out_dir), "files": list(self.written), "problems": self.problems}


CHUNK = 100  # nominees whose drafts are made in one reading session, then rendered and dropped


def iter_cycle_drafts(sessions, ctx, actor, cycle_id: int, problems: list[str], *, skipped=None,
                      first_of_each_template: bool = False) -> Iterator[Draft]:
    """Every document of a cycle, made lazily: the agency list, each department's list, each report,
    each meeting's minutes, request letter and decision, each certificate. Unavailable ones are added
    to `problems` with their reason (and `skipped(kind)` is called).

    `sessions()` opens a reading session; each department, meeting document and chunk of CHUNK nominees
    has its own, closed before its drafts are handed out, so neither the session nor the caller holds more
    than one chunk, or one document listing a meeting's nominees. With first_of_each_template, only the drafts that first use each template are made:
    what checking the templates needs."""
    seen_problems = set(problems)
    seen_templates: set[str] = set()
    seen_kinds: set[str] = set()

    def attempt(kind: str, label: str, make, *args) -> Draft | None:
        try:
            draft = make(*args)
        except Invalid as exc:  # e.g. a meeting whose votes did not pass: nothing to request
            problems.append(f"{label}: {exc.message}")
            if skipped is not None:
                skipped(kind)
            return None
        for p in draft.problems:
            if p not in seen_problems:
                seen_problems.add(p)
                problems.append(p)
        seen_kinds.add(kind)
        seen_templates.add(draft.template)
        return draft

    def wanted(kind: str, template: str | None = None) -> bool:
        # a department list's and a certificate's template is the same for all; a report's is its form's
        if not first_of_each_template:
            return True
        return template not in seen_templates if template else kind not in seen_kinds

    with sessions() as s:
        cycle = drafts.load_cycle(s, cycle_id)
        noms = facts.ordered_nominations(s, cycle.id, live=True)
        # Only what the phases below need is kept, not the rows: ids in list order, a few bytes a nominee.
        departments = list(dict.fromkeys(n.department_id for n in noms))
        reports = [n.id for n in noms]
        approved = {n.council_meeting_id for n in noms if n.state in facts.APPROVED_STATES}
        certificates = [n.id for n in noms if n.state == "awarded" and n.award_form == "agency_certificate"]
        report_templates = {}  # nomination id -> its report form's template, when checking each template once
        if first_of_each_template:
            forms = {}
            for n in noms:
                key = (n.award_form, n.person_id is None)
                if key not in forms:
                    forms[key] = drafts.report_form(ctx, cycle, *key)["template"]
                report_templates[n.id] = forms[key]
        noms = None
        meetings = s.execute(select(CouncilMeeting.id, CouncilMeeting.held_on)
                             .where(CouncilMeeting.cycle_id == cycle.id)
                             .order_by(CouncilMeeting.held_on, CouncilMeeting.id)).all()
        # the workbook has no template to check
        draft = None if first_of_each_template else attempt("cycle_list", "Danh sách toàn cơ quan",
                                                             drafts.cycle_list, s, ctx, actor, cycle.id)
    if draft is not None:
        yield draft
    for dept_id in departments:
        if wanted("department_list"):
            with sessions() as s:
                draft = attempt("department_list", "Danh sách của phòng", drafts.department_list, s, ctx, actor,
                                cycle_id, dept_id)
            if draft is not None:
                yield draft
    draft = None  # the last department's list is not kept to the end of the build

    def per_nominee(ids, kind: str, make, label: str, template=lambda nid: None):
        for chunk in facts.chunks(ids, CHUNK):
            chunk = [nid for nid in chunk if wanted(kind, template(nid))]
            if not chunk:
                continue
            with sessions() as s:
                made = [attempt(kind, f"{label} #{nid}", make, s, ctx, actor, nid) for nid in chunk
                        if wanted(kind, template(nid))]
            yield from (d for d in made if d is not None)
            made = None

    yield from per_nominee(reports, "achievement_report", drafts.achievement_report, "Báo cáo thành tích",
                           report_templates.get)
    for meeting_id, held_on in meetings:
        label = f"Cuộc họp Hội đồng ngày {held_on:%d/%m/%Y}"
        for kind, make in (("council_minutes", drafts.council_minutes), ("request_letter", drafts.request_letter),
                           ("award_decision", drafts.award_decision)):
            if kind == "award_decision" and meeting_id not in approved:
                continue
            # one at a time, each in its own session: each holds a row per nominee of the meeting
            with sessions() as s:
                draft = attempt(kind, label, make, s, ctx, actor, meeting_id, None)
            if draft is not None:
                yield draft
            draft = None
    yield from per_nominee(certificates, "certificate", drafts.certificate, "Giấy khen")


def cycle_drafts(s, ctx, actor, cycle) -> tuple[list[Draft], list[str]]:
    """Every document of a cycle as one list, in the given session (for checks over a small cycle)."""
    problems: list[str] = []
    plan = list(iter_cycle_drafts(lambda: nullcontext(s), ctx, actor, cycle.id, problems))
    return plan, problems


def _planned(ctx, cycle_id: int, pdf: bool) -> tuple[int, int]:
    """How many files a build attempts (and of them, how many go to PDF): a few counts, for the progress bar."""
    with ctx.db.reading() as s:
        noms = facts.ordered_nominations(s, cycle_id, live=True)
        meetings = s.scalars(select(CouncilMeeting.id).where(CouncilMeeting.cycle_id == cycle_id)).all()
    approved = {n.council_meeting_id for n in noms if n.state in facts.APPROVED_STATES}
    certificates = sum(n.state == "awarded" and n.award_form == "agency_certificate" for n in noms)
    files = (1 + len({n.department_id for n in noms}) + len(noms)
             + sum(2 + (m in approved) for m in meetings) + certificates)
    return files, (files - 1 if pdf else certificates)  # every .docx but the workbook, or the certificates


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
    """Write every document of a cycle into out_dir (with PDFs too if asked); secretary only.

    The drafts are made lazily, a chunk of nominees at a time, and each file is written as soon as it
    is rendered, then dropped: memory stays flat whatever the number of nominees, but for each one's
    file names and problem line (tests/documents/test_build_memory.py)."""
    out_dir = Path(out_dir)
    with ctx.db.reading() as s:
        _user, actor = load_actor(s, user_id)
        drafts.require_secretary(actor, "bộ tài liệu của kỳ xét")
        drafts.load_cycle(s, cycle_id)
    # Every template is checked before anything is written: a bad edit stops the build whole. Each
    # distinct template is checked against the context of the first draft that uses it, as before, so
    # only those few drafts are made now.
    render.validate_templates(ctx.settings, (
        (template_of(ctx, d)[2], d.context)
        for d in iter_cycle_drafts(ctx.db.reading, ctx, actor, cycle_id, [], first_of_each_template=True)
        if d.template))
    result = BuildResult(out_dir)
    files, pdfs = _planned(ctx, cycle_id, pdf)
    bar = _Progress(progress, files + pdfs)

    def skipped(kind: str) -> None:  # a draft that could not be made: neither its file nor its PDF comes
        bar.total -= 1 + (kind == "certificate" or (pdf and kind != "cycle_list"))

    # PDF-only drafts wait in a staging folder for the converter, under the name they will have in out_dir.
    with tempfile.TemporaryDirectory(prefix="thidua-build-") as staging:
        rendered: list[tuple[bool, str]] = []  # (PDF only, name): what goes to PDF
        plan = iter_cycle_drafts(ctx.db.reading, ctx, actor, cycle_id, result.problems, skipped=skipped)
        for draft in plan:
            name = f"{draft.folder}/{draft.stem}.{draft.extension}".lstrip("/")
            _write(os.path.join(staging if draft.pdf_only else out_dir, name), render_draft(ctx, draft))
            if not draft.pdf_only:
                result.written.append(name)
            if draft.pdf_only or (pdf and draft.extension == "docx"):
                rendered.append((draft.pdf_only, name))
            bar.step(1, f"{draft.stem}.{draft.extension}")
            draft = None  # not held while the next is made: two meeting documents would list the meeting twice
        _convert(ctx, staging, rendered, result, bar)
    with ctx.db.transaction() as s:
        audit(s, ctx, actor_id=user_id, action="build_cycle_documents", entity_type="review_cycle",
              entity_id=cycle_id, payload={"files": len(result.written), "pdf": pdf, "problems": len(result.problems)})
    return result


def _write(path: str, content: bytes) -> None:
    # a str, not a Path: pathlib interns each part of a path, and the interpreter's table of interned
    # strings would grow by every file name of the build (~4 MiB at 5000 nominees) and never shrink
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(content)


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def _convert(ctx, staging: str, items: list[tuple[bool, str]], result: BuildResult, bar: _Progress) -> None:
    """PDFs in batches (one LibreOffice start per batch), each written next to its .docx."""
    if not items:
        return
    if converter(ctx.settings) is None:
        certificates = [name for only, name in items if only]
        result.problems.append("Chưa cài LibreOffice (soffice): không tạo được bản PDF"
                               + (f"; {len(certificates)} Giấy khen được ghi dạng .docx." if certificates else "."))
        for name in certificates:
            _write(os.path.join(result.out_dir, name), _read(os.path.join(staging, name)))
            result.written.append(name)
        bar.step(len(items), "không có PDF")
        return
    batches = [items[i:i + PDF_BATCH] for i in range(0, len(items), PDF_BATCH)]
    # LibreOffice converts one file at a time: a few processes (each its own profile) use the cores.
    with ThreadPoolExecutor(max_workers=min(PDF_WORKERS, len(batches))) as pool:
        # a batch's files are read when it starts, so at most PDF_WORKERS batches are in memory
        futures = {pool.submit(_batch_to_pdf, ctx.settings, staging, result.out_dir, batch): batch for batch in batches}
        done = 0
        for future in as_completed(futures):
            # popped: a finished future holds its batch's PDFs, which would otherwise stay to the end
            batch = futures.pop(future)
            for (_only, name), data in zip(batch, future.result()):
                out = os.path.splitext(name)[0] + ".pdf"
                _write(os.path.join(result.out_dir, out), data)
                result.written.append(out)
            done += len(batch)
            bar.step(len(batch), f"PDF {done}/{len(items)}")


def _batch_to_pdf(settings, staging: str, out_dir: Path, batch: list[tuple[bool, str]]) -> list[bytes]:
    sources = [os.path.join(staging if only else out_dir, name) for only, name in batch]
    return docx_to_pdf(settings, [(os.path.basename(source), _read(source)) for source in sources])


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
