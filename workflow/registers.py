"""Use cases on the evidence registers and the yearly emulation registrations."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from .actors import load_actor
from .audit import audit, record_event
from .errors import Conflict, Forbidden, Invalid, Problem, not_found
from .models import (
    CONTEST_KINDS,
    INITIATIVE_FIELDS,
    TASK_RATINGS,
    Campaign,
    ContestResult,
    Department,
    Initiative,
    InitiativeAuthor,
    Person,
    Registration,
    RegistrationLine,
    TaskRating,
)
from .text import nfc

REGISTER_EDITORS = ("council_secretary", "admin")


def _require_editor(actor) -> None:
    if not any(actor.has(r) for r in REGISTER_EDITORS):
        raise Forbidden("not_allowed", "Chỉ Văn phòng (Thư ký Hội đồng) hoặc quản trị được cập nhật sổ theo dõi.")


def _year(value, name="year") -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 2000 <= value <= 2100:
        raise Invalid(Problem(name, "Năm không hợp lệ."))
    return value


def _decision(number, when, prefix: str, title: str, problems: list) -> tuple[str | None, date | None]:
    number = nfc(number) or None
    if (number is None) != (when is None):
        problems.append(Problem(f"{prefix}_incomplete", f"{title}: cần cả số và ngày quyết định."))
    return number, when


def save_initiative(ctx, user_id: int, *, title: str, field: str, year: int, topic: str = "",
                    department_id: int | None = None, author_ids: list[int] | None = None,
                    recognition_number=None, recognition_date=None, appraisal_number=None,
                    appraisal_date=None, contest_recognition_number=None, contest_recognition_date=None,
                    initiative_id: int | None = None) -> int:
    """Create (or, with initiative_id, correct) an initiative of the register."""
    problems = []
    if not nfc(title):
        problems.append(Problem("title", "Cần nhập tên sáng kiến."))
    if field not in INITIATIVE_FIELDS:
        problems.append(Problem("field", "Lĩnh vực phải là một trong 7 lĩnh vực của Kế hoạch."))
    if not department_id and not author_ids:
        problems.append(Problem("authors", "Cần ít nhất một tác giả (cá nhân hoặc phòng)."))
    rec = _decision(recognition_number, recognition_date, "recognition", "Công nhận tại cơ quan", problems)
    app = _decision(appraisal_number, appraisal_date, "appraisal", "Thẩm định của Sở Nội vụ", problems)
    con = _decision(contest_recognition_number, contest_recognition_date, "contest_recognition",
                    "Công nhận tại cuộc thi của Sở Nội vụ", problems)
    if app[0] and not rec[0]:
        problems.append(Problem("appraisal_without_recognition",
                                "Sáng kiến phải được công nhận tại cơ quan trước khi được thẩm định."))
    _year(year)
    if problems:
        raise Invalid(problems)
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        _require_editor(actor)
        if department_id and s.get(Department, department_id) is None:
            raise not_found("phòng")
        for pid in author_ids or []:
            if s.get(Person, pid) is None:
                raise not_found(f"tác giả (mã {pid})")
        if initiative_id:
            item = s.get(Initiative, initiative_id)
            if item is None:
                raise not_found("sáng kiến")
            item.authors.clear()
            s.flush()
        else:
            item = Initiative(created_at=ctx.clock.now())
            s.add(item)
        item.title, item.field, item.year, item.topic = title, field, year, nfc(topic) or ""
        item.department_id = department_id
        item.recognition_number, item.recognition_date = rec
        item.appraisal_number, item.appraisal_date = app
        item.contest_recognition_number, item.contest_recognition_date = con
        for pid in dict.fromkeys(author_ids or []):
            item.authors.append(InitiativeAuthor(person_id=pid))
        s.flush()
        audit(s, ctx, actor_id=user.id, action="update_initiative" if initiative_id else "create_initiative",
              entity_type="initiative", entity_id=item.id,
              payload={"title": item.title, "year": year, "authors": author_ids or [], "department_id": department_id,
                       "recognition_number": rec[0], "appraisal_number": app[0],
                       "contest_recognition_number": con[0]})
        return item.id


def save_contest_result(ctx, user_id: int, *, contest_kind: str, year: int, person_id: int,
                        participated: bool = True, score=None, prize: str | None = None, round: str = "") -> int:
    """Record one person's result in a contest round; the same person and round again updates it."""
    problems = []
    if contest_kind not in CONTEST_KINDS:
        problems.append(Problem("contest_kind", "Loại cuộc thi không hợp lệ."))
    prize = nfc(prize) or None
    if prize and not participated:
        problems.append(Problem("prize_without_participation", "Không thể có giải khi không tham gia."))
    if score is not None:
        try:
            score = float(score)
        except (TypeError, ValueError):
            problems.append(Problem("score", "Điểm phải là số."))
        else:
            if not 0 <= score <= 100000:  # also refuses NaN and infinities
                problems.append(Problem("score", "Điểm phải là số từ 0 đến 100000."))
    _year(year)
    if problems:
        raise Invalid(problems)
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        _require_editor(actor)
        if s.get(Person, person_id) is None:
            raise not_found("cá nhân")
        row = s.scalars(select(ContestResult).where(
            ContestResult.contest_kind == contest_kind, ContestResult.year == year,
            ContestResult.round == (nfc(round) or ""), ContestResult.person_id == person_id)).first()
        created = row is None
        if created:
            row = ContestResult(contest_kind=contest_kind, year=year, round=nfc(round) or "", person_id=person_id,
                                created_at=ctx.clock.now())
            s.add(row)
        row.participated, row.score, row.prize = bool(participated), score, prize
        s.flush()
        audit(s, ctx, actor_id=user.id, action="create_contest_result" if created else "update_contest_result",
              entity_type="contest_result", entity_id=row.id,
              payload={"contest_kind": contest_kind, "year": year, "person_id": person_id,
                       "participated": bool(participated), "score": score, "prize": prize})
        return row.id


