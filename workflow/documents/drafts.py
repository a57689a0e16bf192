"""One draft per document: which template, what it says, whom it belongs to, and who may make it.

A draft is plain data (the template context is dicts and strings), so it can be rendered
and converted to PDF after the database session has closed.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import proposals
from ..actors import can_view
from ..agency import identity_on, report_form_on
from ..decisions import certificate_code, certificate_number
from ..errors import Forbidden, Invalid, Problem, not_found
from ..models import AwardDecision, CouncilMeeting, Department, Nomination, ReviewCycle, User
from ..units import unit_on
from . import facts, vn
from .qr import verification_context

COUNCIL = "Hội đồng Thi đua - Khen thưởng"
COUNCIL_SYMBOL = "HĐTĐKT"


@dataclass
class Draft:
    kind: str
    template: str | None          # a .docx template file name; None for generated-by-code files
    context: dict
    stem: str                     # file name without extension
    owner: dict                   # the add_document owner keywords
    folder: str = ""              # sub-folder when a whole cycle is written out
    pdf_only: bool = False        # the certificate exists to be printed
    make: Callable[[], bytes] | None = None
    extension: str = "docx"
    meta: dict = field(default_factory=dict)
    # What the data could not fill (a plan reference, the signer's authority, an unconfirmed
    # form): reported by the build and shown to the user, never silently dropped.
    problems: list[str] = field(default_factory=list)

    @property
    def filename(self) -> str:
        return f"{self.stem}.{'pdf' if self.pdf_only else self.extension}"


# --- who may generate what -------------------------------------------------------------------

def require_secretary(actor, what: str) -> None:
    if not actor.has("council_secretary"):
        raise Forbidden("not_allowed", f"Chỉ Thư ký Hội đồng TĐKT được tạo {what}.")


def _require_department(actor, department_id: int, what: str) -> None:
    if not (actor.has("council_secretary") or department_id in actor.headed_department_ids):
        raise Forbidden("not_allowed", f"Chỉ Trưởng phòng (hoặc Thư ký Hội đồng TĐKT) được tạo {what}.")


def _require_report_maker(actor, nom: Nomination) -> None:
    own = nom.person_id is not None and nom.person_id == actor.person_id
    if not (actor.has("council_secretary") or nom.department_id in actor.headed_department_ids or own):
        raise Forbidden("not_allowed", "Chỉ Trưởng phòng của đối tượng, người được đề nghị hoặc Thư ký Hội đồng"
                                       " TĐKT được tạo báo cáo thành tích.")


# --- loading targets ----------------------------------------------------------------------------

def load_nomination(s: Session, actor, nomination_id: int | None) -> Nomination:
    if not nomination_id:
        raise Invalid(Problem("nomination_required", "Cần chọn hồ sơ đề nghị khen thưởng."))
    nom = s.get(Nomination, nomination_id)
    if nom is None or not can_view(actor, nom):
        raise not_found("đề nghị khen thưởng")
    return nom


def load_cycle(s: Session, cycle_id: int | None) -> ReviewCycle:
    if not cycle_id:
        raise Invalid(Problem("cycle_required", "Cần chọn kỳ xét."))
    cycle = s.get(ReviewCycle, cycle_id)
    if cycle is None:
        raise not_found("kỳ xét")
    return cycle


def load_meeting(s: Session, meeting_id: int | None, cycle_id: int | None, *, with_states=None) -> CouncilMeeting:
    """The meeting named, or the cycle's latest one (with nominations in `with_states`, if given)."""
    if meeting_id:
        meeting = s.get(CouncilMeeting, meeting_id)
        if meeting is None or (cycle_id and meeting.cycle_id != cycle_id):
            raise not_found("cuộc họp Hội đồng")
        return meeting
    cycle = load_cycle(s, cycle_id)
    meeting = facts.latest_meeting(s, cycle.id, with_states=with_states)
    if meeting is None:
        raise Invalid(Problem("no_meeting", f"Chưa ghi nhận cuộc họp Hội đồng nào phù hợp cho {cycle.title}."))
    return meeting


def _common(cycle: ReviewCycle) -> dict:
    return {"campaign_phrase": facts.campaign_phrase(cycle), "cycle_phrase": facts.cycle_phrase(cycle),
            "cycle_title": cycle.title}


