"""`thidua demo`: the seed's agency with its history since 2021 and this year's cycle in progress.

Everything is created through the real use cases, with a clock walked through the years, so
the audit trail, versions and dates look like an agency that has used the tool since 2021.
The demo is built relative to the day it runs (the context's clock): the seed's 2021–2025
campaign is history, so is every earlier year of the current campaign, and the current year's
annual review is under way with its next deadline ahead, whatever the date.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from states import State

from . import (
    administration,
    authorisations,
    ballots,
    council,
    council_roster,
    criteria,
    decisions,
    directory,
    documents,
    dossier,
    nominations,
    registers,
    units,
)
from .audit import audit, fan_out
from .clock import FixedClock
from .context import Context
from .errors import DomainError
from .models import AgencyIdentity, Campaign, CouncilMeeting, Nomination, ReviewCycle, User, UserRole
from .models.audit import DEMO_MARK
from .nominations import ActionInput

DEMO_PASSWORD = "thidua@2026"

DEPARTMENTS = [
    ("VP", "Văn phòng Ban", "Tham mưu tổng hợp, hành chính, tổ chức, thi đua - khen thưởng; thường trực Hội đồng TĐKT."),
    ("CS", "Phòng Chính sách Dân tộc", "Tham mưu thực hiện chính sách dân tộc, chương trình mục tiêu quốc gia."),
    ("KH", "Phòng Kế hoạch - Tổng hợp", "Tham mưu kế hoạch, đầu tư, tổng hợp báo cáo, cải cách hành chính."),
    ("DT", "Phòng Địa bàn - Tuyên truyền", "Theo dõi địa bàn vùng đồng bào dân tộc thiểu số, tuyên truyền, phổ biến."),
    ("TT", "Thanh tra Ban", "Thanh tra, giải quyết khiếu nại, tố cáo, phòng chống tham nhũng."),
]
HEADS = {
    "VP": ("Huỳnh Thị Thanh Hoà", "Chánh Văn phòng"),
    "CS": ("Đinh Văn Lía", "Trưởng phòng"),
    "KH": ("Nguyễn Quốc Việt", "Trưởng phòng"),
    "DT": ("Phạm Thị Nhanh", "Trưởng phòng"),
    "TT": ("Trần Đức Thắng", "Chánh Thanh tra"),
}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Đinh"]
MIDDLE_M = ["Văn", "Đức", "Minh", "Quốc", "Hữu", "Thanh", "Công", "Xuân"]
MIDDLE_F = ["Thị", "Thị Thu", "Ngọc", "Thị Kim", "Thanh", "Thị Mỹ", "Thuỳ"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hùng", "Khánh", "Long", "Nam", "Phúc", "Quang", "Sơn", "Tuấn",
           "Trung", "Hiếu", "Lộc", "Tín", "Vũ"]
GIVEN_F = ["Hà", "Hạnh", "Lan", "Linh", "Mai", "Nga", "Thảo", "Trang", "Yến", "Ánh", "Nhung", "Thuỷ", "Hương",
           "Oanh", "Diễm", "Vy"]
# Quảng Ngãi's ethnic minorities (Hrê, Co, Ca Dong) carry names like these.
MINORITY = ["Đinh Văn Pương", "Hồ Thị Hoa", "Đinh Thị Ngoan", "Phạm Văn Chiến", "Hồ Văn Niên"]
HOMETOWNS = ["xã Nghĩa Hà, thành phố Quảng Ngãi", "xã Ba Động, huyện Ba Tơ", "thị trấn Di Lăng, huyện Sơn Hà",
             "xã Trà Phong, huyện Trà Bồng", "xã Phổ Văn, thị xã Đức Phổ", "xã Hành Thiện, huyện Nghĩa Hành",
             "xã Bình Sơn, huyện Bình Sơn", "xã Long Sơn, huyện Minh Long", "xã Sơn Tây, huyện Sơn Tây"]
INITIATIVE_TITLES = [
    ("e_government", "Số hoá hồ sơ chính sách đối với người có uy tín trong đồng bào dân tộc thiểu số"),
    ("procedures", "Rút ngắn thời gian giải quyết thủ tục hỗ trợ đất ở cho hộ nghèo dân tộc thiểu số"),
    ("direction", "Bảng theo dõi tiến độ nhiệm vụ CCHC trên phần mềm Q-Office"),
    ("civil_service", "Quy trình đánh giá, xếp loại công chức hằng tháng bằng phiếu điện tử"),
    ("e_government", "Ứng dụng bản đồ số theo dõi dự án đầu tư vùng đồng bào dân tộc thiểu số"),
    ("institutions", "Rà soát, hệ thống hoá văn bản quy phạm về công tác dân tộc của tỉnh"),
    ("public_finance", "Khoán chi hành chính gắn với kết quả thực hiện nhiệm vụ"),
    ("organisation", "Sắp xếp lại quy trình phối hợp giữa các phòng chuyên môn"),
    ("e_government", "Tiếp nhận phản ánh của người dân qua Zalo OA của cơ quan"),
    ("procedures", "Một cửa liên thông trong xét duyệt hỗ trợ học sinh dân tộc thiểu số"),
    ("e_government", "Chữ ký số trong xử lý văn bản nội bộ"),
    ("direction", "Sổ tay hướng dẫn thực hiện Chương trình MTQG 1719 cho cấp xã"),
    ("civil_service", "Khảo sát mức độ hài lòng của người dân (SIPAS) bằng biểu mẫu trực tuyến"),
    ("e_government", "Cơ sở dữ liệu người có uy tín dùng chung với UBND các huyện"),
]
TINY_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>"
            b">>endobj\n4 0 obj<</Length 58>>stream\nBT /F1 14 Tf 72 770 Td (Tai lieu mau - du lieu demo) Tj ET\n"
            b"endstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Times-Roman>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@dataclass
class Demo:
    ctx: Context
    clock: FixedClock
    rng: random.Random
    users: dict[str, int] = field(default_factory=dict)
    departments: dict[str, int] = field(default_factory=dict)
    staff: dict[str, list[int]] = field(default_factory=dict)  # department code -> person ids
    decision_seq: int = 0
    excellence: dict[int, float] = field(default_factory=dict)

    def at(self, day: date) -> None:
        fan_out(self.ctx)  # the day's events become that day's mail, as a running server's would
        self.clock.set(day)


def build(ctx: Context, progress=lambda n: None) -> None:
    """Create the demo agency in an initialised, empty database, as of the context's today."""
    today = ctx.clock.today()
    clock = FixedClock(date(2021, 1, 4), tz=ctx.clock.tz)
    # History is built without notifications: nobody needs 2021's emails in their inbox.
    demo = Demo(Context(db=ctx.db, settings=ctx.settings, clock=clock, subscribers=[]), clock, random.Random(2021))
    _plan_reference(demo)
    _people_and_users(demo)
    _deputy_assignment(demo, today)
    _council_roster(demo)
    _contact_details(demo)
    progress(15)
    history = range(2021, today.year)
    step = 70 // (2 * max(1, len(history)))
    for year in history:
        _evidence(demo, year)
        progress(step)
    for year in history:
        if year == 2025:
            _reorganisation_2025(demo)
        code = _campaign_for(demo, year)
        # The five-year review's ceremony comes before the year's (early December): its decision is
        # registered first, so the register's numbers follow its dates as an inspector expects.
        if _is_last_year(demo, code, year):
            _final_review(demo, code, year)
        _annual_history(demo, year, code)
        progress(step)
    # The cycle in progress is built with the real subscribers, so the mail page has mail.
    demo.ctx = Context(db=ctx.db, settings=ctx.settings, clock=clock, subscribers=ctx.subscribers)
    _cycle_in_progress(demo, today)
    fan_out(demo.ctx)
    progress(100 - 15 - 2 * step * len(history))


