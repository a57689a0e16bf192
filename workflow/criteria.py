"""The plan's criteria (section III.2, DOMAIN.md §1), evaluated from the evidence registers.

The result is a checklist: each line says what the plan asks, whether it is met, and the
evidence used (initiatives with their decision numbers, contest prizes, task ratings).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, lazyload

from .models import (
    CONTEST_KINDS,
    TASK_RATINGS,
    ContestResult,
    Initiative,
    InitiativeAuthor,
    ReviewCycle,
    TaskRating,
)


@dataclass
class Line:
    code: str
    label: str
    met: bool
    evidence: list[dict] = field(default_factory=list)
    note: str = ""


@dataclass
class Checklist:
    """`met` is the verdict; `rule` says how the lines combine ('all' or 'any')."""

    nominee_type: str
    cycle_kind: str
    rule: str
    lines: list[Line]
    # Whether the verdict rests on initiatives: then the council needs their recognition decisions.
    uses_initiative: bool = False

    @property
    def met(self) -> bool:
        checks = [line.met for line in self.lines]
        return all(checks) if self.rule == "all" else any(checks)

    def unmet_lines(self) -> list[Line]:
        return [line for line in self.lines if not line.met]

    def as_dict(self) -> dict:
        return {"met": self.met, "rule": self.rule, "nominee_type": self.nominee_type,
                "cycle_kind": self.cycle_kind, "uses_initiative": self.uses_initiative,
                "lines": [asdict(line) for line in self.lines]}


def _initiative_evidence(i: Initiative, *, with_appraisal=False, with_contest=False) -> dict:
    item = {"type": "initiative", "id": i.id, "title": i.title, "year": i.year,
            "recognition_number": i.recognition_number,
            "recognition_date": i.recognition_date.isoformat() if i.recognition_date else None}
    if with_appraisal:
        item["appraisal_number"] = i.appraisal_number
        item["appraisal_date"] = i.appraisal_date.isoformat() if i.appraisal_date else None
    if with_contest:
        item["contest_recognition_number"] = i.contest_recognition_number
        item["contest_recognition_date"] = (
            i.contest_recognition_date.isoformat() if i.contest_recognition_date else None)
    return item


def _excellent_line(settings, ratings: dict[int, TaskRating], years: range, code: str, who: str) -> Line:
    excellent = [r for y, r in sorted(ratings.items()) if r.rating == settings.excellent_rating]
    needed = len(years) if not settings.final_excellent_years else min(settings.final_excellent_years, len(years))
    evidence = [{"type": "task_rating", "id": r.id, "year": r.year, "rating": r.rating,
                 "rating_title": TASK_RATINGS.get(r.rating, r.rating)} for _, r in sorted(ratings.items())]
    if len(years) == 1:
        label = f"{who} hoàn thành xuất sắc nhiệm vụ CCHC năm {years[0]}"
        note = "" if excellent else f"Chưa có xếp loại “Hoàn thành xuất sắc nhiệm vụ” năm {years[0]}."
    else:
        label = (f"{who} hoàn thành xuất sắc nhiệm vụ CCHC giai đoạn {years[0]}-{years[-1]}"
                 f" ({needed}/{len(years)} năm)")
        missing = [str(y) for y in years if y not in ratings or ratings[y].rating != settings.excellent_rating]
        note = "" if len(excellent) >= needed else "Chưa đạt “Hoàn thành xuất sắc” các năm: " + ", ".join(missing) + "."
    return Line(code, label, len(excellent) >= needed, evidence, note)


def _recognised_in(initiatives, first: int, last: int):
    return [i for i in initiatives if i.recognition_date and first <= i.recognition_date.year <= last]


def _many_line(settings, initiatives, first: int, last: int, code: str) -> Line:
    recognised = _recognised_in(initiatives, first, last)
    many = settings.many_initiatives
    note = "" if len(recognised) >= many else (
        f"Có {len(recognised)} sáng kiến được công nhận tại cơ quan trong giai đoạn; cần ít nhất {many}.")
    return Line(code, f"Có nhiều (từ {many}) giải pháp, sáng kiến CCHC được công nhận tại cơ quan"
                      f" giai đoạn {first}-{last}",
                len(recognised) >= many, [_initiative_evidence(i) for i in recognised], note)


CHUNK = 1000  # ids bound per query: a page of nominees never meets the drivers' parameter limits


@dataclass(frozen=True)
class Nominee:
    nominee_type: str
    person_id: int | None = None
    department_id: int | None = None

    @property
    def key(self) -> tuple[str, int | None]:
        return (self.nominee_type, self.person_id if self.nominee_type == "individual" else self.department_id)


@dataclass
class _Evidence:
    """Every register row the criteria may use, for a set of nominees: one query per kind."""

    person_ratings: dict[int, dict[int, TaskRating]] = field(default_factory=dict)
    department_ratings: dict[int, dict[int, TaskRating]] = field(default_factory=dict)
    person_initiatives: dict[int, list[Initiative]] = field(default_factory=dict)
    department_initiatives: dict[int, list[Initiative]] = field(default_factory=dict)
    prizes: dict[int, list[ContestResult]] = field(default_factory=dict)


def _chunks(ids: list[int]):
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def _initiatives_of_the_period(first: int, last: int, *, contests: bool = False):
    """The initiatives the rules may count in a cycle of years first..last: recognised in the period
    (or, for a department, recognised at the year's contest), not a register's whole history. Their
    authors are not read (the checklist names initiatives, not authors)."""
    in_period = Initiative.recognition_date.between(date(first, 1, 1), date(last, 12, 31))
    if contests:
        in_period = or_(in_period, Initiative.contest_recognition_date.between(date(first, 1, 1), date(first, 12, 31)))
    return in_period, lazyload(Initiative.authors)


def _load(session: Session, cycle: ReviewCycle, person_ids: list[int], department_ids: list[int]) -> _Evidence:
    first, last = cycle.period
    years = list(range(first, last + 1))
    ev = _Evidence()
    person_period, no_authors = _initiatives_of_the_period(first, last)
    department_period, _ = _initiatives_of_the_period(first, last, contests=True)
    for ids in _chunks(person_ids):
        for r in session.scalars(select(TaskRating).where(TaskRating.person_id.in_(ids), TaskRating.year.in_(years))):
            ev.person_ratings.setdefault(r.person_id, {})[r.year] = r
        rows = session.execute(select(InitiativeAuthor.person_id, Initiative).join(Initiative).options(no_authors)
                               .where(InitiativeAuthor.person_id.in_(ids), person_period)
                               .order_by(Initiative.year, Initiative.id))
        for person_id, initiative in rows:
            ev.person_initiatives.setdefault(person_id, []).append(initiative)
        if cycle.kind == "annual":
            for c in session.scalars(select(ContestResult).where(
                    ContestResult.person_id.in_(ids), ContestResult.year == first, ContestResult.prize.is_not(None))
                    .order_by(ContestResult.id)):
                ev.prizes.setdefault(c.person_id, []).append(c)
    for ids in _chunks(department_ids):
        for r in session.scalars(select(TaskRating).where(TaskRating.department_id.in_(ids),
                                                          TaskRating.year.in_(years))):
            ev.department_ratings.setdefault(r.department_id, {})[r.year] = r
        for i in session.scalars(select(Initiative).options(no_authors)
                                 .where(Initiative.department_id.in_(ids), department_period)
                                 .order_by(Initiative.year, Initiative.id)):
            ev.department_initiatives.setdefault(i.department_id, []).append(i)
    return ev


def evaluate_many(session: Session, settings, cycle: ReviewCycle, nominees) -> dict[tuple, Checklist]:
    """Evaluate the plan's criteria for many nominees of one cycle: Nominee.key -> Checklist.

    The evidence is read once for the whole set (one query per kind per thousand nominees).
    """
    nominees = list(nominees)
    person_ids = sorted({n.person_id for n in nominees if n.nominee_type == "individual"})
    department_ids = sorted({n.department_id for n in nominees if n.nominee_type == "collective"})
    ev = _load(session, cycle, person_ids, department_ids)
    return {n.key: _checklist(settings, cycle, n, ev) for n in nominees}


def evaluate(session: Session, settings, cycle: ReviewCycle, *, nominee_type: str,
             person_id: int | None = None, department_id: int | None = None) -> Checklist:
    """Evaluate the plan's criteria for one nominee in one cycle."""
    nominee = Nominee(nominee_type, person_id, department_id)
    return evaluate_many(session, settings, cycle, [nominee])[nominee.key]


def _checklist(settings, cycle: ReviewCycle, nominee: Nominee, ev: _Evidence) -> Checklist:
    first, last = cycle.period
    years = range(first, last + 1)
    if nominee.nominee_type == "collective":
        ratings = ev.department_ratings.get(nominee.department_id, {})
        initiatives = ev.department_initiatives.get(nominee.department_id, [])
        excellent = _excellent_line(settings, ratings, years, "excellent_tasks", "Tập thể")
        if cycle.kind == "annual":
            recognised = [i for i in initiatives
                          if i.contest_recognition_date and i.contest_recognition_date.year == first]
            line = Line("contest_recognised_initiative",
                        f"Có mô hình, giải pháp, sáng kiến CCHC được Sở Nội vụ công nhận tại cuộc thi năm {first}",
                        bool(recognised), [_initiative_evidence(i, with_contest=True) for i in recognised],
                        "" if recognised else "Chưa có sáng kiến của phòng được Sở Nội vụ công nhận tại cuộc thi.")
        else:
            line = _many_line(settings, initiatives, first, last, "many_recognised_initiatives")
        return Checklist(nominee.nominee_type, cycle.kind, "all", [excellent, line], uses_initiative=True)

    initiatives = ev.person_initiatives.get(nominee.person_id, [])
    if cycle.kind == "final":
        ratings = ev.person_ratings.get(nominee.person_id, {})
        lines = [_excellent_line(settings, ratings, years, "excellent_tasks", "Cá nhân"),
                 _many_line(settings, initiatives, first, last, "many_recognised_initiatives")]
        return Checklist(nominee.nominee_type, cycle.kind, "all", lines, uses_initiative=True)

    prizes = ev.prizes.get(nominee.person_id, [])
    contest = Line("contest_prize",
                   f"Đạt thành tích (giải) trong cuộc thi trực tuyến tìm hiểu CCHC hoặc cuộc thi viết"
                   f" tìm kiếm sáng kiến CCHC năm {first}",
                   bool(prizes),
                   [{"type": "contest_result", "id": c.id, "year": c.year, "contest_kind": c.contest_kind,
                     "contest_title": CONTEST_KINDS[c.contest_kind], "round": c.round, "prize": c.prize}
                    for c in prizes],
                   "" if prizes else f"Không có giải thưởng cuộc thi nào năm {first}.")
    appraised = [i for i in _recognised_in(initiatives, first, first) if i.appraisal_number]
    initiative = Line("recognised_and_appraised_initiative",
                      f"Có sáng kiến CCHC được công nhận tại cơ quan năm {first} và được Sở Nội vụ thẩm định",
                      bool(appraised), [_initiative_evidence(i, with_appraisal=True) for i in appraised],
                      "" if appraised else f"Không có sáng kiến được công nhận năm {first} và được thẩm định.")
    # When both are met the contest prize suffices, so no recognition decision is required.
    return Checklist(nominee.nominee_type, cycle.kind, "any", [contest, initiative],
                     uses_initiative=initiative.met and not contest.met)
