"""A five-year calendar (2021–2025 plus the final review) played day by day with the injectable clock.

`FiveYears` is the scenario: what each department, the secretary and the head do, on which
day. Its `pending` and `late` answer, from those dates alone (not from the database), who
has work pending for a deadline on a day; `expected_ledger` turns that into the reminders
the sweep must have sent, and on which day: the oracle the tests compare the ledger with.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select

from notifications.reminders import run_reminders
from workflow import dossier, nominations
from workflow.models import ReviewCycle

from .helpers import register

YEARS = range(2021, 2026)
LADDER = (14, 7, 3, 1)
ESCALATE = 7
NEVER = date.max
AWAY = (date(2023, 12, 1), date(2023, 12, 31))   # the head on leave, the deputy named under a TUQ.
PDF = b"%PDF-1.4 simulation"


def days(first: date, last: date):
    d = first
    while d <= last:
        yield d
        d += timedelta(days=1)


class FiveYears:
    """Department A is punctual; department B registers late in odd years and never reviews its dossiers."""

    def __init__(self, ctx, make):
        self.ctx, self.make = ctx, make
        self.a = a = make.agency()
        self.A, self.B = a.department_id, a.other_department_id
        self.person_a, self.person_b = a.staff_person, make.person(self.B, "Ngô Thị Bình")
        make.authorise(a, valid_from=AWAY[0], valid_to=AWAY[1], away=True)
        self.cycles = {(c.kind, c.year): c.id for c in self._cycles()}
        self.dates = {c.id: c for c in self._cycles()}
        self.nomination: dict[tuple, int] = {}
        self._evidence()
        self.plan = self._plan()

    def _cycles(self):
        with self.ctx.db.reading() as s:
            return list(s.scalars(select(ReviewCycle)))

    def _evidence(self):
        make, a = self.make, self.a
        for year in YEARS:
            make.prize(a, self.person_a, year=year)
            make.prize(a, self.person_b, year=year)
            make.rating(a, year, department_id=self.A)
        make.initiative(a, year=2022, department_id=self.A)
        make.initiative(a, year=2024, department_id=self.A)

    # --- the calendar of what people do ------------------------------------------------

    def registered_on(self, dept: int, year: int) -> date:
        if dept == self.A:
            return date(year, 3, 20)
        return date(year, 4, 3) if year % 2 else date(year, 3, 10)

    def created_on(self, kind: str, year: int) -> date:
        return date(year, 10, 1) if kind == "annual" else date(2025, 9, 1)

    def reviewed_on(self, kind: str, year: int) -> date:
        return date(year, 11, 20) if kind == "annual" else date(2025, 10, 25)

    def withdrawn_on(self, year: int) -> date:
        return date(year, 12, 3) if year % 2 else NEVER

    def council_on(self, kind: str, year: int) -> date:
        return date(year, 12, 9) if kind == "annual" else date(2025, 11, 17)  # the final one two days late

    def approved_on(self, kind: str, year: int) -> date:
        return date(year, 12, 15) if kind == "annual" else date(2025, 11, 28)

    def awarded_on(self, kind: str, year: int) -> date:
        if kind == "final":
            return date(2025, 12, 5)
        return date(2023, 12, 23) if year == 2023 else date(year, 12, 20)  # 2023: three days late

    def _plan(self) -> dict[date, list]:
        plan = defaultdict(list)
        for year in YEARS:
            for dept, head in ((self.A, self.a.head), (self.B, self.a.other_head)):
                plan[self.registered_on(dept, year)].append(lambda d=dept, h=head, y=year: register(self.ctx, h, d, y))
            plan[self.created_on("annual", year)].append(lambda y=year: self.create_annual(y))
            plan[self.withdrawn_on(year)].append(
                lambda y=year: self.make.act(self.a.other_head, self.nomination[("B", y)], "withdraw"))
        plan[self.created_on("final", 2025)].append(self.create_final)
        for kind, year in [("annual", y) for y in YEARS] + [("final", 2025)]:
            key = ("A", year) if kind == "annual" else ("final", 2025)
            plan[self.reviewed_on(kind, year)].append(lambda k=kind, y=year, n=key: self.review(k, y, n))
            plan[self.council_on(kind, year)].append(lambda n=key: self.make._council_review(self.a, self.nomination[n]))
            approver = self.a.deputy if self.away(self.approved_on(kind, year)) else self.a.agency_head
            plan[self.approved_on(kind, year)].append(
                lambda n=key, who=approver: self.make.act(who, self.nomination[n], "head_approve"))
            plan[self.awarded_on(kind, year)].append(lambda n=key: self.award(n))
        return plan

    def create_annual(self, year: int) -> None:
        cycle = self.cycles[("annual", year)]
        for tag, head, person in (("A", self.a.head, self.person_a), ("B", self.a.other_head, self.person_b)):
            self.nomination[(tag, year)] = nominations.create_nomination(
                self.ctx, head, cycle_id=cycle, nominee_type="individual", person_id=person,
                award_form="agency_certificate")

    def create_final(self) -> None:
        self.nomination[("final", 2025)] = nominations.create_nomination(
            self.ctx, self.a.head, cycle_id=self.cycles[("final", 2025)], nominee_type="collective",
            department_id=self.A, award_form="agency_certificate")

    def review(self, kind: str, year: int, key: tuple) -> None:
        nid = self.nomination[key]
        self.make.minutes(self.a, self.cycles[(kind, year)], self.A)
        self.make.report(self.a, nid)
        if kind == "final":
            dossier.upload_for_nomination(self.ctx, self.a.head, nid, "recognition_decision", "quyet-dinh.pdf", PDF)
        self.make.act(self.a.head, nid, "department_review")

    def award(self, key: tuple) -> None:
        # each award day is its own decision: a number is given once a year (Decree 30/2020 Art. 15)
        number = f"{self.ctx.clock.today():%m%d}/QĐ-SDTTG"
        self.make.act(self.a.secretary, self.nomination[key], "award", decision_number=number,
                      decision_date=self.ctx.clock.today())

    # --- the model: who has work pending, from the calendar alone ---------------------------

    @staticmethod
    def away(d: date) -> bool:
        return AWAY[0] <= d <= AWAY[1]

    def head_and_stand_in(self, d: date) -> set[int]:
        """The head, and the deputy while the head is away: the head's reminders reach both."""
        return {self.a.agency_head} | ({self.a.deputy} if self.away(d) else set())

    def _cycle_of(self, cycle_id: int) -> tuple[str, int] | None:
        for key, cid in self.cycles.items():
            if cid == cycle_id and key[1] in YEARS:
                return key
        return None

    def pending(self, cycle_id: int, deadline: str, d: date) -> set[int]:
        """Users with work pending for the deadline on day d (after that day's actions)."""
        known = self._cycle_of(cycle_id)
        if known is None:
            return set()
        kind, year = known
        a, users = self.a, set()
        if deadline == "registration_deadline" and kind == "annual":
            users |= {h for dept, h in ((self.A, a.head), (self.B, a.other_head)) if d < self.registered_on(dept, year)}
        elif deadline == "dossier_deadline":
            if self.created_on(kind, year) <= d < self.reviewed_on(kind, year):
                users.add(a.head)
            if kind == "annual" and self.created_on(kind, year) <= d < self.withdrawn_on(year):
                users.add(a.other_head)
        elif deadline == "council_meeting_on":
            if self.reviewed_on(kind, year) <= d < self.council_on(kind, year):
                users.add(a.secretary)
        elif deadline == "ceremony_on":
            if self.council_on(kind, year) <= d < self.approved_on(kind, year):
                users |= self.head_and_stand_in(d)
            if self.approved_on(kind, year) <= d < self.awarded_on(kind, year):
                users.add(a.secretary)
        return users

    def escalated_to(self, cycle_id: int, deadline: str, d: date) -> set[int]:
        """After a deadline: the secretary and the agency head (and its stand-in), while anyone is still late."""
        return {self.a.secretary} | self.head_and_stand_in(d) if self.pending(cycle_id, deadline, d) else set()

    def deadlines(self):
        for cycle_id, c in self.dates.items():
            for name in ("registration_deadline", "dossier_deadline", "council_meeting_on", "ceremony_on"):
                on = getattr(c, name)
                if on is not None and not (name == "registration_deadline" and c.kind == "final"):
                    yield cycle_id, name, on

    def expected_ledger(self, run_days: list[date]) -> dict[tuple, date]:
        """(cycle, deadline, offset, user) -> the day the sweep must send it, given the days it ran."""
        expected = {}
        for cycle_id, deadline, on in self.deadlines():
            steps = [(n, on - timedelta(days=n), on) for n in LADDER]
            steps += [(-k, on + timedelta(days=k), on + timedelta(days=ESCALATE)) for k in range(1, ESCALATE + 1)]
            for offset, due, last in steps:
                for r in run_days:
                    if not due <= r <= last:
                        continue
                    who = self.pending if offset > 0 else self.escalated_to
                    for user in who(cycle_id, deadline, r):
                        expected.setdefault((cycle_id, deadline, offset, user), r)
        return expected

    # --- playing it ----------------------------------------------------------------------

    def play(self, first: date, last: date, skip=frozenset()) -> list[date]:
        """Every day from 2021-01-01 to `last`: that day's actions, then (from `first`, unless skipped) the sweep."""
        run_days = []
        for d in days(date(2021, 1, 1), last):
            self.ctx.clock.set(d)
            for action in self.plan.get(d, []):
                action()
            if d >= first and d not in skip:
                run_reminders(self.ctx, d)
                run_days.append(d)
        return run_days