def credentials_text() -> str:
    lines = [
        "Tài khoản mẫu (mật khẩu chung: " + DEMO_PASSWORD + "):",
        "  admin               quản trị hệ thống",
        "  truongban           Trưởng Ban (Thủ trưởng cơ quan), Chủ tịch Hội đồng TĐKT",
        "  photruongban        Phó Trưởng Ban (ký KT.; ký TUQ. khi Trưởng Ban nghỉ phép), Phó Chủ tịch Hội đồng",
        "  thuky               Thư ký Hội đồng TĐKT (Văn phòng Sở)",
        "  hoidong1, hoidong2  thành viên Hội đồng TĐKT",
        "  truongphong_vp, truongphong_cs, truongphong_kh, truongphong_dt, truongphong_tt   trưởng các phòng",
        "  canbo_1 … canbo_40  cán bộ, công chức",
    ]
    return "\n".join(lines)


# --- people -------------------------------------------------------------------------------

def _person(demo: Demo, dept_code: str | None, name: str, position: str, female: bool | None = None) -> int:
    rng = demo.rng
    female = female if female is not None else (" Thị" in name or name.split()[-1] in GIVEN_F)
    return directory.create_person(
        demo.ctx, None, full_name=name, department_id=demo.departments.get(dept_code), position=position,
        birth_date=date(rng.randint(1968, 1996), rng.randint(1, 12), rng.randint(1, 28)),
        hometown=rng.choice(HOMETOWNS) + ", tỉnh Quảng Ngãi", gender="nu" if female else "nam",
        email=None)


def _user(demo: Demo, username: str, roles: list[str], person_id: int | None, display_name: str = "") -> None:
    demo.users[username] = directory.create_user(
        demo.ctx, None, username=username, password=DEMO_PASSWORD, roles=roles, person_id=person_id,
        email=f"{username}@sodttg.quangngai.gov.vn", display_name=display_name)