# --- 1. the department's list ---------------------------------------------------------------------

def department_list(s: Session, ctx, actor, cycle_id, department_id) -> Draft:
    cycle = load_cycle(s, cycle_id)
    dept = s.get(Department, department_id) if department_id else None
    if dept is None:
        raise not_found("phòng")
    _require_department(actor, dept.id, "danh sách đề nghị khen thưởng của Phòng")
    # What the department sent is frozen at its review (whatever the council decided later); the
    # nominations it has not reviewed yet are listed as they stand, for the review meeting.
    frozen = proposals.latest(s, cycle.id, dept.id)
    noms = [n for n in s.scalars(select(Nomination).where(
        Nomination.cycle_id == cycle.id, Nomination.department_id == dept.id))
        if n.id in frozen or n.state in facts.LIVE_STATES]
    if not noms:
        raise Invalid(Problem("no_nominations", f"{dept.name} chưa có đề nghị khen thưởng nào trong {cycle.title}."))
    on = facts.dossier_date(ctx, cycle)
    unit = unit_on(dept, on)
    h = facts.header(s, on)
    a = h["agency"]
    h.update(superior=vn.agency_line(a["short_name"]), issuer=vn.agency_line(unit.name),
             agency_rule=vn.rule_choice(unit.name))
    lines = []
    for n in noms:
        if n.id in frozen:
            p = frozen[n.id]
            lines.append((p.nominee_type == "collective", p.sort_key, {"name": p.line, "note": p.note}))
        else:
            key = facts.nominee_sort_key(n)
            lines.append((n.person_id is None, f"{key[0]}{key[1]}",
                          {"name": facts.nominee(n, on)["line"], "note": facts.list_note(n, a["head_title"])}))
    lines.sort(key=lambda x: x[1])
    collectives = [r for is_collective, _k, r in lines if is_collective]
    individuals = [r for is_collective, _k, r in lines if not is_collective]
    context = {**h, **_common(cycle),
               "addressee": f"{COUNCIL} {a['short_name']}",
               "collectives": collectives, "individuals": individuals,
               "collective_count": vn.count(len(collectives)), "individual_count": vn.count(len(individuals)),
               "how_many": vn.how_many(len(collectives), len(individuals)),
               "signer_title": vn.upper(unit.head_title), "signer_name": facts.department_head_name(dept),
               "archive": unit.name}
    problems = [] if unit.exists else [f"{unit.name} không còn tồn tại ngày {vn.short_date(on)}."]
    return Draft("department_list", "danh_sach_de_nghi_phong.docx", context,
                 f"danh-sach-de-nghi_{vn.slug(unit.name)}", {"cycle_id": cycle.id, "department_id": dept.id},
                 folder="01-danh-sach-cac-phong", problems=problems)


# --- 2. the achievement report -----------------------------------------------------------------------

PERSON_FIELDS = ("name", "birth", "gender", "hometown", "residence", "position", "unit", "qualifications", "post")


def _person_facts(nom: Nomination, on) -> dict:
    p = nom.person
    if p is None:
        return {k: vn.BLANK for k in PERSON_FIELDS}
    who = facts.nominee(nom, on)
    return {"name": p.full_name, "birth": vn.short_date(p.birth_date), "gender": vn.gender_title(p.gender),
            "hometown": vn.or_blank(p.hometown), "residence": vn.or_blank(p.residence),
            "position": vn.or_blank(p.position), "unit": who["unit"], "post": who["post"],
            "qualifications": vn.or_blank(p.qualifications)}


def _unit_facts(s: Session, dept: Department, on) -> dict:
    unit = unit_on(dept, on)
    return {"name": unit.name, "address": vn.or_blank(dept.address), "phone": vn.or_blank(dept.phone),
            "email": vn.or_blank(dept.email), "functions": vn.or_blank(dept.functions),
            "staff": vn.count(facts.staff_count(s, dept.id)), "head": vn.or_blank(facts.department_head_name(dept)),
            "head_title": unit.head_title}


def award_kind(nom: Nomination) -> str:
    """'thematic' for the Giấy khen of a thematic movement, else 'merit' (DOMAIN.md §3)."""
    return _award_kind(nom.cycle, nom.award_form)