def save_task_rating(ctx, user_id: int, *, year: int, rating: str, person_id: int | None = None,
                     department_id: int | None = None) -> int:
    """Record the year's task rating of a person or a department (a later entry corrects it)."""
    if rating not in TASK_RATINGS:
        raise Invalid(Problem("rating", "Xếp loại không hợp lệ."))
    if bool(person_id) == bool(department_id):
        raise Invalid(Problem("subject", "Cần chọn đúng một: cá nhân hoặc phòng."))
    _year(year)
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        _require_editor(actor)
        if person_id and s.get(Person, person_id) is None:
            raise not_found("cá nhân")
        if department_id and s.get(Department, department_id) is None:
            raise not_found("phòng")
        q = select(TaskRating).where(TaskRating.year == year)
        q = q.where(TaskRating.person_id == person_id) if person_id else q.where(TaskRating.department_id == department_id)
        row = s.scalars(q).first()
        previous = row.rating if row else None
        if row is None:
            row = TaskRating(year=year, person_id=person_id, department_id=department_id, created_at=ctx.clock.now())
            s.add(row)
        row.rating = rating
        s.flush()
        audit(s, ctx, actor_id=user.id, action="save_task_rating", entity_type="task_rating", entity_id=row.id,
              payload={"year": year, "person_id": person_id, "department_id": department_id,
                       "rating": rating, "previous": previous})
        return row.id


# --- emulation registrations (đăng ký thi đua) -----------------------------------------

