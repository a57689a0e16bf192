"""A small agency with a cycle carried to the award, built through the real use cases."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from states import State
from workflow import council, directory, dossier, nominations
from workflow.models import Department, Nomination

from ..factories import Agency, Factory

TRICKY_NAME = 'Nguyễn "Bé" <Ánh> & Cộng sự'
TODAY = date(2025, 11, 20)


@dataclass
class Scene:
    a: Agency
    cycle_id: int
    meeting_id: int            # the meeting whose nominations the head approved
    deputy_meeting_id: int     # a later meeting whose nomination a deputy approved (KT.)
    hoa: int                   # Lê Thị Hoà, awarded, with a 2024 award before
    tricky: int                # TRICKY_NAME, awarded
    collective: int            # Phòng Chính sách, awarded
    failed: int                # voted down at the meeting
    registered: int            # not reviewed yet: criteria evaluated on the fly
    deputy_signed: int         # awarded on a deputy's approval
    other_department: int      # an individual of Phòng Kế hoạch, awarded


def _describe_departments(ctx, a: Agency) -> None:
    with ctx.db.transaction() as s:
        dept = s.get(Department, a.department_id)
        dept.address, dept.phone, dept.email = "Số 96 Nguyễn Nghiêm, TP. Quảng Ngãi", "0255 3822 123", "pcs@qn.gov.vn"
        dept.functions = "Tham mưu thực hiện chính sách dân tộc trên địa bàn tỉnh."


def _review(make: Factory, a: Agency, nid: int, head: int) -> None:
    with make.ctx.db.reading() as s:
        nom = s.get(Nomination, nid)
        cycle_id, dept = nom.cycle_id, nom.department_id
    dossier.upload_for_department(make.ctx, head, cycle_id, dept, "department_minutes", "bien-ban-hop-xet.pdf",
                                  b"%PDF-1.4 minutes")
    dossier.upload_for_nomination(make.ctx, head, nid, "achievement_report", "bao-cao-thanh-tich.docx",
                                  b"PK\x03\x04 report")
    make.act(head, nid, "department_review")


def _person(make: Factory, dept: int, name: str, **kw) -> int:
    return directory.create_person(make.ctx, None, full_name=name, department_id=dept, **kw)


def _individual(make, a, cycle_id, person_id, *, head=None) -> int:
    make.prize(a, person_id, year=make.ctx.clock.today().year)
    nid = nominations.create_nomination(make.ctx, head or a.head, cycle_id=cycle_id, nominee_type="individual",
                                        person_id=person_id, award_form="agency_certificate")
    return nid


def _collective(make, a, cycle_id, year: int) -> int:
    make.rating(a, year, department_id=a.department_id)
    make.initiative(a, year=year, department_id=a.department_id, contest=True)
    nid = nominations.create_nomination(make.ctx, a.head, cycle_id=cycle_id, nominee_type="collective",
                                        department_id=a.department_id, award_form="agency_certificate")
    # its criteria rest on an initiative: the council needs the recognition decision
    dossier.upload_for_nomination(make.ctx, a.head, nid, "recognition_decision", "quyet-dinh-cong-nhan.pdf",
                                  b"%PDF-1.4 recognition")
    return nid


def award(make, a, nids, *, approver: int, number: str, when: date, present=5, total=7, votes=None) -> int:
    """One council meeting for `nids` (all reviewed by their department), approved and awarded."""
    ctx = make.ctx
    with ctx.db.reading() as s:
        cycle_id = s.get(Nomination, nids[0]).cycle_id
    meeting = make.meeting(a, cycle_id, present, total, note="Thống nhất đề nghị khen thưởng kịp thời.")
    votes = votes or {}
    for nid in nids:
        council.record_vote(ctx, a.secretary, meeting, nomination_id=nid, votes_for=votes.get(nid, present),
                            votes_against=present - votes.get(nid, present))
    council.advance_passed(ctx, a.secretary, meeting)
    for nid in nids:
        if make.state(nid) == State.COUNCIL_REVIEWED:
            make.act(approver, nid, "head_approve")
            make.act(a.secretary, nid, "award", decision_number=number, decision_date=when)
    return meeting


def past_award(make: Factory, a: Agency, person_id: int) -> None:
    """Lê Thị Hoà's 2024 certificate, awarded under the Ban's name (before the 2025 reorganisation)."""
    ctx = make.ctx
    ctx.clock.set(date(2024, 11, 20))
    cycle = make.cycle("annual", 2024)
    nid = _individual(make, a, cycle, person_id)
    _review(make, a, nid, a.head)
    award(make, a, [nid], approver=a.agency_head, number="31/QĐ-BDT", when=ctx.clock.today())
    ctx.clock.set(TODAY)


def build(make: Factory) -> Scene:
    """The 2025 annual cycle: five awarded (one collective, one signed KT.), one voted down, one registered."""
    ctx = make.ctx
    a = make.agency()
    _describe_departments(ctx, a)
    hoa = _person(make, a.department_id, "Lê Thị Hoà", gender="nu", birth_date=date(1988, 2, 5),
                  hometown="Xã Tịnh Khê, TP. Quảng Ngãi", residence="Phường Trần Phú, TP. Quảng Ngãi",
                  position="Chuyên viên")
    tricky = _person(make, a.department_id, TRICKY_NAME, gender="nam", position="Chuyên viên")
    failed = _person(make, a.department_id, "Võ Thị Bích", gender="nu", position="Chuyên viên")
    waiting = _person(make, a.department_id, "Đinh Văn Út", gender="nam")
    deputy_person = _person(make, a.department_id, "Huỳnh Thị Ánh", gender="nu", position="Phó Trưởng phòng")
    other = _person(make, a.other_department_id, "Phạm Văn Bình", gender="nam", position="Kế toán")
    past_award(make, a, hoa)

    cycle = make.cycle("annual", 2025)
    ids = {"hoa": _individual(make, a, cycle, hoa), "tricky": _individual(make, a, cycle, tricky),
           "failed": _individual(make, a, cycle, failed), "collective": _collective(make, a, cycle, 2025),
           "other": _individual(make, a, cycle, other, head=a.other_head),
           "deputy": _individual(make, a, cycle, deputy_person)}
    registered = _individual(make, a, cycle, waiting)
    for key, nid in ids.items():
        _review(make, a, nid, a.other_head if key == "other" else a.head)
    main = [ids["hoa"], ids["tricky"], ids["failed"], ids["collective"], ids["other"]]
    meeting = award(make, a, main, approver=a.agency_head, number="25/QĐ-SDTTG", when=TODAY,
                    votes={ids["failed"]: 2})
    deputy_meeting = award(make, a, [ids["deputy"]], approver=a.deputy, number="26/QĐ-SDTTG", when=TODAY)
    return Scene(a=a, cycle_id=cycle, meeting_id=meeting, deputy_meeting_id=deputy_meeting, hoa=ids["hoa"],
                 tricky=ids["tricky"], collective=ids["collective"], failed=ids["failed"], registered=registered,
                 deputy_signed=ids["deputy"], other_department=ids["other"])


def awarded_in(make: Factory, a: Agency, year: int, *, campaign: str, number: str, person: int) -> tuple[int, int]:
    """`person` awarded in `year` (the clock set to 1 October of that year): (nomination, meeting)."""
    make.ctx.clock.set(date(year, 10, 1))
    cycle = make.cycle("annual", year, campaign=campaign)
    nid = _individual(make, a, cycle, person)
    _review(make, a, nid, a.head)
    meeting = award(make, a, [nid], approver=a.agency_head, number=number, when=make.ctx.clock.today())
    return nid, meeting


def person(make: Factory, department_id: int, name: str) -> int:
    return _person(make, department_id, name, gender="nam", position="Chuyên viên")


def nomination_ids(ctx, cycle_id: int) -> list[int]:
    with ctx.db.reading() as s:
        return list(s.scalars(select(Nomination.id).where(Nomination.cycle_id == cycle_id)))
