"""Use cases on nominations: create one, and take any action of the workflow on it.

Each use case is one transaction: permission, guards, transition, version bump, audit
row and domain event commit together or not at all.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from states import (
    FORWARD_ACTION,
    REASON_REQUIRED,
    Action,
    Actor,
    IllegalMove,
    Role,
    State,
    fire,
    may,
    may_nominate,
)
from states.permissions import is_the_nominee

from . import authorisations, criteria, decisions, proposals
from .actors import can_view, load_acting, load_actor, subject_of
from .audit import audit, record_event
from .dossier import department_minutes, signed_kinds
from .errors import Conflict, DomainError, Forbidden, Invalid, Problem, not_found
from .models import (
    AWARD_FORMS,
    AuditEntry,
    CouncilMeeting,
    CouncilVote,
    Department,
    Nomination,
    Person,
    ReviewCycle,
    User,
)
from .text import nfc

# Past-tense event names, one per action.
EVENT_OF = {
    Action.DEPARTMENT_REVIEW: "nomination_department_reviewed",
    Action.COUNCIL_REVIEW: "nomination_council_reviewed",
    Action.HEAD_APPROVE: "nomination_head_approved",
    Action.AWARD: "nomination_awarded",
    Action.SEND_BACK: "nomination_sent_back",
    Action.REJECT: "nomination_rejected",
    Action.WITHDRAW: "nomination_withdrawn",
    Action.HOLD: "nomination_held",
    Action.RESUME: "nomination_resumed",
}


def create_nomination(ctx, user_id: int, *, cycle_id: int, nominee_type: str, award_form: str,
                      person_id: int | None = None, department_id: int | None = None,
                      summary: str = "") -> int:
    """Register a nomination for a cycle; it lands in `registered`. Returns its id."""
    problems = []
    if nominee_type not in ("individual", "collective"):
        problems.append(Problem("nominee_type", "Loại đối tượng phải là cá nhân hoặc tập thể."))
    if award_form not in AWARD_FORMS:
        problems.append(Problem("award_form", "Hình thức khen thưởng không hợp lệ."))
    if nominee_type == "individual" and not person_id:
        problems.append(Problem("person_required", "Cần chọn cá nhân được đề nghị."))
    if nominee_type == "collective" and not department_id:
        problems.append(Problem("department_required", "Cần chọn tập thể (phòng) được đề nghị."))
    if problems:
        raise Invalid(problems)

    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id, ctx)
        cycle = s.get(ReviewCycle, cycle_id)
        if cycle is None:
            raise not_found("kỳ xét")
        if nominee_type == "individual":
            person = s.get(Person, person_id)
            if person is None or not person.active:
                raise not_found("cá nhân")
            if person.department_id is None:
                raise Invalid(Problem("no_department", f"{person.full_name} chưa thuộc phòng nào."))
            department_id, nominee = person.department_id, person.full_name
        else:
            department = s.get(Department, department_id)
            if department is None or not department.active:
                raise not_found("phòng")
            person_id, nominee = None, department.name
        if not may_nominate(actor, department_id=department_id, person_id=person_id):
            raise Forbidden("not_allowed",
                            "Bạn chỉ có thể đề nghị cho phòng mình phụ trách, cán bộ của phòng đó hoặc chính mình.")
        if ctx.clock.today() > cycle.council_meeting_on:
            raise Invalid(Problem("cycle_closed", f"{cycle.title} đã qua ngày họp Hội đồng; không nhận thêm đề nghị."))
        now = ctx.clock.now()
        nomination = Nomination(cycle_id=cycle.id, nominee_type=nominee_type, department_id=department_id,
                                person_id=person_id, award_form=award_form, state=State.REGISTERED.value,
                                version=1, summary=nfc(summary) or "", created_by_id=user.id,
                                created_at=now, updated_at=now)
        try:
            # a savepoint, so a duplicate rolls back only this insert and the message can be told
            with s.begin_nested():
                s.add(nomination)
        except IntegrityError:
            raise Conflict("duplicate_nomination",
                           f"{nominee} đã có đề nghị {AWARD_FORMS[award_form]} trong {cycle.title}.") from None
        audit(s, ctx, actor_id=user.id, action="create", entity_type="nomination", entity_id=nomination.id,
              nomination_id=nomination.id, to_state=State.REGISTERED.value,
              payload={"cycle_id": cycle.id, "nominee_type": nominee_type, "person_id": person_id,
                       "department_id": department_id, "award_form": award_form})
        record_event(s, ctx, "nomination_registered", nomination_id=nomination.id, actor_id=user.id,
                     payload={"to": State.REGISTERED.value})
        return nomination.id


@dataclass
class ActionInput:
    """What a user sends with an action; only some actions read each field."""

    version: int | None = None
    comment: str | None = None
    meeting_id: int | None = None
    decision_number: str | None = None
    decision_date: date | None = None
    decision_id: int | None = None
    # the secretary's explicit choice to file a nomination approved under another capacity
    accept_mixed_capacity: bool = False


# What the audit log's actions are called, for the stale-version message.
AUDIT_TITLES = {**{a.value: a.title for a in Action}, "create": "Tạo đề nghị", "upload_document": "Tải lên tài liệu",
                 "generate_document": "Tạo tài liệu từ mẫu", "record_vote": "Ghi nhận biểu quyết"}


def _stale_message(s: Session, nom: Nomination, user_id: int) -> str:
    """Who changed the dossier since the page was opened: never blame "someone else" for the
    user's own earlier submit (a double click, a second tab)."""
    last = s.scalars(select(AuditEntry).where(AuditEntry.nomination_id == nom.id)
                     .order_by(AuditEntry.id.desc()).limit(1)).first()
    what = f"“{AUDIT_TITLES.get(last.action, last.action)}”" if last else ""
    if last is not None and last.actor_id == user_id:
        return (f"Bạn đã cập nhật hồ sơ này ({what}) sau khi mở trang; trang đang hiển thị bản cũ."
                " Vui lòng tải lại trang để xem kết quả trước khi làm tiếp.")
    who = s.get(User, last.actor_id).name if last is not None and last.actor_id else "người khác"
    return f"Hồ sơ vừa được {who} cập nhật ({what}). Vui lòng tải lại trang và thực hiện lại."