def _award_kind(cycle: ReviewCycle, award_form: str) -> str:
    return "thematic" if cycle.campaign.thematic and award_form == "agency_certificate" else "merit"


def report_form(ctx, cycle: ReviewCycle, award_form: str, collective: bool) -> dict:
    """The report form a nominee's achievement report uses: by the dossier's date, the kind of award and
    of nominee. A whole-cycle build reads it from columns to check each form's template once."""
    on = facts.dossier_date(ctx, cycle)
    return report_form_on(ctx.settings, on, _award_kind(cycle, award_form), "collective" if collective else "individual")


def achievement_report(s: Session, ctx, actor, nomination_id) -> Draft:
    nom = load_nomination(s, actor, nomination_id)
    _require_report_maker(actor, nom)
    on = facts.dossier_date(ctx, nom.cycle)
    collective = nom.person_id is None
    kind = award_kind(nom)
    form = report_form(ctx, nom.cycle, nom.award_form, collective)
    h = facts.header(s, on)
    a = h["agency"]
    unit = unit_on(nom.department, on)
    h.update(superior=vn.agency_line(a["short_name"]), issuer=vn.agency_line(unit.name),
             agency_rule=vn.rule_choice(unit.name))
    who = facts.nominee(nom, on)
    award = ("ĐỀ NGHỊ TẶNG " + vn.agency_line(facts.award_title(nom, a["authority"]))
             if nom.award_form == "agency_certificate" else "ĐỀ NGHỊ CẤP TRÊN KHEN THƯỞNG")
    head = facts.department_head_name(nom.department)
    context = {**h, **_common(nom.cycle),
               "form_number": form.get("form") or "Mẫu số ……", "thematic": kind == "thematic",
               "collective": collective, "award_line": award, "nominee_heading": who["heading"],
               "person": _person_facts(nom, on), "unit": _unit_facts(s, nom.department, on),
               "criteria": facts.criteria_lines(facts.checklist(s, ctx.settings, nom)),
               "summary": nom.summary or vn.BLANK, "blank": vn.BLANK,
               "past_awards": facts.past_awards(s, nom, on), "emulation_titles": [],
               "head_name": head, "reporter_name": head if collective else who["name"],
               # A department head signs without a seal; the agency head confirms, with the seal.
               "signer_title": vn.upper(unit.head_title) if collective else "NGƯỜI BÁO CÁO THÀNH TÍCH",
               "signer_note": "(Ký, ghi rõ họ tên)",
               "confirm_title": CONFIRM_TITLE, "confirm_note": "(Ký, đóng dấu)"}
    problems = [f"Báo cáo thành tích ({form.get('title') or kind}): cần xác nhận {c}" for c in form["confirms"]]
    missing = missing_facts(context)
    if missing:
        problems.append(f"Báo cáo thành tích của {who['name']} còn để trống: {', '.join(missing)}.")
    return Draft("achievement_report", form["template"], context,
                 f"bao-cao-thanh-tich_{vn.slug(who['name'])}_hs{nom.id}", {"nomination_id": nom.id},
                 folder=f"02-bao-cao-thanh-tich/{vn.slug(unit.name)}",
                 meta={"form_from": str(form.get("valid_from", "")), "form": form.get("form", ""),
                       "award_kind": kind}, problems=problems)


# Mẫu 07's footnote: an individual's report "có xác nhận của thủ trưởng cơ quan" (seed); it breaks
# only after "CỦA" when the column is narrow.
CONFIRM_TITLE = f"XÁC{vn.NBSP}NHẬN{vn.NBSP}CỦA THỦ{vn.NBSP}TRƯỞNG{vn.NBSP}CƠ{vn.NBSP}QUAN"
MISSING_LABELS = {"address": "địa chỉ trụ sở", "phone": "điện thoại", "email": "thư điện tử",
                  "functions": "chức năng, nhiệm vụ", "head": "trưởng đơn vị", "birth": "ngày sinh",
                  "gender": "giới tính", "hometown": "quê quán", "residence": "nơi thường trú",
                  "position": "chức vụ", "qualifications": "trình độ chuyên môn"}


def missing_facts(context: dict) -> list[str]:
    """The facts a report prints as a dotted blank because the data does not hold them."""
    source = context["unit"] if context["collective"] else context["person"]
    return [label for key, label in MISSING_LABELS.items() if source.get(key) == vn.BLANK]


