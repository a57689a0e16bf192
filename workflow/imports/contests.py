"""Importing contest results as Sở Nội vụ sends them: one row per participant of a round."""
from __future__ import annotations

from sqlalchemy import select

from ..models import CONTEST_KINDS, ContestResult
from ..text import fold
from . import values as v
from .base import BIRTH_ALIASES, DEPARTMENT_ALIASES, NAME_ALIASES, STT, YEAR_ALIASES, Kind, Planner, changes
from .engine import RowResult
from .headers import Column
from .values import RowRefused

COLUMNS = [
    STT,
    Column("full_name", "Họ và tên", NAME_ALIASES, required=True),
    Column("birth_date", "Ngày sinh", BIRTH_ALIASES),
    Column("department", "Đơn vị", DEPARTMENT_ALIASES),
    Column("year", "Năm", YEAR_ALIASES),
    Column("round", "Đợt thi", ("dot", "vong", "dot thi", "vong thi", "tuan", "tuan thi", "ky thi", "dot thi so")),
    Column("score", "Điểm", ("diem", "so diem", "tong diem", "diem so", "diem thi", "ket qua diem", "ket qua",
                             "so cau tra loi dung", "so cau dung", "ket qua thi diem")),
    Column("prize", "Giải", ("giai", "giai thuong", "dat giai", "xep giai", "ket qua giai", "ket qua thi giai",
                             "giai dat duoc", "thanh tich")),
    Column("contest", "Cuộc thi", ("cuoc thi", "ten cuoc thi", "loai cuoc thi", "hinh thuc thi")),
    Column("participated", "Tham gia", ("tham gia", "co tham gia", "da tham gia", "du thi")),
]
# Cells that mean "no prize" in organisers' lists.
_NO_PRIZE = {"", "khong", "khong dat", "khong co", "-", "x", "0", "khong dat giai", "chua dat"}


class ContestPlanner(Planner):
    def __init__(self, session, ctx, layout, options):
        super().__init__(session, ctx, layout, options)
        self.default_kind = options.get("contest_kind") or "online_cchc"
        if self.default_kind not in CONTEST_KINDS:
            raise RowRefused("bad_value", "Loại cuộc thi không hợp lệ.")
        self.default_year = options.get("year")
        self.default_round = options.get("round") or ""
        self.existing = {(r.contest_kind, r.year, r.round, r.person_id): r for r in session.scalars(
            select(ContestResult))}

    def _prize(self, raw) -> str | None:
        prize = self.text(raw, "prize")
        return None if fold(prize) in _NO_PRIZE else prize

    def plan(self, raw) -> RowResult:
        name = self.text(raw, "full_name")
        if not name:
            raise RowRefused("missing_name", "Thiếu họ và tên người dự thi.")
        birth = v.a_date(self.cell(raw, "birth_date"), self.title("birth_date"))
        dept = self.directory.department(self.text(raw, "department"), self.title("department"), agency_ok=True)
        year = v.year(self.cell(raw, "year"), self.title("year")) or self.default_year
        if not year:
            raise RowRefused("bad_value", "Thiếu năm của cuộc thi (thêm cột “Năm” hoặc chọn năm khi nhập).")
        kind = v.contest_kind(self.cell(raw, "contest"), self.title("contest"), self.default_kind)
        values = {
            "participated": v.yes_no(self.cell(raw, "participated"), self.title("participated"), True),
            "score": v.number(self.cell(raw, "score"), self.title("score")),
            "prize": self._prize(raw),
        }
        if values["prize"] and not values["participated"]:
            raise RowRefused("bad_value", "Không thể có giải khi không tham gia.")
        person = self.directory.person(name, birth_date=birth, department_id=dept)
        rnd = self.text(raw, "round") or self.default_round
        key = (kind, year, rnd, person.id)
        self.once(key, raw.line)
        label = f"{person.full_name} — {CONTEST_KINDS[kind]} {year}" + (f", {rnd}" if rnd else "")
        row = self.existing.get(key)
        if row is None:
            return RowResult(raw.line, "create", label, changes=changes({}, values, self.layout.titles),
                             write=lambda s: self._create(s, key, values))
        before = {"participated": row.participated, "score": float(row.score) if row.score is not None else None,
                  "prize": row.prize}
        # A results list states the whole result: an empty prize or score there clears ours.
        diff = changes(before, values, self.layout.titles, empty_clears=True)
        if not diff:
            return RowResult(raw.line, "unchanged", label)
        return RowResult(raw.line, "update", label, changes=diff, write=lambda s: self._update(s, row.id, values))

    def _create(self, s, key, values):
        kind, year, rnd, person_id = key
        row = ContestResult(contest_kind=kind, year=year, round=rnd, person_id=person_id,
                            created_at=self.ctx.clock.now(), **values)
        s.add(row)
        return row, "create_contest_result", "contest_result", {
            "contest_kind": kind, "year": year, "round": rnd, "person_id": person_id, **values}

    def _update(self, s, row_id, values):
        row = s.get(ContestResult, row_id)
        previous = {"participated": row.participated, "score": float(row.score) if row.score is not None else None,
                    "prize": row.prize}
        row.participated, row.score, row.prize = values["participated"], values["score"], values["prize"]
        return row, "update_contest_result", "contest_result", {
            "contest_kind": row.contest_kind, "year": row.year, "person_id": row.person_id, **values,
            "previous": previous}


CONTEST_RESULTS = Kind("contest-results", "kết quả cuộc thi", COLUMNS, ContestPlanner)
