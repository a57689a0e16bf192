"""Award decisions and the document register: numbers proposed in order, duplicates refused, and
nominations filed into a decision only under the capacity (head, or "KT." a deputy) that approved them.

Decree 30/2020/NĐ-CP Art. 15.1 (numbers in order of issue within the year, from 01 on 1 January;
number and symbol unique in the year) and Art. 16 (outgoing documents entered in the register).
"""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .actors import load_actor
from .agency import identity_on
from .audit import audit, record_event
from .errors import Conflict, Forbidden, Invalid, Problem, not_found
from .models import REGISTER_TYPES, AwardDecision, Nomination, RegisterEntry, User
from .text import nfc
from .verification_code import new_code

_LEADING = re.compile(r"\s*0*(\d{1,6})(?!\d)")


def format_number(s: Session, doc_type: str, seq: int, on: date) -> str:
    """'05/QĐ-SDTTG': the sequence, the type and the symbol of the identity in force on `on`."""
    abbreviation = REGISTER_TYPES[doc_type][1]
    if not abbreviation:
        return f"{seq:02d}"
    return f"{seq:02d}/{abbreviation}-{identity_on(s, on).symbol}"


def next_seq(s: Session, doc_type: str, year: int) -> int:
    """The next number of the year's sequence: 01 on 1 January, then one more than the highest."""
    top = s.scalar(select(func.max(RegisterEntry.seq)).where(RegisterEntry.doc_type == doc_type,
                                                              RegisterEntry.year == year))
    return (top or 0) + 1


def proposed_number(s: Session, doc_type: str, on: date) -> dict:
    seq = next_seq(s, doc_type, on.year)
    return {"doc_type": doc_type, "year": on.year, "seq": seq, "number": format_number(s, doc_type, seq, on)}


def leading_seq(number: str) -> int | None:
    match = _LEADING.match(number or "")
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


def _lock_register(s: Session, doc_type: str, year: int) -> None:
    """Two numbers taken at once must not be the same one (SQLite writers are serialised already)."""
    if s.get_bind().dialect.name == "postgresql":
        key = year * 100 + list(REGISTER_TYPES).index(doc_type)
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def _find(s: Session, doc_type: str, year: int, *, number: str | None = None, seq: int | None = None):
    q = select(RegisterEntry).where(RegisterEntry.doc_type == doc_type, RegisterEntry.year == year)
    q = q.where(RegisterEntry.number == number) if number is not None else q.where(RegisterEntry.seq == seq)
    return s.scalars(q).first()


def _check_in_date_order(s: Session, seq: int | None, on: date) -> None:
    """A decision's number follows its date in the book: no number before one dated later, none after one
    dated earlier (an inspector reads that as back-dating). Certificates are numbered as they are handed
    out, so only decisions are held to it."""
    if seq is None:
        return
    book = (RegisterEntry.doc_type == "decision", RegisterEntry.year == on.year)
    later = s.scalars(select(RegisterEntry).where(*book, RegisterEntry.seq < seq, RegisterEntry.issued_on > on)
                      .order_by(RegisterEntry.seq).limit(1)).first()
    earlier = s.scalars(select(RegisterEntry).where(*book, RegisterEntry.seq > seq, RegisterEntry.issued_on < on)
                        .order_by(RegisterEntry.seq).limit(1)).first()
    clash = later or earlier
    if clash is not None:
        raise Conflict("register_date_order",
                       f"Số {seq:02d} ngày {on:%d/%m/%Y} không theo thứ tự ngày trong sổ: quyết định số {clash.number}"
                       f" ngày {clash.issued_on:%d/%m/%Y} đã vào sổ. Số quyết định phải tăng theo ngày ban hành;"
                       " hãy kiểm tra lại ngày hoặc số.")


def register(s: Session, ctx, doc_type: str, *, on: date, user_id: int | None, number: str | None = None,
             summary: str = "", signer_name: str = "", nomination_id: int | None = None) -> RegisterEntry:
    """Enter a document in the register, with the proposed number or the one typed (refused if taken)."""
    _lock_register(s, doc_type, on.year)
    if number is None:
        seq = next_seq(s, doc_type, on.year)
        number = format_number(s, doc_type, seq, on)
    else:
        number = nfc(number).strip()
        seq = leading_seq(number)
        if seq is None:
            raise Invalid(Problem("number_format", "Số văn bản phải bắt đầu bằng số thứ tự trong năm"
                                                   f" (ví dụ {format_number(s, doc_type, 5, on)})."))
        taken = _find(s, doc_type, on.year, number=number) or _find(s, doc_type, on.year, seq=seq)
        if taken is not None:
            raise Conflict("duplicate_number",
                           f"Số {seq:02d} của năm {on.year} đã được cấp cho {taken.type_title.lower()} số"
                           f" {taken.number} ngày {taken.issued_on:%d/%m/%Y}; mỗi số chỉ dùng một lần trong năm.")
    if doc_type == "decision":
        _check_in_date_order(s, seq, on)
    entry = RegisterEntry(doc_type=doc_type, year=on.year, seq=seq, number=number, issued_on=on,
                          summary=nfc(summary) or "", signer_name=signer_name, nomination_id=nomination_id,
                          created_by_id=user_id, created_at=ctx.clock.now(), verification_code=new_code())
    try:
        with s.begin_nested():
            s.add(entry)
    except IntegrityError:
        raise Conflict("duplicate_number", f"Số {number} vừa được cấp cho văn bản khác; hãy lấy số tiếp theo.") from None
    audit(s, ctx, actor_id=user_id, action="register_document", entity_type="register_entry", entity_id=entry.id,
          nomination_id=nomination_id, payload={"doc_type": doc_type, "year": on.year, "seq": seq, "number": number,
                                                "issued_on": on.isoformat()})
    return entry