# --- 3. the request letter and 4. the council minutes ---------------------------------------------------

def _council_header(s: Session, on, doc_type: str) -> dict:
    h = facts.header(s, on, with_number=True, doc_type=doc_type)
    h["number_line"] = vn.number_line(None, doc_type, COUNCIL_SYMBOL)
    h.update(superior=vn.agency_line(h["agency"]["short_name"]), issuer=vn.agency_line(COUNCIL),
             agency_rule=vn.rule_choice(COUNCIL))
    return h


def request_letter(s: Session, ctx, actor, meeting_id, cycle_id) -> Draft:
    require_secretary(actor, "tờ trình đề nghị khen thưởng")
    meeting = load_meeting(s, meeting_id, cycle_id)
    h = _council_header(s, meeting.held_on, "TTr")
    collectives, individuals, submitted = [], [], False
    for v in facts.meeting_votes(s, ctx.settings, meeting, h["agency"]["head_title"]):
        if v["passed"] and v["state"] in facts.PROPOSED_STATES:
            (collectives if v["collective"] else individuals).append(_vote_row(v))
            # Until the head has acted on one, the request letter is a draft awaiting its number and signature.
            submitted = submitted or v["state"] in facts.APPROVED_STATES
    if not collectives and not individuals:
        raise Invalid(Problem("nothing_passed", f"Cuộc họp ngày {vn.short_date(meeting.held_on)} chưa có hồ sơ"
                                                " nào được Hội đồng biểu quyết thông qua."))
    a = h["agency"]
    bases, problems = facts.legal_bases(ctx.settings, meeting.held_on, meeting.cycle.campaign)
    context = {**h, **_common(meeting.cycle),
               "addressee": a["authority"], "head_title": a["head_title"],
               "draft_mark": "" if submitted else "DỰ THẢO",
               "bases": bases,
               "meeting_date": vn.short_date(meeting.held_on),
               "present": vn.count(meeting.members_present), "total": vn.count(meeting.members_total),
               "collectives": collectives, "individuals": individuals,
               "collective_count": vn.count(len(collectives)), "individual_count": vn.count(len(individuals)),
               "how_many": vn.how_many(len(collectives), len(individuals)),
               "chair_title": "CHỦ TỊCH", "chair_name": meeting.chair_name}
    return Draft("request_letter", "to_trinh_de_nghi_khen_thuong.docx", context,
                 f"to-trinh_hop-hoi-dong-{meeting.held_on.isoformat()}_cuoc-hop-{meeting.id}",
                 {"cycle_id": meeting.cycle_id, "council_meeting_id": meeting.id}, folder="03-hoi-dong",
                 problems=[f"Tờ trình: {p}" for p in problems])


def _vote_row(v: dict) -> dict:
    return {"name": v["name"], "position": v["position"], "unit": v["unit"], "post": v["post"], "award": v["award"],
            "votes_for": str(v["votes_for"]), "votes_against": str(v["votes_against"]), "ratio": v["ratio"],
            "result": v["result"]}