# The row alone: the emails and webhooks that name the nominee, department and cycle are made after the
# commit (workflow/audit.py fan_out), and the one guard that reads the cycle loads it when it runs.
# Built once: its SQL is compiled and its cache key computed a single time, not per step.
_LOCK = (select(Nomination).where(Nomination.id == bindparam("id")).with_for_update()
         .execution_options(populate_existing=True))


_WRITE_STEP = update(Nomination.__table__).where(Nomination.__table__.c.id == bindparam("step_of"))
_COLUMNS = frozenset(attr.key for attr in sa_inspect(Nomination).column_attrs)


def _write_step(s: Session, nom: Nomination, **step) -> None:
    """The step's change of the row in one Core UPDATE: the columns its effects set, with the new state (the
    CHECKs want them together), without the unit of work's per-object bookkeeping, which was a large part
    of a step's CPU. The loaded object is left as the row now is."""
    state = sa_inspect(nom)
    # the attributes set since the load (their old values are kept in committed_state), not every
    # attribute's history
    changed = {key: state.dict[key] for key in state.committed_state if key in _COLUMNS and key in state.dict}
    values = {**changed, **step}
    # on the connection: no autoflush, so the effects' changes go in this statement, not in one of their own
    s.connection().execute(_WRITE_STEP, {"step_of": nom.id, **values})
    for key, value in values.items():
        set_committed_value(nom, key, value)


def lock_nomination(s: Session, nomination_id: int) -> Nomination | None:
    """The nomination locked for this transaction (FOR UPDATE of its row)."""
    return s.execute(_LOCK, {"id": nomination_id}).scalar_one_or_none()


