"""Every list as an .xlsx: nominations by cycle and state, the registers, award history,
the dashboard and the eligibility lookup. `export(ctx, user_id, kind, **filters)` gives the bytes."""
from __future__ import annotations

import io
from typing import BinaryIO

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from states import State

from .. import access_log
from ..actors import load_actor
from ..errors import Forbidden, Invalid, Problem, not_found
from ..models import (
    AWARD_FORMS,
    CONTEST_KINDS,
    INITIATIVE_FIELDS,
    NOMINEE_TYPES,
    REGISTRATION_STATES,
    TASK_RATINGS,
    ContestResult,
    Initiative,
    InitiativeAuthor,
    Nomination,
    Person,
    Registration,
    ReviewCycle,
    TaskRating,
)
from ..queries import visible_nominations
from . import dashboard as dash
from . import eligibility as elig
from . import history, personnel
from .scope import actor_and_scope
from .xlsx import Col, Sheet, local, write_workbook

EXPORT_TITLES = {
    "nominations": "Danh sách đề nghị khen thưởng",
    "initiatives": "Sổ sáng kiến",
    "contest-results": "Kết quả cuộc thi",
    "task-ratings": "Xếp loại hoàn thành nhiệm vụ",
    "registrations": "Đăng ký thi đua",
    "award-history": "Lịch sử khen thưởng",
    "dashboard": "Tình hình phong trào",
    "eligibility": "Tra cứu đủ điều kiện",
    "personal-data-access": "Nhật ký truy cập dữ liệu cá nhân",
    "personnel-awards": personnel.TITLE,
}


def _cycle(s: Session, cycle_id) -> ReviewCycle:
    if not cycle_id:
        raise Invalid(Problem("cycle_required", "Cần chọn kỳ xét."))
    cycle = s.get(ReviewCycle, cycle_id)
    if cycle is None:
        raise not_found("kỳ xét")
    return cycle


def nominations_sheet(s, ctx, user_id, *, cycle_id=None, state=None, department_id=None, **_) -> Sheet:
    _, actor = load_actor(s, user_id)
    q = visible_nominations(actor).options(joinedload(Nomination.person), joinedload(Nomination.department),
                                           joinedload(Nomination.cycle).joinedload(ReviewCycle.campaign))
    heading = EXPORT_TITLES["nominations"]
    if cycle_id:
        heading += f" — {_cycle(s, cycle_id).title}"
        q = q.where(Nomination.cycle_id == cycle_id)
    if state:
        if state not in {x.value for x in State}:
            raise Invalid(Problem("bad_state", f"Trạng thái không hợp lệ: {state}"))
        q = q.where(Nomination.state == state)
        heading += f" — {State(state).title}"
    if department_id:
        q = q.where(Nomination.department_id == department_id)
    # streamed (server-side cursor on PostgreSQL): rows reach the sheet a thousand at a time
    rows = s.scalars(q.order_by(Nomination.cycle_id, Nomination.department_id, Nomination.id)
                     .execution_options(yield_per=1000))
    tz = ctx.settings.timezone
    return Sheet("Đề nghị khen thưởng", [
        Col("Mã", 7, "int"), Col("Kỳ xét", 24), Col("Phong trào", 14), Col("Đối tượng", 10), Col("Tên", 28),
        Col("Phòng", 26), Col("Hình thức", 30), Col("Trạng thái", 20), Col("Số quyết định", 16),
        Col("Ngày quyết định", 14, "date"), Col("Cập nhật lúc", 18, "date")],
        ([n.id, n.cycle.title, n.cycle.campaign.code, NOMINEE_TYPES[n.nominee_type], n.nominee_name,
          n.department.name, AWARD_FORMS[n.award_form], State(n.state).title, n.decision_number, n.decision_date,
          local(n.updated_at, tz)] for n in rows), heading)


def _person_scope(q, scope, person_column):
    if scope is None:
        return q
    return q.where(person_column.in_(select(Person.id).where(Person.department_id.in_(scope))))


