"""The subscriber: each domain event becomes outbox rows for whoever must hear of it, once the change has
committed (workflow/audit.py `fan_out`), in the fan-out's transaction.

One table (HANDLERS) maps event names to the function that picks recipients and the template.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from states import State
from workflow import stand_ins
from workflow.models import (
    AWARD_FORMS,
    NOMINEE_TYPES,
    Campaign,
    Department,
    DomainEvent,
    Nomination,
    Registration,
    User,
)
from workflow.stand_ins import StandIns

from . import emails
from .links import nomination_url, registrations_url
from .recipients import Recipient, department_heads, head_and_stand_ins, person_recipient, users_with_roles

# Who must act when a nomination sits in a state, and what they must do.
TODO = {
    State.REGISTERED: "họp xét tại Phòng, tải lên biên bản họp xét và báo cáo thành tích, rồi chọn “Phòng xét, đề nghị”.",
    State.DEPARTMENT_REVIEWED: "đưa hồ sơ vào cuộc họp Hội đồng Thi đua - Khen thưởng và ghi nhận kết quả biểu quyết.",
    State.COUNCIL_REVIEWED: "xem hồ sơ và phê duyệt (hoặc trả lại kèm lý do).",
    State.HEAD_APPROVED: "trình ký quyết định khen thưởng và ghi nhận số, ngày quyết định.",
}


def next_actors(s: Session, nom: Nomination, state: State, standing: StandIns) -> list[Recipient]:
    """The people who must act on a nomination in `state` (with whoever stands in for them that day)."""
    if state == State.REGISTERED:
        return department_heads(s, nom.department_id, standing)
    if state in (State.DEPARTMENT_REVIEWED, State.HEAD_APPROVED):
        return users_with_roles(s, "council_secretary")
    if state == State.COUNCIL_REVIEWED:
        return head_and_stand_ins(s, standing)
    return []


def nomination_view(s: Session, settings, nom: Nomination, state: State | None = None) -> dict:
    """What every nomination email shows about the nomination (in `state`: the one its event left it in)."""
    cycle = nom.cycle
    return {
        "id": nom.id, "nominee": nom.nominee_name, "kind": NOMINEE_TYPES[nom.nominee_type],
        "kind_is_individual": nom.nominee_type == "individual", "department": nom.department.name,
        "cycle": cycle.title, "award_form": AWARD_FORMS[nom.award_form], "state": (state or State(nom.state)).title,
        "link": nomination_url(settings, nom.id), "dossier_deadline": cycle.dossier_deadline,
        "council_meeting_on": cycle.council_meeting_on, "ceremony_on": cycle.ceremony_on,
    }


def _state_title(value: str | None) -> str:
    return State(value).title if value else ""


def _nomination_mails(s: Session, ctx, event: DomainEvent) -> list[tuple[str, Recipient, dict]]:
    nom = s.get(Nomination, event.nomination_id)
    if nom is None:
        return []
    payload = event.payload or {}
    # the state the event left it in: by the time the event is fanned out, the nomination may have moved on
    state = State(payload.get("to") or nom.state)
    base = {"n": nomination_view(s, ctx.settings, nom, state), "reason": payload.get("comment"),
            "from_state": _state_title(payload.get("from")), "on_behalf_of": payload.get("on_behalf_of")}
    name = event.name
    standing = stand_ins.on_day(s, ctx, event.at.astimezone(ctx.clock.tz).date())  # who stood in on the event's day
    if name in FORWARD:
        return [(FORWARD[name], r, base) for r in next_actors(s, nom, state, standing)]
    if name in TO_DEPARTMENT_HEAD:
        return [(TO_DEPARTMENT_HEAD[name], r, base) for r in department_heads(s, nom.department_id, standing)]
    if name == "nomination_resumed":
        todo = {**base, "todo": TODO.get(state, "")}
        return [("nomination_resumed__next_actor", r, todo) for r in next_actors(s, nom, state, standing)]
    if name == "nomination_withdrawn" and payload.get("from") not in (None, State.REGISTERED.value):
        # Only the council's side had it in its queue once the department had reviewed it.
        return [("nomination_withdrawn__secretary", r, base) for r in users_with_roles(s, "council_secretary")]
    if name == "nomination_awarded":
        awarded = {**base, "decision_number": nom.decision_number, "decision_date": nom.decision_date}
        mails = []
        if nom.person_id is not None:
            nominee = person_recipient(s, nom.person_id)
            if nominee is not None:
                mails.append(("nomination_awarded__nominee", nominee, awarded))
        mails += [("nomination_awarded__department_head", r, awarded) for r in department_heads(s, nom.department_id)]
        return mails
    return []


FORWARD = {
    "nomination_registered": "nomination_registered__department_head",
    "nomination_department_reviewed": "nomination_department_reviewed__secretary",
    "nomination_council_reviewed": "nomination_council_reviewed__head",
    "nomination_head_approved": "nomination_head_approved__secretary",
}
TO_DEPARTMENT_HEAD = {
    "nomination_sent_back": "nomination_sent_back__department_head",
    "nomination_rejected": "nomination_rejected__department_head",
    "nomination_held": "nomination_held__department_head",
}


def _registration_mails(s: Session, ctx, event: DomainEvent) -> list[tuple[str, Recipient, dict]]:
    payload = event.payload or {}
    dept = s.get(Department, payload.get("department_id"))
    if dept is None:
        return []
    reg = s.get(Registration, payload.get("registration_id"))
    campaign = s.get(Campaign, reg.campaign_id) if reg is not None else None
    variables = {"department": dept.name, "year": payload.get("year"), "reason": payload.get("reason"),
                 "campaign": campaign.name if campaign else "",
                 "link": registrations_url(ctx.settings, payload.get("registration_id"))}
    if event.name == "registration_submitted":
        return [("registration_submitted__secretary", r, variables) for r in users_with_roles(s, "council_secretary")]
    template = f"{event.name}__department_head"
    return [(template, r, variables) for r in department_heads(s, dept.id)]


HANDLERS = {name: _nomination_mails for name in (
    "nomination_registered", "nomination_department_reviewed", "nomination_council_reviewed",
    "nomination_head_approved", "nomination_awarded", "nomination_sent_back", "nomination_rejected",
    "nomination_withdrawn", "nomination_held", "nomination_resumed")}
HANDLERS.update({name: _registration_mails for name in (
    "registration_submitted", "registration_approved", "registration_refused")})


def on_event(s: Session, ctx, event: DomainEvent) -> None:
    """Subscriber installed on ctx.subscribers: queue the emails an event calls for."""
    handler = HANDLERS.get(event.name)
    if handler is None:
        return
    actor = s.get(User, event.actor_id) if event.actor_id else None
    seen: set[str] = set()
    for template, recipient, variables in handler(s, ctx, event):
        # Nobody is told about their own action; one email per address per event.
        if actor is not None and recipient.user_id == actor.id:
            continue
        if recipient.address.lower() in seen:
            continue
        seen.add(recipient.address.lower())
        emails.queue(s, ctx, situation=event.name, template=template, to=recipient,
                     variables={**variables, "actor": actor.name if actor else ""},
                     nomination_id=event.nomination_id, event_id=event.id)
