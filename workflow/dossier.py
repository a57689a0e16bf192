"""Dossier files: content-addressed storage on disk, a row per file, and what is missing."""
from __future__ import annotations

import hashlib
import mimetypes
import os
import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from .actors import can_view, load_actor, sees_all_nominations
from .audit import audit
from .errors import Forbidden, Invalid, Problem, not_found
from .filetypes import content_matches_extension
from .models import DOCUMENT_KINDS, CouncilMeeting, Department, Document, Nomination, ReviewCycle
from .text import nfc

NOMINATION_KINDS = ("achievement_report", "recognition_decision", "certificate", "award_decision", "other")
DEPARTMENT_KINDS = ("department_minutes", "department_list", "other")
MEETING_KINDS = ("council_minutes", "request_letter", "award_decision", "other")


def store_bytes(settings, content: bytes) -> tuple[str, str]:
    """Write `content` under its SHA-256 (atomically); returns (sha256, stored_name)."""
    digest = hashlib.sha256(content).hexdigest()
    stored_name = f"{digest[:2]}/{digest}"
    target = settings.upload_dir / stored_name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.replace(tmp, target)
    return digest, stored_name


def file_path(settings, document: Document) -> Path:
    return settings.upload_dir / document.stored_name


def _check_file(settings, filename: str, content: bytes) -> str:
    name = nfc(os.path.basename(filename or "").replace("\\", "/").split("/")[-1])
    problems = []
    if not name:
        problems.append(Problem("file_required", "Cần chọn tệp để tải lên."))
    elif name.rsplit(".", 1)[-1].lower() not in settings.upload_extensions or "." not in name:
        problems.append(Problem("file_type", "Loại tệp không được chấp nhận. Chấp nhận: "
                                + ", ".join(sorted(settings.upload_extensions)) + "."))
    if not content:
        problems.append(Problem("file_empty", "Tệp tải lên rỗng."))
    elif name and not problems and not content_matches_extension(name.rsplit(".", 1)[-1], content):
        problems.append(Problem("file_content", f"Nội dung tệp “{name}” không đúng loại tệp .{name.rsplit('.', 1)[-1]}"
                                " (có thể tệp bị đổi tên hoặc hỏng). Hãy lưu lại đúng định dạng rồi tải lên."))
    elif len(content) > settings.max_upload_bytes:
        problems.append(Problem("file_too_large",
                                f"Tệp lớn hơn giới hạn {settings.max_upload_bytes // (1024 * 1024)} MB."))
    if problems:
        raise Invalid(problems)
    return name


def add_document(s: Session, ctx, *, user_id: int, kind: str, filename: str, content: bytes,
                 nomination_id: int | None = None, cycle_id: int | None = None,
                 department_id: int | None = None, council_meeting_id: int | None = None,
                 template_name: str | None = None, template_version: str | None = None) -> Document:
    """Store a file and its row inside the caller's transaction.

    An earlier file of the same kind, owner and origin is marked superseded (kept for the
    record): a new draft replaces the old draft, a new upload the old upload, but drafting
    from the template never hides the signed copy someone uploaded."""
    digest, stored_name = store_bytes(ctx.settings, content)
    owner = {"nomination_id": nomination_id, "cycle_id": cycle_id, "department_id": department_id,
                 "council_meeting_id": council_meeting_id}
    generated = template_name is not None
    replaced = []
    if kind != "other":
        _lock_owner(s, owner)
        for old in active_documents(s, kind=kind, **owner):
            if old.generated == generated:
                old.superseded = True
                replaced.append(old)
    doc = Document(kind=kind, original_name=filename, stored_name=stored_name,
                   content_type=mimetypes.guess_type(filename)[0] or "application/octet-stream",
                   size=len(content), sha256=digest, uploaded_by_id=user_id, uploaded_at=ctx.clock.now(),
                   generated=template_name is not None, template_name=template_name,
                   template_version=template_version, superseded=False, **owner)
    s.add(doc)
    s.flush()
    for old in replaced:
        old.superseded_by_id = doc.id
    audit(s, ctx, actor_id=user_id, action="generate_document" if template_name else "upload_document",
          entity_type="document", entity_id=doc.id, nomination_id=nomination_id,
          payload={"kind": kind, "name": filename, "sha256": digest, "size": len(content),
                   **{k: v for k, v in owner.items() if v is not None}})
    return doc


