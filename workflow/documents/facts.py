"""Read what the documents say from the database, as plain dicts the templates can print."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from .. import criteria
from ..agency import identity_on, legal_texts_on
from ..authorisations import in_force
from ..clock import LOCAL_TZ
from ..models import (
    AWARD_FORMS,
    SIGNING_CAPACITIES,
    BallotParticipation,
    CouncilMeeting,
    CouncilVote,
    CouncilVoting,
    Department,
    Nomination,
    Person,
    ReviewCycle,
    User,
)
from ..nominations import quorum_met, vote_passes
from ..units import join_title, unit_on
from . import vn

# A nomination still in the running (or awarded) appears on lists; dropped ones do not.
LIVE_STATES = ("registered", "department_reviewed", "council_reviewed", "head_approved", "awarded", "on_hold")
PROPOSED_STATES = ("department_reviewed", "council_reviewed", "head_approved", "awarded")
APPROVED_STATES = ("head_approved", "awarded")


def agency(identity) -> dict:
    """The identity in force, with the forms documents print it in."""
    return {
        "name": identity.name, "short_name": identity.short_name, "superior_name": identity.superior_name,
        "head_title": identity.head_title, "deputy_title": identity.deputy_title, "symbol": identity.symbol,
        "place": identity.place, "office_name": identity.office_name,
        "functions_act": identity.functions_act, "emulation_regulation": identity.emulation_regulation,
        "authority": vn.authority(identity.head_title, identity.short_name),
        "word": identity.short_name.split()[0] if identity.short_name else "",  # "Sở" / "Ban"
    }


def header(s: Session, on: date, *, issuer: str | None = None, superior: str | None = None,
           number: str | None = None, doc_type: str = "", with_number: bool = False) -> dict:
    """What the title block of a document dated `on` prints."""
    ident = identity_on(s, on)
    a = agency(ident)
    return {
        "agency": a,
        "superior": vn.agency_line(superior if superior is not None else a["superior_name"]),
        "issuer": vn.agency_line(issuer if issuer is not None else a["short_name"]),
        "agency_rule": vn.rule_choice(issuer if issuer is not None else a["short_name"]),
        "number_line": vn.number_line(number, doc_type, ident.symbol) if with_number else "",
        "date_line": vn.place_date(ident.place, on),
        "doc_date": on,
    }


def legal_bases(settings, on: date, campaign, identity=None) -> tuple[list[str], list[str]]:
    """'Căn cứ …' lines in force on `on`, and what is missing or unconfirmed (to report, never to hide).

    Order: the act setting the agency's functions (the signer's authority), the law, the decree,
    the circular, the province's emulation regulation, then the campaign's plan."""
    lines, problems = [], []
    texts = legal_texts_on(settings, on)
    if identity is not None:
        if identity.functions_act:
            lines.append(f"Căn cứ {identity.functions_act};")
        else:
            problems.append("Chưa khai báo văn bản quy định chức năng, nhiệm vụ, quyền hạn của cơ quan"
                            " (căn cứ thẩm quyền của người ký) — cần bổ sung ở thông tin cơ quan.")
    for row in texts:
        lines.append(f"Căn cứ {row['citation']};")
        if row.get("confirm"):
            problems.append(f"Cần xác nhận căn cứ pháp lý: {row['confirm']}")
    if not any(r["kind"] == "law" for r in texts) or not any(r["kind"] == "decree" for r in texts):
        problems.append(f"Không có luật hoặc nghị định hiệu lực ngày {vn.short_date(on)} trong cấu hình.")
    if identity is not None:
        if identity.emulation_regulation:
            lines.append(f"Căn cứ {identity.emulation_regulation};")
        else:
            problems.append("Chưa khai báo quy định về công tác thi đua, khen thưởng của tỉnh"
                            " — cần bổ sung ở thông tin cơ quan.")
    if campaign.plan_reference:
        lines.append(f"Căn cứ {campaign.plan_reference} về việc phát động {vn.lower_first(campaign.name)};")
    else:
        problems.append(f"Chưa nhập số, ngày của kế hoạch phát động phong trào “{campaign.code}”"
                        " — cần bổ sung ở trang phong trào.")
    return lines, problems


def decision_gaps(s: Session, settings, cycle_id: int) -> list[str]:
    """What a cycle's decision would lack or print unconfirmed (plan, the signer's authority, a law
    row to confirm), for the page where the secretary makes the documents: fill it in, not drop it."""
    cycle = s.get(ReviewCycle, cycle_id)
    if cycle is None:
        return []
    on = cycle.council_meeting_on
    return legal_bases(settings, on, cycle.campaign, identity_on(s, on))[1]


UNIT_FACTS = (("address", "địa chỉ trụ sở"), ("phone", "điện thoại"), ("email", "thư điện tử"),
              ("functions", "chức năng, nhiệm vụ"))
PERSON_FACTS = (("birth_date", "ngày sinh"), ("gender", "giới tính"), ("hometown", "quê quán"),
                ("residence", "nơi thường trú"), ("position", "chức vụ"), ("qualifications", "trình độ chuyên môn"))


def report_gaps(nom: Nomination) -> list[str]:
    """What the nominee's achievement report would leave as a dotted blank: to fill in before the
    department reviews it (the directory, or an import of the staff list, holds these facts)."""
    if nom.person_id is None:
        gaps = [label for key, label in UNIT_FACTS if not getattr(nom.department, key)]
        return gaps + ([] if nom.department.head_person_id else ["người đứng đầu đơn vị"])
    return [label for key, label in PERSON_FACTS if not getattr(nom.person, key)]


def campaign_phrase(cycle: ReviewCycle) -> str:
    return vn.lower_first(cycle.campaign.name)


def cycle_phrase(cycle: ReviewCycle) -> str:
    return "đợt " + vn.lower_first(cycle.title)


def dossier_date(ctx, cycle: ReviewCycle) -> date:
    """A dossier is dated when it is made, never after its cycle's dossier deadline."""
    return min(ctx.clock.today(), cycle.dossier_deadline)


