"""Webhook subscribers: an administrator registers another system's address, its secret and the events it wants.

Deliveries are queued by notifications/webhooks.py in the transaction of the event and sent by its relay.
"""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from .actors import load_actor
from .audit import audit
from .errors import Conflict, Forbidden, Invalid, Problem, not_found
from .models import WebhookDelivery, WebhookSubscription
from .text import nfc

# The event types a subscriber can ask for (the `type` of the payload), with what an administrator reads.
EVENT_TYPES = {
    "nomination.state_changed": "Hồ sơ đề nghị chuyển bước (đăng ký, xét, phê duyệt, khen thưởng, trả lại…)",
    "decision.issued": "Quyết định khen thưởng được vào sổ",
    "decision.revoked": "Quyết định khen thưởng bị thu hồi",
    "meeting.closed": "Hội đồng TĐKT kết thúc biểu quyết tại cuộc họp (kết quả kiểm phiếu từng hồ sơ)",
    "deadline.passed": "Đã qua hạn đăng ký thi đua hoặc hạn nộp hồ sơ của một kỳ xét",
}


def _require_admin(s: Session, user_id: int):
    user, actor = load_actor(s, user_id)
    if not actor.has("admin"):
        raise Forbidden("not_allowed", "Chỉ quản trị được quản lý webhook.")
    return user


def _checked(url: str, event_types) -> tuple[str, list[str]]:
    url = nfc(url or "").strip()
    problems = []
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems.append(Problem("webhook_url", "Địa chỉ nhận phải là một URL http:// hoặc https:// đầy đủ."))
    chosen = [t for t in EVENT_TYPES if t in set(event_types or ())]
    unknown = sorted(set(event_types or ()) - set(EVENT_TYPES))
    if unknown:
        problems.append(Problem("webhook_event_type", f"Loại sự kiện không có: {', '.join(unknown)}."))
    elif not chosen:
        problems.append(Problem("webhook_event_type", "Cần chọn ít nhất một loại sự kiện."))
    if problems:
        raise Invalid(problems)
    return url, chosen


def create_subscription(ctx, user_id: int, *, url: str, event_types, description: str = "",
                        secret: str | None = None) -> int:
    """Register a subscriber; a secret is drawn when none is given (the receiver needs it to check signatures)."""
    url, chosen = _checked(url, event_types)
    secret = (secret or "").strip() or secrets.token_urlsafe(32)
    if len(secret) < 16:
        raise Invalid(Problem("webhook_secret", "Khóa bí mật phải dài ít nhất 16 ký tự."))
    with ctx.db.transaction() as s:
        user = _require_admin(s, user_id)
        sub = WebhookSubscription(url=url, secret=secret, event_types=chosen, description=nfc(description or "")[:200],
                                  active=True, created_by_id=user.id, created_at=ctx.clock.now())
        s.add(sub)
        s.flush()
        audit(s, ctx, actor_id=user.id, action="create_webhook", entity_type="webhook_subscription",
              entity_id=sub.id, payload={"url": url, "event_types": chosen})
        return sub.id


def set_subscription_active(ctx, user_id: int, subscription_id: int, active: bool) -> None:
    """Pause or resume a subscriber: while paused no new deliveries are queued for it."""
    with ctx.db.transaction() as s:
        user = _require_admin(s, user_id)
        sub = s.get(WebhookSubscription, subscription_id)
        if sub is None:
            raise not_found("địa chỉ nhận webhook")
        sub.active = active
        audit(s, ctx, actor_id=user.id, action="resume_webhook" if active else "pause_webhook",
              entity_type="webhook_subscription", entity_id=sub.id, payload={"url": sub.url})


def replay_delivery(ctx, user_id: int, delivery_id: int) -> None:
    """Send a delivery again, same event id and body (the receiver de-duplicates if it already has it)."""
    with ctx.db.transaction() as s:
        user = _require_admin(s, user_id)
        row = s.get(WebhookDelivery, delivery_id, with_for_update=True)
        if row is None:
            raise not_found("lần gửi webhook")
        if row.state in ("pending", "sending"):
            raise Conflict("webhook_in_queue", "Lần gửi này đang trong hàng chờ; chưa thể gửi lại.")
        row.state, row.attempts, row.next_attempt_at, row.last_error = "pending", 0, ctx.clock.now(), None
        audit(s, ctx, actor_id=user.id, action="replay_webhook", entity_type="webhook_delivery", entity_id=row.id,
              payload={"event_uid": row.event_uid, "subscription_id": row.subscription_id})


def list_subscriptions(s: Session) -> list[WebhookSubscription]:
    return list(s.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id)))


def list_deliveries(s: Session, *, limit: int = 200, subscription_id: int | None = None) -> list[WebhookDelivery]:
    """Newest first, with their last response."""
    q = select(WebhookDelivery)
    if subscription_id is not None:
        q = q.where(WebhookDelivery.subscription_id == subscription_id)
    return list(s.scalars(q.order_by(WebhookDelivery.id.desc()).limit(limit)))
