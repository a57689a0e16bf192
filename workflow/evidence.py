"""Evidence sent by a department head to the Office, which alone keeps the registers.

The plan makes the Office (Văn phòng, the council's standing body) keep the evidence: a department
head who holds a certificate cannot record it, but can send it here; the council secretary checks
it, records it in the register (the usual register form) and confirms, or refuses with a reason.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .actors import load_actor
from .audit import audit
from .dossier import _check_file, store_bytes
from .errors import Conflict, Forbidden, Invalid, Problem, not_found
from .models import EVIDENCE_KINDS, EVIDENCE_STATES, Department, EvidenceSubmission, Person
from .text import nfc


def submit_evidence(ctx, user_id: int, *, department_id: int, person_id: int | None, kind: str, year: int,
                    description: str, filename: str, content: bytes) -> int:
    """A department head (or the secretary) sends one piece of evidence with its scan."""
    problems = []
    if kind not in EVIDENCE_KINDS:
        problems.append(Problem("kind", "Loại minh chứng không hợp lệ."))
    if not nfc(description):
        problems.append(Problem("description", "Cần mô tả minh chứng (ví dụ: Giải Ba cuộc thi trực tuyến"
                                               " tìm hiểu CCHC năm 2026, Sở Nội vụ trao ngày …)."))
    if not (2000 <= (year or 0) <= 2100):
        problems.append(Problem("year", "Năm không hợp lệ."))
    try:
        name = _check_file(ctx.settings, filename, content)
    except Invalid as exc:
        problems += exc.problems
    if problems:
        raise Invalid(problems)
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id, ctx)
        if s.get(Department, department_id) is None:
            raise not_found("phòng")
        if not (department_id in actor.headed_department_ids or actor.has("council_secretary")):
            raise Forbidden("not_allowed", "Chỉ Trưởng phòng gửi minh chứng của Phòng mình.")
        if person_id is not None:
            person = s.get(Person, person_id)
            if person is None or person.department_id != department_id:
                raise Invalid(Problem("person_id", "Cán bộ này không thuộc Phòng."))
        _digest, stored_name = store_bytes(ctx.settings, content)
        row = EvidenceSubmission(department_id=department_id, person_id=person_id, kind=kind, year=year,
                                 description=nfc(description), original_name=name, stored_name=stored_name,
                                 size=len(content), state="submitted", submitted_by_id=user.id,
                                 submitted_at=ctx.clock.now(), decision_note="")
        s.add(row)
        s.flush()
        audit(s, ctx, actor_id=user.id, action="submit_evidence", entity_type="evidence_submission",
              entity_id=row.id, payload={"department_id": department_id, "person_id": person_id, "kind": kind,
                                         "year": year, "file": name})
        return row.id


def decide_evidence(ctx, user_id: int, submission_id: int, *, confirm: bool, note: str = "") -> None:
    """The secretary confirms (after recording it in the register) or refuses, with a reason."""
    note = nfc(note) or ""
    if not confirm and not note:
        raise Invalid(Problem("note", "Cần ghi lý do không xác nhận, để Trưởng phòng biết cần bổ sung gì."))
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        if not actor.has("council_secretary"):
            raise Forbidden("not_allowed", "Chỉ Thư ký Hội đồng (Văn phòng) xác nhận minh chứng vào sổ theo dõi.")
        row = s.get(EvidenceSubmission, submission_id, with_for_update=True)
        if row is None:
            raise not_found("minh chứng")
        if row.state != "submitted":
            raise Conflict("already_decided", f"Minh chứng này đã được xử lý: {EVIDENCE_STATES[row.state]}.")
        row.state = "confirmed" if confirm else "refused"
        row.decided_by_id, row.decided_at, row.decision_note = user.id, ctx.clock.now(), note
        audit(s, ctx, actor_id=user.id, action="confirm_evidence" if confirm else "refuse_evidence",
              entity_type="evidence_submission", entity_id=row.id, comment=note or None)


def evidence_dict(row: EvidenceSubmission) -> dict:
    return {"id": row.id, "department_id": row.department_id, "department": row.department.name,
            "person_id": row.person_id, "subject": row.person.full_name if row.person else row.department.name,
            "kind": row.kind, "kind_title": EVIDENCE_KINDS[row.kind], "year": row.year,
            "description": row.description, "original_name": row.original_name, "size": row.size,
            "state": row.state, "state_title": EVIDENCE_STATES[row.state], "submitted_at": row.submitted_at,
            "decided_at": row.decided_at, "decision_note": row.decision_note}


def list_evidence(s: Session, actor, *, department_ids=None) -> list[dict]:
    """Waiting ones first, then the latest; the secretary sees all, a head their departments'."""
    q = select(EvidenceSubmission)
    if not actor.has("council_secretary"):
        q = q.where(EvidenceSubmission.department_id.in_(list(department_ids or actor.headed_department_ids)))
    rows = s.scalars(q.order_by((EvidenceSubmission.state != "submitted"), EvidenceSubmission.id.desc())).all()
    return [evidence_dict(r) for r in rows]


def evidence_file(s: Session, actor, submission_id: int) -> EvidenceSubmission:
    """The row whose file the actor may download (the secretary, or a head of its department)."""
    row = s.get(EvidenceSubmission, submission_id)
    if row is None or not (actor.has("council_secretary") or row.department_id in actor.headed_department_ids):
        raise not_found("minh chứng")
    return row