def local_date(ctx, moment) -> date | None:
    return moment.astimezone(ctx.clock.tz).date() if moment else None


# --- nominees ------------------------------------------------------------------------------

def staff_count(s: Session, department_id: int) -> int:
    return s.scalar(select(func.count(Person.id)).where(Person.department_id == department_id,
                                                        Person.active.is_(True))) or 0


def unit_name(dept: Department, on: date) -> str:
    """The department's name as it stood on `on`."""
    return unit_on(dept, on).name


def nominee(nom: Nomination, on: date) -> dict:
    """Name, position and unit of a nominee as they stood on `on`, for list rows.

    `post` is the position joined to the unit without doubled words ('Trưởng phòng Kế hoạch')."""
    dept = nom.department
    if nom.person_id is None:
        name = unit_name(dept, on)
        return {"name": name, "position": "", "unit": name, "line": name, "post": name,
                "honorific": "", "heading": name}
    p = nom.person
    position = p.position or ""
    unit = unit_name(p.department or dept, on)
    post = join_title(position, unit) if position else unit
    line = f"{vn.honorific(p.gender)} {p.full_name}, {post}"
    return {"name": p.full_name, "position": position, "unit": unit, "line": line, "post": post,
            "honorific": vn.honorific(p.gender), "heading": line}


def nominee_sort_key(nom: Nomination):
    # only the key that counts is read: the other relationship may not be loaded
    if nom.person_id is None:
        return _list_key(None, nom.department.sort_key, None, nom.id)
    return _list_key(nom.person_id, None, nom.person.sort_key, nom.id)


def _list_key(person_id, department_key, person_key, nomination_id) -> tuple:
    """Collectives before individuals, each by name: the order of every list, from the sort keys alone."""
    if person_id is None:
        return (0, department_key, nomination_id)
    return (1, person_key, nomination_id)


def ordered_nominations(s: Session, cycle_id: int, *, live: bool) -> list:
    """A cycle's nominations (only those on lists if `live`) as columns, in list order: department, then
    collectives before individuals, by name (nominee_sort_key's order without loading the objects).
    A few hundred bytes a nominee, for a whole-cycle build or workbook that loads them a chunk at a time."""
    q = (select(Nomination.id, Nomination.department_id, Nomination.person_id, Nomination.state,
                Nomination.award_form, Nomination.council_meeting_id, Department.sort_key.label("department_key"),
                Person.sort_key.label("person_key"))
         .join(Department, Department.id == Nomination.department_id)
         .outerjoin(Person, Person.id == Nomination.person_id)
         .where(Nomination.cycle_id == cycle_id))
    if live:
        q = q.where(Nomination.state.in_(LIVE_STATES))
    return sorted(s.execute(q).all(), key=lambda r: (r.department_key, row_sort_key(r)))