# --- capacities ------------------------------------------------------------------------

def approval_capacity(s: Session, nom: Nomination) -> tuple[str, int | None, str]:
    """(capacity, signer person, signer name) under which a nomination was approved."""
    approver = s.get(User, nom.approved_by_id) if nom.approved_by_id else None
    capacity = "deputy" if nom.approved_for_head else "head"
    return capacity, approver.person_id if approver else None, approver.name if approver else ""


def capacity_label(s: Session, capacity: str, name: str, on: date) -> str:
    ident = identity_on(s, on)
    if capacity == "deputy":
        return f"KT. {ident.head_title}, {ident.deputy_title} {name}".strip()
    return f"{ident.head_title} {name}".strip()


def _signer_capacity(user: User) -> str:
    if "agency_head" in user.roles:
        return "head"
    if "deputy_head" in user.roles:
        return "deputy"
    raise Invalid(Problem("signer_not_head", "Người ký quyết định phải là Thủ trưởng hoặc cấp phó của Thủ trưởng."))


def _check_date(ctx, on: date | None) -> None:
    if on is None:
        raise Invalid(Problem("decision_date_required", "Cần nhập ngày ký quyết định khen thưởng."))
    if on > ctx.clock.today():
        raise Invalid(Problem("decision_date_future", "Ngày quyết định không được sau ngày hôm nay."))


def _check_after_approval(ctx, nom: Nomination, on: date) -> None:
    if nom.approved_at and on < nom.approved_at.astimezone(ctx.clock.tz).date():
        raise Invalid(Problem("decision_before_approval", "Ngày quyết định không được trước ngày phê duyệt."))


def _new_decision(s: Session, ctx, user_id: int, *, on: date, number: str | None, capacity: str,
                  signer_person_id: int | None, signer_name: str, cycle_id: int | None, summary: str = ""):
    entry = register(s, ctx, "decision", on=on, user_id=user_id, number=number, signer_name=signer_name,
                     summary=summary or "Quyết định khen thưởng")
    decision = AwardDecision(entry_id=entry.id, cycle_id=cycle_id, signer_person_id=signer_person_id,
                             signer_name=signer_name, capacity=capacity, created_by_id=user_id,
                             created_at=ctx.clock.now())
    s.add(decision)
    s.flush()
    audit(s, ctx, actor_id=user_id, action="create_decision", entity_type="award_decision", entity_id=decision.id,
          payload={"number": entry.number, "signed_on": on.isoformat(), "capacity": capacity,
                   "signer": signer_name, "cycle_id": cycle_id})
    record_event(s, ctx, "decision_issued", actor_id=user_id, payload=decision_event_data(decision))
    return decision


def decision_event_data(decision: AwardDecision) -> dict:
    """What webhook subscribers learn of a decision."""
    return {"decision_id": decision.id, "number": decision.number, "signed_on": decision.signed_on.isoformat(),
            "capacity": decision.capacity, "signer": decision.signer_name, "cycle_id": decision.cycle_id}


def create_decision(ctx, user_id: int, *, signed_on: date | None, signer_user_id: int | None,
                    number: str | None = None, cycle_id: int | None = None, summary: str = "") -> int:
    """The secretary registers a decision before filing nominations into it; the number is proposed if blank."""
    _check_date(ctx, signed_on)
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        if not actor.has("council_secretary"):
            raise Forbidden("not_allowed", "Chỉ Thư ký Hội đồng TĐKT được vào sổ quyết định khen thưởng.")
        signer = s.get(User, signer_user_id) if signer_user_id else None
        if signer is None:
            raise Invalid(Problem("signer_required", "Cần chọn người ký quyết định."))
        decision = _new_decision(s, ctx, user.id, on=signed_on, number=nfc(number) or None,
                                 capacity=_signer_capacity(signer), signer_person_id=signer.person_id,
                                 signer_name=signer.name, cycle_id=cycle_id, summary=summary)
        return decision.id