# Illustrative numbers: the documents print them as real ones would be printed; the web app says,
# on every page, that this database holds demo data (agency.demo_data_present), so no legal line
# carries a marker. The 2026-2030 plan is left empty on purpose: the build and the pages report it.
DEMO_PLAN_REFERENCE = "Kế hoạch số 768/KH-BDT ngày 20/9/2021 của Ban Dân tộc"
DEMO_AUTHORITY = {
    date(2018, 1, 1): ("Quyết định số 52/2016/QĐ-UBND ngày 20/9/2016 của UBND tỉnh Quảng Ngãi quy định chức năng,"
                       " nhiệm vụ, quyền hạn và cơ cấu tổ chức của Ban Dân tộc tỉnh Quảng Ngãi"),
    date(2025, 3, 1): ("Quyết định số 15/2025/QĐ-UBND ngày 28/02/2025 của UBND tỉnh Quảng Ngãi quy định chức năng,"
                       " nhiệm vụ, quyền hạn và cơ cấu tổ chức của Sở Dân tộc và Tôn giáo tỉnh Quảng Ngãi"),
}
DEMO_REGULATION = ("Quyết định số 30/2024/QĐ-UBND ngày 10/6/2024 của UBND tỉnh Quảng Ngãi ban hành Quy chế"
                   " công tác thi đua, khen thưởng trên địa bàn tỉnh")
DEMO_REGULATION_BEFORE = ("Quyết định số 12/2019/QĐ-UBND ngày 15/4/2019 của UBND tỉnh Quảng Ngãi ban hành Quy chế"
                          " công tác thi đua, khen thưởng trên địa bàn tỉnh")


def _plan_reference(demo: Demo) -> None:
    """The seed's plan has no number; the demo gives it an illustrative one, and the agency's
    authority acts illustrative numbers too."""
    with demo.ctx.db.transaction() as s:
        campaign = s.scalars(select(Campaign).where(Campaign.code == "CCHC-2021-2025")).one()
        if not campaign.plan_reference:
            campaign.plan_reference = DEMO_PLAN_REFERENCE
            audit(s, demo.ctx, actor_id=None, action="update_campaign", entity_type="campaign",
                  entity_id=campaign.id, payload={"plan_reference": DEMO_PLAN_REFERENCE})
        for identity in s.scalars(select(AgencyIdentity)):
            act = DEMO_AUTHORITY.get(identity.valid_from)
            if act and not identity.functions_act:
                identity.functions_act = act
                identity.emulation_regulation = (DEMO_REGULATION if identity.valid_from.year >= 2025
                                                 else DEMO_REGULATION_BEFORE)
                audit(s, demo.ctx, actor_id=None, action="update_agency_identity", entity_type="agency_identity",
                      entity_id=identity.id, payload={"functions_act": act})
        audit(s, demo.ctx, actor_id=None, action=DEMO_MARK, entity_type="campaign", entity_id=campaign.id,
              payload={"note": "dữ liệu minh họa"})


DEMO_ADDRESS = "Số 52 Hùng Vương, phường Cẩm Thành, thành phố Quảng Ngãi, tỉnh Quảng Ngãi"
QUALIFICATIONS = ["Cử nhân Luật", "Cử nhân Hành chính học", "Thạc sĩ Quản lý công", "Cử nhân Kinh tế",
                  "Kỹ sư Công nghệ thông tin", "Cử nhân Kế toán"]


def _contact_details(demo: Demo) -> None:
    """What achievement reports print: each unit's address, phone, email; each person's residence
    and qualifications (drawn from a generator of their own, so the rest of the demo is unchanged)."""
    from .models import Department, Person

    with demo.ctx.db.transaction() as s:
        for i, dept in enumerate(s.scalars(select(Department).order_by(Department.id))):
            dept.address = DEMO_ADDRESS
            dept.phone = f"0255.3822.{410 + i}"
            dept.email = f"{dept.code.lower()}.sdttg@quangngai.gov.vn"
        for person in s.scalars(select(Person).order_by(Person.id)):
            rng = random.Random(person.full_name)
            person.residence = person.residence or rng.choice(HOMETOWNS) + ", tỉnh Quảng Ngãi"
            person.qualifications = person.qualifications or rng.choice(QUALIFICATIONS)
        audit(s, demo.ctx, actor_id=None, action="update_directory_contacts", entity_type="department",
              entity_id=None, payload={"note": "địa chỉ, điện thoại, nơi thường trú, trình độ (dữ liệu minh họa)"})


def _reorganisation_2025(demo: Demo) -> None:
    """From 01/3/2025 the Ban became a Sở: its Office becomes Văn phòng Sở and its Inspectorate
    Thanh tra Sở, each a new dated version of the same unit (their award history stays)."""
    demo.at(date(2025, 3, 1))
    admin = demo.users["admin"]
    units.add_version(demo.ctx, admin, demo.departments["VP"], valid_from=date(2025, 3, 1), name="Văn phòng Sở",
                      kind="van_phong", note="Sắp xếp tổ chức: Ban Dân tộc thành Sở Dân tộc và Tôn giáo")
    units.add_version(demo.ctx, admin, demo.departments["TT"], valid_from=date(2025, 3, 1), name="Thanh tra Sở",
                      kind="thanh_tra", note="Sắp xếp tổ chức: Ban Dân tộc thành Sở Dân tộc và Tôn giáo")