def council_minutes(s: Session, ctx, actor, meeting_id, cycle_id) -> Draft:
    require_secretary(actor, "biên bản họp Hội đồng")
    meeting = load_meeting(s, meeting_id, cycle_id)
    h = _council_header(s, meeting.held_on, "BB")
    # the type of what each department sent at its review, for the count of dossiers proposed
    frozen = proposals.latest_nominee_types(s, meeting.cycle_id)
    rows, passed, proposed = [], Counter(), Counter()  # the counters by "is a collective"
    for v in facts.meeting_votes(s, ctx.settings, meeting, h["agency"]["head_title"]):
        rows.append(_vote_row(v))
        passed[v["collective"]] += v["passed"]
        if v["nomination_id"] in frozen:
            proposed[frozen[v["nomination_id"]] == "collective"] += 1
    frozen = None
    quorum_ok, quorum_sentence = facts.meeting_quorum(ctx.settings, meeting)
    a = h["agency"]
    # the roster's names when attendance was taken by name; else (older meetings) who recorded it
    recorder = s.get(User, meeting.created_by_id)
    secretary_name = meeting.secretary.name if meeting.secretary else (recorder.name if recorder else "")
    chair_line = (f"{meeting.chair.name}, {meeting.chair.title}" if meeting.chair and meeting.chair.title
                  else meeting.chair_name)
    attendees = [f"{x.member.name} ({x.member.role_title})" for x in meeting.attendance if x.present]
    ratio = ctx.settings.pass_ratio
    conclusion = (f"Hội đồng thống nhất đề nghị {a['authority']} khen thưởng"
                  f" {vn.how_many(passed[True], passed[False])} có số phiếu đồng ý trên {ratio.numerator}/{ratio.denominator} số thành viên dự họp.")
    if passed.total() < len(rows):
        conclusion += f" {vn.count(len(rows) - passed.total())} trường hợp không đạt tỷ lệ phiếu đồng ý theo quy định."
    if not quorum_ok:
        conclusion = "Cuộc họp không đủ số thành viên theo quy định; Hội đồng sẽ họp lại để xét khen thưởng."
    context = {**h, **_common(meeting.cycle),
               "meeting_long_date": vn.long_date(meeting.held_on), "venue": f"trụ sở {a['name']}",
               "chair_name": chair_line or vn.BLANK, "chair_signature": meeting.chair_name,
               "secretary_name": secretary_name,
               "present_names": (": " + "; ".join(attendees)) if attendees else "",
               "present": vn.count(meeting.members_present), "total": vn.count(meeting.members_total),
               "present_ratio": facts.percent(meeting.members_present, meeting.members_total),
               "quorum_sentence": quorum_sentence,
               "voted": vn.how_many(proposed[True], proposed[False]),
               "votes": rows, "conclusion": conclusion, "note": meeting.note or "",
               **facts.meeting_time_and_method(s, meeting)}
    return Draft("council_minutes", "bien_ban_hop_hoi_dong.docx", context,
                 f"bien-ban-hop-hoi-dong-{meeting.held_on.isoformat()}_cuoc-hop-{meeting.id}",
                 {"cycle_id": meeting.cycle_id, "council_meeting_id": meeting.id}, folder="03-hoi-dong")


# --- 5. the award decision and 6. the certificate --------------------------------------------------------

def _decision_of(noms: list):
    """The awarded ones under their most common registered decision, else all approved ones as a draft."""
    awarded = [n for n in noms if n.state == "awarded"]
    if not awarded:
        return noms, None, None
    decision_id, _ = Counter(n.decision_id for n in awarded).most_common(1)[0]
    chosen = [n for n in awarded if n.decision_id == decision_id]
    return chosen, chosen[0].decision_number, chosen[0].decision_date


def award_decision(s: Session, ctx, actor, meeting_id, cycle_id) -> Draft:
    require_secretary(actor, "quyết định khen thưởng")
    meeting = load_meeting(s, meeting_id, cycle_id, with_states=facts.APPROVED_STATES)
    noms = facts.approved_for_certificate(s, meeting.id)
    if not noms:
        raise Invalid(Problem("nothing_approved", "Chưa có hồ sơ nào của cuộc họp này được Thủ trưởng phê duyệt"
                                                  " tặng Giấy khen."))
    noms, number, when = _decision_of(noms)
    decision = s.get(AwardDecision, noms[0].decision_id) if number else None
    on = when or ctx.clock.today()
    h = facts.header(s, on, number=number, doc_type="QĐ", with_number=True)
    a = h["agency"]
    if when is None:
        h["date_line"] = vn.place_date_draft(a["place"], on)
    identity = identity_on(s, on)
    sign = facts.decision_signature(s, identity, decision, noms)
    ids, collective = [n.id for n in noms], {n.id for n in noms if n.person_id is None}
    noms = None  # the columns are not kept beside the rows made from them
    rows = facts.nominees_on(s, ids, on)
    bases, problems = facts.legal_bases(ctx.settings, on, meeting.cycle.campaign, identity)
    annex_date = vn.long_date(when) if when else h["date_line"].removeprefix(f"{a['place']}, ")
    collectives = [r for r, nid in zip(rows, ids) if nid in collective]
    individuals = [r for r, nid in zip(rows, ids) if nid not in collective]
    number_short = h["number_line"].removeprefix("Số:").strip()
    context = {**h, **_common(meeting.cycle),
               "authority": a["authority"], "authority_upper": vn.agency_line(a["authority"]),
               "bases": bases, "draft_mark": "" if number else "DỰ THẢO",
               "proposal": f"Xét đề nghị của {COUNCIL} tại cuộc họp ngày {vn.short_date(meeting.held_on)}.",
               "collectives": collectives, "individuals": individuals,
               "collective_count": vn.count(len(collectives)), "individual_count": vn.count(len(individuals)),
               "how_many": vn.how_many(len(collectives), len(individuals)),
               "annex_ref": f"(Kèm theo Quyết định số {number_short} {annex_date} của {a['authority']})",
               "sign": sign,
               **verification_context(ctx.settings, decision.entry.verification_code if decision else None)}
    if context["sign"].get("act"):
        context["bases"] = context["bases"] + [context["sign"]["act"]]
    return Draft("award_decision", "quyet_dinh_khen_thuong.docx", context,
                 f"quyet-dinh-khen-thuong_cuoc-hop-{meeting.id}",
                 {"cycle_id": meeting.cycle_id, "council_meeting_id": meeting.id}, folder="03-hoi-dong",
                 meta={"nomination_ids": ids, "signed_for_head": bool(
                     context["sign"]["on_behalf"])}, problems=[f"Quyết định khen thưởng: {p}" for p in problems])


