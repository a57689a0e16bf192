"""Simultaneous attempts at one nomination: exactly one wins, on SQLite and on PostgreSQL.

Real threads, released together by a barrier, call the real use cases (and, once, the
JSON API) against the real databases of the `ctx` fixture. Every loser must get a
Conflict (stale version or a step no longer possible), never "database is locked", a
deadlock or a timeout; the audit log and the events must show the step exactly once.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select

from states import Action, State
from webapp import create_app
from workflow import council, directory, dossier, nominations
from workflow.errors import Conflict
from workflow.models import AuditEntry, DomainEvent, Nomination
from workflow.nominations import EVENT_OF, ActionInput

THREADS = 12
ROUNDS = 3          # races per test: a lost race is cheap, a rare interleaving is not
JOIN_TIMEOUT = 60   # seconds; a deadlock shows up as a thread still alive
REASON = "Hồ sơ cần bổ sung minh chứng."
LOSING_CODES = {"stale_version", "illegal_transition"}


@dataclass
class Result:
    value: object = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def race(calls: list[Callable[[], object]]) -> list[Result]:
    """Run every call in its own thread, all released at the same instant."""
    barrier = threading.Barrier(len(calls))
    results = [Result() for _ in calls]

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i].value = calls[i]()
        except BaseException as exc:   # noqa: BLE001 - every error is judged by the test
            results[i].error = exc

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a thread is stuck: deadlock or lock wait"
    return results


def counts(ctx, nid: int) -> dict:
    """Version, audit rows per action and events per name of one nomination."""
    with ctx.db.reading() as s:
        version = s.get(Nomination, nid).version
        audit = dict(s.execute(select(AuditEntry.action, func.count()).where(AuditEntry.nomination_id == nid)
                               .group_by(AuditEntry.action)).all())
        events = dict(s.execute(select(DomainEvent.name, func.count()).where(DomainEvent.nomination_id == nid)
                                .group_by(DomainEvent.name)).all())
    return {"version": version, "audit": audit, "events": events}


def assert_losers_conflict(results: list[Result]) -> None:
    for r in results:
        if r.ok:
            continue
        assert isinstance(r.error, Conflict) and r.error.code in LOSING_CODES, \
            f"unexpected error for a loser: {type(r.error).__name__}: {r.error}"


def assert_step_taken_once(ctx, nid: int, before: dict, action: Action) -> None:
    after = counts(ctx, nid)
    assert after["version"] == before["version"] + 1
    assert after["audit"].get(action, 0) == before["audit"].get(action, 0) + 1
    assert after["events"].get(EVENT_OF[action], 0) == before["events"].get(EVENT_OF[action], 0) + 1
    # an award also enters the certificate in the register (its "số vào sổ"): that row is the only extra
    extra = 1 if action == Action.AWARD else 0
    assert sum(after["audit"].values()) - sum(before["audit"].values()) == 1 + extra, "one audit row, nothing else"
    assert after["audit"].get("register_document", 0) == before["audit"].get("register_document", 0) + extra


def act(ctx, user: int, nid: int, action: Action, version: int, **kw) -> Callable[[], int]:
    return lambda: nominations.take_action(ctx, user, nid, action, ActionInput(version=version, **kw))


def voted(make, a, nid: int) -> int:
    """A quorate meeting of the nomination's cycle at which the council passed it."""
    meeting = make.meeting(a, make.cycle())
    council.record_vote(make.ctx, a.secretary, meeting, nomination_id=nid, votes_for=5, votes_against=0)
    return meeting


# --- one step, many hands ---------------------------------------------------------------------

STEPS = {
    # action: (state it is taken from, who races for it, extra input)
    Action.DEPARTMENT_REVIEW: (State.REGISTERED, lambda a: [a.head], {"dossier": True}),
    Action.COUNCIL_REVIEW: (State.DEPARTMENT_REVIEWED, lambda a: [a.secretary], {"meeting": True}),
    Action.HEAD_APPROVE: (State.COUNCIL_REVIEWED, lambda a: [a.agency_head, a.deputy], {}),
    Action.AWARD: (State.HEAD_APPROVED, lambda a: [a.secretary],
                   {"decision_number": "15/QĐ-BDT", "decision_date": date(2025, 11, 20)}),
    Action.HOLD: (State.COUNCIL_REVIEWED, lambda a: [a.secretary, a.agency_head, a.deputy], {"comment": REASON}),
}


@pytest.mark.parametrize("action", list(STEPS))
def test_many_threads_taking_the_same_step_at_once_leave_exactly_one_success(ctx, make, action):
    a = make.agency()
    start, users, extra = STEPS[action]
    for _ in range(ROUNDS):
        nid = make.nomination(a, state=start)
        kw = dict(extra)
        if kw.pop("meeting", False):
            kw["meeting_id"] = voted(make, a, nid)
        if kw.pop("dossier", False):
            make.minutes(a, make.cycle())
            make.report(a, nid)
        before = counts(ctx, nid)
        hands = users(a)
        results = race([act(ctx, hands[i % len(hands)], nid, action, before["version"], **kw)
                        for i in range(THREADS)])
        assert [r.ok for r in results].count(True) == 1, [repr(r.error) for r in results]
        assert_losers_conflict(results)
        assert next(r.value for r in results if r.ok) == before["version"] + 1
        assert_step_taken_once(ctx, nid, before, action)