def take_action(ctx, user_id: int, nomination_id: int, action: str, data: ActionInput) -> int:
    """Take one workflow action on one nomination, in one transaction. Returns the new version."""
    try:
        action = Action(action)
    except ValueError:
        raise Invalid(Problem("unknown_action", f"Thao tác “{action}” không tồn tại.")) from None
    with ctx.db.transaction() as s:
        actor = load_acting(s, user_id, ctx)
        nom = lock_nomination(s, nomination_id)
        if nom is None or not can_view(actor, nom):
            raise not_found("đề nghị khen thưởng")
        if data.version is None:
            raise Invalid(Problem("version_required", "Thiếu số phiên bản (version) của hồ sơ."))
        if data.version != nom.version:
            raise Conflict("stale_version", _stale_message(s, nom, actor.user_id))
        before = State(nom.state)
        try:
            after = fire(before, action, nom.held_from)
        except IllegalMove:
            raise _illegal(nom, action) from None
        if not may(actor, action, subject_of(nom)):
            raise Forbidden("not_allowed", _who_may(action, before))
        if ctx.settings.separation_of_duties and is_the_nominee(actor, subject_of(nom)):
            raise Forbidden("own_nomination", f"Bạn là người được đề nghị khen thưởng trong hồ sơ này nên không tự"
                                              f" thực hiện bước “{action.title}” (nguyên tắc tách bạch nhiệm vụ)."
                                              " Người có thẩm quyền khác cần thực hiện bước này.")
        comment = nfc(data.comment) or None
        if action in REASON_REQUIRED and not comment:
            raise Invalid(Problem("reason_required", "Cần ghi rõ lý do."))
        # whatever a deputy (or an acting department head) does here, they do in another's place: the
        # record says in which capacity
        on_behalf = authorisations.on_behalf_of(s, ctx, actor, action, nom.department_id, before)
        # Effects change the row together with the state below: no query may run in between,
        # or an autoflush would write a half-moved nomination that the CHECKs refuse.
        GUARDS_AND_EFFECTS[action](s, ctx, nom, data, actor)
        _write_step(s, nom, held_from=before.value if action == Action.HOLD else None,
                    sent_back_at=ctx.clock.now() if action == Action.SEND_BACK else None,
                    state=after.value, version=nom.version + 1, updated_at=ctx.clock.now())
        audit(s, ctx, actor_id=actor.user_id, action=action.value, entity_type="nomination", entity_id=nom.id,
              nomination_id=nom.id, from_state=before.value, to_state=after.value, comment=comment,
              on_behalf_of=on_behalf, payload=_payload(action, data, nom))
        record_event(s, ctx, EVENT_OF[action], nomination_id=nom.id, actor_id=actor.user_id,
                     payload={"from": before.value, "to": after.value, "comment": comment,
                              "on_behalf_of": on_behalf})
        return nom.version


def _payload(action: Action, data: ActionInput, nom: Nomination) -> dict | None:
    if action == Action.COUNCIL_REVIEW:
        return {"meeting_id": data.meeting_id}
    if action == Action.AWARD:
        return {"decision_number": nom.decision_number, "decision_id": nom.decision_id,
                "decision_date": nom.decision_date.isoformat(),
                "accept_mixed_capacity": bool(data.accept_mixed_capacity) or None}
    return None


def _illegal(nom: Nomination, action: Action) -> Conflict:
    state = State(nom.state)
    if state == State.ON_HOLD:
        return Conflict("on_hold", "Hồ sơ đang tạm dừng xét (đang có vụ việc kỷ luật, thanh tra hoặc khiếu nại);"
                                   " chỉ có thể “Tiếp tục xét”.")
    return Conflict("illegal_transition",
                    f"Không thể “{action.title}” khi hồ sơ ở trạng thái “{state.title}”.")


_WHO = {
    Action.DEPARTMENT_REVIEW: "Trưởng phòng của đối tượng được đề nghị",
    Action.COUNCIL_REVIEW: "Thư ký Hội đồng TĐKT",
    Action.HEAD_APPROVE: "Thủ trưởng cơ quan (hoặc cấp phó được ủy quyền)",
    Action.AWARD: "Thư ký Hội đồng TĐKT",
    Action.WITHDRAW: "Trưởng phòng của đối tượng được đề nghị",
    Action.HOLD: "Thư ký Hội đồng TĐKT hoặc Thủ trưởng cơ quan",
    Action.RESUME: "Thư ký Hội đồng TĐKT hoặc Thủ trưởng cơ quan",
}