def row_sort_key(r) -> tuple:
    """nominee_sort_key of a row with the columns id, person_id, department_key and person_key."""
    return _list_key(r.person_id, r.department_key, r.person_key, r.id)


def approved_for_certificate(s: Session, meeting_id: int) -> list:
    """A meeting's nominations approved for the agency's Giấy khen, as columns in list order: what an award
    decision needs to choose its nominees and its signer. A meeting may approve a whole cycle, and an
    object (with its criteria) is some 4 KiB."""
    return sorted(s.execute(
        select(Nomination.id, Nomination.person_id, Nomination.state, Nomination.decision_id,
               Nomination.decision_number, Nomination.decision_date, Nomination.approved_by_id,
               Nomination.approved_at, Nomination.approved_for_head,
               Department.sort_key.label("department_key"), Person.sort_key.label("person_key"))
        .join(Department, Department.id == Nomination.department_id)
        .outerjoin(Person, Person.id == Nomination.person_id)
        .where(Nomination.council_meeting_id == meeting_id, Nomination.state.in_(APPROVED_STATES),
               Nomination.award_form == "agency_certificate")).all(), key=row_sort_key)


def nominees_on(s: Session, ids: list[int], on: date) -> list[dict]:
    """`nominee(…, on)` of each nomination, in the order given: loaded a chunk at a time with their
    departments and people (a query per chunk, not per nominee), and only the rows kept."""
    rows = []
    for chunk in chunks(ids, VOTES_AT_ONCE):
        loaded = {n.id: n for n in s.scalars(select(Nomination).where(Nomination.id.in_(chunk)).options(
            joinedload(Nomination.department), joinedload(Nomination.person).joinedload(Person.department)))}
        rows.extend(nominee(loaded[nid], on) for nid in chunk)
    return rows


def chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def award_title(nom: Nomination, authority: str) -> str:
    """'Giấy khen của Giám đốc Sở Dân tộc và Tôn giáo' (authority as in force), or the proposal upwards."""
    if nom.award_form == "agency_certificate":
        return f"Giấy khen của {authority}"
    return AWARD_FORMS[nom.award_form]


def list_note(nom: Nomination, head_title: str) -> str:
    note = f"Đề nghị tặng Giấy khen của {head_title}" if nom.award_form == "agency_certificate" \
        else AWARD_FORMS[nom.award_form]
    return f"{note}. {nom.summary}" if nom.summary else note


# --- evidence and past awards ----------------------------------------------------------------

def checklist(s: Session, settings, nom: Nomination) -> dict:
    """The criteria stored at the department's review, or evaluated now if not reviewed yet."""
    if nom.criteria:
        return nom.criteria
    return criteria.evaluate(s, settings, nom.cycle, nominee_type=nom.nominee_type, person_id=nom.person_id,
                             department_id=nom.department_id).as_dict()


def _decision(number, when) -> str:
    return f"Quyết định số {number} ngày {vn.short_date(vn.iso_date(when))}" if number else ""


def evidence_text(item: dict) -> str:
    kind = item.get("type")
    if kind == "initiative":
        parts = [f"Sáng kiến “{item['title']}” (năm {item['year']})"]
        if item.get("recognition_number"):
            parts.append("được công nhận tại cơ quan theo "
                         + _decision(item["recognition_number"], item.get("recognition_date")))
        if item.get("appraisal_number"):
            parts.append(f"được Sở Nội vụ thẩm định tại văn bản số {item['appraisal_number']}"
                         f" ngày {vn.short_date(vn.iso_date(item.get('appraisal_date')))}")
        if item.get("contest_recognition_number"):
            parts.append("được Sở Nội vụ công nhận tại cuộc thi theo "
                         + _decision(item["contest_recognition_number"], item.get("contest_recognition_date")))
        return "; ".join(parts) + "."
    if kind == "contest_result":
        round_ = f" ({item['round']})" if item.get("round") else ""
        return f"{item['contest_title']} năm {item['year']}{round_}: đạt {item['prize']}."
    if kind == "task_rating":
        return f"Năm {item['year']}: {item['rating_title']}."
    return str(item.get("title") or item)


def criteria_lines(check: dict) -> list[dict]:
    """The criteria the nominee met, each with its evidence: a report states achievements, not gaps."""
    return [{"label": line["label"], "evidence": [evidence_text(e) for e in line.get("evidence", [])]}
            for line in check.get("lines", []) if line["met"]]