# --- different steps on the same version -----------------------------------------------------

def _send_back_or_council_review(ctx, make, a, nid, version):
    meeting = voted(make, a, nid)
    return [act(ctx, a.secretary, nid, Action.SEND_BACK, version, comment=REASON),
            act(ctx, a.secretary, nid, Action.COUNCIL_REVIEW, version, meeting_id=meeting)]


def _hold_or_head_approve(ctx, make, a, nid, version):
    return [act(ctx, a.agency_head, nid, Action.HOLD, version, comment=REASON),
            act(ctx, a.deputy, nid, Action.HEAD_APPROVE, version)]


def _withdraw_or_department_review(ctx, make, a, nid, version):
    make.minutes(a, make.cycle())
    make.report(a, nid)
    return [act(ctx, a.head, nid, Action.WITHDRAW, version),
            act(ctx, a.head, nid, Action.DEPARTMENT_REVIEW, version)]


RIVALS = {
    "send_back vs council_review": (State.DEPARTMENT_REVIEWED, _send_back_or_council_review),
    "hold vs head_approve": (State.COUNCIL_REVIEWED, _hold_or_head_approve),
    "withdraw vs department_review": (State.REGISTERED, _withdraw_or_department_review),
}


@pytest.mark.parametrize("rivals", list(RIVALS))
def test_two_different_steps_on_the_same_version_let_exactly_one_win(ctx, make, rivals):
    a = make.agency()
    start, build = RIVALS[rivals]
    for _ in range(ROUNDS):
        nid = make.nomination(a, state=start)
        pair = build(ctx, make, a, nid, make.version(nid))
        before = counts(ctx, nid)
        results = race([pair[i % 2] for i in range(THREADS)])
        assert [r.ok for r in results].count(True) == 1, [repr(r.error) for r in results]
        assert_losers_conflict(results)
        after = counts(ctx, nid)
        assert after["version"] == before["version"] + 1
        moved = sum(after["audit"].values()) - sum(before["audit"].values())
        assert moved == 1, f"one audit row for the one step taken, got {after['audit']}"
        assert sum(after["events"].values()) - sum(before["events"].values()) == 1


# --- a batch against single actions -----------------------------------------------------------

@pytest.mark.parametrize("versions", ["given", "as_it_is_now"])
def test_a_batch_racing_single_actions_takes_each_nomination_once(ctx, make, versions):
    a = make.agency()
    for _ in range(ROUNDS):
        nids = [make.nomination(a, state=State.DEPARTMENT_REVIEWED) for _ in range(3)]
        meeting = make.meeting(a, make.cycle())
        for nid in nids:
            council.record_vote(ctx, a.secretary, meeting, nomination_id=nid, votes_for=5, votes_against=0)
        contested = nids[1]
        before = {nid: counts(ctx, nid) for nid in nids}
        items = [(nid, before[nid]["version"] if versions == "given" else None) for nid in nids]

        def batch(items=items, meeting=meeting):
            return nominations.take_action_on_many(ctx, a.secretary, Action.COUNCIL_REVIEW, items,
                                                   ActionInput(meeting_id=meeting))

        singles = [act(ctx, a.secretary, contested, Action.SEND_BACK, before[contested]["version"], comment=REASON)
                   for _ in range(THREADS - 1)]
        results = race([batch, *singles])
        assert results[0].ok, repr(results[0].error)
        items_result = {r.nomination_id: r for r in results[0].value}
        assert items_result[nids[0]].ok and items_result[nids[2]].ok
        single_wins = [r.ok for r in results[1:]].count(True)
        assert single_wins + items_result[contested].ok == 1, "the contested nomination moved exactly once"
        assert_losers_conflict(results[1:])
        if not items_result[contested].ok:
            assert items_result[contested].error.code in LOSING_CODES
        after = counts(ctx, contested)
        assert after["version"] == before[contested]["version"] + 1
        assert sum(after["audit"].values()) - sum(before[contested]["audit"].values()) == 1
        for nid in (nids[0], nids[2]):
            assert_step_taken_once(ctx, nid, before[nid], Action.COUNCIL_REVIEW)


# --- registering and voting at the same time ---------------------------------------------------

def test_registering_the_same_nominee_at_once_creates_one_nomination(ctx, make):
    a = make.agency()
    cycle = make.cycle()
    for _ in range(ROUNDS):
        person = make.person(a.department_id)
        users = [a.head, a.secretary]
        results = race([lambda u=users[i % 2], p=person: nominations.create_nomination(
            ctx, u, cycle_id=cycle, nominee_type="individual", person_id=p, award_form="agency_certificate")
            for i in range(THREADS)])
        assert [r.ok for r in results].count(True) == 1, [repr(r.error) for r in results]
        for r in results:
            assert r.ok or (isinstance(r.error, Conflict) and r.error.code == "duplicate_nomination"), repr(r.error)
        nid = next(r.value for r in results if r.ok)
        assert counts(ctx, nid) == {"version": 1, "audit": {"create": 1}, "events": {"nomination_registered": 1}}
        with ctx.db.reading() as s:
            assert s.scalar(select(func.count()).select_from(Nomination).where(Nomination.person_id == person)) == 1


