"""Registers (initiatives, contest results, task ratings, registrations) and council meetings."""
from __future__ import annotations

from datetime import date

from flask import g, jsonify, request

from states.permissions import may_see_council_records
from workflow import access_log, council, council_roster, register_queries, registers
from workflow.actors import load_actor
from workflow.errors import Forbidden, Invalid, Problem, not_found
from workflow.models import (
    CONTEST_KINDS,
    INITIATIVE_FIELDS,
    TASK_RATINGS,
    ContestResult,
    CouncilMeeting,
    CouncilMember,
    Initiative,
    Registration,
    TaskRating,
)

from ..context import get_ctx
from . import bp, token_required
from .inputs import a_date, a_time, boolean, choice, int_list, integer, json_body, query_int, text


def _actor(s):
    return load_actor(s, g.user_id)[1]


def _logged(items: list[dict], kind: str) -> list[dict]:
    """The rows, once their readers are in the personal-data access log."""
    access_log.record_reads(get_ctx(), g.user_id, (r.get("person_id") for r in items), kind,
                            f"{request.method} {request.path}")
    return items


def _require_council(s) -> None:
    if not may_see_council_records(_actor(s)):
        raise Forbidden("not_allowed", "Chỉ Thư ký và thành viên Hội đồng TĐKT xem được cuộc họp Hội đồng.")


@bp.get("/initiatives")
@token_required
def list_initiatives():
    with get_ctx().db.reading() as s:
        return jsonify({"items": register_queries.list_initiatives(
            s, year=query_int("year"), department_id=query_int("department_id"), person_id=query_int("person_id"),
            q=(request.args.get("q") or "")[:200] or None, actor=_actor(s))})


@bp.post("/initiatives")
@token_required
def create_initiative():
    b = json_body()
    iid = registers.save_initiative(
        get_ctx(), g.user_id, title=text(b, "title", required=True, max_length=1000),
        field=choice(b, "field", tuple(INITIATIVE_FIELDS)), year=integer(b, "year"),
        topic=text(b, "topic") or "", department_id=integer(b, "department_id", required=False),
        author_ids=int_list(b, "author_ids"),
        recognition_number=text(b, "recognition_number", max_length=50),
        recognition_date=a_date(b, "recognition_date", required=False),
        appraisal_number=text(b, "appraisal_number", max_length=50),
        appraisal_date=a_date(b, "appraisal_date", required=False),
        contest_recognition_number=text(b, "contest_recognition_number", max_length=50),
        contest_recognition_date=a_date(b, "contest_recognition_date", required=False))
    with get_ctx().db.reading() as s:
        return jsonify(register_queries.initiative_dict(s.get(Initiative, iid))), 201


@bp.get("/contest-results")
@token_required
def list_contest_results():
    kind = request.args.get("contest_kind") or None
    with get_ctx().db.reading() as s:
        items = register_queries.list_contest_results(
            s, year=query_int("year"), person_id=query_int("person_id"),
            contest_kind=kind if kind in CONTEST_KINDS else None, actor=_actor(s))
    return jsonify({"items": _logged(items, "contest_result")})


@bp.post("/contest-results")
@token_required
def create_contest_result():
    b = json_body()
    score = b.get("score")
    rid = registers.save_contest_result(
        get_ctx(), g.user_id, contest_kind=choice(b, "contest_kind", tuple(CONTEST_KINDS)), year=integer(b, "year"),
        person_id=integer(b, "person_id"), participated=boolean(b, "participated", True),
        score=score if isinstance(score, (int, float)) and not isinstance(score, bool) else None,
        prize=text(b, "prize", max_length=100), round=text(b, "round", max_length=50) or "")
    with get_ctx().db.reading() as s:
        return jsonify(register_queries.contest_result_dict(s.get(ContestResult, rid))), 201


@bp.get("/task-ratings")
@token_required
def list_task_ratings():
    with get_ctx().db.reading() as s:
        items = register_queries.list_task_ratings(
            s, year=query_int("year"), person_id=query_int("person_id"), department_id=query_int("department_id"),
            actor=_actor(s))
    return jsonify({"items": _logged(items, "task_rating")})


@bp.post("/task-ratings")
@token_required
def create_task_rating():
    b = json_body()
    rid = registers.save_task_rating(
        get_ctx(), g.user_id, year=integer(b, "year"), rating=choice(b, "rating", tuple(TASK_RATINGS)),
        person_id=integer(b, "person_id", required=False), department_id=integer(b, "department_id", required=False))
    with get_ctx().db.reading() as s:
        return jsonify(register_queries.task_rating_dict(s.get(TaskRating, rid))), 201


@bp.get("/registrations")
@token_required
def list_registrations():
    with get_ctx().db.reading() as s:
        return jsonify({"items": register_queries.list_registrations(
            s, year=query_int("year"), department_id=query_int("department_id"),
            campaign_id=query_int("campaign_id"), state=request.args.get("state") or None, actor=_actor(s))})


