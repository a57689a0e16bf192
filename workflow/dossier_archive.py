"""The cycle archive as the real dossier: per department and nomination the signed uploads, the drafts in
a folder of their own, and a manifest (.xlsx) of what is present and what is missing. Large cycles are
built in the background (a job row with progress), then downloaded."""
from __future__ import annotations

import threading
import zipfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from .actors import load_actor
from .audit import audit
from .documents import vn
from .dossier import file_path
from .dossier_files import requirements
from .errors import Conflict, Forbidden, not_found
from .models import DOCUMENT_KINDS, CouncilMeeting, Document, ExportJob, Nomination, ReviewCycle
from .reports.xlsx import Col, Sheet, workbook_bytes

SIGNED, DRAFTS = "1-ho-so-da-ky", "2-ban-du-thao"
MANIFEST_COLUMNS = [Col("Phòng", 28), Col("Hồ sơ", 8, "int"), Col("Đối tượng", 30), Col("Trạng thái", 18),
                    Col("Tài liệu", 30), Col("Tình trạng", 26), Col("Tệp trong bộ hồ sơ", 60), Col("SHA-256", 20)]


def _folder(name: str, ident: int | None = None) -> str:
    slug = vn.slug(name) or "khong-ten"
    return f"{slug}_hs{ident}" if ident is not None else slug


def plan(s: Session, cycle: ReviewCycle) -> tuple[list[tuple[Document, str]], list[list]]:
    """(every file in force with its path in the archive, the manifest rows)."""
    from states import State

    files: list[tuple[Document, str]] = []
    rows: list[list] = []
    noms = s.scalars(select(Nomination).where(Nomination.cycle_id == cycle.id)).all()
    noms = sorted(noms, key=lambda n: (n.department.sort_key, n.person.sort_key if n.person else "", n.id))
    departments = {n.department_id: n.department for n in noms}
    for dept_id, dept in sorted(departments.items(), key=lambda d: d[1].sort_key):
        dept_dir = _folder(dept.name)
        for d in _in_force(s, Document.cycle_id == cycle.id, Document.department_id == dept_id):
            files.append((d, f"{DRAFTS if d.generated else SIGNED}/{dept_dir}/_phong/{d.original_name}"))
    for n in noms:
        base = f"{_folder(n.department.name)}/{_folder(n.nominee_name, n.id)}"
        own = _in_force(s, Document.nomination_id == n.id)
        for d in own:
            files.append((d, f"{DRAFTS if d.generated else SIGNED}/{base}/{d.original_name}"))
        state = State(n.state).title
        for req in requirements(s, n):
            signed = [d for d in own if d.kind == req["kind"] and not d.generated]
            if req["kind"] == "department_minutes":
                signed = [d for d in _in_force(s, Document.cycle_id == cycle.id,
                                               Document.department_id == n.department_id)
                          if d.kind == "department_minutes" and not d.generated]
                where = f"{SIGNED}/{_folder(n.department.name)}/_phong/"
            else:
                where = f"{SIGNED}/{base}/"
            status = "Có bản đã ký" if signed else ("Chỉ có bản dự thảo — thiếu bản ký" if req["draft"] else "Thiếu")
            rows.append([n.department.name, n.id, n.nominee_name, state, req["title"], status,
                         "; ".join(where + d.original_name for d in signed), "; ".join(d.sha256 for d in signed)])
    for m in s.scalars(select(CouncilMeeting).where(CouncilMeeting.cycle_id == cycle.id)):
        folder = f"hoi-dong/cuoc-hop-{m.held_on.isoformat()}_{m.id}"
        for d in _in_force(s, Document.council_meeting_id == m.id):
            files.append((d, f"{DRAFTS if d.generated else SIGNED}/{folder}/{d.original_name}"))
    return _unique(files), rows


def _in_force(s: Session, *conditions) -> list[Document]:
    return list(s.scalars(select(Document).where(Document.superseded.is_(False), *conditions).order_by(Document.id)))


def _unique(files: list[tuple[Document, str]]) -> list[tuple[Document, str]]:
    """Two files of one name in one folder keep both: the later gets its id in the name."""
    seen, out = set(), []
    for d, path in files:
        if path in seen:
            stem, dot, ext = path.rpartition(".")
            path = f"{stem}_{d.id}.{ext}" if dot else f"{path}_{d.id}"
        seen.add(path)
        out.append((d, path))
    return out