CLOSED_STATES = ("awarded", "rejected", "withdrawn")


def _is_owner(actor, nom: Nomination) -> bool:
    return nom.department_id in actor.headed_department_ids or (
        nom.person_id is not None and nom.person_id == actor.person_id)


def may_add_documents(actor, nom: Nomination) -> bool:
    """The secretary always; the department head and the nominee while the dossier is open."""
    if actor.has("council_secretary"):
        return True
    return nom.state not in CLOSED_STATES and _is_owner(actor, nom)


def _lock_owner(s: Session, owner: dict) -> None:
    """Serialise on the owner's row: two files of one kind added at once must not both stay active."""
    for model, key in ((Nomination, "nomination_id"), (CouncilMeeting, "council_meeting_id"),
                       (Department, "department_id"), (ReviewCycle, "cycle_id")):
        if owner[key] is not None:
            s.get(model, owner[key], with_for_update=True)
            return


def upload_for_nomination(ctx, user_id: int, nomination_id: int, kind: str, filename: str, content: bytes) -> int:
    """A department head, the nominee or the secretary adds a file to a nomination's dossier."""
    if kind not in NOMINATION_KINDS:
        raise Invalid(Problem("document_kind", "Loại tài liệu không hợp lệ cho hồ sơ đề nghị: " + kind))
    name = _check_file(ctx.settings, filename, content)
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id, ctx)
        nom = s.get(Nomination, nomination_id)
        if nom is None or not can_view(actor, nom):
            raise not_found("đề nghị khen thưởng")
        if not may_add_documents(actor, nom):
            if nom.state in CLOSED_STATES and _is_owner(actor, nom):
                raise Invalid(Problem("dossier_closed", "Hồ sơ đã kết thúc; không thể bổ sung tài liệu."))
            raise Forbidden("not_allowed", "Bạn không được bổ sung tài liệu cho hồ sơ này.")
        return add_document(s, ctx, user_id=user.id, kind=kind, filename=name, content=content,
                            nomination_id=nom.id).id


def upload_for_department(ctx, user_id: int, cycle_id: int, department_id: int, kind: str,
                          filename: str, content: bytes) -> int:
    """The department's own files for a cycle: the review meeting minutes, its list."""
    if kind not in DEPARTMENT_KINDS:
        raise Invalid(Problem("document_kind", "Loại tài liệu không hợp lệ cho hồ sơ của Phòng: " + kind))
    name = _check_file(ctx.settings, filename, content)
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id, ctx)
        if s.get(ReviewCycle, cycle_id) is None:
            raise not_found("kỳ xét")
        if s.get(Department, department_id) is None:
            raise not_found("phòng")
        if not (department_id in actor.headed_department_ids or actor.has("council_secretary")):
            raise Forbidden("not_allowed", "Chỉ Trưởng phòng (hoặc Thư ký Hội đồng) được tải biên bản của Phòng.")
        return add_document(s, ctx, user_id=user.id, kind=kind, filename=name, content=content,
                            cycle_id=cycle_id, department_id=department_id).id


def upload_for_meeting(ctx, user_id: int, meeting_id: int, kind: str, filename: str, content: bytes) -> int:
    if kind not in MEETING_KINDS:
        raise Invalid(Problem("document_kind", "Loại tài liệu không hợp lệ cho cuộc họp Hội đồng: " + kind))
    name = _check_file(ctx.settings, filename, content)
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        meeting = s.get(CouncilMeeting, meeting_id)
        if meeting is None:
            raise not_found("cuộc họp Hội đồng")
        if not actor.has("council_secretary"):
            raise Forbidden("not_allowed", "Chỉ Thư ký Hội đồng được tải tài liệu của cuộc họp.")
        return add_document(s, ctx, user_id=user.id, kind=kind, filename=name, content=content,
                            cycle_id=meeting.cycle_id, council_meeting_id=meeting.id).id


