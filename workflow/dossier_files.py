"""The dossier as an inspector reads it: what each requirement has (a draft, a signed copy), every
file including the replaced and withdrawn ones, and withdrawing a wrong upload."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from states import CHAIN, State

from .actors import can_view, load_actor
from .audit import audit
from .dossier import may_download
from .errors import Conflict, Forbidden, Invalid, Problem, not_found
from .models import DOCUMENT_KINDS, Document, Nomination
from .text import nfc

# The step that relies on each kind of a nomination's file: once taken, the file is part of the record.
RELIED_ON_BY = {
    "achievement_report": State.DEPARTMENT_REVIEWED,
    "department_minutes": State.DEPARTMENT_REVIEWED,
    "department_list": State.DEPARTMENT_REVIEWED,
    "recognition_decision": State.COUNCIL_REVIEWED,
}


def _position(nom: Nomination) -> int:
    """Where a nomination stands along the chain (a held one where it was held)."""
    state = State(nom.held_from if nom.state == State.ON_HOLD else nom.state)
    return CHAIN.index(state) if state in CHAIN else len(CHAIN)


def _reached(nom: Nomination, step: State) -> bool:
    return nom.state in (State.REJECTED, State.WITHDRAWN) or _position(nom) >= CHAIN.index(step)


def requirements(s: Session, nom: Nomination) -> list[dict]:
    """Each document the dossier needs, with whether a draft exists and whether a signed copy was uploaded."""
    own = [d for d in _files(s, nomination_id=nom.id) if not d.superseded]
    dept = [d for d in _files(s, cycle_id=nom.cycle_id, department_id=nom.department_id) if not d.superseded]
    wanted = [("achievement_report", own), ("department_minutes", dept)]
    if (nom.criteria or {}).get("uses_initiative"):
        wanted.append(("recognition_decision", own))
    return [{"kind": kind, "title": DOCUMENT_KINDS[kind],
             "draft": any(d.kind == kind and d.generated for d in pool),
             "signed": any(d.kind == kind and not d.generated for d in pool)} for kind, pool in wanted]


def _files(s: Session, *, nomination_id=None, cycle_id=None, department_id=None) -> list[Document]:
    q = select(Document)
    if nomination_id is not None:
        q = q.where(Document.nomination_id == nomination_id)
    else:
        q = q.where(Document.cycle_id == cycle_id, Document.department_id == department_id)
    return list(s.scalars(q.order_by(Document.kind, Document.id)))


def file_dict(d: Document, *, may_withdraw: bool = False) -> dict:
    """One file with its standing: in force, replaced (by whom, when) or withdrawn (by whom, when, why)."""
    if d.withdrawn_at is not None:
        status = "withdrawn"
    elif d.superseded:
        status = "superseded"
    else:
        status = "current"
    replacement = d.superseded_by
    return {"id": d.id, "kind": d.kind, "kind_title": d.kind_title, "name": d.original_name, "size": d.size,
            "sha256": d.sha256, "generated": d.generated, "status": status,
            "uploaded_at": d.uploaded_at.isoformat(), "uploaded_by": d.uploaded_by.name if d.uploaded_by else None,
            "replaced_by": None if replacement is None else {
                "id": replacement.id, "name": replacement.original_name,
                "by": replacement.uploaded_by.name if replacement.uploaded_by else None,
                "at": replacement.uploaded_at.isoformat()},
            "withdrawn": None if d.withdrawn_at is None else {
                "at": d.withdrawn_at.isoformat(), "by": d.withdrawn_by.name if d.withdrawn_by else None,
                "reason": d.withdrawal_reason},
            "may_withdraw": may_withdraw, "download_url": f"/api/v1/documents/{d.id}"}


def dossier_files(s: Session, actor, nom: Nomination) -> list[dict]:
    """Every file of the nomination's dossier and of its department's cycle files, in force first."""
    docs = _files(s, nomination_id=nom.id) + _files(s, cycle_id=nom.cycle_id, department_id=nom.department_id)
    docs.sort(key=lambda d: (d.superseded, d.generated, d.kind, -d.id))
    return [file_dict(d, may_withdraw=withdrawal_refusal(s, actor, d) is None) for d in docs]


def withdrawal_refusal(s: Session, actor, doc: Document) -> str | None:
    """Why `actor` may not withdraw `doc` now, or None when they may."""
    if doc.generated:
        return "Bản dự thảo không cần rút: chỉ bản đã tải lên mới được tính vào hồ sơ."
    if doc.superseded:
        return "Tài liệu này đã được thay thế hoặc đã rút."
    if doc.uploaded_by_id != actor.user_id:
        return "Chỉ người đã tải tài liệu lên mới được rút tài liệu đó."
    step = RELIED_ON_BY.get(doc.kind, State.AWARDED)
    if doc.nomination_id is not None:
        nom = s.get(Nomination, doc.nomination_id)
        if _reached(nom, step):
            return f"Hồ sơ đã qua bước “{step.title}” dựa trên tài liệu này; không thể rút."
    elif doc.department_id is not None:
        noms = s.scalars(select(Nomination).where(Nomination.cycle_id == doc.cycle_id,
                                                  Nomination.department_id == doc.department_id))
        if any(_position(n) >= CHAIN.index(step) and n.state not in (State.REJECTED, State.WITHDRAWN)
               for n in noms):
            return f"Đã có hồ sơ của Phòng qua bước “{step.title}” dựa trên tài liệu này; không thể rút."
    elif doc.council_meeting_id is not None:
        used = s.scalars(select(Nomination.id).where(Nomination.council_meeting_id == doc.council_meeting_id)).first()
        if used is not None:
            return "Hội đồng đã xét hồ sơ dựa trên cuộc họp này; không thể rút tài liệu của cuộc họp."
    return None


def withdraw_document(ctx, user_id: int, document_id: int, reason: str) -> None:
    """The uploader withdraws a wrong upload before the step that relied on it; the reason is audited."""
    reason = nfc(reason or "").strip()
    if not reason:
        raise Invalid(Problem("reason_required", "Cần ghi rõ lý do rút tài liệu."))
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        doc = s.get(Document, document_id)
        if doc is None or not _visible(s, actor, doc):
            raise not_found("tài liệu")
        if doc.nomination_id is not None:
            # serialise with the step that would rely on it (take_action locks the same row)
            s.get(Nomination, doc.nomination_id, with_for_update=True)
        refusal = withdrawal_refusal(s, actor, doc)
        if refusal is not None:
            if doc.uploaded_by_id != actor.user_id:
                raise Forbidden("not_uploader", refusal)
            raise Conflict("not_withdrawable", refusal)
        doc.superseded = True
        doc.withdrawn_at = ctx.clock.now()
        doc.withdrawn_by_id = user.id
        doc.withdrawal_reason = reason
        audit(s, ctx, actor_id=user.id, action="withdraw_document", entity_type="document", entity_id=doc.id,
              nomination_id=doc.nomination_id, comment=reason,
              payload={"kind": doc.kind, "name": doc.original_name, "sha256": doc.sha256,
                       "department_id": doc.department_id,
                       "cycle_id": doc.cycle_id, "council_meeting_id": doc.council_meeting_id})


def _visible(s: Session, actor, doc: Document) -> bool:
    if doc.nomination_id is not None:
        nom = s.get(Nomination, doc.nomination_id)
        return nom is not None and can_view(actor, nom)
    return may_download(s, actor, doc) or doc.uploaded_by_id == actor.user_id
