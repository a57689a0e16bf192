"""Dashboard figures against hand-computed ones on a small agency built with the factories."""
from __future__ import annotations

from datetime import date

import pytest

from states import State
from workflow import dossier, registers
from workflow.errors import Forbidden
from workflow.reports.dashboard import dashboard

from .helpers import set_inactive


@pytest.fixture
def agency(ctx, make):
    """Phòng Chính sách (A) and Phòng Kế hoạch (B), with:

    A: head, Hoà, P3, P4 (left the agency) -> 3 active staff
    B: head, Q1, Q2                         -> 3 active staff
    Online CCHC contest 2025: Hoà (prize), P3 and Q1 (via their nominations' prizes),
    P4 (inactive: not counted), Q2 registered as not taking part, B's head only in 2024,
    A's head only in the written contest.
    Initiatives: I1 by Hoà, recognised + appraised 2025; I2 of department A, recognised 2025;
    I3 by Hoà and Q1, recognised + appraised 2025; I4 by P3 recognised 2024; I5 by Q1 not recognised.
    Nominations (annual 2025): Hoà registered, P3 council_reviewed (A); Q1 department_reviewed (B).
    """
    a = make.agency()
    p3, p4 = make.person(a.department_id, "Phan Văn Ba"), make.person(a.department_id, "Phan Văn Bốn")
    q1, q2 = make.person(a.other_department_id, "Quách Văn Một"), make.person(a.other_department_id, "Quách Văn Hai")
    head_a, head_b = _head_person(ctx, a.head), _head_person(ctx, a.other_head)
    make.prize(a, a.staff_person, 2025)
    make.prize(a, p4, 2025)
    set_inactive(ctx, p4)
    registers.save_contest_result(ctx, a.secretary, contest_kind="online_cchc", year=2025, person_id=q2,
                                  participated=False)
    make.prize(a, head_b, 2024)
    registers.save_contest_result(ctx, a.secretary, contest_kind="written_initiative", year=2025, person_id=head_a)
    make.initiative(a, year=2025, authors=[a.staff_person], appraised=True)
    make.initiative(a, year=2025, department_id=a.department_id)
    make.initiative(a, year=2025, authors=[a.staff_person, q1], appraised=True)
    make.initiative(a, year=2024, authors=[p3])
    make.initiative(a, year=2025, authors=[q1], recognised=False)
    cycle = make.cycle()
    make.nomination(a, person_id=a.staff_person, state=State.REGISTERED)
    make.nomination(a, person_id=p3, state=State.COUNCIL_REVIEWED)
    other = make.nomination(a, person_id=q1, state=State.REGISTERED, by=a.other_head)
    review_in_other_department(ctx, make, a, cycle, other)
    return a, cycle


def review_in_other_department(ctx, make, a, cycle, nid):
    """The factory files minutes as the first head; the other department's head does it here."""
    dossier.upload_for_department(ctx, a.other_head, cycle, a.other_department_id, "department_minutes",
                                  "bien-ban.pdf", b"%PDF-1.4 minutes")
    dossier.upload_for_nomination(ctx, a.other_head, nid, "achievement_report", "bao-cao.docx", b"PK\x03\x04 report")
    make.act(a.other_head, nid, "department_review")


def _head_person(ctx, user_id):
    from workflow.models import User
    with ctx.db.reading() as s:
        return s.get(User, user_id).person_id


def _figures(ctx, user_id, cycle):
    with ctx.db.reading() as s:
        d = dashboard(s, ctx, user_id, cycle)
    return d, {f.name: f for f in d.rows}


def test_participation_initiatives_and_nominations_per_department(ctx, agency):
    a, cycle = agency
    d, rows = _figures(ctx, a.agency_head, cycle)
    ca, kh = rows["Phòng Chính sách"], rows["Phòng Kế hoạch"]

    assert (ca.active_staff, ca.participants, ca.participation_rate) == (3, 2, pytest.approx(2 / 3))
    assert (kh.active_staff, kh.participants, kh.participation_rate) == (3, 1, pytest.approx(1 / 3))
    assert (d.total.active_staff, d.total.participants, d.total.participation_rate) == (6, 3, pytest.approx(0.5))
    assert d.target == 1.0 and d.period == (2025, 2025)
    assert (ca.recognised, ca.appraised) == (3, 2)      # I1, I2, I3; appraised I1, I3
    assert (kh.recognised, kh.appraised) == (1, 1)      # I3
    assert (d.total.recognised, d.total.appraised) == (3, 2)  # I3 counted once for the agency
    assert ca.by_state == {"registered": 1, "council_reviewed": 1}
    assert kh.by_state == {"department_reviewed": 1}
    assert d.total.by_state == {"registered": 1, "council_reviewed": 1, "department_reviewed": 1}
    assert (ca.overdue, kh.overdue, d.overdue_items) == (0, 0, [])  # 20/11: no deadline has passed


def test_overdue_steps_follow_the_cycle_calendar_and_the_clock(ctx, agency, clock):
    a, cycle = agency
    clock.set(date(2025, 12, 11))  # after the dossier deadline (30/11) and the council meeting (10/12)
    d, rows = _figures(ctx, a.secretary, cycle)
    late = {(o["nominee"], o["state"], o["deadline"], o["days_late"]) for o in d.overdue_items}
    assert late == {("Lê Thị Hoà", "registered", date(2025, 11, 30), 11),
                    ("Quách Văn Một", "department_reviewed", date(2025, 12, 10), 1)}
    assert (rows["Phòng Chính sách"].overdue, rows["Phòng Kế hoạch"].overdue, d.total.overdue) == (1, 1, 2)

    clock.set(date(2025, 12, 21))  # after the ceremony: the council-reviewed one is late too
    d, _ = _figures(ctx, a.secretary, cycle)
    assert d.total.overdue == 3


def test_a_department_head_sees_only_their_department_and_staff_see_nothing(ctx, agency):
    a, cycle = agency
    d, rows = _figures(ctx, a.other_head, cycle)
    assert list(rows) == ["Phòng Kế hoạch"]
    assert (d.total.active_staff, d.total.participants, d.total.recognised) == (3, 1, 1)
    with pytest.raises(Forbidden):
        _figures(ctx, a.staff_user, cycle)


def test_the_final_review_counts_the_whole_period(ctx, agency, make):
    a, _ = agency
    d, rows = _figures(ctx, a.agency_head, make.cycle("final", 2025))
    assert d.period == (2021, 2025) and d.period_label == "giai đoạn 2021-2025"
    kh = rows["Phòng Kế hoạch"]
    assert (kh.participants, kh.active_staff) == (2, 3)  # B's head took part in 2024
    assert rows["Phòng Chính sách"].recognised == 4      # I4 (2024) counts in the period