def active_documents(s: Session, *, kind: str | None = None, nomination_id=None, cycle_id=None,
                     department_id=None, council_meeting_id=None) -> list[Document]:
    q = select(Document).where(Document.superseded.is_(False))
    if kind:
        q = q.where(Document.kind == kind)
    if nomination_id is not None:
        q = q.where(Document.nomination_id == nomination_id)
    if council_meeting_id is not None:
        q = q.where(Document.council_meeting_id == council_meeting_id)
    if department_id is not None:
        q = q.where(Document.department_id == department_id, Document.cycle_id == cycle_id)
    elif cycle_id is not None and council_meeting_id is None and nomination_id is None:
        q = q.where(Document.cycle_id == cycle_id, Document.department_id.is_(None),
                    Document.council_meeting_id.is_(None), Document.nomination_id.is_(None))
    return list(s.scalars(q.order_by(Document.id)))


def signed_kinds(s: Session, nomination_id: int) -> set[str]:
    """Kinds of which the nomination has an uploaded copy in force: drafts never count."""
    return {d.kind for d in active_documents(s, nomination_id=nomination_id) if not d.generated}


def department_minutes(s: Session, cycle_id: int, department_id: int) -> list[Document]:
    """The department's uploaded review minutes in force (a generated draft is not the minutes)."""
    return [d for d in active_documents(s, kind="department_minutes", cycle_id=cycle_id, department_id=department_id)
            if not d.generated]


def may_download(s: Session, actor, doc: Document) -> bool:
    if sees_all_nominations(actor):
        return True
    if doc.nomination_id is not None:
        nom = s.get(Nomination, doc.nomination_id)
        return nom is not None and can_view(actor, nom)
    if doc.department_id is not None:
        return doc.department_id in actor.headed_department_ids or doc.department_id == actor.department_id
    return False


def missing_documents(s: Session, nom: Nomination) -> list[dict]:
    """What the dossier still lacks for its next step, as (kind, title) lines."""
    return missing_documents_for(s, [nom])[nom.id]


def missing_documents_for(s: Session, noms: list[Nomination]) -> dict[int, list[dict]]:
    """`missing_documents` of many nominations in two queries: nomination id -> lines.

    Callers pass a bounded list (a page), never a whole cycle: the ids are bound parameters.
    """
    if not noms:
        return {}
    kinds: dict[int, set[str]] = {n.id: set() for n in noms}
    # only uploaded copies count: a generated draft never completes a dossier (as signed_kinds says)
    for nomination_id, kind in s.execute(select(Document.nomination_id, Document.kind).where(
            Document.superseded.is_(False), Document.generated.is_(False), Document.nomination_id.in_(list(kinds)))):
        kinds[nomination_id].add(kind)
    cycles = {n.cycle_id for n in noms}
    departments = {n.department_id for n in noms}
    with_minutes = set(s.execute(select(Document.cycle_id, Document.department_id).where(
        Document.superseded.is_(False), Document.generated.is_(False), Document.kind == "department_minutes",
        Document.cycle_id.in_(cycles),
        Document.department_id.in_(departments))).tuples())
    out = {}
    for nom in noms:
        missing = []
        if "achievement_report" not in kinds[nom.id]:
            missing.append("achievement_report")
        if (nom.cycle_id, nom.department_id) not in with_minutes:
            missing.append("department_minutes")
        if (nom.criteria or {}).get("uses_initiative") and "recognition_decision" not in kinds[nom.id]:
            missing.append("recognition_decision")
        out[nom.id] = [{"kind": k, "title": DOCUMENT_KINDS[k]} for k in missing]
    return out
