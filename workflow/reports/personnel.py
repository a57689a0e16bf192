"""Awards per person for the personnel (CBCCVC) database: one row per award, as .xlsx or .csv.

The import staff match people on name and date of birth, so the birth date is included: the export
is for the secretary and the administrator only, and each person's row is logged as a read of
personal data (Law 91/2025/QH15 log, workflow/access_log.py).
"""
from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload

from .. import access_log
from ..actors import load_actor
from ..agency import identities, identity_among
from ..documents import facts
from ..errors import Forbidden
from ..models import AWARD_FORMS, AwardDecision, Nomination, Person, RegisterEntry
from ..verification import decision_line
from .xlsx import Col, Sheet

TITLE = "Khen thưởng theo cá nhân (cơ sở dữ liệu CBCCVC)"
COLUMNS = [Col("Mã cán bộ (thidua)", 10, "int"), Col("Họ và tên", 28), Col("Ngày sinh", 12, "date"),
           Col("Giới tính", 8), Col("Chức vụ", 24), Col("Đơn vị", 26), Col("Hình thức khen thưởng", 40),
           Col("Năm", 7, "int"), Col("Số quyết định", 16), Col("Ngày quyết định", 14, "date"),
           Col("Cơ quan ban hành", 40), Col("Số vào sổ Giấy khen", 14), Col("Mã xác minh", 13),
           Col("Bị thu hồi theo", 36)]


def awards_sheet(s: Session, ctx, user_id: int, *, year: int | None = None, **_) -> Sheet:
    """Every individual award with a registered decision (optionally of one year), by person then date;
    an award whose decision was revoked stays, naming the revoking decision, so an earlier import is undone.

    Streamed: one query (certificate, decision and revoking decision joined in), read a thousand rows at
    a time while the sheet is written, so a province's million awards take the memory of a thousand."""
    _, actor = load_actor(s, user_id)
    if not (actor.has("admin") or actor.has("council_secretary")):
        raise Forbidden("not_allowed", "Chỉ Thư ký Hội đồng hoặc quản trị được xuất danh sách cho cơ sở dữ liệu"
                                       " cán bộ, công chức, viên chức.")
    certificate, decision_entry, revoking = aliased(RegisterEntry), aliased(RegisterEntry), aliased(AwardDecision)
    q = (select(Nomination, certificate.number, certificate.verification_code, decision_entry.verification_code,
                revoking)
         .join(Person, Person.id == Nomination.person_id)
         .outerjoin(certificate, (certificate.nomination_id == Nomination.id) & (certificate.doc_type == "certificate"))
         .outerjoin(AwardDecision, AwardDecision.id == Nomination.decision_id)
         .outerjoin(decision_entry, decision_entry.id == AwardDecision.entry_id)
         .outerjoin(revoking, revoking.revokes_id == Nomination.decision_id)
         .where(Nomination.state == "awarded")
         .options(contains_eager(Nomination.person), joinedload(Nomination.department))
         .order_by(Person.sort_key, Nomination.person_id, Nomination.decision_date, Nomination.id)
         .execution_options(yield_per=1000))
    if year is not None:
        q = q.where(Nomination.decision_date.between(date(year, 1, 1), date(year, 12, 31)))
    known = identities(s)

    def rows():
        readers = set()
        for n, cert_number, cert_code, decision_code, revoked_by in s.execute(q):
            identity = identity_among(known, n.decision_date)  # the agency as named on the decision's date
            readers.add(n.person_id)
            yield [n.person_id, n.person.full_name, n.person.birth_date, n.person.gender or "",
                   n.person.position or "", n.department.name,
                   facts.award_title(n, facts.agency(identity)["authority"]) if n.award_form in AWARD_FORMS else "",
                   n.decision_date.year, n.decision_number, n.decision_date, identity.name,
                   cert_number or "", cert_code or decision_code or "",
                   decision_line(revoked_by) if revoked_by is not None else ""]
        access_log.record_reads(ctx, user_id, readers, "profile", "Xuất khen thưởng cho CSDL CBCCVC")
    return Sheet("Khen thưởng cá nhân", COLUMNS, rows(), TITLE)


def csv_bytes(sheet: Sheet) -> bytes:
    """UTF-8 with a byte-order mark (Excel opens it with the diacritics intact); dates as YYYY-MM-DD."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.title for c in sheet.columns])
    for row in sheet.rows:
        writer.writerow(["" if v is None else v.isoformat() if hasattr(v, "isoformat") else v for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