def initiatives_sheet(s, ctx, user_id, *, year=None, department_id=None, **_) -> Sheet:
    _, _, scope = actor_and_scope(s, user_id)
    q = select(Initiative).options(joinedload(Initiative.department),
                                   selectinload(Initiative.authors).joinedload(InitiativeAuthor.person))
    if year:
        q = q.where(Initiative.year == year)
    if department_id:
        q = q.where(Initiative.department_id == department_id)
    if scope is not None:
        authors = select(InitiativeAuthor.initiative_id).join(Person).where(Person.department_id.in_(scope))
        q = q.where(or_(Initiative.department_id.in_(scope), Initiative.id.in_(authors)))
    rows = s.scalars(q.order_by(Initiative.year.desc(), Initiative.id)).all()
    return Sheet("Sổ sáng kiến", [
        Col("Tên sáng kiến", 45), Col("Lĩnh vực", 30), Col("Năm", 7, "int"), Col("Phòng", 24), Col("Tác giả", 30),
        Col("Số QĐ công nhận", 16), Col("Ngày công nhận", 13, "date"), Col("Số thẩm định (Sở Nội vụ)", 16),
        Col("Ngày thẩm định", 13, "date"), Col("Số QĐ công nhận tại cuộc thi", 16), Col("Ngày", 13, "date")],
        [[i.title, INITIATIVE_FIELDS[i.field], i.year, i.department.name if i.department else None,
          ", ".join(a.person.full_name for a in i.authors), i.recognition_number, i.recognition_date,
          i.appraisal_number, i.appraisal_date, i.contest_recognition_number, i.contest_recognition_date]
         for i in rows], EXPORT_TITLES["initiatives"] + (f" năm {year}" if year else ""))


def contest_results_sheet(s, ctx, user_id, *, year=None, **_) -> Sheet:
    _, _, scope = actor_and_scope(s, user_id)
    q = select(ContestResult).join(Person).options(joinedload(ContestResult.person).joinedload(Person.department))
    if year:
        q = q.where(ContestResult.year == year)
    q = _person_scope(q, scope, ContestResult.person_id)
    rows = s.scalars(q.order_by(ContestResult.year.desc(), ContestResult.contest_kind, ContestResult.round,
                                Person.sort_key)).all()
    return Sheet("Kết quả cuộc thi", [
        Col("Họ và tên", 26), Col("Phòng", 24), Col("Cuộc thi", 36), Col("Năm", 7, "int"), Col("Đợt", 10),
        Col("Tham gia", 9), Col("Điểm", 8, "number"), Col("Giải", 14)],
        [[c.person.full_name, c.person.department.name if c.person.department else None,
          CONTEST_KINDS[c.contest_kind], c.year, c.round, "Có" if c.participated else "Không",
          float(c.score) if c.score is not None else None, c.prize] for c in rows],
        EXPORT_TITLES["contest-results"] + (f" năm {year}" if year else ""))


def task_ratings_sheet(s, ctx, user_id, *, year=None, **_) -> Sheet:
    _, _, scope = actor_and_scope(s, user_id)
    q = select(TaskRating).options(joinedload(TaskRating.person).joinedload(Person.department),
                                   joinedload(TaskRating.department))
    if year:
        q = q.where(TaskRating.year == year)
    if scope is not None:
        staff = select(Person.id).where(Person.department_id.in_(scope))
        q = q.where(or_(TaskRating.department_id.in_(scope), TaskRating.person_id.in_(staff)))
    rows = s.scalars(q.order_by(TaskRating.year.desc(), TaskRating.department_id.is_(None), TaskRating.id)).all()
    return Sheet("Xếp loại", [Col("Năm", 7, "int"), Col("Đối tượng", 10), Col("Cá nhân / Tập thể", 30),
                              Col("Phòng", 24), Col("Xếp loại", 32)],
                 [[r.year, "Cá nhân" if r.person_id else "Tập thể", r.person.full_name if r.person else r.department.name,
                   (r.person.department.name if r.person and r.person.department else
                    r.department.name if r.department else None), TASK_RATINGS[r.rating]] for r in rows],
                 EXPORT_TITLES["task-ratings"] + (f" năm {year}" if year else ""))


def registrations_sheet(s, ctx, user_id, *, year=None, **_) -> Sheet:
    _, _, scope = actor_and_scope(s, user_id)
    q = select(Registration).options(joinedload(Registration.department), joinedload(Registration.campaign))
    if year:
        q = q.where(Registration.year == year)
    if scope is not None:
        q = q.where(Registration.department_id.in_(scope))
    rows = []
    for r in s.scalars(q.order_by(Registration.year.desc(), Registration.id)).all():
        for line in r.lines or [None]:
            rows.append([r.year, r.campaign.code, r.department.name, REGISTRATION_STATES[r.state],
                         None if line is None else NOMINEE_TYPES[line.nominee_type],
                         None if line is None else (line.person.full_name if line.person else r.department.name),
                         line.target if line else None, r.refusal_reason])
    return Sheet("Đăng ký thi đua", [Col("Năm", 7, "int"), Col("Phong trào", 14), Col("Phòng", 26),
                                     Col("Trạng thái", 12), Col("Đối tượng", 10), Col("Tên", 28), Col("Mục tiêu", 30),
                                     Col("Lý do từ chối", 30)], rows, EXPORT_TITLES["registrations"])