def past_awards(s: Session, nom: Nomination, before: date) -> list[dict]:
    """The nominee's awards recorded here and decided by `before` (the report's date); an award of a
    thematic movement says so (Decree 152/2025 Art. 4: no basis for higher-level merit)."""
    q = select(Nomination).where(Nomination.state == "awarded", Nomination.id != nom.id,
                                 Nomination.decision_date <= before)
    if nom.person_id is not None:
        q = q.where(Nomination.person_id == nom.person_id)
    else:
        q = q.where(Nomination.person_id.is_(None), Nomination.department_id == nom.department_id)
    rows = []
    for other in s.scalars(q.order_by(Nomination.decision_date, Nomination.id)):
        ident = identity_on(s, other.decision_date)
        authority = vn.authority(ident.head_title, ident.short_name)
        form = award_title(other, authority)
        decision = f"Quyết định số {other.decision_number} ngày {vn.short_date(other.decision_date)}"
        if other.award_form == "agency_certificate":
            decision += f" của {authority}"
        if other.cycle.campaign.thematic and other.award_form == "agency_certificate":
            form += " (khen thưởng theo chuyên đề)"
        rows.append({"year": str(other.decision_date.year), "form": form, "decision": decision,
                     "line": f"Năm {other.decision_date.year}: {form} ({decision})."})
    return rows


# --- signatures ------------------------------------------------------------------------------

def _signature(identity, deputy: bool, granted, name: str) -> dict:
    """The signature block: the head's own, or a deputy's under the capacity in force ('KT.', or 'TUQ.'
    with the written act it stands on, cited among the decision's bases)."""
    mark = SIGNING_CAPACITIES[granted.capacity] if granted else "KT."
    return {
        "on_behalf": f"{mark} " + vn.upper(identity.head_title) if deputy else "",
        "title": vn.upper(identity.deputy_title if deputy else identity.head_title),
        "name": name,
        "act": (f"Căn cứ văn bản ủy quyền số {granted.act_number} ngày {granted.act_date:%d/%m/%Y}"
                f" của {identity.head_title};") if deputy and granted and granted.capacity == "tuq" else "",
    }


def head_signature(s: Session, identity, nominations: list) -> dict:
    """Who signs for the head: the approver of the latest approval, in the capacity they approved under
    (`nominations`: objects, or rows with the approval's columns)."""
    approved = [n for n in nominations if n.approved_by_id]
    latest = max(approved, key=lambda n: (n.approved_at, n.id), default=None)
    approver = s.get(User, latest.approved_by_id) if latest else None
    deputy = bool(latest and latest.approved_for_head)
    granted = (in_force(s, approver.id, "head_approve", latest.approved_at.astimezone(LOCAL_TZ).date())
               if deputy and approver else None)
    return _signature(identity, deputy, granted, approver.name if approver else "")


def decision_signature(s: Session, identity, decision, nominations: list) -> dict:
    """The signer of a registered decision in its capacity ('KT.'/'TUQ.' for a deputy); a draft falls back
    to the latest approver."""
    if decision is None:
        return head_signature(s, identity, nominations)
    deputy = decision.capacity == "deputy"
    return _signature(identity, deputy, signer_authorisation(s, decision) if deputy else None, decision.signer_name)


def signer_authorisation(s: Session, decision):
    """The authorisation (workflow/authorisations.py) under which a deputy signed, in force on the decision day."""
    user = s.scalars(select(User).where(User.person_id == decision.signer_person_id)).first() \
        if decision.signer_person_id else None
    return in_force(s, user.id, "head_approve", decision.signed_on) if user else None


def department_head_name(dept: Department) -> str:
    return dept.head.full_name if dept.head else ""


# --- council ---------------------------------------------------------------------------------

def percent(part: int, whole: int) -> str:
    """'83,3%' (Vietnamese decimal comma)."""
    if not whole:
        return "0%"
    value = round(100 * part / whole, 1)
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


VOTES_AT_ONCE = 200


