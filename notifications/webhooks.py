"""Webhooks: domain events become signed HTTP POSTs to subscribers, through the outbox's lease and back-off.

Queued in the event's transaction (one row per subscriber, body fixed then), sent by `drain_webhooks`:
each row leased alone (`outbox.lease_next`), posted outside any transaction, settled by the lease holder
(`outbox.apply_outcome`). Signature (README, "Webhooks"): header `Thidua-Signature: v1=<hex>` where
hex = HMAC-SHA256(secret, f"{timestamp}.{body}") and timestamp is `Thidua-Timestamp` (Unix seconds).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from states import State
from workflow.audit import fan_out
from workflow.models import AWARD_FORMS, DomainEvent, Nomination, WebhookDelivery, WebhookSubscription
from workflow.webhooks import EVENT_TYPES

from .outbox import PERMANENT, SENT, TEMPORARY, DrainReport, apply_outcome, holds_lease, lease_next, recover_stale
from .settings import mail_settings

USER_AGENT = "thidua-webhooks/1"
RESPONSE_KEPT = 2000  # characters of the receiver's answer kept for the admin page


def event_type_of(name: str) -> str | None:
    """The webhook type of a domain event, or None when subscribers are not told of it."""
    if name.startswith("nomination_"):
        return "nomination.state_changed"
    return {"decision_issued": "decision.issued", "decision_revoked": "decision.revoked",
            "council_voting_closed": "meeting.closed"}.get(name)


def event_uid(settings, event: DomainEvent) -> str:
    """Stable across retries, replays and crashed relays; distinct between installations (base URL)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.base_url}/events/{event.id}"))


def _data(s: Session, event: DomainEvent) -> dict:
    payload = dict(event.payload or {})
    if event.nomination_id is None:
        return payload
    nom = s.get(Nomination, event.nomination_id)
    state = payload.get("to") or nom.state  # as the event left it, whatever happened since
    return {
        "nomination_id": nom.id, "event": event.name, "from_state": payload.get("from"), "to_state": state,
        "to_state_title": State(state).title, "nominee": nom.nominee_name, "nominee_type": nom.nominee_type,
        "award_form": nom.award_form, "award_form_title": AWARD_FORMS[nom.award_form],
        "department": nom.department.name, "cycle_id": nom.cycle_id,
        "decision_number": nom.decision_number,
        "decision_date": nom.decision_date.isoformat() if nom.decision_date else None,
    }


def body_of(s: Session, ctx, event: DomainEvent, kind: str) -> str:
    """The JSON body (schema in the OpenAPI document's `webhooks`)."""
    return json.dumps({"id": event_uid(ctx.settings, event), "type": kind, "occurred_at": event.at.isoformat(),
                       "data": _data(s, event)}, ensure_ascii=False, sort_keys=True, default=str)


# two columns, not the subscriptions as objects: every step asks, and most agencies have none; built once
_ACTIVE = select(WebhookSubscription.id, WebhookSubscription.event_types).where(WebhookSubscription.active)


def on_event(s: Session, ctx, event: DomainEvent) -> None:
    """Subscriber on ctx.subscribers: queue one delivery per active subscriber that wants this type."""
    kind = event_type_of(event.name)
    if kind is None:
        return
    subs = [sub_id for sub_id, types in s.execute(_ACTIVE) if kind in (types or ())]
    if not subs:
        return
    body, uid, now = body_of(s, ctx, event, kind), event_uid(ctx.settings, event), ctx.clock.now()
    for sub_id in subs:
        s.add(WebhookDelivery(created_at=now, subscription_id=sub_id, event_uid=uid, event_type=kind, body=body,
                              state="pending", attempts=0, next_attempt_at=now))


# --- deadlines: not domain events (nothing is written when a date passes), so the daily job announces them ---

DEADLINES = {"registration_deadline": "Hạn đăng ký thi đua", "dossier_deadline": "Hạn nộp hồ sơ đề nghị khen thưởng"}
LOOKBACK_DAYS = 7  # a first run (or a scheduler down for a while) announces only recent deadlines


def announce_passed_deadlines(ctx, as_of) -> int:
    """Queue `deadline.passed` for each deadline passed in the last week, once per subscriber. How many queued."""
    from datetime import timedelta

    from workflow.models import ReviewCycle

    since = as_of - timedelta(days=LOOKBACK_DAYS)
    queued = 0
    with ctx.db.transaction() as s:
        subs = [sub for sub in s.scalars(select(WebhookSubscription).where(WebhookSubscription.active))
                if "deadline.passed" in (sub.event_types or ())]
        if not subs:
            return 0
        now = ctx.clock.now()
        for cycle in s.scalars(select(ReviewCycle).order_by(ReviewCycle.id)):
            for column, title in DEADLINES.items():
                day = getattr(cycle, column)
                if day is None or not since <= day < as_of:
                    continue
                uid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{ctx.settings.base_url}/deadlines/{cycle.id}/{column}"))
                body = json.dumps({"id": uid, "type": "deadline.passed", "occurred_at": now.isoformat(),
                                   "data": {"cycle_id": cycle.id, "cycle": cycle.title, "deadline": column,
                                            "title": title, "date": day.isoformat()}},
                                  ensure_ascii=False, sort_keys=True)
                for sub in subs:
                    done = s.scalar(select(WebhookDelivery.id).where(WebhookDelivery.subscription_id == sub.id,
                                                                     WebhookDelivery.event_uid == uid))
                    if done is None:  # the unique (subscription, event id) also stops two racing sweeps
                        s.add(WebhookDelivery(created_at=now, subscription_id=sub.id, event_uid=uid,
                                              event_type="deadline.passed", body=body, state="pending",
                                              attempts=0, next_attempt_at=now))
                        queued += 1
    return queued