def test_the_same_vote_recorded_at_once_is_recorded_then_corrected_never_a_database_error(ctx, make):
    # record_vote locks the nomination row: without it PostgreSQL raised IntegrityError here.
    a = make.agency()
    for _ in range(ROUNDS * 2):
        nid = make.nomination(a, state=State.DEPARTMENT_REVIEWED)
        meeting = make.meeting(a, make.cycle())
        results = race([lambda n=3 + i % 3, m=meeting, nid=nid: council.record_vote(
            ctx, a.secretary, m, nomination_id=nid, votes_for=n, votes_against=0) for i in range(THREADS)])
        assert all(r.ok for r in results), {repr(r.error)[:160] for r in results if not r.ok}
        assert len({r.value for r in results}) == 1, "one vote row, corrected in place"
        assert counts(ctx, nid)["audit"]["record_vote"] == THREADS


def test_a_vote_corrected_during_the_council_review_never_leaves_a_review_on_a_failed_vote(ctx, make):
    # Without the row lock in record_vote both succeeded on PostgreSQL in 9 races of 10.
    a = make.agency()
    for _ in range(ROUNDS * 2):
        nid = make.nomination(a, state=State.DEPARTMENT_REVIEWED)
        meeting = voted(make, a, nid)
        version = make.version(nid)
        review = act(ctx, a.secretary, nid, Action.COUNCIL_REVIEW, version, meeting_id=meeting)

        def correct(meeting=meeting, nid=nid):
            return council.record_vote(ctx, a.secretary, meeting, nomination_id=nid, votes_for=1, votes_against=4)

        results = race([review, correct])
        assert [r.ok for r in results].count(True) == 1, \
            "either the review saw the corrected vote or the vote came too late"
        loser = next(r.error for r in results if not r.ok)
        assert loser.code in ("vote_not_passed", "not_on_agenda"), repr(loser)


# --- dossier files added at the same time ---------------------------------------------------

@pytest.mark.parametrize("owner", ["nomination", "department"])
def test_files_of_one_kind_added_at_once_leave_exactly_one_active(ctx, make, owner):
    a = make.agency()
    cycle = make.cycle()
    for _ in range(ROUNDS):
        nid = make.nomination(a)
        if owner == "nomination":
            def upload(i, nid=nid):
                return dossier.upload_for_nomination(ctx, a.head, nid, "achievement_report", "bao-cao.docx",
                                                     b"PK\x03\x04 report %d" % i)

            def active(s, nid=nid):
                return dossier.active_documents(s, kind="achievement_report", nomination_id=nid)
        else:
            def upload(i):
                return dossier.upload_for_department(ctx, a.head, cycle, a.department_id, "department_minutes",
                                                     "bien-ban.pdf", b"%%PDF-1.4 minutes %d" % i)

            def active(s):
                return dossier.department_minutes(s, cycle, a.department_id)
        results = race([lambda i=i, upload=upload: upload(i) for i in range(THREADS)])
        assert all(r.ok for r in results), {repr(r.error)[:160] for r in results if not r.ok}
        with ctx.db.reading() as s:
            docs = active(s)
        assert len(docs) == 1, f"{len(docs)} active files of one kind; the others must be superseded"
        assert docs[0].id in {r.value for r in results}


# --- the same race through the JSON API -------------------------------------------------------

def test_the_same_step_posted_to_the_api_by_many_clients_succeeds_once(ctx, make):
    a = make.agency()
    app = create_app(context=ctx)
    app.config["TESTING"] = True
    token = directory.create_token(ctx, make.username(a.agency_head))
    for _ in range(ROUNDS):
        nid = make.nomination(a, state=State.COUNCIL_REVIEWED)
        before = counts(ctx, nid)

        def post(nid=nid, before=before):
            response = app.test_client().post(f"/api/v1/nominations/{nid}/actions",
                                              headers={"Authorization": f"Bearer {token}"},
                                              json={"action": "head_approve", "version": before["version"]})
            return response.status_code, response.get_json()

        results = race([post] * THREADS)
        assert all(r.ok for r in results), [repr(r.error) for r in results]
        statuses = sorted(r.value[0] for r in results)
        assert statuses == [200] + [409] * (THREADS - 1), [r.value for r in results]
        for status, body in (r.value for r in results):
            if status == 200:
                assert body["state"] == State.HEAD_APPROVED and body["version"] == before["version"] + 1
            else:
                assert body["code"] in LOSING_CODES and body["message"] and not body["message"].isascii()
        assert_step_taken_once(ctx, nid, before, Action.HEAD_APPROVE)
