"""Every role × every action × own/other department: exactly the allowed ones succeed, on the
pages and through the API alike. The expected table is written out by hand from DOMAIN.md §2,
not computed from the permission rules it checks."""
from __future__ import annotations

from states import State
from workflow import council, directory

from .conftest import Browser

R, DR, CR, HA, OH = (State.REGISTERED, State.DEPARTMENT_REVIEWED, State.COUNCIL_REVIEWED, State.HEAD_APPROVED,
                     State.ON_HOLD)
HEADS = {"agency_head", "deputy"}
CENTRE = {"secretary", "agency_head", "deputy"}

# (action, state it is taken from) -> who may take it
EXPECTED = {
    ("department_review", R): {"head_own"},
    ("council_review", DR): {"secretary"},
    ("head_approve", CR): HEADS,
    ("award", HA): {"secretary"},
    ("send_back", DR): {"secretary"},
    ("send_back", CR): HEADS,
    ("send_back", HA): {"secretary"},
    ("reject", R): {"head_own"},
    ("reject", DR): {"secretary"},
    ("reject", CR): HEADS,
    ("reject", HA): {"secretary"},
    ("withdraw", R): {"head_own"},
    ("withdraw", DR): {"head_own"},
    ("hold", R): CENTRE,
    ("hold", HA): CENTRE,
    ("resume", OH): CENTRE,
}
ACTORS = ("staff_self", "staff_other", "head_own", "head_other", "secretary", "member", "agency_head", "deputy",
          "admin")


def _prepare(make, a, state: State, person_id: int, action: str) -> int:
    """A nomination of `person_id` in `state`, with what the action from there needs."""
    if state == OH:
        nid = make.nomination(a, person_id=person_id)
        make.act(a.secretary, nid, "hold", comment="Đang có đơn khiếu nại")
        return nid
    nid = make.nomination(a, person_id=person_id, state=state)
    if action == "department_review":
        make.minutes(a, make.cycle())
        make.report(a, nid)
    if action == "council_review":
        meeting = make.meeting(a, make.cycle(), present=6, total=7)
        council.record_vote(make.ctx, a.secretary, meeting, nomination_id=nid, votes_for=6, votes_against=0)
        make.meeting_for = getattr(make, "meeting_for", {})
        make.meeting_for[nid] = meeting
    return nid


def _payload(make, action: str, nid: int) -> dict:
    data = {"action": action, "version": make.version(nid), "comment": "Lý do kiểm thử quyền"}
    if action == "council_review":
        data["meeting_id"] = make.meeting_for[nid]
    if action == "award":
        data.update(decision_number="99/QĐ-BDT", decision_date=make.ctx.clock.today().isoformat())
    return data


def _attempt_html(clients, make, actor: str, action: str, nid: int) -> bool:
    response = clients[actor].post(f"/nominations/{nid}/act", data=_payload(make, action, nid))
    assert response.status_code in (302, 403, 404, 409, 422), response.status_code
    return response.status_code == 302


def _attempt_api(clients, make, actor: str, action: str, nid: int) -> bool:
    response = clients[actor].client.post(f"/api/v1/nominations/{nid}/actions", json=_payload(make, action, nid),
                                   headers={"Authorization": f"Bearer {clients['tokens'][actor]}"})
    assert response.status_code in (200, 403, 404, 409, 422), response.status_code
    return response.status_code == 200


def _staff(make, department_id: int) -> tuple[int, int]:
    person = make.person(department_id)
    return person, make.user(["staff"], person)


def test_exactly_the_allowed_roles_can_take_each_action_on_pages_and_api(app, ctx, make):
    app.config["LOGIN_IP_RATE_LIMIT"] = "1000 per minute"  # many accounts log in from one test address
    a = make.agency()
    fixed = {"staff_other": _staff(make, a.other_department_id)[1], "head_own": a.head, "head_other": a.other_head,
             "secretary": a.secretary, "member": a.member, "agency_head": a.agency_head, "deputy": a.deputy,
             "admin": a.admin}
    clients, tokens = {}, {}

    def sign_in(name: str, user_id: int) -> None:
        clients[name] = Browser(app.test_client()).login(make.username(user_id))
        tokens[name] = directory.create_token(ctx, make.username(user_id))

    for name, uid in fixed.items():
        sign_in(name, uid)
    channels = {"html": _attempt_html, "api": _attempt_api}
    clients["tokens"] = tokens

    observed, expected = {}, {}
    for (action, state), allowed in EXPECTED.items():
        person, staff_user = _staff(make, a.department_id)
        sign_in("staff_self", staff_user)
        nid = _prepare(make, a, state, person, action)
        # The refused first, on the nomination of the staff member themself. A success uses up
        # its nomination: the next attempt gets a fresh one in the same state.
        for actor in sorted(ACTORS, key=lambda x: x in allowed):
            for channel, attempt in channels.items():
                before = make.state(nid)
                ok = attempt(clients, make, actor, action, nid)
                observed[(channel, action, state.value, actor)] = ok
                expected[(channel, action, state.value, actor)] = actor in allowed
                if ok:
                    assert make.state(nid) != before
                    nid = _prepare(make, a, state, make.person(a.department_id), action)
                else:
                    assert make.state(nid) == before
    wrong = {k: v for k, v in observed.items() if v != expected[k]}
    assert not wrong, "succeeded (True) / refused (False) against the table: " + repr(wrong)
