"""Every role × every action × own/other department: exactly the allowed ones succeed, on the
pages and through the API alike. The expected table is written out by hand from DOMAIN.md §2,
not computed from the permission rules it checks."""
from __future__ import annotations

from datetime import date

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


# --- reading the registers: the API answers exactly what the pages show ----------------------
# Whose rows each actor reads, written out by hand: "own" is the staff member of the department
# headed by head_own, "other" the staff member of the other department.
READS = {
    "staff_self": {"own"}, "staff_other": {"other"}, "head_own": {"own"}, "head_other": {"other"},
    "secretary": {"own", "other"}, "member": {"own", "other"}, "agency_head": {"own", "other"},
    "deputy": {"own", "other"}, "admin": {"own", "other"},
}
# Council meetings and votes: the council's members and secretary (the factory's head and deputy
# sit on the council), as on the council pages.
COUNCIL_READERS = {"secretary", "member", "agency_head", "deputy"}
NAMES = {"own": "Ngô Thị Riêng", "other": "Vũ Văn Khác"}


def test_each_role_reads_the_same_register_rows_through_api_and_pages(app, ctx, make):
    app.config["LOGIN_IP_RATE_LIMIT"] = "1000 per minute"
    a = make.agency()
    people = {"own": make.person(a.department_id, NAMES["own"], birth_date=date(1990, 5, 17), hometown="Quảng Ngãi"),
              "other": make.person(a.other_department_id, NAMES["other"], birth_date=date(1985, 2, 3),
                                   hometown="Bình Định")}
    users = {"staff_self": make.user(["staff"], people["own"]), "staff_other": make.user(["staff"], people["other"]),
             "head_own": a.head, "head_other": a.other_head, "secretary": a.secretary, "member": a.member,
             "agency_head": a.agency_head, "deputy": a.deputy, "admin": a.admin}
    for pid in people.values():
        make.prize(a, pid)
        make.rating(a, 2025, person_id=pid)
        make.initiative(a, authors=[pid])
    meeting = make.meeting(a, make.cycle())

    wrong = []
    for actor, user_id in users.items():
        token = directory.create_token(ctx, make.username(user_id))
        api = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        page = Browser(app.test_client()).login(make.username(user_id))
        expected = READS[actor]
        for endpoint, url in (("contest-results", "/registers/contests"), ("task-ratings", "/registers/ratings"),
                              ("initiatives", "/registers/initiatives")):
            items = api.get(f"/api/v1/{endpoint}", headers=headers).json["items"]
            seen_api = {k for k, pid in people.items() if any(
                pid in ([i.get("person_id")] + [au["id"] for au in i.get("authors", [])]) for i in items)}
            html = page.get(url).get_data(as_text=True)
            seen_page = {k for k, name in NAMES.items() if name in html}
            if seen_api != expected or seen_page != expected:
                wrong.append((actor, endpoint, sorted(seen_api), sorted(seen_page)))
        listed = {p["id"]: p for p in api.get("/api/v1/people", headers=headers).json["items"]}
        with_birth = {k for k, pid in people.items() if listed[pid]["birth_date"]}
        if with_birth != expected:
            wrong.append((actor, "people.birth_date", sorted(with_birth)))
        council_api = {api.get(f"/api/v1/council-meetings/{meeting}", headers=headers).status_code,
                       api.get(f"/api/v1/cycles/{make.cycle()}/council-meetings", headers=headers).status_code}
        council_page = page.get("/council").status_code
        allowed = actor in COUNCIL_READERS
        if council_api != ({200} if allowed else {403}) or (council_page == 200) != allowed:
            wrong.append((actor, "council", sorted(council_api), council_page))
    assert not wrong, wrong


def test_reading_someone_elses_personal_data_is_logged_and_exportable(app, ctx, make):
    from io import BytesIO

    from openpyxl import load_workbook
    a = make.agency()
    make.rating(a, 2025, person_id=a.staff_person)
    own = directory.create_token(ctx, make.username(a.staff_user))
    head = directory.create_token(ctx, make.username(a.head))
    api = app.test_client()
    api.get("/api/v1/task-ratings", headers={"Authorization": f"Bearer {own}"})  # one's own: not logged
    api.get("/api/v1/task-ratings", headers={"Authorization": f"Bearer {head}"})
    admin = Browser(app.test_client()).login(make.username(a.admin))
    staff = Browser(app.test_client()).login(make.username(a.staff_user))
    assert staff.get("/reports/export/personal-data-access.xlsx").status_code == 403
    assert "personal-data-access.xlsx" in admin.get("/reports/").get_data(as_text=True)
    response = admin.get("/reports/export/personal-data-access.xlsx")
    assert response.status_code == 200
    rows = [[c for c in r] for r in load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True)]
    logged = [r for r in rows if r and r[1] == make.username(a.head)]
    assert len(logged) == 1 and logged[0][3] == "Lê Thị Hoà" and logged[0][4] == "Xếp loại hoàn thành nhiệm vụ"
    assert "/api/v1/task-ratings" in logged[0][5]
    assert not [r for r in rows if r and r[1] == make.username(a.staff_user)]
