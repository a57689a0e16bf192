"""The council votes in the app: only members present vote, once each, never after the close; the count
follows the attendance and the pass ratio and feeds the council review; a secret voting keeps who voted
apart from how, in the schema, the audit and the pages' reads."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect, select

from states import State
from workflow import ballots, council
from workflow.errors import Conflict, Forbidden, Invalid
from workflow.models import AuditEntry, Ballot, BallotParticipation, CouncilMember, CouncilVote, Nomination

from .helpers import Api


def _voters(ctx, make, seated: list[int]) -> dict[int, int]:
    """A user account for every seated member: member id -> user id (existing accounts reused)."""
    from workflow.models import User
    out = {}
    with ctx.db.reading() as s:
        people = {m: s.get(CouncilMember, m).person_id for m in seated}
        users = {u.person_id: u.id for u in s.scalars(select(User)) if u.person_id}
    for member, person in people.items():
        out[member] = users.get(person) or make.user(["council_member"], person)
    return out


@pytest.fixture
def hall(ctx, make):
    """Seven members in office, five present; two nominations the department reviewed."""
    a = make.agency()
    noms = [make.nomination(a, state=State.DEPARTMENT_REVIEWED) for _ in range(2)]
    meeting = make.meeting(a, make.cycle(), present=5, total=7)
    seated = make.roster(a, 7)
    return a, meeting, noms, seated, _voters(ctx, make, seated)


def _problems(exc) -> set[str]:
    return {p.code for p in exc.value.problems}


def test_only_members_present_vote_and_each_only_once(ctx, hall):
    a, meeting, (n1, n2), seated, users = hall
    ballots.open_voting(ctx, a.secretary, meeting)
    ballots.cast_ballots(ctx, users[seated[0]], meeting, {n1: "for"})
    with pytest.raises(Forbidden) as err:                 # seventh member: absent
        ballots.cast_ballots(ctx, users[seated[6]], meeting, {n1: "for"})
    assert err.value.code == "not_present"
    with pytest.raises(Forbidden):                         # staff, not on the council
        ballots.cast_ballots(ctx, a.staff_user, meeting, {n1: "for"})
    with pytest.raises(Invalid) as err:                    # the same member again, even with another item
        ballots.cast_ballots(ctx, users[seated[0]], meeting, {n1: "against", n2: "for"})
    assert _problems(err) == {"already_voted"}
    ballots.cast_ballots(ctx, users[seated[0]], meeting, {n2: "for"})
    with pytest.raises(Invalid) as err:                    # abstaining is off by default
        ballots.cast_ballots(ctx, users[seated[1]], meeting, {n1: "abstain"})
    assert _problems(err) == {"choice"}
    with ctx.db.reading() as s:
        assert s.query(BallotParticipation).count() == 2 and s.query(Ballot).count() == 2


def test_closed_means_closed_and_the_count_passes_by_the_ratio_of_members_present(ctx, make, hall):
    a, meeting, (n1, n2), seated, users = hall
    ballots.open_voting(ctx, a.secretary, meeting)
    # three of five present for n1 (> 1/2 passes); two of five for n2 (fails)
    for i, (c1, c2) in enumerate([("for", "for"), ("for", "for"), ("for", "against"), ("against", "against")]):
        ballots.cast_ballots(ctx, users[seated[i]], meeting, {n1: c1, n2: c2})
    # the fifth member present voted on paper; the secretary enters it, marked as such
    ballots.cast_ballots(ctx, a.secretary, meeting, {n1: "against", n2: "against"}, paper_for_member_id=seated[4])
    with pytest.raises(Forbidden):                         # only the secretary enters paper ballots
        ballots.cast_ballots(ctx, users[seated[0]], meeting, {n1: "for"}, paper_for_member_id=seated[5])
    with pytest.raises(Conflict):                          # no typed totals over a vote held in the app
        council.record_vote(ctx, a.secretary, meeting, nomination_id=n1, votes_for=5, votes_against=0)
    counts = ballots.close_voting(ctx, a.secretary, meeting)
    assert counts[n1]["for"] == 3 and counts[n2]["for"] == 2
    with pytest.raises(Conflict) as err:
        ballots.cast_ballots(ctx, a.secretary, meeting, {n1: "for"}, paper_for_member_id=seated[3])
    assert err.value.code == "voting_closed"
    with pytest.raises(Conflict):
        ballots.close_voting(ctx, a.secretary, meeting)
    with ctx.db.reading() as s:
        votes = {v.nomination_id: v for v in s.scalars(select(CouncilVote).where(CouncilVote.meeting_id == meeting))}
        assert (votes[n1].votes_for, votes[n1].votes_against, votes[n1].tally) == (3, 2, "ballots")
        paper = s.scalars(select(AuditEntry).where(AuditEntry.action == "cast_ballot",
                                                   AuditEntry.on_behalf_of.is_not(None))).one()
        assert paper.actor_id == a.secretary and paper.payload["on_paper"] is True
    # "advance what passed" reads the tally unchanged: n1 advances, n2 is refused for its vote
    results = {r.nomination_id: r for r in council.advance_passed(ctx, a.secretary, meeting)}
    assert results[n1].ok and not results[n2].ok
    assert make.state(n1) == State.COUNCIL_REVIEWED and make.state(n2) == State.DEPARTMENT_REVIEWED


def test_voting_opens_only_with_a_quorum_of_the_attendance(ctx, make):
    a = make.agency()
    make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    low = make.meeting(a, make.cycle(), present=4, total=7)      # 4/7 < 2/3
    with pytest.raises(Conflict) as err:
        ballots.open_voting(ctx, a.secretary, low)
    assert err.value.code == "quorum_not_met"
    with pytest.raises(Forbidden):
        ballots.open_voting(ctx, a.member, low)


def test_the_attendance_is_frozen_once_voting_opened(ctx, hall):
    a, meeting, _, seated, _ = hall
    ballots.open_voting(ctx, a.secretary, meeting)
    data = council.MeetingInput(held_on=ctx.clock.today(), starts_at=None, ends_at=None, place="x",
                                chair_member_id=seated[0], secretary_member_id=seated[2],
                                present_member_ids=seated)
    with pytest.raises(Conflict) as err:
        council.correct_meeting(ctx, a.secretary, meeting, data, "thêm người")
    assert err.value.code == "voting_in_app"


def test_abstaining_counts_as_present_but_not_in_favour(ctx, make):
    ctx.settings.raw.setdefault("council", {})["abstain_allowed"] = True
    a = make.agency()
    nid = make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    meeting = make.meeting(a, make.cycle(), present=4, total=5)
    seated = make.roster(a, 5)
    users = _voters(ctx, make, seated)
    ballots.open_voting(ctx, a.secretary, meeting)
    for i, choice in enumerate(["for", "for", "abstain", "abstain"]):
        ballots.cast_ballots(ctx, users[seated[i]], meeting, {nid: choice})
    counts = ballots.close_voting(ctx, a.secretary, meeting)
    assert counts[nid] == {"for": 2, "against": 0, "abstain": 2}
    with ctx.db.reading() as s:
        view = ballots.voting_view(s, ctx, meeting)
        assert view["items"][0].passed is False               # 2 of 4 present is not more than half


def test_no_column_links_an_anonymous_ballot_to_a_voter(ctx):
    columns = {c["name"] for c in inspect(ctx.db.engine).get_columns("ballot")}
    assert columns == {"id", "meeting_id", "nomination_id", "choice"}
    fks = inspect(ctx.db.engine).get_foreign_keys("ballot")
    assert {fk["referred_table"] for fk in fks} == {"voting_item"}
    # and no time, no counter: the key is random text, not an integer sequence
    assert str(Ballot.__table__.c.id.type).startswith("VARCHAR")


def test_a_secret_voting_shows_and_audits_only_that_a_member_voted(ctx, make):
    ctx.settings.raw.setdefault("council", {})["secret_ballot"] = True
    a = make.agency()
    nid = make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    meeting = make.meeting(a, make.cycle(), present=5, total=7)
    seated = make.roster(a, 7)
    users = _voters(ctx, make, seated)
    ballots.open_voting(ctx, a.secretary, meeting)
    choices = ["for", "against", "for", "for", "against"]
    for i, choice in enumerate(choices):
        ballots.cast_ballots(ctx, users[seated[i]], meeting, {nid: choice})
    with ctx.db.reading() as s:
        before = set(s.scalars(select(Ballot.id)))
        mine = ballots.voting_view(s, ctx, meeting, users[seated[1]])
        assert mine["items"][0].mine == "secret" and mine["items"][0].counts is None
        assert all(p.open_choice is None for p in s.scalars(select(BallotParticipation)))
        for entry in s.scalars(select(AuditEntry).where(AuditEntry.action == "cast_ballot")):
            assert "choices" not in entry.payload and "against" not in str(entry.payload)
    counts = ballots.close_voting(ctx, a.secretary, meeting)
    assert counts[nid]["for"] == 3
    with ctx.db.reading() as s:
        # the keys given while casting are gone: rewritten at the close
        assert not before & set(s.scalars(select(Ballot.id)))
        assert s.get(Nomination, nid).state == State.DEPARTMENT_REVIEWED


def test_an_open_voting_shows_members_their_own_choice(ctx, hall):
    a, meeting, (_, n2), seated, users = hall
    ballots.open_voting(ctx, a.secretary, meeting)
    ballots.cast_ballots(ctx, users[seated[3]], meeting, {n2: "against"})
    with ctx.db.reading() as s:
        view = ballots.voting_view(s, ctx, meeting, users[seated[3]])
        assert [i.mine for i in view["items"]] == [None, "against"]
        assert ballots.open_votings_for(s, users[seated[3]])[0]["left"] == 1
        assert ballots.open_votings_for(s, users[seated[6]]) == []     # absent: nothing in the inbox


def test_the_api_opens_casts_and_closes_and_keeps_a_secret_voting_secret(ctx, make):
    ctx.settings.raw.setdefault("council", {})["secret_ballot"] = True
    a = make.agency()
    nid = make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    meeting = make.meeting(a, make.cycle(), present=5, total=7)
    seated = make.roster(a, 7)
    users = _voters(ctx, make, seated)
    api = Api(ctx, make)
    assert api.post(a.secretary, f"/api/v1/council-meetings/{meeting}/voting").status_code == 201
    r = api.post(users[seated[3]], f"/api/v1/council-meetings/{meeting}/ballots", json={"choices": {str(nid): "for"}})
    assert r.status_code == 201 and r.json["voted_member_ids"] == [seated[3]]
    assert r.json["items"][0]["mine"] == "secret" and r.json["items"][0]["counts"] is None
    bad = api.post(users[seated[2]], f"/api/v1/council-meetings/{meeting}/ballots", json={"choices": {str(nid): "yes"}})
    assert bad.status_code == 422
    closed = api.post(a.secretary, f"/api/v1/council-meetings/{meeting}/voting/close")
    assert closed.status_code == 200 and closed.json["items"][0]["counts"]["for"] == 1 and "ballots" not in closed.json
    late = api.post(users[seated[2]], f"/api/v1/council-meetings/{meeting}/ballots", json={"choices": {str(nid): "for"}})
    assert late.status_code == 409


def test_a_member_who_is_a_nominee_on_the_agenda_does_not_vote_on_their_own_nomination(ctx, make):
    from datetime import date

    from workflow import council_roster
    a = make.agency()
    own = make.nomination(a, person_id=a.staff_person, state=State.DEPARTMENT_REVIEWED)
    other = make.nomination(a, state=State.DEPARTMENT_REVIEWED)
    make.roster(a, 4)
    seat = council_roster.add_member(ctx, a.secretary, person_id=a.staff_person, council_role="member",
                                     term_from=date(2020, 1, 1))
    meeting = make.meeting(a, make.cycle(), present=5, total=5)
    ballots.open_voting(ctx, a.secretary, meeting)
    with pytest.raises(Invalid) as err:                    # separation of duties, from their account…
        ballots.cast_ballots(ctx, a.staff_user, meeting, {own: "for", other: "for"})
    assert _problems(err) == {"own_nomination"} and "Lê Thị Hoà" in err.value.problems[0].message
    with pytest.raises(Invalid) as err:                    # …or from their paper ballot
        ballots.cast_ballots(ctx, a.secretary, meeting, {own: "for"}, paper_for_member_id=seat)
    assert _problems(err) == {"own_nomination"}
    with ctx.db.reading() as s:
        assert ballots.open_votings_for(s, a.staff_user)[0]["left"] == 1
        view = ballots.voting_view(s, ctx, meeting, a.staff_user)
        assert {i.nomination_id: i.own for i in view["items"]} == {own: True, other: False}
    ballots.cast_ballots(ctx, a.staff_user, meeting, {other: "for"})
    with ctx.db.reading() as s:
        assert ballots.open_votings_for(s, a.staff_user) == []   # nothing left that is theirs to vote on
        assert s.query(BallotParticipation).filter_by(nomination_id=own).count() == 0
