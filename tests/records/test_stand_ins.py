"""Stand-ins: while the head is marked away the named deputy has the head's work in their inbox; an
acting head (phụ trách) of a department takes the department's steps in its head's name, for its
period only; deputies without an authorisation in force are not shown the head's work."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from states import State
from workflow import authorisations, inbox
from workflow.actors import load_actor
from workflow.errors import Forbidden, Invalid, NotFound
from workflow.models import AuditEntry

from .helpers import Api


def waiting(ctx, user_id) -> set[int]:
    """The nominations in this user's inbox, as of the context's clock."""
    with ctx.db.reading() as s:
        _, actor = load_actor(s, user_id, ctx)
        return {i["id"] for g in inbox.inbox_groups(s, actor)["groups"] for i in g["items"]}


def test_the_heads_work_shows_in_the_deputys_inbox_only_while_the_head_is_away(ctx, make, clock):
    a = make.agency()                                 # a standing KT. assignment: may sign, not the head's queue
    nid = make.nomination(a, state=State.COUNCIL_REVIEWED)
    assert waiting(ctx, a.agency_head) == {nid} and waiting(ctx, a.deputy) == set()
    make.authorise(a, valid_from=date(2025, 11, 21), valid_to=date(2025, 11, 28), away=True)
    assert waiting(ctx, a.deputy) == set()            # from tomorrow
    clock.set(date(2025, 11, 21))
    assert waiting(ctx, a.deputy) == {nid} and waiting(ctx, a.agency_head) == {nid}
    clock.set(date(2025, 11, 29))
    assert waiting(ctx, a.deputy) == set()


def test_a_deputy_without_an_authorisation_in_force_is_not_shown_the_heads_work(ctx, make):
    a = make.agency(deputy_authorised=False)
    nid = make.nomination(a, state=State.COUNCIL_REVIEWED)
    assert waiting(ctx, a.deputy) == set()
    with pytest.raises(Forbidden):
        make.act(a.deputy, nid, "head_approve")
    ctx.settings.raw.setdefault("workflow", {})["deputy_needs_authorisation"] = False
    assert waiting(ctx, a.deputy) == {nid}            # without the rule, any deputy acts and is shown it


def _acting(ctx, make, a, **kw) -> tuple[int, int]:
    acting = make.user(["staff"], make.person(a.department_id, "Bùi Văn Quyền"))
    aid = authorisations.record_acting_head(ctx, a.head, **{
        "department_id": a.department_id, "delegate_id": acting, "valid_from": date(2025, 11, 20),
        "valid_to": date(2025, 11, 30), **kw})
    return acting, aid


def test_an_acting_head_takes_the_department_step_in_the_heads_name_for_the_period_only(ctx, make, clock):
    a = make.agency()
    nid, later = make.nomination(a, person_id=a.staff_person), make.nomination(a)
    assert waiting(ctx, a.head) == {nid, later}
    acting, _ = _acting(ctx, make, a)
    assert waiting(ctx, acting) == {nid, later}      # the department's work, while the head is away
    make.minutes(a, make.cycle())
    make.report(a, nid)
    make.act(acting, nid, "department_review")
    assert make.state(nid) == State.DEPARTMENT_REVIEWED
    with ctx.db.reading() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.nomination_id == nid,
                                                   AuditEntry.action == "department_review")).one()
    assert entry.actor_id == acting
    assert entry.on_behalf_of == ("Phụ trách Phòng Chính sách thay Trưởng phòng Trần Thị Trưởng"
                                  " (KT. Trưởng phòng, giao từ 20/11/2025 đến 30/11/2025)")
    clock.set(date(2025, 12, 1))
    assert waiting(ctx, acting) == set()
    make.report(a, later)
    with pytest.raises(NotFound):                     # no longer theirs: not even to read
        make.act(acting, later, "department_review")
    make.act(a.head, later, "department_review")      # the head, back, needs nothing
    with ctx.db.reading() as s:
        assert s.scalars(select(AuditEntry.on_behalf_of).where(
            AuditEntry.nomination_id == later, AuditEntry.action == "department_review")).one() is None


def test_an_acting_head_covers_only_their_department_and_is_named_by_its_head(ctx, make):
    a = make.agency()
    other = make.nomination(a, person_id=make.person(a.other_department_id), by=a.other_head)
    acting, aid = _acting(ctx, make, a)
    assert other not in waiting(ctx, acting)
    with pytest.raises(NotFound):
        make.act(acting, other, "reject", comment="Không đủ tiêu chuẩn")
    with pytest.raises(Forbidden):                    # the other department's head cannot name one here
        authorisations.record_acting_head(ctx, a.other_head, department_id=a.department_id, delegate_id=acting,
                                          valid_from=date(2025, 11, 20), valid_to=date(2025, 11, 30))
    with pytest.raises(Invalid) as err:               # nor name themselves, nor end before starting
        authorisations.record_acting_head(ctx, a.head, department_id=a.department_id, delegate_id=a.head,
                                          valid_from=date(2025, 11, 20), valid_to=date(2025, 11, 30))
    assert {p.code for p in err.value.problems} == {"delegate"}
    with pytest.raises(Invalid):
        _acting(ctx, make, a, valid_to=date(2025, 11, 1))
    with pytest.raises(Forbidden):                    # revoked by who named them, or by the agency head
        authorisations.revoke_authorisation(ctx, a.other_head, aid, "Đã trở lại")
    authorisations.revoke_authorisation(ctx, a.head, aid, "Đã trở lại")
    assert waiting(ctx, acting) == set()


def test_acting_heads_are_listed_recorded_and_revoked_over_the_api(ctx, make):
    a = make.agency(deputy_authorised=False)
    acting = make.user(["staff"], make.person(a.department_id, "Bùi Văn Quyền"))
    api = Api(ctx, make)
    body = {"department_id": a.department_id, "delegate_id": acting, "valid_from": "2025-11-20",
            "valid_to": "2025-11-30"}
    assert api.post(a.staff_user, "/api/v1/authorisations/acting-heads", json=body).status_code == 403
    r = api.post(a.head, "/api/v1/authorisations/acting-heads", json=body)
    assert r.status_code == 201 and r.json["department_id"] == a.department_id and r.json["away"] is True
    assert api.post(a.head, "/api/v1/authorisations/acting-heads", json={**body, "valid_to": "x"}).status_code == 422
    listed = api.get(a.head, "/api/v1/authorisations").json["items"]
    assert [(i["delegate_name"], i["department_name"]) for i in listed] == [("Bùi Văn Quyền", "Phòng Chính sách")]
    assert api.get(a.other_head, "/api/v1/authorisations").json["items"] == []
    gone = api.post(a.head, f"/api/v1/authorisations/{r.json['id']}/revoke", json={"reason": "Đã trở lại"})
    assert gone.status_code == 200 and gone.json["revoked_on"] == "2025-11-20"