def file_into_decision(s: Session, ctx, nom: Nomination, user_id: int, *, decision_id: int | None, number: str | None,
                       on: date | None, accept_mixed: bool = False) -> AwardDecision:
    """The decision that awards `nom`: the one chosen, the one registered under `number`, or a new one."""
    capacity, person_id, name = approval_capacity(s, nom)
    if decision_id:
        decision = s.get(AwardDecision, decision_id)
        if decision is None:
            raise Invalid(Problem("decision_not_found", "Không tìm thấy quyết định đã chọn trong sổ."))
    else:
        number = nfc(number) or ""
        problems = []
        if not number.strip():
            problems.append(Problem("decision_number_required", "Cần nhập số quyết định khen thưởng."))
        if on is None:
            problems.append(Problem("decision_date_required", "Cần nhập ngày ký quyết định khen thưởng."))
        if problems:
            raise Invalid(problems)
        _check_date(ctx, on)
        _check_after_approval(ctx, nom, on)
        _lock_register(s, "decision", on.year)   # two awards registering one new number: the second joins it
        entry = _find(s, "decision", on.year, number=number.strip())
        if entry is not None and entry.issued_on != on:
            raise Conflict("duplicate_number", f"Số {entry.number} đã được cấp cho quyết định ngày"
                                               f" {entry.issued_on:%d/%m/%Y}; mỗi số chỉ dùng một lần trong năm.")
        decision = (s.scalars(select(AwardDecision).where(AwardDecision.entry_id == entry.id)).first()
                    if entry is not None else None)
        if decision is None:
            if entry is not None:
                raise Conflict("duplicate_number", f"Số {entry.number} đã được cấp cho văn bản khác trong năm.")
            decision = _new_decision(s, ctx, user_id, on=on, number=number, capacity=capacity,
                                     signer_person_id=person_id, signer_name=name, cycle_id=nom.cycle_id)
    _check_date(ctx, decision.signed_on)
    _check_after_approval(ctx, nom, decision.signed_on)
    _check_not_revoked(s, decision)
    if (capacity, person_id) != (decision.capacity, decision.signer_person_id):
        mine = capacity_label(s, capacity, name, decision.signed_on)
        theirs = capacity_label(s, decision.capacity, decision.signer_name, decision.signed_on)
        if not accept_mixed:
            raise Conflict("mixed_capacity",
                           f"Hồ sơ này được phê duyệt bởi {mine}, còn Quyết định số {decision.number} do {theirs}"
                           " ký. Một quyết định chỉ có một người ký: hãy vào sổ quyết định riêng, hoặc xác nhận"
                           " gộp có chủ đích (người ký quyết định chịu trách nhiệm cho cả hồ sơ này).")
        note = f"Hồ sơ #{nom.id} (phê duyệt bởi {mine}) được gộp có chủ đích."
        decision.mixed_capacity_note = "\n".join(filter(None, [decision.mixed_capacity_note, note]))
    return decision


def revoking_decisions(s: Session, decision_ids) -> dict[int, AwardDecision]:
    """Revoked decision id -> the decision that revoked it, for those of `decision_ids` that were revoked."""
    ids = list(decision_ids)
    if not ids:
        return {}
    return {d.revokes_id: d for d in s.scalars(select(AwardDecision).where(AwardDecision.revokes_id.in_(ids)))}


def revoking_decision(s: Session, decision: AwardDecision) -> AwardDecision | None:
    return revoking_decisions(s, [decision.id]).get(decision.id)


def _check_not_revoked(s: Session, decision: AwardDecision) -> None:
    """A revoked decision awards nothing more, and a revoking one awards nothing at all."""
    if decision.revokes_id is not None:
        raise Conflict("revoking_decision", f"Quyết định số {decision.number} là quyết định thu hồi; không ghi hồ sơ"
                                            " khen thưởng vào đó.")
    if revoking_decision(s, decision) is not None:
        raise Conflict("decision_revoked", f"Quyết định số {decision.number} đã bị thu hồi; không ghi thêm hồ sơ vào đó.")


def register_certificate(s: Session, ctx, nom: Nomination, decision: AwardDecision, user_id: int) -> RegisterEntry:
    """The certificate's "số vào sổ": the next number of the year's certificate sequence."""
    return register(s, ctx, "certificate", on=decision.signed_on, user_id=user_id, nomination_id=nom.id,
                    signer_name=decision.signer_name,
                    summary=f"Giấy khen: {nom.nominee_name} (Quyết định số {decision.number})")


def certificate_number(s: Session, nomination_id: int) -> str | None:
    return s.scalar(select(RegisterEntry.number).where(RegisterEntry.doc_type == "certificate",
                                                       RegisterEntry.nomination_id == nomination_id))


def certificate_code(s: Session, nomination_id: int) -> str | None:
    """The certificate's verification code (printed under its QR code)."""
    return s.scalar(select(RegisterEntry.verification_code).where(RegisterEntry.doc_type == "certificate",
                                                                  RegisterEntry.nomination_id == nomination_id))


def load_decision(s: Session, decision_id: int) -> AwardDecision:
    decision = s.get(AwardDecision, decision_id)
    if decision is None:
        raise not_found("quyết định khen thưởng")
    return decision