def _registration(reg_id: int):
    with get_ctx().db.reading() as s:
        return register_queries.registration_dict(s.get(Registration, reg_id))


@bp.post("/registrations")
@token_required
def save_registration():
    b = json_body()
    reg_id = registers.save_registration(
        get_ctx(), g.user_id, campaign_id=integer(b, "campaign_id"), department_id=integer(b, "department_id"),
        year=integer(b, "year"), collective=boolean(b, "collective", True), person_ids=int_list(b, "person_ids"),
        target=text(b, "target", max_length=300) or "", submit=boolean(b, "submit", False))
    return jsonify(_registration(reg_id)), 201


@bp.post("/registrations/<int:registration_id>/decision")
@token_required
def decide_registration(registration_id: int):
    b = json_body()
    registers.decide_registration(get_ctx(), g.user_id, registration_id, approve=boolean(b, "approve"),
                                  reason=text(b, "reason", max_length=2000) or "")
    return jsonify(_registration(registration_id))


@bp.get("/cycles/<int:cycle_id>/council-meetings")
@token_required
def list_meetings(cycle_id: int):
    ctx = get_ctx()
    with ctx.db.reading() as s:
        _require_council(s)
        return jsonify({"items": register_queries.list_meetings(s, ctx.settings, cycle_id)})


def _meeting(meeting_id: int):
    ctx = get_ctx()
    with ctx.db.reading() as s:
        m = s.get(CouncilMeeting, meeting_id)
        if m is None:
            raise not_found("cuộc họp Hội đồng")
        return register_queries.meeting_dict(m, ctx.settings)


@bp.post("/cycles/<int:cycle_id>/council-meetings")
@token_required
def create_meeting(cycle_id: int):
    b = json_body()
    mid = council.record_meeting(get_ctx(), g.user_id, cycle_id, _meeting_input(b))
    return jsonify(_meeting(mid)), 201


def _meeting_input(b: dict) -> council.MeetingInput:
    return council.MeetingInput(
        held_on=a_date(b, "held_on"), starts_at=a_time(b, "starts_at"), ends_at=a_time(b, "ends_at"),
        place=text(b, "place", required=True, max_length=200) or "",
        chair_member_id=integer(b, "chair_member_id"), secretary_member_id=integer(b, "secretary_member_id"),
        present_member_ids=int_list(b, "present_member_ids"), note=text(b, "note") or "")


@bp.post("/council-meetings/<int:meeting_id>/correction")
@token_required
def correct_meeting(meeting_id: int):
    b = json_body()
    council.correct_meeting(get_ctx(), g.user_id, meeting_id, _meeting_input(b),
                            text(b, "reason", required=True, max_length=2000) or "")
    return jsonify(_meeting(meeting_id))


@bp.delete("/council-meetings/<int:meeting_id>")
@token_required
def delete_meeting(meeting_id: int):
    council.delete_meeting(get_ctx(), g.user_id, meeting_id)
    return jsonify({"deleted": meeting_id})


@bp.get("/council-members")
@token_required
def list_council_members():
    with get_ctx().db.reading() as s:
        on = request.args.get("on")
        try:
            day = date.fromisoformat(on) if on else None
        except ValueError:
            raise Invalid(Problem("invalid_on", "“on” phải là ngày dạng YYYY-MM-DD.")) from None
        return jsonify({"items": council_roster.roster(s, day)})


@bp.post("/council-members")
@token_required
def add_council_member():
    b = json_body()
    mid = council_roster.add_member(get_ctx(), g.user_id, person_id=integer(b, "person_id"),
                                    council_role=text(b, "council_role", required=True, max_length=20) or "",
                                    title=text(b, "title", max_length=200) or "", term_from=a_date(b, "term_from"),
                                    term_to=a_date(b, "term_to", required=False))
    with get_ctx().db.reading() as s:
        return jsonify(council_roster.member_dict(s.get(CouncilMember, mid))), 201


@bp.get("/council-meetings/<int:meeting_id>")
@token_required
def get_meeting(meeting_id: int):
    with get_ctx().db.reading() as s:
        _require_council(s)
    return jsonify(_meeting(meeting_id))


@bp.post("/council-meetings/<int:meeting_id>/votes")
@token_required
def record_vote(meeting_id: int):
    b = json_body()
    council.record_vote(get_ctx(), g.user_id, meeting_id, nomination_id=integer(b, "nomination_id"),
                        votes_for=integer(b, "votes_for", minimum=0), votes_against=integer(b, "votes_against", minimum=0))
    return jsonify(_meeting(meeting_id)), 201


@bp.post("/council-meetings/<int:meeting_id>/advance")
@token_required
def advance_meeting(meeting_id: int):
    """Council review of every nomination voted at the meeting, with a result per item."""
    results = council.advance_passed(get_ctx(), g.user_id, meeting_id)
    return jsonify({"results": [r.as_dict() for r in results],
                    "succeeded": sum(r.ok for r in results), "failed": sum(not r.ok for r in results)})