def _people_and_users(demo: Demo) -> None:
    for code, name, functions in DEPARTMENTS:
        demo.departments[code] = directory.create_department(demo.ctx, None, code=code, name=name, functions=functions)
        demo.staff[code] = []
    _user(demo, "admin", ["admin"], None, "Quản trị hệ thống")
    head = _person(demo, None, "Lê Văn Minh", "Trưởng Ban")
    _user(demo, "truongban", ["agency_head", "council_member"], head)
    deputy = _person(demo, None, "Đặng Tấn Giản", "Phó Trưởng Ban")
    _user(demo, "photruongban", ["deputy_head", "council_member"], deputy)
    for code, (name, position) in HEADS.items():
        pid = _person(demo, code, name, position)
        directory.set_department_head(demo.ctx, None, demo.departments[code], pid)
        _user(demo, f"truongphong_{code.lower()}", ["department_head", "staff", "council_member"] if code == "VP"
              else ["department_head", "staff"], pid)
        demo.staff[code].append(pid)
    secretary = _person(demo, "VP", "Võ Thị Kim Oanh", "Chuyên viên, Thư ký Hội đồng TĐKT")
    _user(demo, "thuky", ["council_secretary", "council_member", "staff"], secretary)
    demo.staff["VP"].append(secretary)
    for i, username in enumerate(("hoidong1", "hoidong2")):
        code = ("CS", "KH")[i]
        pid = _person(demo, code, ("Phan Văn Tín", "Bùi Thị Hạnh")[i], "Phó Trưởng phòng")
        _user(demo, username, ["council_member", "staff"], pid)
        demo.staff[code].append(pid)
    names = set()
    codes = [c for c, _, _ in DEPARTMENTS]
    minority = list(MINORITY)
    n = 0
    while n < 40:
        female = demo.rng.random() < 0.5
        if minority and demo.rng.random() < 0.15:
            name = minority.pop()
        else:
            name = " ".join([demo.rng.choice(FAMILY), demo.rng.choice(MIDDLE_F if female else MIDDLE_M),
                             demo.rng.choice(GIVEN_F if female else GIVEN_M)])
        if name in names:
            continue
        names.add(name)
        n += 1
        code = codes[n % len(codes)]
        position = demo.rng.choice(["Chuyên viên", "Chuyên viên", "Chuyên viên chính", "Cán sự", "Kế toán viên"])
        pid = _person(demo, code, name, position)
        demo.staff[code].append(pid)
        _user(demo, f"canbo_{n}", ["staff"], pid)


# The head's steps a deputy may be authorised to take (approve, send back, reject).
HEAD_STEPS = sorted(authorisations.ACTIONS)


def _deputy_assignment(demo: Demo, today: date) -> None:
    """The deputy is assigned the emulation domain from the start: they may sign "KT." within it."""
    authorisations.record_authorisation(
        demo.ctx, demo.users["truongban"], delegate_id=demo.users["photruongban"], capacity="kt", actions=HEAD_STEPS,
        valid_from=date(2021, 1, 4), valid_to=date(today.year, 12, 31),
        domain="Công tác thi đua, khen thưởng; cải cách hành chính")


def _head_on_leave(demo: Demo, granted_on: date, leave_from: date, leave_to: date) -> None:
    """The head goes on leave: a written authorisation (TUQ.) names the deputy, and the head is marked
    away, so the head's work waits on the deputy too (inbox, reminders)."""
    demo.at(granted_on)
    authorisations.record_authorisation(
        demo.ctx, demo.users["truongban"], delegate_id=demo.users["photruongban"], capacity="tuq", actions=HEAD_STEPS,
        valid_from=leave_from, valid_to=leave_to, act_number=f"{granted_on:%d}/GUQ-SDTTG", act_date=granted_on,
        away=True)


# --- evidence ------------------------------------------------------------------------------

def _secretary(demo: Demo) -> int:
    return demo.users["thuky"]


def _evidence(demo: Demo, year: int, partial: bool = False, on: date | None = None) -> None:
    """Task ratings (December), the online contest (autumn) and initiatives of one year.

    `partial`: the year in progress as of `on`, which has only its initiatives so far.
    """
    rng, ctx, sec = demo.rng, demo.ctx, _secretary(demo)
    demo.at(date(year, 3, 15))
    everyone = [pid for people in demo.staff.values() for pid in people]
    # Initiatives: recognised at the agency mid-year, some appraised by Sở Nội vụ, some winning at its contest.
    for k in range(3 if partial else 6):
        field_, title = INITIATIVE_TITLES[(year * 3 + k) % len(INITIATIVE_TITLES)]
        code = rng.choice(list(demo.staff))
        authors = rng.sample(demo.staff[code], k=min(len(demo.staff[code]), rng.randint(1, 2)))
        recognised = date(year, 6, 10 + k) if on is None else max(date(year, 1, 2), on - timedelta(days=30 - k))
        demo.at(recognised + timedelta(days=1))
        demo.decision_seq += 1
        appraised = rng.random() < 0.6
        contest = rng.random() < 0.4
        registers.save_initiative(
            ctx, sec, title=f"{title} ({year})", field=field_, year=year, topic="Cải cách hành chính",
            department_id=demo.departments[code], author_ids=authors,
            recognition_number=f"{demo.decision_seq + 40}/QĐ-{'BDT' if recognised < date(2025, 3, 1) else 'SDTTG'}",
            recognition_date=recognised,
            appraisal_number=f"{200 + demo.decision_seq}/SNV-CCHC" if appraised and not partial else None,
            appraisal_date=date(year, 9, 20) if appraised and not partial else None,
            contest_recognition_number=f"{300 + demo.decision_seq}/QĐ-SNV" if contest and not partial else None,
            contest_recognition_date=date(year, 10, 15) if contest and not partial else None)
    if partial:
        return
    demo.at(date(year, 10, 30))
    for pid in everyone:
        participated = rng.random() < 0.92
        prize = rng.choice(["Giải Nhất", "Giải Nhì", "Giải Ba", "Giải Khuyến khích"]) if (
            participated and rng.random() < 0.12) else None
        registers.save_contest_result(ctx, sec, contest_kind="online_cchc", year=year, person_id=pid,
                                      participated=participated, score=round(rng.uniform(60, 100), 1)
                                      if participated else None, prize=prize, round="Vòng chung kết")
    demo.at(date(year, 11, 25))
    for pid in everyone:
        # Each person has a steady level of performance: some are excellent year after year.
        level = demo.excellence.setdefault(pid, rng.choice([0.97, 0.97, 0.8, 0.6, 0.5, 0.35]))
        rating = "excellent" if rng.random() < level else rng.choice(["good", "good", "completed"])
        registers.save_task_rating(ctx, sec, year=year, rating=rating, person_id=pid)
    for code, did in demo.departments.items():
        registers.save_task_rating(ctx, sec, year=year, rating="excellent" if rng.random() < 0.9 else "good",
                                   department_id=did)


