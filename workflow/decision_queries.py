"""Read side of decisions and the register: what their pages and the API show, and the register book."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .agency import identity_on
from .decisions import capacity_label, proposed_number, revoking_decision
from .errors import Forbidden
from .models import CAPACITIES, REGISTER_TYPES, AwardDecision, RegisterEntry, User, UserRole
from .reports.xlsx import Col, Sheet, workbook_bytes

# Sổ đăng ký văn bản đi: the ten columns of the form in Appendix IV of Decree 30/2020/NĐ-CP.
REGISTER_COLUMNS = [
    Col("Số, ký hiệu văn bản", 18), Col("Ngày tháng văn bản", 12, "date"),
    Col("Tên loại và trích yếu nội dung văn bản", 45), Col("Người ký", 24), Col("Nơi nhận văn bản", 24),
    Col("Đơn vị, người nhận bản lưu", 20), Col("Số lượng bản", 8, "int"), Col("Ngày chuyển", 12, "date"),
    Col("Ký nhận", 12), Col("Ghi chú", 30),
]


def require_register_reader(actor) -> None:
    if not any(actor.has(r) for r in ("council_secretary", "agency_head", "deputy_head", "council_member", "admin")):
        raise Forbidden("not_allowed", "Chỉ Văn phòng, Hội đồng TĐKT và lãnh đạo cơ quan được xem sổ đăng ký văn bản.")


def entry_dict(e: RegisterEntry) -> dict:
    return {"id": e.id, "doc_type": e.doc_type, "type_title": e.type_title, "year": e.year, "seq": e.seq,
            "number": e.number, "issued_on": e.issued_on.isoformat(), "summary": e.summary,
            "signer_name": e.signer_name, "nomination_id": e.nomination_id, "note": e.note}


def decision_dict(s: Session, d: AwardDecision, *, with_nominations: bool = True) -> dict:
    out = {"id": d.id, "number": d.number, "signed_on": d.signed_on.isoformat(), "year": d.entry.year,
           "seq": d.entry.seq, "cycle_id": d.cycle_id, "signer_name": d.signer_name,
           "signer_person_id": d.signer_person_id, "capacity": d.capacity, "capacity_title": CAPACITIES[d.capacity],
           "signed_as": capacity_label(s, d.capacity, d.signer_name, d.signed_on),
           "mixed_capacity_note": d.mixed_capacity_note, "nomination_count": len(d.nominations),
           **revocation_links(s, d)}
    if with_nominations:
        out["nominations"] = [{"id": n.id, "nominee_name": n.nominee_name, "department": n.department.name,
                               "state": n.state, "approved_for_head": n.approved_for_head,
                               "approved_by": n.approved_by.name if n.approved_by else None,
                               "certificate_number": _certificate(s, n.id)} for n in d.nominations]
    return out


def _ref(d: AwardDecision | None) -> dict | None:
    return None if d is None else {"id": d.id, "number": d.number, "signed_on": d.signed_on.isoformat()}


def revocation_links(s: Session, d: AwardDecision) -> dict:
    """Which decision revoked this one, and which one this one revokes (with its reason)."""
    by = revoking_decision(s, d)
    revokes = s.get(AwardDecision, d.revokes_id) if d.revokes_id else None
    revoked_by = None if by is None else {**_ref(by), "reason": by.revocation_reason}
    return {"revoked_by": revoked_by, "revokes": _ref(revokes), "revocation_reason": d.revocation_reason}


def _certificate(s: Session, nomination_id: int) -> str | None:
    return s.scalar(select(RegisterEntry.number).where(RegisterEntry.doc_type == "certificate",
                                                       RegisterEntry.nomination_id == nomination_id))


def list_decisions(s: Session, *, year: int | None = None, cycle_id: int | None = None) -> list[dict]:
    q = select(AwardDecision).join(RegisterEntry, RegisterEntry.id == AwardDecision.entry_id)
    if year is not None:
        q = q.where(RegisterEntry.year == year)
    if cycle_id is not None:
        q = q.where(AwardDecision.cycle_id == cycle_id)
    q = q.order_by(RegisterEntry.issued_on.desc(), RegisterEntry.seq.desc(), AwardDecision.id.desc())
    return [decision_dict(s, d, with_nominations=False) for d in s.scalars(q)]


def register_entries(s: Session, doc_type: str, year: int) -> list[RegisterEntry]:
    return list(s.scalars(select(RegisterEntry).where(RegisterEntry.doc_type == doc_type, RegisterEntry.year == year)
                          .order_by(RegisterEntry.seq.is_(None), RegisterEntry.seq, RegisterEntry.issued_on,
                                    RegisterEntry.id)))


def register_view(s: Session, doc_type: str, year: int, today: date) -> dict:
    on = today if today.year == year else date(year, 12, 31)
    return {"doc_type": doc_type, "type_title": REGISTER_TYPES[doc_type][0], "year": year,
            "entries": [entry_dict(e) for e in register_entries(s, doc_type, year)],
            "next": proposed_number(s, doc_type, on)}


def register_years(s: Session, today: date) -> list[int]:
    years = set(s.scalars(select(RegisterEntry.year).distinct())) | {today.year}
    return sorted(years, reverse=True)


def signers(s: Session) -> list[dict]:
    """Who may sign a decision: the head and the deputies, each with the capacity they sign in."""
    users = s.scalars(select(User).join(UserRole).where(UserRole.role.in_(("agency_head", "deputy_head")),
                                                        User.active.is_(True)).distinct().order_by(User.id))
    return [{"id": u.id, "name": u.name, "capacity": "head" if "agency_head" in u.roles else "deputy"}
            for u in users]


def register_book(s: Session, doc_type: str, year: int) -> bytes:
    """The register book (.xlsx) of one document type and year, in the columns of Decree 30/2020 App. IV."""
    identity = identity_on(s, date(year, 12, 31))
    rows = [[e.number, e.issued_on, f"{e.type_title}: {e.summary}".strip(": "), e.signer_name, e.recipients,
             "Lưu: VT", None, None, None, e.note] for e in register_entries(s, doc_type, year)]
    title = f"SỔ ĐĂNG KÝ VĂN BẢN ĐI — {REGISTER_TYPES[doc_type][0].upper()} — NĂM {year}"
    sheet = Sheet(f"{REGISTER_TYPES[doc_type][0]} {year}", REGISTER_COLUMNS, rows,
                  heading=f"{identity.name} — {title}",
                  notes=["Mẫu sổ theo Phụ lục IV Nghị định số 30/2020/NĐ-CP; số bắt đầu từ 01 vào ngày 01 tháng 01."])
    return workbook_bytes(sheet)
