"""Test data built through the real use cases, so factories obey the same rules as users."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import select

from states import State
from workflow import authorisations, council, council_roster, directory, dossier, nominations, registers
from workflow.models import Campaign, Nomination, ReviewCycle, User
from workflow.nominations import ActionInput

PASSWORD = "mat-khau-thu-nghiem"
_seq = itertools.count(1)


@dataclass
class Agency:
    """A small agency: one department with its head and a staff member, and the central roles."""

    department_id: int
    other_department_id: int
    head: int            # user id of the department head
    other_head: int      # head of the other department
    staff_person: int    # person id of a staff member of the department
    staff_user: int
    secretary: int
    agency_head: int
    deputy: int
    member: int
    admin: int


class Factory:
    def __init__(self, ctx):
        self.ctx = ctx

    # --- directory ---------------------------------------------------------------------
    def department(self, name: str | None = None) -> int:
        n = next(_seq)
        return directory.create_department(self.ctx, None, code=f"P{n}", name=name or f"Phòng Thử nghiệm {n}")

    def person(self, department_id: int | None, full_name: str | None = None, **kw) -> int:
        n = next(_seq)
        return directory.create_person(self.ctx, None, full_name=full_name or f"Nguyễn Văn Thử {n}",
                                       department_id=department_id, email=f"p{n}@example.vn", **kw)

    def user(self, roles: list[str], person_id: int | None = None, username: str | None = None) -> int:
        n = next(_seq)
        return directory.create_user(self.ctx, None, username=username or f"u{n}", password=PASSWORD,
                                     roles=roles, person_id=person_id, email=f"u{n}@example.vn")

    def head_of(self, department_id: int, full_name: str | None = None) -> int:
        person = self.person(department_id, full_name or "Trần Thị Trưởng")
        directory.set_department_head(self.ctx, None, department_id, person)
        return self.user(["department_head", "staff"], person)

    def agency(self, deputy_authorised: bool = True) -> Agency:
        """The agency; its deputy holds a standing "KT." assignment for the head's steps (a deputy acts only
        under a capacity in force), unless `deputy_authorised` is False."""
        dept, other = self.department("Phòng Chính sách"), self.department("Phòng Kế hoạch")
        staff_person = self.person(dept, "Lê Thị Hoà")
        a = Agency(
            department_id=dept, other_department_id=other, head=self.head_of(dept), other_head=self.head_of(other),
            staff_person=staff_person, staff_user=self.user(["staff"], staff_person),
            secretary=self.user(["council_secretary", "council_member"], self.person(None, "Phạm Văn Thư")),
            agency_head=self.user(["agency_head", "council_member"], self.person(None, "Đặng Tấn Giản")),
            deputy=self.user(["deputy_head", "council_member"], self.person(None, "Võ Văn Phó")),
            member=self.user(["council_member"], self.person(None, "Hồ Thị Viên")),
            admin=self.user(["admin"], username=f"admin{next(_seq)}"),
        )
        if deputy_authorised:
            self.authorise(a, capacity="kt", domain="Thi đua, khen thưởng")
        return a

    def authorise(self, a: Agency, *, valid_from: date = date(2020, 1, 1), valid_to: date = date(2030, 12, 31),
                  **kw) -> int:
        """The head authorises the deputy for the head's steps (TUQ. by default, with its written act)."""
        kw = {"capacity": "tuq", "act_number": "05/GUQ-SDTTG", "act_date": valid_from,
              "actions": sorted(authorisations.ACTIONS), **kw}
        return authorisations.record_authorisation(self.ctx, a.agency_head, delegate_id=a.deputy,
                                                   valid_from=valid_from, valid_to=valid_to, **kw)

    # --- calendar ------------------------------------------------------------------------
    def cycle(self, kind: str = "annual", year: int = 2025, campaign: str = "CCHC-2021-2025") -> int:
        with self.ctx.db.reading() as s:
            return s.scalars(select(ReviewCycle.id).join(Campaign).where(
                Campaign.code == campaign, ReviewCycle.kind == kind, ReviewCycle.year == year)).one()

    # --- evidence ------------------------------------------------------------------------
    def prize(self, a: Agency, person_id: int, year: int = 2025, prize: str = "Giải Ba") -> int:
        return registers.save_contest_result(self.ctx, a.secretary, contest_kind="online_cchc", year=year,
                                             person_id=person_id, participated=True, score=95, prize=prize)

    def initiative(self, a: Agency, *, year: int = 2025, authors=(), department_id=None, recognised=True,
                   appraised=False, contest=False) -> int:
        n = next(_seq)
        return registers.save_initiative(
            self.ctx, a.secretary, title=f"Sáng kiến số hoá hồ sơ {n}", field="e_government", year=year,
            author_ids=list(authors), department_id=department_id,
            recognition_number=f"{n}/QĐ-BDT" if recognised else None,
            recognition_date=date(year, 6, 1) if recognised else None,
            appraisal_number=f"{n}/SNV" if appraised else None,
            appraisal_date=date(year, 9, 1) if appraised else None,
            contest_recognition_number=f"{n}/QĐ-SNV" if contest else None,
            contest_recognition_date=date(year, 10, 1) if contest else None)

    def rating(self, a: Agency, year: int, *, person_id=None, department_id=None, rating="excellent") -> int:
        return registers.save_task_rating(self.ctx, a.secretary, year=year, rating=rating, person_id=person_id,
                                          department_id=department_id)

    def minutes(self, a: Agency, cycle_id: int, department_id: int | None = None) -> int:
        department_id = department_id or a.department_id
        head = a.head if department_id == a.department_id else a.other_head
        return dossier.upload_for_department(self.ctx, head, cycle_id, department_id,
                                             "department_minutes", "bien-ban-hop-xet.pdf", b"%PDF-1.4 minutes")

    def report(self, a: Agency, nomination_id: int) -> int:
        return dossier.upload_for_nomination(self.ctx, a.head, nomination_id, "achievement_report",
                                             "bao-cao-thanh-tich.docx", b"PK\x03\x04 report")

    # --- nominations -----------------------------------------------------------------------
    def nomination(self, a: Agency, *, cycle_id: int | None = None, person_id: int | None = None,
                   state: State = State.REGISTERED, by: int | None = None) -> int:
        """An eligible individual nomination driven through the real use cases up to `state`."""
        cycle_id = cycle_id or self.cycle()
        person_id = person_id or self.person(a.department_id)
        self.prize(a, person_id)
        nid = nominations.create_nomination(self.ctx, by or a.head, cycle_id=cycle_id, nominee_type="individual",
                                            person_id=person_id, award_form="agency_certificate")
        steps = [
            (State.DEPARTMENT_REVIEWED, self._department_review),
            (State.COUNCIL_REVIEWED, self._council_review),
            (State.HEAD_APPROVED, lambda a, nid: self.act(a.agency_head, nid, "head_approve")),
            (State.AWARDED, lambda a, nid: self.act(a.secretary, nid, "award", decision_number="12/QĐ-BDT",
                                                    decision_date=self.ctx.clock.today())),
        ]
        for target, step in steps:
            if self.state(nid) == state:
                break
            step(a, nid)
        return nid

    def _department_review(self, a: Agency, nid: int) -> None:
        with self.ctx.db.reading() as s:
            nom = s.get(Nomination, nid)
            cycle_id, dept = nom.cycle_id, nom.department_id
        self.minutes(a, cycle_id, dept)
        head = a.head if dept == a.department_id else a.other_head
        dossier.upload_for_nomination(self.ctx, head, nid, "achievement_report", "bao-cao-thanh-tich.docx", b"PK\x03\x04 report")
        self.act(head, nid, "department_review")

    def roster(self, a: Agency, size: int) -> list[int]:
        """A council of `size` members in office since 2020 (grown as needed): the head chairs, the
        secretary keeps the minutes, the deputy is vice-chair, then members."""
        with self.ctx.db.reading() as s:
            seated = [m.id for m in council_roster.in_office(s, self.ctx.clock.today())]
            people = {u: s.get(User, u).person_id for u in (a.agency_head, a.secretary, a.deputy, a.member)}
        roles = [(people[a.agency_head], "chair"), (people[a.secretary], "secretary"),
                 (people[a.deputy], "vice_chair"), (people[a.member], "member")]
        while len(seated) < size:
            person, role = roles[len(seated)] if len(seated) < len(roles) else (self.person(None), "member")
            seated.append(council_roster.add_member(self.ctx, a.secretary, person_id=person, council_role=role,
                                                    term_from=date(2020, 1, 1)))
        with self.ctx.db.reading() as s:   # chair, vice-chair, secretary, members
            return [m.id for m in council_roster.in_office(s, self.ctx.clock.today())]

    def meeting(self, a: Agency, cycle_id: int, present: int = 5, total: int = 7, **kw) -> int:
        """A meeting today with the first `present` roster members present; the head chairs."""
        seated = self.roster(a, total)
        assert len(seated) == total, "one council size per test"
        data = council.MeetingInput(held_on=kw.pop("held_on", self.ctx.clock.today()), starts_at=time(8, 0),
                                    ends_at=time(10, 30), place=kw.pop("place", "Phòng họp số 1"),
                                    chair_member_id=seated[0], secretary_member_id=seated[2 if total > 2 else 1],
                                    present_member_ids=seated[:present], **kw)
        return council.record_meeting(self.ctx, a.secretary, cycle_id, data)

    def _council_review(self, a: Agency, nid: int) -> None:
        with self.ctx.db.reading() as s:
            cycle_id = s.get(Nomination, nid).cycle_id
        meeting = self.meeting(a, cycle_id)
        council.record_vote(self.ctx, a.secretary, meeting, nomination_id=nid, votes_for=5, votes_against=0)
        self.act(a.secretary, nid, "council_review", meeting_id=meeting)

    def act(self, user_id: int, nid: int, action: str, **kw) -> int:
        return nominations.take_action(self.ctx, user_id, nid, action, ActionInput(version=self.version(nid), **kw))

    def state(self, nid: int) -> str:
        with self.ctx.db.reading() as s:
            return s.get(Nomination, nid).state

    def version(self, nid: int) -> int:
        with self.ctx.db.reading() as s:
            return s.get(Nomination, nid).version

    def username(self, user_id: int) -> str:
        with self.ctx.db.reading() as s:
            return s.get(User, user_id).username