# --- nominations ---------------------------------------------------------------------------

def _cycle(demo: Demo, code: str, kind: str, year: int) -> ReviewCycle:
    with demo.ctx.db.reading() as s:
        return s.scalars(select(ReviewCycle).join(Campaign).options(joinedload(ReviewCycle.campaign)).where(
            Campaign.code == code, ReviewCycle.kind == kind, ReviewCycle.year == year)).one()


def _eligible(demo: Demo, cycle: ReviewCycle, *, person_id=None, department_id=None) -> tuple[bool, bool]:
    """(criteria met, rests on an initiative)."""
    with demo.ctx.db.reading() as s:
        c = s.get(ReviewCycle, cycle.id)
        result = criteria.evaluate(s, demo.ctx.settings, c, nominee_type="individual" if person_id else "collective",
                                   person_id=person_id, department_id=department_id)
        return result.met, result.uses_initiative


def _head_of(demo: Demo, code: str) -> int:
    return demo.users[f"truongphong_{code.lower()}"]


def _version(demo: Demo, nid: int) -> int:
    with demo.ctx.db.reading() as s:
        return s.get(Nomination, nid).version


def _act(demo: Demo, user: int, nid: int, action: str, **kw) -> None:
    nominations.take_action(demo.ctx, user, nid, action, ActionInput(version=_version(demo, nid), **kw))


def _nominate(demo: Demo, cycle: ReviewCycle, code: str, *, person_id=None, uses_initiative=False) -> int:
    head = _head_of(demo, code)
    nid = nominations.create_nomination(
        demo.ctx, head, cycle_id=cycle.id, nominee_type="individual" if person_id else "collective",
        person_id=person_id, department_id=None if person_id else demo.departments[code],
        award_form="agency_certificate",
        summary="Có thành tích tiêu biểu trong phong trào thi đua “Mô hình, sáng kiến cải cách hành chính”.")
    dossier.upload_for_nomination(demo.ctx, head, nid, "achievement_report", "bao-cao-thanh-tich.pdf", TINY_PDF)
    if uses_initiative:
        dossier.upload_for_nomination(demo.ctx, demo.users["thuky"], nid, "recognition_decision",
                                      "quyet-dinh-cong-nhan-sang-kien.pdf", TINY_PDF)
    return nid


def _acting_people(demo: Demo) -> set[int]:
    """People whose accounts take workflow steps (the secretary): separation of duties keeps them
    from advancing their own dossier, so the demo does not nominate them."""
    with demo.ctx.db.reading() as s:
        return set(s.scalars(select(User.person_id).join(UserRole).where(UserRole.role != "staff",
                                                                          User.person_id.is_not(None))))


def _candidates(demo: Demo, cycle: ReviewCycle, limit_per_department: int) -> list[tuple[str, int | None, bool]]:
    out = []
    acting = _acting_people(demo)
    for code, people in demo.staff.items():
        taken = 0
        met, uses = _eligible(demo, cycle, department_id=demo.departments[code])
        if met:
            out.append((code, None, uses))
        for pid in people:
            if taken >= limit_per_department:
                break
            if pid in acting:
                continue
            met, uses = _eligible(demo, cycle, person_id=pid)
            if met:
                out.append((code, pid, uses))
                taken += 1
    return out