AWARD_COLUMNS = [Col("Năm", 7, "int"), Col("Kỳ xét", 24), Col("Phong trào", 40), Col("Đối tượng", 10), Col("Tên", 28),
                 Col("Phòng", 24), Col("Hình thức", 30), Col("Số quyết định", 16), Col("Ngày quyết định", 14, "date")]


def _award_rows(awards: list[dict]) -> list[list]:
    return [[a["year"], a["cycle"], a["campaign"], a["nominee_type_title"], a["nominee"], a["department"],
             a["award_form"], a["decision_number"], a["decision_date"]] for a in awards]


def award_history_sheet(s, ctx, user_id, *, person_id=None, department_id=None, **_) -> Sheet:
    if person_id:
        h = history.person_history(s, user_id, person_id)
        awards, heading = h["awards"], f"Lịch sử khen thưởng — {h['person']['full_name']}"
    elif department_id:
        h = history.department_history(s, user_id, department_id)
        awards, heading = h["collective"] + h["individual"], f"Lịch sử khen thưởng — {h['department']['name']}"
    else:
        awards, heading = history.all_awards(s, user_id), "Sổ khen thưởng"
    return Sheet("Khen thưởng", AWARD_COLUMNS, _award_rows(awards), heading)


def dashboard_sheet(s, ctx, user_id, *, cycle_id=None, **_) -> Sheet:
    d = dash.dashboard(s, ctx, user_id, _cycle(s, cycle_id).id)
    cols = [Col("Phòng", 28), Col("Cán bộ đang công tác", 12, "int"), Col("Tham gia cuộc thi", 12, "int"),
            Col("Tỷ lệ tham gia", 11, "percent"), Col("Chỉ tiêu", 9, "percent"),
            Col("Sáng kiến được công nhận", 12, "int"), Col("Được Sở Nội vụ thẩm định", 12, "int"),
            *[Col(st.title, 12, "int") for st in dash.STATES_SHOWN], Col("Quá hạn", 9, "int")]
    rows = [[f.name, f.active_staff, f.participants, f.participation_rate, d.target, f.recognised, f.appraised,
             *[f.by_state.get(st.value, 0) for st in dash.STATES_SHOWN], f.overdue] for f in d.rows + [d.total]]
    return Sheet("Tình hình phong trào", cols, rows,
                 f"Tình hình phong trào — {d.cycle['title']} (số liệu {d.period_label}, đến ngày {d.today:%d/%m/%Y})",
                 [("Tỷ lệ tham gia = số cán bộ đang công tác đã tham gia cuộc thi trực tuyến tìm hiểu CCHC"
                  f" {d.period_label} / số cán bộ đang công tác của phòng; chỉ tiêu của Kế hoạch là 100%.")])


def overdue_sheet(s, ctx, user_id, *, cycle_id=None, **_) -> Sheet:
    d = dash.dashboard(s, ctx, user_id, _cycle(s, cycle_id).id, overdue_limit=None)
    return Sheet("Quá hạn", [Col("Mã", 7, "int"), Col("Đối tượng", 28), Col("Phòng", 24), Col("Trạng thái", 20),
                             Col("Đang chờ", 26), Col("Hạn", 12, "date"), Col("Quá (ngày)", 10, "int")],
                 [[o["nomination_id"], o["nominee"], o["department"], o["state_title"], o["waiting_for"],
                   o["deadline"], o["days_late"]] for o in d.overdue_items], "Các bước quá hạn")


