"""Webhooks reach a real receiver signed, are retried after 5xx and timeouts, and arrive once per event."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from notifications.outbox import lease_next
from notifications.webhooks import drain_webhooks, verify
from states import State
from workflow import webhooks
from workflow.audit import fan_out
from workflow.errors import Forbidden, Invalid
from workflow.models import WebhookDelivery

from .conftest import use_webhooks

SECRET = "bi-mat-cua-he-thong-nhan-0123456789"


def subscribe(ctx, make, receiver, types=("nomination.state_changed", "decision.issued")):
    a = make.agency()
    webhooks.create_subscription(ctx, a.admin, url=receiver.url, event_types=list(types), secret=SECRET)
    return a


def deliveries(ctx) -> list[WebhookDelivery]:
    """The deliveries queued so far, after the fan-out the relay (or the web request) runs."""
    fan_out(ctx)
    with ctx.db.reading() as s:
        return list(s.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def signed_ok(r) -> bool:
    return verify(SECRET, r.headers["Thidua-Timestamp"], r.body, r.headers["Thidua-Signature"])


def test_a_receiver_gets_every_event_signed_and_once(ctx, make, receiver):
    a = subscribe(ctx, make, receiver)
    make.nomination(a, state=State.AWARDED)
    drain_webhooks(ctx)
    drain_webhooks(ctx)
    bodies = [json.loads(r.body) for r in receiver.received]
    events = [b["data"].get("event") or b["type"] for b in bodies]
    assert events == ["nomination_registered", "nomination_department_reviewed", "nomination_council_reviewed",
                      "nomination_head_approved", "decision.issued", "nomination_awarded"]
    assert all(signed_ok(r) for r in receiver.received)
    assert len({b["id"] for b in bodies}) == len(bodies)
    assert [r.headers["Thidua-Event-Id"] for r in receiver.received] == [b["id"] for b in bodies]
    assert bodies[-1]["data"]["to_state"] == "awarded" and bodies[-1]["data"]["decision_number"] == "12/QĐ-BDT"
    assert {d.state for d in deliveries(ctx)} == {"sent"} and all(d.last_status == 204 for d in deliveries(ctx))


def test_a_tampered_body_or_another_secret_fails_the_signature(ctx, make, receiver):
    a = subscribe(ctx, make, receiver)
    make.nomination(a)
    drain_webhooks(ctx)
    r = receiver.received[0]
    assert signed_ok(r)
    assert not verify(SECRET, r.headers["Thidua-Timestamp"], r.body + b" ", r.headers["Thidua-Signature"])
    assert not verify("another-secret-0123456789", r.headers["Thidua-Timestamp"], r.body, r.headers["Thidua-Signature"])


def test_only_the_types_asked_for_are_sent(ctx, make, receiver):
    a = subscribe(ctx, make, receiver, types=("decision.issued",))
    make.nomination(a, state=State.AWARDED)
    drain_webhooks(ctx)
    assert [json.loads(r.body)["type"] for r in receiver.received] == ["decision.issued"]


def test_a_500_is_retried_after_the_back_off_with_the_same_id_and_body(ctx, make, receiver, clock):
    a = subscribe(ctx, make, receiver)
    make.nomination(a)
    receiver.plan.append(500)
    report = drain_webhooks(ctx)
    assert report.retry_later == 1 and len(receiver.received) == 1
    [row] = deliveries(ctx)
    assert (row.state, row.last_status, row.attempts) == ("pending", 500, 1)
    assert "trả lời 500" in row.last_response
    drain_webhooks(ctx)
    assert len(receiver.received) == 1  # not before the back-off
    clock.advance(minutes=2)
    drain_webhooks(ctx)
    first, second = receiver.received
    assert first.body == second.body and first.headers["Thidua-Event-Id"] == second.headers["Thidua-Event-Id"]
    assert signed_ok(second) and deliveries(ctx)[0].state == "sent"


def test_a_timeout_is_retried(ctx, make, receiver, clock):
    use_webhooks(ctx, timeout=0.5)
    a = subscribe(ctx, make, receiver)
    make.nomination(a)
    receiver.plan.append(("sleep", 1.5))
    drain_webhooks(ctx)
    [row] = deliveries(ctx)
    assert row.state == "pending" and row.last_status is None and "Hết thời gian chờ" in row.last_error
    clock.advance(minutes=2)
    drain_webhooks(ctx)
    assert deliveries(ctx)[0].state == "sent" and deliveries(ctx)[0].attempts == 2


def test_a_4xx_fails_without_retry_and_can_be_replayed(ctx, make, receiver, clock):
    a = subscribe(ctx, make, receiver)
    make.nomination(a)
    receiver.plan.append(410)
    drain_webhooks(ctx)
    [row] = deliveries(ctx)
    assert (row.state, row.last_status) == ("failed", 410)
    with pytest.raises(Forbidden):
        webhooks.replay_delivery(ctx, a.secretary, row.id)
    webhooks.replay_delivery(ctx, a.admin, row.id)
    drain_webhooks(ctx)
    assert deliveries(ctx)[0].state == "sent"
    assert receiver.received[0].body == receiver.received[1].body


def test_a_relay_that_crashed_after_claiming_leaves_one_delivery(ctx, make, receiver, clock):
    a = subscribe(ctx, make, receiver)
    make.nomination(a)
    fan_out(ctx)
    assert lease_next(ctx, WebhookDelivery, "crashed-relay", lambda row: row.id) is not None
    drain_webhooks(ctx)
    assert receiver.received == []  # the lease is still held
    clock.advance(minutes=11)
    report = drain_webhooks(ctx)
    assert report.recovered == 1 and len(receiver.received) == 1
    drain_webhooks(ctx)
    assert len(receiver.received) == 1


def test_a_relay_that_crashed_after_posting_resends_the_same_event_id(ctx, make, receiver, clock, monkeypatch):
    a = subscribe(ctx, make, receiver)
    make.nomination(a)
    from notifications import webhooks as relay

    def crash(*args, **kwargs):
        raise SystemExit("relay killed before settling")

    monkeypatch.setattr(relay, "apply_outcome", crash)
    with pytest.raises(SystemExit):
        drain_webhooks(ctx)
    monkeypatch.undo()
    clock.advance(minutes=11)
    drain_webhooks(ctx)
    first, second = receiver.received
    # A receiver that de-duplicates on the event id processes it once.
    assert first.headers["Thidua-Event-Id"] == second.headers["Thidua-Event-Id"] and first.body == second.body
    assert deliveries(ctx)[0].state == "sent"


def test_a_subscription_needs_an_http_url_and_known_types(ctx, make):
    a = make.agency()
    with pytest.raises(Invalid) as err:
        webhooks.create_subscription(ctx, a.admin, url="ftp://x", event_types=["nope"])
    assert {p.code for p in err.value.problems} == {"webhook_url", "webhook_event_type"}
    with pytest.raises(Forbidden):
        webhooks.create_subscription(ctx, a.secretary, url="http://127.0.0.1/x", event_types=["decision.issued"])


def test_a_revocation_reaches_its_subscriber(ctx, make, receiver):
    from workflow import verification
    from workflow.models import Nomination
    a = subscribe(ctx, make, receiver, types=("decision.revoked",))
    nid = make.nomination(a, state=State.AWARDED)
    with ctx.db.reading() as s:
        decision_id = s.get(Nomination, nid).decision_id
    verification.revoke_decision(ctx, a.secretary, decision_id, signed_on=ctx.clock.today(),
                                 signer_user_id=a.agency_head, reason="Sai đối tượng")
    drain_webhooks(ctx)
    [r] = receiver.received
    body = json.loads(r.body)
    assert body["type"] == "decision.revoked" and body["data"]["decision_id"] == decision_id
    assert body["data"]["reason"] == "Sai đối tượng" and signed_ok(r)


def test_a_passed_deadline_is_announced_once(ctx, make, receiver):
    from datetime import timedelta

    from notifications.webhooks import announce_passed_deadlines
    from workflow.models import ReviewCycle
    subscribe(ctx, make, receiver, types=("deadline.passed",))
    cycle_id = make.cycle()
    with ctx.db.reading() as s:
        deadline = s.get(ReviewCycle, cycle_id).dossier_deadline
    assert announce_passed_deadlines(ctx, deadline) == 0  # not passed on the day itself
    day_after = deadline + timedelta(days=1)
    queued = announce_passed_deadlines(ctx, day_after)
    assert queued >= 1 and announce_passed_deadlines(ctx, day_after + timedelta(days=1)) == 0
    drain_webhooks(ctx)
    bodies = [json.loads(r.body) for r in receiver.received]
    assert {"cycle_id": cycle_id, "deadline": "dossier_deadline", "date": deadline.isoformat()}.items() <= \
        next(b["data"] for b in bodies if b["data"]["cycle_id"] == cycle_id).items()
    assert all(signed_ok(r) for r in receiver.received) and len(bodies) == queued


def _close_a_voting(ctx, make, a) -> tuple[int, int]:
    """A meeting votes on one reviewed nomination (one paper ballot for) and the secretary closes it."""
    from workflow import ballots
    nid = make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    meeting = make.meeting(a, make.cycle(), present=5, total=7)
    seated = make.roster(a, 7)
    ballots.open_voting(ctx, a.secretary, meeting)
    ballots.cast_ballots(ctx, a.secretary, meeting, {nid: "for"}, paper_for_member_id=seated[0])
    ballots.close_voting(ctx, a.secretary, meeting)
    return meeting, nid


def test_closing_a_voting_sends_the_meeting_and_its_totals(ctx, make, receiver):
    a = subscribe(ctx, make, receiver, types=("meeting.closed",))
    meeting, nid = _close_a_voting(ctx, make, a)
    drain_webhooks(ctx)
    [r] = receiver.received
    body = json.loads(r.body)
    assert body["type"] == "meeting.closed" and r.headers["Thidua-Event-Type"] == "meeting.closed" and signed_ok(r)
    data = body["data"]
    assert data["meeting_id"] == meeting and data["members_present"] == 5 and data["members_total"] == 7
    assert data["results"] == [{"nomination_id": nid, "votes_for": 1, "votes_against": 0, "abstained": 0,
                                "passed": False}]  # one of five present is not more than half


def test_a_receiver_of_every_type_gets_each_listed_event_signed_and_once(ctx, make, receiver):
    from datetime import timedelta

    from jsonschema import Draft202012Validator

    from notifications.webhooks import announce_passed_deadlines
    from webapp.api.openapi import spec
    from workflow import verification
    from workflow.models import Nomination, ReviewCycle
    a = subscribe(ctx, make, receiver, types=tuple(webhooks.EVENT_TYPES))
    nid = make.nomination(a, state=State.AWARDED)
    with ctx.db.reading() as s:
        decision_id = s.get(Nomination, nid).decision_id
    verification.revoke_decision(ctx, a.secretary, decision_id, signed_on=ctx.clock.today(),
                                 signer_user_id=a.agency_head, reason="Sai đối tượng")
    _close_a_voting(ctx, make, a)
    with ctx.db.reading() as s:
        deadline = s.get(ReviewCycle, make.cycle()).dossier_deadline
    announce_passed_deadlines(ctx, deadline + timedelta(days=1))
    drain_webhooks(ctx)
    drain_webhooks(ctx)
    bodies = [json.loads(r.body) for r in receiver.received]
    assert {b["type"] for b in bodies} == set(webhooks.EVENT_TYPES)
    documented = spec()["webhooks"]
    for b in bodies:  # each body is what the OpenAPI document promises for its type
        schema = documented[b["type"]]["post"]["requestBody"]["content"]["application/json"]["schema"]
        Draft202012Validator(schema).validate(b)
    assert all(signed_ok(r) for r in receiver.received)
    assert len({b["id"] for b in bodies}) == len(bodies) == len(deliveries(ctx))
    assert {d.state for d in deliveries(ctx)} == {"sent"}