def _who_may(action: Action, state: State) -> str:
    if action in (Action.SEND_BACK, Action.REJECT):
        who = _WHO.get(FORWARD_ACTION.get(state), "người xử lý bước tiếp theo")
    else:
        who = _WHO[action]
    return f"Chỉ {who} mới được “{action.title}” ở bước này."


# --- guards and effects, one per action -------------------------------------------------

def _department_review(s: Session, ctx, nom: Nomination, data: ActionInput, actor: Actor) -> None:
    checklist = criteria.evaluate(s, ctx.settings, nom.cycle, nominee_type=nom.nominee_type,
                                  person_id=nom.person_id, department_id=nom.department_id)
    problems = []
    if not checklist.met:
        for line in checklist.unmet_lines():
            problems.append(Problem("criteria_unmet", f"Chưa đạt tiêu chuẩn: {line.label}. {line.note}".strip()))
        if checklist.rule == "any":
            problems = [Problem("criteria_unmet", "Chưa đạt tiêu chuẩn nào trong các tiêu chuẩn sau: "
                                + "; ".join(line.label for line in checklist.lines) + ".")]
        # who can unblock it: only the Office keeps the registers
        problems.append(Problem("criteria_evidence", "Minh chứng còn thiếu do Văn phòng (thư ký Hội đồng TĐKT) ghi vào"
                                " sổ theo dõi; Trưởng phòng gửi bản quét giấy chứng nhận, quyết định tại trang"
                                " “Minh chứng gửi Văn phòng”."))
    kinds = signed_kinds(s, nom.id)
    if "achievement_report" not in kinds:
        problems.append(Problem("missing_achievement_report",
                                "Thiếu báo cáo thành tích đã ký (bản tải lên); bản dự thảo soạn theo mẫu chưa được tính."))
    if not department_minutes(s, nom.cycle_id, nom.department_id):
        problems.append(Problem("missing_department_minutes",
                                "Thiếu biên bản họp xét của Phòng cho kỳ xét này (tải lên ở trang của Phòng)."))
    if problems:
        raise Invalid(problems)
    # what the department sends is frozen now, before this row changes (later steps never rewrite it)
    proposals.freeze(s, ctx, nom, actor.user_id)
    nom.criteria = checklist.as_dict()
    nom.criteria_evaluated_at = ctx.clock.now()


def vote_passes(settings, meeting: CouncilMeeting, vote: CouncilVote | None) -> bool:
    if vote is None:
        return False
    ratio = settings.pass_ratio
    return vote.votes_for * ratio.denominator > ratio.numerator * meeting.members_present


def quorum_met(settings, meeting: CouncilMeeting) -> bool:
    q = settings.quorum
    return meeting.members_present * q.denominator >= q.numerator * meeting.members_total


def _council_review(s: Session, ctx, nom: Nomination, data: ActionInput, actor: Actor) -> None:
    if not data.meeting_id:
        raise Invalid(Problem("meeting_required", "Cần chọn cuộc họp Hội đồng đã xét hồ sơ này."))
    meeting = s.get(CouncilMeeting, data.meeting_id)
    if meeting is None or meeting.cycle_id != nom.cycle_id:
        raise Invalid(Problem("meeting_not_in_cycle", "Cuộc họp Hội đồng không thuộc kỳ xét của hồ sơ này."))
    problems = []
    if not quorum_met(ctx.settings, meeting):
        problems.append(Problem("quorum_not_met",
                                f"Cuộc họp ngày {meeting.held_on:%d/%m/%Y} chỉ có {meeting.members_present}/"
                                f"{meeting.members_total} thành viên dự, chưa đủ tỷ lệ {ctx.settings.quorum}."))
    vote = s.scalars(select(CouncilVote).where(CouncilVote.meeting_id == meeting.id,
                                               CouncilVote.nomination_id == nom.id)).first()
    if vote is None:
        problems.append(Problem("vote_missing", "Chưa ghi nhận kết quả biểu quyết của Hội đồng cho hồ sơ này."))
    elif not vote_passes(ctx.settings, meeting, vote):
        problems.append(Problem("vote_not_passed",
                                f"Chỉ {vote.votes_for}/{meeting.members_present} thành viên dự họp đồng ý;"
                                f" cần trên {ctx.settings.pass_ratio} số thành viên dự họp."))
    if (nom.criteria or {}).get("uses_initiative") and "recognition_decision" not in signed_kinds(s, nom.id):
        problems.append(Problem("missing_recognition_decision",
                                "Thiếu quyết định công nhận sáng kiến (tiêu chuẩn dựa trên sáng kiến)."))
    if problems:
        raise Invalid(problems)
    nom.council_meeting_id = meeting.id