def certificate(s: Session, ctx, actor, nomination_id) -> Draft:
    require_secretary(actor, "Giấy khen")
    nom = load_nomination(s, actor, nomination_id)
    if nom.state != "awarded":
        raise Invalid(Problem("not_awarded", "Chỉ in Giấy khen cho hồ sơ đã có quyết định khen thưởng."))
    if nom.award_form != "agency_certificate":
        raise Invalid(Problem("not_agency_award",
                              "Hồ sơ này đề nghị cấp trên khen thưởng; cơ quan không in Giấy khen."))
    h = facts.header(s, nom.decision_date)
    a = h["agency"]
    who = facts.nominee(nom, nom.decision_date)
    if nom.person_id is None:
        awardee, detail = vn.upper(who["name"]), a["name"]
    else:
        awardee = f"{who['honorific']} {who['name']}"
        detail = who["post"]
    context = {**h, **_common(nom.cycle),
               "superior": vn.agency_line(a["superior_name"]), "issuer": vn.agency_line(a["short_name"]),
               "authority_upper": vn.agency_line(a["authority"]), "awardee": awardee, "awardee_detail": detail,
               "reason": f"Đã có thành tích xuất sắc trong {facts.campaign_phrase(nom.cycle)},"
                         f" {facts.cycle_phrase(nom.cycle)}.",
               "decision_line": f"Quyết định số {nom.decision_number}",
               "decision_date": f"ngày {vn.short_date(nom.decision_date)}",
               "register_number": certificate_number(s, nom.id) or "……………",
               "sign": facts.decision_signature(s, identity_on(s, nom.decision_date), nom.decision, [nom]),
               **verification_context(ctx.settings, certificate_code(s, nom.id))}
    return Draft("certificate", "giay_khen.docx", context, f"giay-khen_{vn.slug(who['name'])}_hs{nom.id}",
                 {"nomination_id": nom.id}, folder="04-giay-khen", pdf_only=True)


# --- 7. the agency-wide list --------------------------------------------------------------------------------

def cycle_list(s: Session, ctx, actor, cycle_id) -> Draft:
    from . import xlsx  # openpyxl loads only when a list is made

    require_secretary(actor, "danh sách toàn cơ quan")
    cycle = load_cycle(s, cycle_id)
    on = facts.dossier_date(ctx, cycle)  # the workbook names units as they stood in the cycle
    h = facts.header(s, on)
    title = f"DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG - {vn.upper(cycle.title)}"
    meta = {"agency": h["agency"]["name"], "title": title, "subtitle": cycle.campaign.name,
            "date_line": h["date_line"]}
    return Draft("cycle_list", None, {}, f"danh-sach-toan-co-quan_{vn.slug(cycle.title)}", {"cycle_id": cycle.id},
                 # the rows are read as the workbook is written, a chunk at a time
                 make=lambda: xlsx.workbook_bytes(meta, xlsx.iter_cycle_rows(ctx.db.reading, ctx, cycle_id, on)),
                 extension="xlsx", meta=meta)