# --- the relay -------------------------------------------------------------------------

@dataclass(frozen=True)
class WebhookSettings:
    timeout: float
    retry_minutes: tuple[int, ...]
    stale_sending_minutes: int


def webhook_settings(settings) -> WebhookSettings:
    """[webhooks] in config.toml; back-off steps default to the mail relay's."""
    w = settings.section("webhooks")
    timeout = float(w.get("timeout", 10))
    stale = int(w.get("stale_sending_minutes", 10))
    if stale * 60 < 2 * timeout:
        raise ValueError(f"[webhooks] stale_sending_minutes ({stale}) must be at least 2 × timeout ({timeout} s)")
    retry = w.get("retry_minutes") or mail_settings(settings).retry_minutes
    return WebhookSettings(timeout, tuple(int(x) for x in retry), stale)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value: v1=hex(HMAC-SHA256(secret, "<timestamp>.<body>"))."""
    mac = hmac.new(secret.encode("utf-8"), str(timestamp).encode("ascii") + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does (used by the tests): recompute and compare in constant time."""
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a POST is never silently turned into a GET elsewhere
        return None


_opener = urllib.request.build_opener(_NoRedirect)


@dataclass(frozen=True)
class Leased:
    id: int
    url: str
    secret: str
    event_uid: str
    event_type: str
    body: str


def _classify(status: int) -> str:
    if 200 <= status < 300:
        return SENT
    if status >= 500 or status in (408, 425, 429):
        return TEMPORARY
    return PERMANENT


def post(m: Leased, now_ts: int, timeout: float) -> tuple[str, int | None, str, str | None]:
    """POST one delivery: (outcome, HTTP status, the start of the answer, error)."""
    body = m.body.encode("utf-8")
    request = urllib.request.Request(m.url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
        "Thidua-Event-Id": m.event_uid, "Thidua-Event-Type": m.event_type,
        "Thidua-Timestamp": str(now_ts), "Thidua-Signature": sign(m.secret, now_ts, body)})
    try:
        with _opener.open(request, timeout=timeout) as response:
            status, text = response.status, response.read(RESPONSE_KEPT).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read(RESPONSE_KEPT).decode("utf-8", "replace")
    except TimeoutError:
        return TEMPORARY, None, "", f"Hết thời gian chờ ({timeout:g} giây) khi gửi tới {m.url}."
    except (urllib.error.URLError, OSError) as exc:
        return TEMPORARY, None, "", f"Không kết nối được {m.url}: {getattr(exc, 'reason', exc)}"
    outcome = _classify(status)
    return outcome, status, text, None if outcome == SENT else f"Máy nhận trả lời HTTP {status}."


def _snapshot(row: WebhookDelivery) -> Leased:
    sub = row.subscription
    return Leased(row.id, sub.url, sub.secret, row.event_uid, row.event_type, row.body)


def drain_webhooks(ctx, *, limit: int = 500) -> DrainReport:
    """Post what is due, one delivery at a time, each under its own lease."""
    fan_out(ctx)  # events not yet turned into deliveries
    conf = webhook_settings(ctx.settings)
    report = DrainReport(recovered=recover_stale(ctx, WebhookDelivery, conf.stale_sending_minutes))
    lease = uuid.uuid4().hex
    for _ in range(limit):
        m = lease_next(ctx, WebhookDelivery, lease, _snapshot)
        if m is None:
            break
        outcome, status, text, error = post(m, int(ctx.clock.now().timestamp()), conf.timeout)
        with ctx.db.transaction() as s:
            row = s.get(WebhookDelivery, m.id, with_for_update=True)
            if not holds_lease(row, lease):
                report.errors.append(f"webhook #{m.id}: quá thời hạn giữ, đã do tiến trình khác xử lý.")
                continue
            row.last_status, row.last_response = status, text
            apply_outcome(row, outcome, error, ctx.clock.now(), conf.retry_minutes, report)
            if error:
                report.errors.append(f"webhook #{m.id} {m.url}: {error}")
    return report


__all__ = ["EVENT_TYPES", "drain_webhooks", "on_event", "sign", "verify"]