def build(ctx, cycle_id: int, target: Path, progress=lambda done, total: None) -> Path:
    """Write the archive (.zip) of a cycle's dossier to `target`."""
    with ctx.db.reading() as s:
        cycle = s.get(ReviewCycle, cycle_id)
        if cycle is None:
            raise not_found("kỳ xét")
        files, rows = plan(s, cycle)
        title = cycle.title
        manifest_files = [[path, "Bản dự thảo" if d.generated else "Bản đã ký (tải lên)", DOCUMENT_KINDS[d.kind],
                           d.uploaded_by.name if d.uploaded_by else "", d.uploaded_at.astimezone(ctx.clock.tz)
                           .replace(tzinfo=None), d.sha256] for d, path in files]
        sources = [(file_path(ctx.settings, d), path) for d, path in files]
    manifest = workbook_bytes(
        Sheet("Tài liệu bắt buộc", MANIFEST_COLUMNS, rows, heading=f"Bộ hồ sơ {title}: có và thiếu"),
        Sheet("Danh mục tệp", [Col("Tệp", 70), Col("Loại bản", 20), Col("Tài liệu", 30), Col("Người tải", 24),
                                Col("Thời điểm", 18), Col("SHA-256", 20)], manifest_files,
              heading="Bản đã ký ở thư mục 1-ho-so-da-ky; bản dự thảo (soạn từ mẫu) ở thư mục 2-ban-du-thao."))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("danh-muc-ho-so.xlsx", manifest)
        for i, (source, path) in enumerate(sources, start=1):
            if source.exists():
                z.write(source, path)
            progress(i, len(sources))
    tmp.replace(target)
    return target


# --- the background job ----------------------------------------------------------------------------

def start(ctx, user_id: int, cycle_id: int, *, background: bool = True) -> int:
    """Queue the archive of a cycle; a thread builds it (or, with background=False, this call)."""
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        if not actor.has("council_secretary"):
            raise Forbidden("not_allowed", "Chỉ Thư ký Hội đồng TĐKT được tải bộ hồ sơ của kỳ xét.")
        if s.get(ReviewCycle, cycle_id) is None:
            raise not_found("kỳ xét")
        job = ExportJob(kind="cycle_dossier", cycle_id=cycle_id, requested_by_id=user.id, state="queued",
                        done=0, total=0, created_at=ctx.clock.now())
        s.add(job)
        s.flush()
        audit(s, ctx, actor_id=user.id, action="export_cycle_dossier", entity_type="review_cycle",
              entity_id=cycle_id, payload={"job_id": job.id})
        job_id = job.id
    if background:
        threading.Thread(target=run, args=(ctx, job_id), name=f"export-{job_id}", daemon=True).start()
    else:
        run(ctx, job_id)
    return job_id


def run(ctx, job_id: int) -> None:
    """Build a queued job's archive, saving progress as it goes; a failure is recorded, not raised."""
    with ctx.db.transaction() as s:
        job = s.get(ExportJob, job_id)
        job.state = "running"
        cycle_id = job.cycle_id
    name = f"ho-so-ky-{cycle_id}-{job_id}.zip"

    def progress(done: int, total: int) -> None:
        if done == total or done % 25 == 0:
            with ctx.db.transaction() as s:
                row = s.get(ExportJob, job_id)
                row.done, row.total = done, total

    try:
        build(ctx, cycle_id, ctx.settings.instance_path / "exports" / name, progress)
    except Exception as exc:  # noqa: BLE001 - whatever went wrong is shown on the job's page
        with ctx.db.transaction() as s:
            row = s.get(ExportJob, job_id)
            row.state, row.error, row.finished_at = "failed", str(exc)[:2000], ctx.clock.now()
        return
    with ctx.db.transaction() as s:
        row = s.get(ExportJob, job_id)
        row.state, row.file_name, row.finished_at = "done", name, ctx.clock.now()


def job_dict(job: ExportJob) -> dict:
    return {"id": job.id, "cycle_id": job.cycle_id, "state": job.state, "done": job.done, "total": job.total,
            "error": job.error, "created_at": job.created_at.isoformat(),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None,
            "download_url": f"/api/v1/archive-jobs/{job.id}/download" if job.state == "done" else None}


def load_job(s: Session, actor, job_id: int) -> ExportJob:
    job = s.get(ExportJob, job_id)
    if job is None or not (actor.has("council_secretary") or job.requested_by_id == actor.user_id):
        raise not_found("yêu cầu tải bộ hồ sơ")
    return job


def archive_path(ctx, job: ExportJob) -> Path:
    if job.state != "done" or not job.file_name:
        raise Conflict("not_ready", "Bộ hồ sơ đang được tạo; vui lòng chờ rồi tải lại.")
    return ctx.settings.instance_path / "exports" / job.file_name
