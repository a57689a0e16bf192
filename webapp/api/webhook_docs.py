"""The `webhooks` section of the OpenAPI 3.1 document: what thidua POSTs to subscribers."""
from __future__ import annotations

from states import State
from workflow.models import AWARD_FORMS
from workflow.webhooks import EVENT_TYPES

STR, INT = {"type": "string"}, {"type": "integer"}
NULL_STR = {"type": ["string", "null"]}
DATE = {"type": ["string", "null"], "format": "date"}

HEADERS = {
    "Thidua-Event-Id": "Mã sự kiện ổn định (UUID); giống nhau ở mọi lần gửi lại, dùng để loại bản trùng.",
    "Thidua-Event-Type": "Loại sự kiện, như trường `type`.",
    "Thidua-Timestamp": "Thời điểm ký (giây Unix); từ chối nếu lệch quá vài phút để chống phát lại.",
    "Thidua-Signature": "`v1=` + hex(HMAC-SHA256(khóa bí mật, \"<Thidua-Timestamp>.<thân yêu cầu>\")).",
}

NOMINATION_DATA = {
    "type": "object",
    "required": ["nomination_id", "event", "to_state"],
    "properties": {
        "nomination_id": INT, "event": STR, "from_state": {"enum": [s.value for s in State] + [None]},
        "to_state": {"enum": [s.value for s in State]}, "to_state_title": STR, "nominee": STR,
        "nominee_type": {"enum": ["individual", "collective"]}, "award_form": {"enum": list(AWARD_FORMS)},
        "award_form_title": STR, "department": STR, "cycle_id": INT, "decision_number": NULL_STR,
        "decision_date": DATE,
    },
}
DECISION_DATA = {
    "type": "object",
    "required": ["decision_id", "number", "signed_on"],
    "properties": {"decision_id": INT, "number": STR, "signed_on": {"type": "string", "format": "date"},
                   "capacity": {"enum": ["head", "deputy"]}, "signer": STR, "cycle_id": {"type": ["integer", "null"]},
                   "revoked_by_decision_id": INT, "revoked_by_number": STR, "reason": STR},
}
DEADLINE_DATA = {
    "type": "object",
    "required": ["cycle_id", "deadline", "date"],
    "properties": {"cycle_id": INT, "cycle": STR, "deadline": {"enum": ["registration_deadline", "dossier_deadline"]},
                   "title": STR, "date": {"type": "string", "format": "date"}},
}
MEETING_DATA = {
    "type": "object",
    "required": ["meeting_id", "cycle_id", "held_on", "results"],
    "properties": {
        "meeting_id": INT, "cycle_id": INT, "held_on": {"type": "string", "format": "date"}, "label": STR,
        "members_present": INT, "members_total": INT, "secret": {"type": "boolean"},
        "results": {"type": "array", "items": {
            "type": "object", "required": ["nomination_id", "votes_for", "votes_against", "passed"],
            "properties": {"nomination_id": INT, "votes_for": INT, "votes_against": INT, "abstained": INT,
                           "passed": {"type": "boolean"}}}},
    },
}
DATA_OF = {"nomination.state_changed": NOMINATION_DATA, "decision.issued": DECISION_DATA,
           "decision.revoked": DECISION_DATA, "meeting.closed": MEETING_DATA,
           "deadline.passed": DEADLINE_DATA}


def event_schema(kind: str) -> dict:
    return {"type": "object", "required": ["id", "type", "occurred_at", "data"],
            "properties": {"id": {"type": "string", "format": "uuid"}, "type": {"const": kind},
                           "occurred_at": {"type": "string", "format": "date-time"}, "data": DATA_OF[kind]}}


def webhooks() -> dict:
    """One entry per event type: a POST with the signed JSON body; any 2xx acknowledges it."""
    headers = [{"name": name, "in": "header", "required": True, "description": text, "schema": STR}
               for name, text in HEADERS.items()]
    return {kind: {"post": {
        "summary": title, "parameters": headers,
        "requestBody": {"required": True, "content": {"application/json": {"schema": event_schema(kind)}}},
        "responses": {"2XX": {"description": "Đã nhận (mọi mã 2xx)."},
                      "5XX": {"description": "Lỗi tạm thời: gửi lại sau (cả khi hết thời gian chờ, 408, 429)."}},
    }} for kind, title in EVENT_TYPES.items()}