def _through_department(demo: Demo, cycle: ReviewCycle, picks) -> list[int]:
    demo.at(cycle.dossier_deadline - timedelta(days=20))
    nids = [(code, _nominate(demo, cycle, code, person_id=pid, uses_initiative=uses)) for code, pid, uses in picks]
    demo.at(cycle.dossier_deadline - timedelta(days=8))
    for code in {c for c, _ in nids}:
        dossier.upload_for_department(demo.ctx, _head_of(demo, code), cycle.id, demo.departments[code],
                                      "department_minutes", f"bien-ban-hop-xet-{code.lower()}.pdf", TINY_PDF)
    demo.at(cycle.dossier_deadline - timedelta(days=5))
    reviewed = []
    for code, nid in nids:
        try:
            _act(demo, _head_of(demo, code), nid, "department_review")
            reviewed.append(nid)
        except DomainError:
            pass
    return reviewed


# The council (Hội đồng TĐKT) of the demo: username, council role; all seated for the whole period.
COUNCIL_SEATS = [("truongban", "chair"), ("photruongban", "vice_chair"), ("thuky", "secretary"),
                 ("truongphong_vp", "member"), ("hoidong1", "member"), ("hoidong2", "member")]


# On 01/3/2025 the Ban became a Sở: council members whose title named the Ban start a new term
# under the new title (the minutes name each member as they were titled on the meeting's day).
RETITLED = {"Trưởng Ban": "Giám đốc Sở", "Phó Trưởng Ban": "Phó Giám đốc Sở"}


def _council_roster(demo: Demo) -> None:
    with demo.ctx.db.reading() as s:
        people = {u: s.get(User, demo.users[u]).person for u, _ in COUNCIL_SEATS}
    for username, role in COUNCIL_SEATS:
        person = people[username]
        kwargs = {"person_id": person.id, "council_role": role}
        if person.position in RETITLED:
            council_roster.add_member(demo.ctx, demo.users["thuky"], **kwargs, title=person.position,
                                      term_from=date(2021, 1, 1), term_to=date(2025, 2, 28))
            council_roster.add_member(demo.ctx, demo.users["thuky"], **kwargs, title=RETITLED[person.position],
                                      term_from=date(2025, 3, 1))
        else:
            council_roster.add_member(demo.ctx, demo.users["thuky"], **kwargs, term_from=date(2021, 1, 1))


def _meeting(demo: Demo, cycle: ReviewCycle, held_on: date) -> int:
    """The council meets: everyone but the last member attends; the head chairs and the secretary keeps
    the minutes."""
    demo.at(held_on)
    with demo.ctx.db.reading() as s:
        seated = [m.id for m in council_roster.in_office(s, held_on)]
    return council.record_meeting(demo.ctx, demo.users["thuky"], cycle.id, council.MeetingInput(
        held_on=held_on, starts_at=time(8, 0), ends_at=time(10, 30), place="Phòng họp tầng 2",
        chair_member_id=seated[0], secretary_member_id=seated[2], present_member_ids=seated[:-1]))


def _council(demo: Demo, cycle: ReviewCycle, nids: list[int], held_on: date, *, against: set[int] = frozenset()) -> int:
    """A meeting of the years before the app held votes: the secretary typed the paper tally."""
    meeting = _meeting(demo, cycle, held_on)
    sec = demo.users["thuky"]
    for nid in nids:
        yes = 2 if nid in against else 5
        council.record_vote(demo.ctx, sec, meeting, nomination_id=nid, votes_for=yes, votes_against=5 - yes)
    council.advance_passed(demo.ctx, sec, meeting)
    return meeting


def _council_in_app(demo: Demo, cycle: ReviewCycle, held_on: date) -> int:
    """The council votes in the app: the secretary opens voting on the agenda, each member present votes
    from their own account (one against the last item), the secretary closes, what passed advances and
    the minutes are generated from the tally."""
    meeting = _meeting(demo, cycle, held_on)
    sec = demo.users["thuky"]
    ballots.open_voting(demo.ctx, sec, meeting)
    with demo.ctx.db.reading() as s:
        m = s.get(CouncilMeeting, meeting)
        present = [a.member.person_id for a in m.attendance if a.present]
        agenda = [i.nomination_id for i in s.get(ballots.CouncilVoting, meeting).agenda]
        logins = {u.person_id: u.id for u in s.scalars(select(User).where(User.person_id.in_(present)))}
    for k, person_id in enumerate(present):
        choices = {nid: "for" for nid in agenda}
        if k == len(present) - 1:
            choices[agenda[-1]] = "against"
        ballots.cast_ballots(demo.ctx, logins[person_id], meeting, choices)
    ballots.close_voting(demo.ctx, sec, meeting)
    council.advance_passed(demo.ctx, sec, meeting)
    documents.generate(demo.ctx, sec, "council_minutes", meeting_id=meeting)
    return meeting


def _approve_and_award(demo: Demo, cycle: ReviewCycle, nids: list[int], *, deputy: bool = False) -> None:
    approve_on = cycle.ceremony_on - timedelta(days=5)
    demo.at(approve_on)
    approver = demo.users["photruongban" if deputy else "truongban"]
    for nid in nids:
        _act(demo, approver, nid, "head_approve")
    decided_on = cycle.ceremony_on - timedelta(days=2)
    demo.at(decided_on)
    # the decision enters the register with the next number; the one who approved signs it
    decision = decisions.create_decision(demo.ctx, demo.users["thuky"], signed_on=decided_on, signer_user_id=approver,
                                         cycle_id=cycle.id, summary=f"Khen thưởng {cycle.title}")
    for nid in nids:
        _act(demo, demo.users["thuky"], nid, "award", decision_id=decision)


