"""A step records its event; the emails and webhook deliveries it calls for are made after it commits.

The fan-out (workflow/audit.py `fan_out`) runs in the relay before it sends, in the web app once a write
request's response is out, and in the demo; these tests call it where a server would have.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from states import State
from workflow import nominations
from workflow.audit import fan_out, fan_out_again, set_aside
from workflow.context import Context
from workflow.errors import Conflict, Forbidden
from workflow.models import DomainEvent, OutboxMessage, User

from ..web.conftest import Browser


def outbox_count(ctx) -> int:
    with ctx.db.reading() as s:
        return s.scalar(select(func.count()).select_from(OutboxMessage))


def pending_events(ctx) -> list[str]:
    with ctx.db.reading() as s:
        return list(s.scalars(select(DomainEvent.name).where(DomainEvent.fanned_out_at.is_(None))
                              .order_by(DomainEvent.id)))


def held_mail(ctx) -> list[int]:
    """The nominations that have a "held" email queued, one entry per email."""
    with ctx.db.reading() as s:
        return sorted(m.nomination_id for m in s.scalars(select(OutboxMessage).where(
            OutboxMessage.situation == "nomination_held")))


@contextmanager
def failing_on(ctx, nomination_id: int, exc: Exception):
    """A subscriber with a bug that shows on one nomination's events, installed first, while the block runs."""

    def broken(s, ctx_, event):
        if event.nomination_id == nomination_id:
            raise exc

    ctx.subscribers.insert(0, broken)
    try:
        yield
    finally:
        ctx.subscribers.remove(broken)


def page_app(ctx):
    from webapp import create_app

    app = create_app(context=ctx)
    app.config.update(TESTING=True)
    return app


def test_a_step_commits_its_event_and_the_fan_out_makes_its_mail_once(ctx, make):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person, state=State.DEPARTMENT_REVIEWED)
    fan_out(ctx)
    before = outbox_count(ctx)
    make.act(a.secretary, nid, "hold", comment="Đang thanh tra")
    assert pending_events(ctx) == ["nomination_held"]
    assert outbox_count(ctx) == before  # nothing was looked up or queued inside the step's transaction
    assert fan_out(ctx) == 1
    assert outbox_count(ctx) == before + 1 and pending_events(ctx) == []
    assert fan_out(ctx) == 0 and outbox_count(ctx) == before + 1  # never twice


def test_mail_says_the_state_the_event_left_even_if_the_nomination_moved_on(ctx, make):
    a = make.agency()
    # registered by staff (the head is told), then reviewed by the head (the secretary is told), then fanned out
    make.nomination(a, person_id=a.staff_person, by=a.staff_user, state=State.DEPARTMENT_REVIEWED)
    fan_out(ctx)
    with ctx.db.reading() as s:
        mails = {m.situation: m for m in s.scalars(select(OutboxMessage))}
        head = s.get(User, a.head).email
        secretary = s.get(User, a.secretary).email
    assert mails["nomination_registered"].to_address == head  # not the secretary, whose turn it is now
    assert mails["nomination_department_reviewed"].to_address == secretary


def test_a_failing_subscriber_sets_its_event_aside_and_the_others_go_on(ctx, make, caplog):
    a = make.agency()
    first = make.nomination(a, person_id=a.staff_person, state=State.DEPARTMENT_REVIEWED)
    second = make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    fan_out(ctx)
    with failing_on(ctx, first, RuntimeError("a bug in a template")):
        make.act(a.secretary, first, "hold", comment="Đang thanh tra")
        make.act(a.secretary, second, "hold", comment="Đang thanh tra")
        before = outbox_count(ctx)
        assert fan_out(ctx) == 2
    assert "a bug in a template" in caplog.text
    assert pending_events(ctx) == []  # set aside, not retried forever ahead of every later event
    # the broken one's savepoint was rolled back whole; the other's mail is there
    assert held_mail(ctx) == [second] and outbox_count(ctx) == before + 1
    with ctx.db.reading() as s:  # kept, with why, for the mail page
        count, [event] = set_aside(s)
    assert count == 1 and event.nomination_id == first and event.fan_out_error == "RuntimeError: a bug in a template"
    # the bug fixed (the failing subscriber is gone), an administrator has it fanned out again
    with pytest.raises(Forbidden):
        fan_out_again(ctx, a.secretary, event.id)
    fan_out_again(ctx, a.admin, event.id)
    with ctx.db.reading() as s:
        assert set_aside(s) == (0, [])
    assert held_mail(ctx) == sorted([first, second])
    with pytest.raises(Conflict):  # only an event set aside can be
        fan_out_again(ctx, a.admin, event.id)


def test_the_mail_page_lists_an_event_set_aside_and_makes_its_mail_again(ctx, make):
    app = page_app(ctx)
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person, state=State.DEPARTMENT_REVIEWED)
    fan_out(ctx)
    with failing_on(ctx, nid, KeyError("nominee_title")):
        make.act(a.secretary, nid, "hold", comment="Đang thanh tra")
        fan_out(ctx)
    admin = Browser(app.test_client()).login(make.username(a.admin))
    page = admin.get("/mail").get_data(as_text=True)
    assert 'data-testid="events-set-aside"' in page and "KeyError: &#39;nominee_title&#39;" in page
    with ctx.db.reading() as s:
        _count, [event] = set_aside(s)
    response = admin.post(f"/mail/events/{event.id}/again", follow_redirects=True)
    assert "Đã tạo lại thư và webhook của sự kiện." in response.get_data(as_text=True)
    assert 'data-testid="events-set-aside"' not in response.get_data(as_text=True)
    assert held_mail(ctx) == [nid]


def test_a_context_nobody_listens_to_records_its_events_as_done(ctx, make):
    a = make.agency()
    quiet = Context(db=ctx.db, settings=ctx.settings, clock=ctx.clock, subscribers=[])
    nominations.create_nomination(quiet, a.staff_user, cycle_id=make.cycle(), nominee_type="individual",
                                  person_id=a.staff_person, award_form="agency_certificate")
    assert pending_events(ctx) == []  # the demo's history: nobody needs 2021's mail later
    assert fan_out(ctx) == 0


def test_two_workers_fanning_out_at_once_make_each_mail_once(ctx, make):
    a = make.agency()
    for i in range(6):
        make.nomination(a, person_id=make.person(a.department_id, f"Nguyễn Văn Thử {i}"), by=a.secretary)
    assert len(pending_events(ctx)) == 6
    errors = []

    def worker():
        try:
            fan_out(ctx, batch=2)
        except Exception as exc:  # noqa: BLE001 - any failure in a thread is shown by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with ctx.db.reading() as s:
        per_nomination = list(s.execute(select(OutboxMessage.nomination_id, func.count())
                                        .group_by(OutboxMessage.nomination_id)))
    assert len(per_nomination) == 6 and all(n == 1 for _, n in per_nomination)


def test_a_step_taken_on_the_page_has_its_mail_once_the_response_is_sent(ctx, make):
    app = page_app(ctx)
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person, state=State.DEPARTMENT_REVIEWED)
    fan_out(ctx)
    before = outbox_count(ctx)
    browser = Browser(app.test_client()).login(make.username(a.secretary))
    response = browser.post(f"/nominations/{nid}/act",
                            data={"action": "hold", "version": make.version(nid), "comment": "Đang thanh tra"})
    assert response.status_code in (200, 302, 303), response.get_data(as_text=True)[:500]
    assert make.state(nid) == "on_hold"
    assert pending_events(ctx) == [] and outbox_count(ctx) == before + 1
