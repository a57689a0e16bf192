"""Awards per person for the personnel (CBCCVC) database: one row per award, as .xlsx or .csv.

The import staff match people on name and date of birth, so the birth date is included: the export
is for the secretary and the administrator only, and each person's row is logged as a read of
personal data (Law 91/2025/QH15 log, workflow/access_log.py).
"""
from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from .. import access_log
from ..actors import load_actor
from ..agency import identity_on
from ..decisions import revoking_decisions
from ..documents import facts
from ..errors import Forbidden
from ..models import AWARD_FORMS, Nomination, RegisterEntry
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
    an award whose decision was revoked stays, naming the revoking decision, so an earlier import is undone."""
    _, actor = load_actor(s, user_id)
    if not (actor.has("admin") or actor.has("council_secretary")):
        raise Forbidden("not_allowed", "Chỉ Thư ký Hội đồng hoặc quản trị được xuất danh sách cho cơ sở dữ liệu"
                                       " cán bộ, công chức, viên chức.")
    q = (select(Nomination).where(Nomination.state == "awarded", Nomination.person_id.is_not(None))
         .options(joinedload(Nomination.person), joinedload(Nomination.department)))
    noms = [n for n in s.scalars(q).unique() if year is None or n.decision_date.year == year]
    noms.sort(key=lambda n: (n.person.sort_key or "", n.person_id, n.decision_date, n.id))
    certificates = {e.nomination_id: e for e in s.scalars(select(RegisterEntry).where(
        RegisterEntry.doc_type == "certificate", RegisterEntry.nomination_id.in_([n.id for n in noms])))}
    revoked = revoking_decisions(s, {n.decision_id for n in noms if n.decision_id})
    rows = []
    for n in noms:
        identity = identity_on(s, n.decision_date)  # the agency as named on the decision's date
        cert = certificates.get(n.id)
        code = cert.verification_code if cert else (n.decision.entry.verification_code if n.decision else "")
        rows.append([n.person_id, n.person.full_name, n.person.birth_date, n.person.gender or "",
                     n.person.position or "", n.department.name,
                     facts.award_title(n, facts.agency(identity)["authority"]) if n.award_form in AWARD_FORMS else "",
                     n.decision_date.year, n.decision_number, n.decision_date, identity.name,
                     cert.number if cert else "", code,
                     decision_line(revoked[n.decision_id]) if n.decision_id in revoked else ""])
    access_log.record_reads(ctx, user_id, [n.person_id for n in noms], "profile", "Xuất khen thưởng cho CSDL CBCCVC")
    return Sheet("Khen thưởng cá nhân", COLUMNS, rows, TITLE)


def csv_bytes(sheet: Sheet) -> bytes:
    """UTF-8 with a byte-order mark (Excel opens it with the diacritics intact); dates as YYYY-MM-DD."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.title for c in sheet.columns])
    for row in sheet.rows:
        writer.writerow(["" if v is None else v.isoformat() if hasattr(v, "isoformat") else v for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