def _states(demo: Demo, nids) -> dict[int, str]:
    with demo.ctx.db.reading() as s:
        return {nid: s.get(Nomination, nid).state for nid in nids}


def _annual_history(demo: Demo, year: int, campaign_code: str = "CCHC-2021-2025") -> None:
    cycle = _cycle(demo, campaign_code, "annual", year)
    _registrations(demo, campaign_code, year, all_approved=True)
    reviewed = _through_department(demo, cycle, _candidates(demo, cycle, limit_per_department=2))
    if not reviewed:
        return
    # One dossier each year is sent back by the secretary and completed again by the department.
    demo.at(cycle.dossier_deadline - timedelta(days=2))
    first = reviewed[0]
    _act(demo, demo.users["thuky"], first, "send_back",
         comment="Báo cáo thành tích chưa nêu số quyết định công nhận sáng kiến; đề nghị bổ sung.")
    with demo.ctx.db.reading() as s:
        dept_code = next(c for c, d in demo.departments.items() if d == s.get(Nomination, first).department_id)
    _act(demo, _head_of(demo, dept_code), first, "department_review")
    if year == 2022 and len(reviewed) > 4:
        # The department withdrew one dossier itself before the council met.
        withdrawn = reviewed.pop(1)
        with demo.ctx.db.reading() as s:
            code = next(c for c, d in demo.departments.items() if d == s.get(Nomination, withdrawn).department_id)
        _act(demo, _head_of(demo, code), withdrawn, "withdraw", comment="Cá nhân chuyển công tác, Phòng rút đề nghị.")
    against = {reviewed[-1]} if len(reviewed) > 3 else set()
    _council(demo, cycle, reviewed, cycle.council_meeting_on, against=against)
    passed = [nid for nid, state in _states(demo, reviewed).items() if state == State.COUNCIL_REVIEWED]
    # The council did not pass one: the secretary records the rejection with the reason.
    for nid in against:
        demo.at(cycle.council_meeting_on + timedelta(days=1))
        _act(demo, demo.users["thuky"], nid, "reject", comment="Hội đồng biểu quyết không đạt tỷ lệ đề nghị khen thưởng.")
    _approve_and_award(demo, cycle, passed, deputy=(year == 2023))


def _final_review(demo: Demo, campaign_code: str, year: int) -> None:
    cycle = _cycle(demo, campaign_code, "final", year)
    picks = _candidates(demo, cycle, limit_per_department=1)
    reviewed = _through_department(demo, cycle, picks)
    if len(reviewed) >= 2:
        # A complaint is pending against one nominee: the law forbids awarding meanwhile.
        demo.at(cycle.council_meeting_on - timedelta(days=3))
        _act(demo, demo.users["thuky"], reviewed[-1], "hold",
             comment="Đang giải quyết đơn khiếu nại liên quan (Thanh tra Sở thụ lý).")
        reviewed = reviewed[:-1]
    _council(demo, cycle, reviewed, cycle.council_meeting_on)
    passed = [nid for nid, state in _states(demo, reviewed).items() if state == State.COUNCIL_REVIEWED]
    _approve_and_award(demo, cycle, passed)


def _registrations(demo: Demo, campaign_code: str, year: int, *, all_approved: bool,
                   on: date | None = None) -> None:
    with demo.ctx.db.reading() as s:
        campaign_id = s.scalars(select(Campaign.id).where(Campaign.code == campaign_code)).one()
    on = on or date(year, 3, 10)
    demo.at(on)
    codes = list(demo.departments)
    for i, code in enumerate(codes):
        submit = all_approved or i < 3
        reg = registers.save_registration(
            demo.ctx, _head_of(demo, code), campaign_id=campaign_id, department_id=demo.departments[code], year=year,
            collective=True, person_ids=demo.staff[code][: 3 + i], submit=submit,
            target="Phấn đấu đạt Giấy khen về thành tích thi đua chuyên đề CCHC")
        if submit and (all_approved or i < 2):
            demo.at(max(on, min(date(year, 3, 20), on + timedelta(days=10))))
            registers.decide_registration(demo.ctx, demo.users["thuky"], reg, approve=True)


def _campaign_for(demo: Demo, year: int) -> str:
    """The code of the campaign whose period holds `year`; a next five-year one is opened if none does."""
    with demo.ctx.db.reading() as s:
        campaigns = list(s.scalars(select(Campaign).order_by(Campaign.start_year)))
    for campaign in campaigns:
        if campaign.start_year <= year <= campaign.end_year:
            return campaign.code
    last = campaigns[-1]
    start = last.end_year + 1
    while start + 4 < year:
        start += 5
    code = f"CCHC-{start}-{start + 4}"
    administration.create_campaign(
        demo.ctx, demo.users["admin"], code=code, start_year=start, end_year=start + 4,
        name=f"Phong trào thi đua “Mô hình, sáng kiến cải cách hành chính” giai đoạn {start}-{start + 4}")
    return code