def _head_approve(s: Session, ctx, nom: Nomination, data: ActionInput, actor: Actor) -> None:
    nom.approved_by_id = actor.user_id
    nom.approved_at = ctx.clock.now()
    nom.approved_for_head = not actor.has(Role.AGENCY_HEAD)


def _award(s: Session, ctx, nom: Nomination, data: ActionInput, actor: Actor) -> None:
    # filed into a registered decision (chosen, found by its number, or registered now)
    decision = decisions.file_into_decision(s, ctx, nom, actor.user_id, decision_id=data.decision_id,
                                            number=data.decision_number, on=data.decision_date,
                                            accept_mixed=bool(data.accept_mixed_capacity))
    if nom.award_form == "agency_certificate":
        decisions.register_certificate(s, ctx, nom, decision, actor.user_id)
    nom.decision_id = decision.id
    nom.decision_number = decision.number
    nom.decision_date = decision.signed_on


def _send_back(s: Session, ctx, nom: Nomination, data: ActionInput, actor: Actor) -> None:
    # Leaving a step undoes what that step recorded, so the data keeps matching the state.
    if nom.state == State.HEAD_APPROVED:
        nom.approved_by_id = nom.approved_at = nom.approved_for_head = None
    elif nom.state == State.COUNCIL_REVIEWED:
        nom.council_meeting_id = None
    elif nom.state == State.DEPARTMENT_REVIEWED:
        nom.criteria = None
        nom.criteria_evaluated_at = None


def _nothing(s: Session, ctx, nom: Nomination, data: ActionInput, actor: Actor) -> None:
    return None


GUARDS_AND_EFFECTS = {
    Action.DEPARTMENT_REVIEW: _department_review,
    Action.COUNCIL_REVIEW: _council_review,
    Action.HEAD_APPROVE: _head_approve,
    Action.AWARD: _award,
    Action.SEND_BACK: _send_back,
    Action.REJECT: _nothing,
    Action.WITHDRAW: _nothing,
    Action.HOLD: _nothing,
    Action.RESUME: _nothing,
}


# --- batches ---------------------------------------------------------------------------

@dataclass
class ItemResult:
    nomination_id: int
    ok: bool
    version: int | None = None
    error: DomainError | None = None

    def as_dict(self) -> dict:
        d = {"nomination_id": self.nomination_id, "ok": self.ok, "version": self.version}
        if self.error is not None:
            d["status"] = self.error.status
            d["errors"] = [p.as_dict() for p in self.error.problems]
        return d


def take_action_on_many(ctx, user_id: int, action: str, items: list[tuple[int, int | None]],
                        data: ActionInput | None = None) -> list[ItemResult]:
    """The same action on several nominations; each in its own transaction, each with its result.

    `items` are (nomination_id, version); a version of None means "as it is now" (the
    user confirmed the list on screen moments ago).
    """
    results = []
    for nomination_id, version in items:
        if version is None:
            with ctx.db.reading() as s:
                nom = s.get(Nomination, nomination_id)
                version = nom.version if nom else 0
        item_data = ActionInput(**{**(data.__dict__ if data else {}), "version": version})
        try:
            new_version = take_action(ctx, user_id, nomination_id, action, item_data)
            results.append(ItemResult(nomination_id, True, new_version))
        except DomainError as exc:
            results.append(ItemResult(nomination_id, False, error=exc))
    return results