def meeting_votes(s: Session, settings, meeting: CouncilMeeting, head_title: str) -> Iterator[dict]:
    """The meeting's votes in list order (collectives first, then individuals, by name), each a row of
    plain values for the minutes and the request letter.

    A meeting may vote on a whole cycle: the order comes from one query of keys, then the votes are
    loaded with their nominees a chunk at a time (joined, not a query per vote), and each row is handed
    out as it is made: the caller keeps only what its document prints, never the objects (~13 KiB a
    vote) nor every row of this size."""
    keys = s.execute(select(CouncilVote.id, Nomination.id.label("nomination_id"), Nomination.person_id,
                            Department.sort_key.label("department_key"), Person.sort_key.label("person_key"))
                     .join(Nomination, Nomination.id == CouncilVote.nomination_id)
                     .join(Department, Department.id == Nomination.department_id)
                     .outerjoin(Person, Person.id == Nomination.person_id)
                     .where(CouncilVote.meeting_id == meeting.id)).all()
    order = [k.id for k in sorted(keys, key=lambda k: _list_key(k.person_id, k.department_key, k.person_key,
                                                                 k.nomination_id))]
    keys = None
    certificate = f"Giấy khen của {head_title}"  # one string for every row
    for ids in chunks(order, VOTES_AT_ONCE):
        loaded = {vote.id: vote for vote in s.scalars(select(CouncilVote).where(CouncilVote.id.in_(ids)).options(
            joinedload(CouncilVote.nomination).options(
                joinedload(Nomination.department), joinedload(Nomination.person).joinedload(Person.department))))}
        for vote_id in ids:
            vote = loaded[vote_id]
            nom = vote.nomination
            who = nominee(nom, meeting.held_on)
            passed = vote_passes(settings, meeting, vote)
            yield {"nomination_id": nom.id, "state": nom.state,
                   "name": who["name"], "line": who["line"], "unit": who["unit"],
                   "position": who["position"], "post": who["post"], "collective": nom.person_id is None,
                   "votes_for": vote.votes_for, "votes_against": vote.votes_against,
                   "ratio": percent(vote.votes_for, meeting.members_present),
                   "result": "Đạt" if passed else "Không đạt", "passed": passed,
                   "award": certificate if nom.award_form == "agency_certificate" else AWARD_FORMS[nom.award_form]}


def meeting_time_and_method(s: Session, meeting: CouncilMeeting) -> dict:
    """The minutes' time and place line, and how the members voted: from the ballots when the vote was
    held in the app (secret or open, with the paper ballots the secretary entered), else by hand."""
    out = {"meeting_time": "", "meeting_place": meeting.place or "", "vote_method": "biểu quyết từng trường hợp"}
    if meeting.starts_at and meeting.ends_at:
        out["meeting_time"] = f"từ {meeting.starts_at:%H} giờ {meeting.starts_at:%M} đến {meeting.ends_at:%H} giờ" \
                              f" {meeting.ends_at:%M}"
    voting = s.get(CouncilVoting, meeting.id)
    if voting is not None and not voting.is_open:
        paper = len({p.member_id for p in s.scalars(select(BallotParticipation).where(
            BallotParticipation.meeting_id == meeting.id, BallotParticipation.on_paper.is_(True)))})
        out["vote_method"] = (("bỏ phiếu kín" if voting.secret else "biểu quyết công khai")
                              + " đối với từng trường hợp trên phần mềm quản lý thi đua, khen thưởng"
                              + (f" ({vn.count(paper)} thành viên bỏ phiếu giấy, Thư ký nhập vào phần mềm)"
                                 if paper else ""))
    return out


def meeting_quorum(settings, meeting: CouncilMeeting) -> tuple[bool, str]:
    ok = quorum_met(settings, meeting)
    q = settings.quorum
    if ok:
        return ok, (f"Số thành viên dự họp đạt tỷ lệ tối thiểu {q.numerator}/{q.denominator} tổng số thành viên"
                    " theo Quy chế hoạt động của Hội đồng; cuộc họp đủ điều kiện tiến hành.")
    return ok, (f"Số thành viên dự họp chưa đạt tỷ lệ tối thiểu {q.numerator}/{q.denominator} tổng số thành viên"
                " theo Quy chế hoạt động của Hội đồng; kết quả biểu quyết chưa có giá trị.")


def latest_meeting(s: Session, cycle_id: int, *, with_states=None) -> CouncilMeeting | None:
    q = select(CouncilMeeting).where(CouncilMeeting.cycle_id == cycle_id)
    if with_states:
        q = q.where(CouncilMeeting.id.in_(select(Nomination.council_meeting_id).where(
            Nomination.state.in_(with_states))))
    return s.scalars(q.order_by(CouncilMeeting.held_on.desc(), CouncilMeeting.id.desc())).first()