def _is_last_year(demo: Demo, code: str, year: int) -> bool:
    with demo.ctx.db.reading() as s:
        return s.scalars(select(Campaign.end_year).where(Campaign.code == code)).one() == year


# The in-progress cycle's story, in days before today: registrations, the year's evidence, the
# nominations, two departments' reviews, a dossier sent back, an early council meeting, one approval.
STORY_DAYS = {"evidence": 20, "nominated": 19, "reviewed": 13, "sent_back": 11,
              "council": 7, "approved": 6, "resubmitted": 3}
# Days from today to the cycle's next deadlines, when its own calendar has them behind already.
AHEAD_DAYS = {"dossier_deadline": 7, "council_meeting_on": 12, "ceremony_on": 20}


def _story_day(today: date, step: str) -> date:
    """The day a step of the in-progress story happened: before today, never before 2 January."""
    return max(date(today.year, 1, 2), today - timedelta(days=STORY_DAYS[step]))


def _keep_deadlines_ahead(demo: Demo, cycle: ReviewCycle, today: date) -> ReviewCycle:
    """Move the demo cycle's remaining deadlines after today, so that a new user's first screen is not overdue."""
    if cycle.dossier_deadline > today:
        return cycle
    dates = {name: max(getattr(cycle, name), today + timedelta(days=days)) for name, days in AHEAD_DAYS.items()}
    demo.at(today)
    administration.update_cycle_calendar(demo.ctx, demo.users["admin"], cycle.id,
                                         registration_deadline=cycle.registration_deadline, **dates)
    return _cycle(demo, cycle.campaign.code, "annual", cycle.year)


def _cycle_in_progress(demo: Demo, today: date) -> None:
    """This year's annual review, under way: every role has something waiting."""
    code = _campaign_for(demo, today.year)
    cycle = _cycle(demo, code, "annual", today.year)
    _registrations(demo, code, today.year, all_approved=False,
                   on=min(date(today.year, 3, 10), _story_day(today, "evidence")))
    _evidence(demo, today.year, partial=True, on=_story_day(today, "evidence"))
    # This year's contest results are in.
    demo.at(_story_day(today, "evidence"))
    rng, sec = demo.rng, demo.users["thuky"]
    for people in demo.staff.values():
        for pid in people:
            participated = rng.random() < 0.85
            registers.save_contest_result(demo.ctx, sec, contest_kind="online_cchc", year=today.year, person_id=pid,
                                          participated=participated,
                                          prize=rng.choice(["Giải Ba", "Giải Khuyến khích"])
                                          if participated and rng.random() < 0.2 else None)
    picks = _candidates(demo, cycle, limit_per_department=3)
    demo.at(_story_day(today, "nominated"))
    created = [(code, _nominate(demo, cycle, code, person_id=pid, uses_initiative=uses)) for code, pid, uses in picks]
    # Two departments have held their review meeting; the others have not yet.
    reviewed = []
    demo.at(_story_day(today, "reviewed"))
    for code in ("CS", "KH"):
        dossier.upload_for_department(demo.ctx, _head_of(demo, code), cycle.id, demo.departments[code],
                                      "department_minutes", f"bien-ban-hop-xet-{code.lower()}-{today.year}.pdf",
                                      TINY_PDF)
        for c, nid in created:
            if c == code:
                _act(demo, _head_of(demo, code), nid, "department_review")
                reviewed.append(nid)
    if len(reviewed) >= 3:
        demo.at(_story_day(today, "sent_back"))
        _act(demo, sec, reviewed[0], "send_back",
             comment="Thiếu xác nhận của Sở Nội vụ về giải thưởng cuộc thi; đề nghị Phòng bổ sung.")
        # An early council meeting voted in the app on what the departments had reviewed; the head then
        # went on leave under a written authorisation, and the deputy approved one dossier "TUQ.".
        _council_in_app(demo, cycle, _story_day(today, "council"))
        _head_on_leave(demo, _story_day(today, "council"), _story_day(today, "approved"), today + timedelta(days=7))
        demo.at(_story_day(today, "approved"))
        passed = [nid for nid, state in _states(demo, reviewed).items() if state == State.COUNCIL_REVIEWED]
        deputy = demo.users["photruongban"]
        if passed:
            _act(demo, deputy, passed[0], "head_approve")
            # its decision, signed by the deputy "TUQ.", is registered and the award recorded
            decision = decisions.create_decision(demo.ctx, sec, signed_on=_story_day(today, "approved"),
                                                 signer_user_id=deputy, cycle_id=cycle.id,
                                                 summary=f"Khen thưởng {cycle.title} (đợt 1)")
            _act(demo, sec, passed[0], "award", decision_id=decision)
        if len(passed) > 2:
            _act(demo, deputy, passed[1], "head_approve")     # its decision is still to be registered
        # the dossier sent back, completed, is reviewed again by its department for the next meeting
        demo.at(_story_day(today, "resubmitted"))
        with demo.ctx.db.reading() as s:
            code = next(c for c, d in demo.departments.items() if d == s.get(Nomination, reviewed[0]).department_id)
        _act(demo, _head_of(demo, code), reviewed[0], "department_review")
    _keep_deadlines_ahead(demo, cycle, today)
    demo.at(today)