def eligibility_sheets(s, ctx, user_id, *, cycle_id=None, **_) -> list[Sheet]:
    e = elig.eligibility(s, ctx, user_id, _cycle(s, cycle_id).id, limit=None)
    title = e["cycle"]["title"]
    return [
        Sheet("Đủ điều kiện, chưa đề nghị", [Col("Đối tượng", 10), Col("Tên", 28), Col("Phòng", 26),
                                             Col("Tiêu chuẩn đạt", 60)],
              [[NOMINEE_TYPES[x["nominee_type"]], x["name"], x["department"], "; ".join(x["met"])]
               for x in e["eligible_not_nominated"]], f"Đủ tiêu chuẩn nhưng chưa được đề nghị — {title}"),
        Sheet("Đã đề nghị, chưa đủ", [Col("Mã", 7, "int"), Col("Đối tượng", 10), Col("Tên", 28), Col("Phòng", 26),
                                      Col("Trạng thái", 18), Col("Lý do", 60)],
              [[x["nomination_id"], NOMINEE_TYPES[x["nominee_type"]], x["name"], x["department"], x["state_title"],
                " ".join(x["reasons"])] for x in e["nominated_not_eligible"]],
              f"Đã được đề nghị nhưng chưa đủ tiêu chuẩn — {title}"),
    ]


def personal_data_access_sheet(s, ctx, user_id, *, person_id=None, **_) -> Sheet:
    """Who read whose personal data (Law 91/2025/QH15): administrators only."""
    _, actor = load_actor(s, user_id)
    if not actor.has("admin"):
        raise Forbidden("not_allowed", "Chỉ quản trị hệ thống được xuất nhật ký truy cập dữ liệu cá nhân.")
    tz = ctx.settings.timezone
    return Sheet("Truy cập dữ liệu cá nhân", [
        Col("Thời điểm", 18, "date"), Col("Tài khoản", 16), Col("Người xem", 26), Col("Dữ liệu của", 26),
        Col("Loại dữ liệu", 30), Col("Qua", 36)],
        [[local(at, tz), username, name, person, kind, via]
         for at, username, name, person, kind, via in access_log.rows_for_export(s, person_id=person_id)],
        EXPORT_TITLES["personal-data-access"])


BUILDERS = {
    "nominations": nominations_sheet,
    "initiatives": initiatives_sheet,
    "contest-results": contest_results_sheet,
    "task-ratings": task_ratings_sheet,
    "registrations": registrations_sheet,
    "award-history": award_history_sheet,
    "dashboard": lambda *a, **kw: [dashboard_sheet(*a, **kw), overdue_sheet(*a, **kw)],
    "eligibility": eligibility_sheets,
    "personal-data-access": personal_data_access_sheet,
    "personnel-awards": personnel.awards_sheet,
}


def export_to(out: BinaryIO, ctx, user_id: int, kind: str, **filters) -> None:
    """Write the .xlsx of one list to `out`, with the filters it takes (cycle_id, state, year, person_id,
    department_id). Streamed: rows are read and written while the session is open."""
    if kind not in BUILDERS:
        raise Invalid(Problem("bad_export", "Loại danh sách không hợp lệ: " + kind + ". Chọn một trong: "
                              + ", ".join(BUILDERS) + "."))
    with ctx.db.reading() as s:
        sheets = BUILDERS[kind](s, ctx, user_id, **{k: v for k, v in filters.items() if v not in (None, "")})
        write_workbook(out, *(sheets if isinstance(sheets, list) else [sheets]))


def export(ctx, user_id: int, kind: str, **filters) -> bytes:
    """The .xlsx of one list as bytes (small lists, tests); the web streams `export_to` from a file."""
    out = io.BytesIO()
    export_to(out, ctx, user_id, kind, **filters)
    return out.getvalue()


def export_csv(ctx, user_id: int, kind: str, **filters) -> bytes:
    """The first sheet of a list as CSV (UTF-8), for systems that import CSV."""
    if kind not in BUILDERS:
        raise Invalid(Problem("bad_export", "Loại danh sách không hợp lệ: " + kind + "."))
    with ctx.db.reading() as s:  # rows may be streamed from this session: write them while it is open
        sheets = BUILDERS[kind](s, ctx, user_id, **{k: v for k, v in filters.items() if v not in (None, "")})
        return personnel.csv_bytes(sheets[0] if isinstance(sheets, list) else sheets)


def filename_for(kind: str, **filters) -> str:
    """A file name that says what is inside: 'danh-sach-de-nghi-khen-thuong-ky-12.xlsx'."""
    from ..text import fold
    base = fold(EXPORT_TITLES.get(kind, kind)).replace(" ", "-")
    extra = "".join(f"-{k.split('_')[0]}{v}" for k, v in sorted(filters.items()) if v not in (None, ""))
    return f"{base}{extra}.xlsx"