def save_registration(ctx, user_id: int, *, campaign_id: int, department_id: int, year: int,
                      collective: bool, person_ids: list[int], target: str = "", submit: bool = False) -> int:
    """A department head drafts (and optionally sends) the department's registration for a year."""
    _year(year)
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id, ctx)
        if department_id not in actor.headed_department_ids:
            raise Forbidden("not_allowed", "Chỉ Trưởng phòng được đăng ký thi đua cho phòng mình.")
        campaign = s.get(Campaign, campaign_id)
        if campaign is None:
            raise not_found("phong trào thi đua")
        if not campaign.start_year <= year <= campaign.end_year:
            raise Invalid(Problem("year_outside_campaign", f"Năm {year} không thuộc giai đoạn {campaign.period}."))
        staff = set(s.scalars(select(Person.id).where(Person.department_id == department_id)))
        strangers = [pid for pid in person_ids if pid not in staff]
        if strangers:
            raise Invalid(Problem("not_department_staff", "Có cá nhân không thuộc phòng này trong danh sách đăng ký."))
        if not collective and not person_ids:
            raise Invalid(Problem("empty_registration", "Bản đăng ký cần ít nhất tập thể phòng hoặc một cá nhân."))
        reg = s.scalars(select(Registration).where(Registration.campaign_id == campaign_id,
                                                   Registration.department_id == department_id,
                                                   Registration.year == year).with_for_update()).first()
        if reg is None:
            reg = Registration(campaign_id=campaign_id, department_id=department_id, year=year, state="not_sent",
                               created_by_id=user.id, created_at=ctx.clock.now(), version=1)
            s.add(reg)
        elif reg.state in ("awaiting", "approved"):
            raise Conflict("registration_sent", "Bản đăng ký đã gửi; chỉ sửa được khi bị trả lại (từ chối).")
        reg.lines.clear()
        s.flush()
        target = nfc(target) or ""
        if collective:
            reg.lines.append(RegistrationLine(nominee_type="collective", person_id=None, target=target))
        for pid in dict.fromkeys(person_ids):
            reg.lines.append(RegistrationLine(nominee_type="individual", person_id=pid, target=target))
        if submit:
            reg.state, reg.submitted_at, reg.refusal_reason = "awaiting", ctx.clock.now(), None
            reg.decided_at = reg.decided_by_id = None
        else:
            reg.state = "not_sent" if reg.state != "refused" else "refused"
        reg.version = (reg.version or 0) + 1
        s.flush()
        audit(s, ctx, actor_id=user.id, action="submit_registration" if submit else "save_registration",
              entity_type="registration", entity_id=reg.id,
              payload={"year": year, "collective": collective, "person_ids": person_ids, "target": target})
        if submit:
            record_event(s, ctx, "registration_submitted", actor_id=user.id,
                         payload={"registration_id": reg.id, "department_id": department_id, "year": year})
        return reg.id


def decide_registration(ctx, user_id: int, registration_id: int, *, approve: bool, reason: str = "") -> None:
    """The council's standing body approves or refuses (with a reason) a sent registration."""
    reason = nfc(reason) or ""
    if not approve and not reason:
        raise Invalid(Problem("reason_required", "Cần ghi rõ lý do từ chối."))
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        if not actor.has("council_secretary"):
            raise Forbidden("not_allowed", "Chỉ Thường trực Hội đồng (Thư ký) được duyệt đăng ký thi đua.")
        reg = s.get(Registration, registration_id, with_for_update=True)
        if reg is None:
            raise not_found("bản đăng ký thi đua")
        if reg.state != "awaiting":
            raise Conflict("registration_not_awaiting", "Chỉ duyệt được bản đăng ký đang chờ duyệt.")
        reg.state = "approved" if approve else "refused"
        reg.refusal_reason = None if approve else reason
        reg.decided_at, reg.decided_by_id = ctx.clock.now(), user.id
        reg.version += 1
        audit(s, ctx, actor_id=user.id, action="approve_registration" if approve else "refuse_registration",
              entity_type="registration", entity_id=reg.id, comment=reason or None)
        record_event(s, ctx, "registration_approved" if approve else "registration_refused", actor_id=user.id,
                     payload={"registration_id": reg.id, "department_id": reg.department_id, "year": reg.year,
                              "reason": reason or None})
