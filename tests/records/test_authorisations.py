"""A deputy acts in the head's name only under an authorisation in force that day and for that step;
the audit names the capacity and the authorising act; only the head records or revokes one."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from states import State
from workflow import authorisations
from workflow.errors import Forbidden, Invalid
from workflow.models import AuditEntry

from .helpers import Api


def _tuq(ctx, a, **kw):
    return authorisations.record_authorisation(ctx, a.agency_head, **{
        "delegate_id": a.deputy, "capacity": "tuq", "actions": ["head_approve"], "valid_from": date(2025, 11, 18),
        "valid_to": date(2025, 11, 25), "act_number": "05/GUQ-SDTTG", "act_date": date(2025, 11, 17), **kw})


def _approval_audit(ctx, nid):
    with ctx.db.reading() as s:
        return s.scalars(select(AuditEntry).where(AuditEntry.nomination_id == nid,
                                                  AuditEntry.action == "head_approve")).one()


def test_a_deputy_is_refused_outside_the_dates_or_the_steps_of_an_authorisation(ctx, make, clock):
    assert ctx.settings.deputy_needs_authorisation                 # the default
    a = make.agency(deputy_authorised=False)
    nid = make.nomination(a, state=State.COUNCIL_REVIEWED)
    with pytest.raises(Forbidden) as err:                       # nothing recorded yet
        make.act(a.deputy, nid, "head_approve")
    assert err.value.code == "no_authorisation" and "20/11/2025" in err.value.message
    _tuq(ctx, a, actions=["send_back"])
    with pytest.raises(Forbidden):                               # in force, but for another step
        make.act(a.deputy, nid, "head_approve")
    _tuq(ctx, a, valid_from=date(2025, 11, 21))
    with pytest.raises(Forbidden):                               # the right step, from tomorrow
        make.act(a.deputy, nid, "head_approve")
    clock.set(date(2025, 11, 21))
    make.act(a.deputy, nid, "head_approve")
    assert make.state(nid) == State.HEAD_APPROVED
    assert _approval_audit(ctx, nid).on_behalf_of == (
        "TUQ. Giám đốc Sở (văn bản ủy quyền số 05/GUQ-SDTTG ngày 17/11/2025)")
    other = make.nomination(a, state=State.COUNCIL_REVIEWED)
    clock.set(date(2025, 11, 26))                                 # past its end
    with pytest.raises(Forbidden):
        make.act(a.deputy, other, "head_approve")
    make.act(a.agency_head, other, "head_approve")              # the head needs none


def test_a_revoked_authorisation_ends_the_same_day(ctx, make):
    a = make.agency(deputy_authorised=False)
    nid = make.nomination(a, state=State.COUNCIL_REVIEWED)
    aid = _tuq(ctx, a)
    with pytest.raises(Invalid):
        authorisations.revoke_authorisation(ctx, a.agency_head, aid, " ")
    with pytest.raises(Forbidden):
        authorisations.revoke_authorisation(ctx, a.deputy, aid, "Trưởng Ban đã trở lại")
    authorisations.revoke_authorisation(ctx, a.agency_head, aid, "Trưởng Ban đã trở lại")
    with pytest.raises(Forbidden):
        make.act(a.deputy, nid, "head_approve")


def test_kt_needs_a_domain_tuq_a_written_act_and_only_the_head_records_one(ctx, make):
    a = make.agency(deputy_authorised=False)
    with pytest.raises(Invalid) as err:
        _tuq(ctx, a, act_number=None)
    assert {p.code for p in err.value.problems} == {"written_act"}
    with pytest.raises(Invalid) as err:
        _tuq(ctx, a, capacity="kt", valid_to=date(2025, 11, 1))
    assert {p.code for p in err.value.problems} == {"domain", "period"}
    with pytest.raises(Forbidden):
        authorisations.record_authorisation(ctx, a.deputy, delegate_id=a.deputy, capacity="kt",
                                            actions=["head_approve"], valid_from=date(2025, 11, 1),
                                            valid_to=date(2025, 12, 31), domain="Thi đua, khen thưởng")
    with pytest.raises(Invalid) as err:                          # the secretary is not a deputy
        _tuq(ctx, a, delegate_id=a.secretary)
    assert {p.code for p in err.value.problems} == {"delegate"}


def test_without_the_setting_a_deputy_still_signs_kt_and_a_kt_in_force_names_its_domain(ctx, make):
    ctx.settings.raw.setdefault("workflow", {})["deputy_needs_authorisation"] = False
    a = make.agency(deputy_authorised=False)
    first = make.nomination(a, state=State.COUNCIL_REVIEWED)
    make.act(a.deputy, first, "head_approve")
    assert _approval_audit(ctx, first).on_behalf_of == "KT. Giám đốc Sở"
    authorisations.record_authorisation(ctx, a.agency_head, delegate_id=a.deputy, capacity="kt",
                                        actions=["head_approve"], valid_from=date(2025, 1, 1),
                                        valid_to=date(2025, 12, 31), domain="Thi đua, khen thưởng")
    second = make.nomination(a, state=State.COUNCIL_REVIEWED)
    make.act(a.deputy, second, "head_approve")
    assert _approval_audit(ctx, second).on_behalf_of == (
        "KT. Giám đốc Sở (được phân công lĩnh vực: Thi đua, khen thưởng)")
    api = Api(ctx, make)
    assert [r["delegate_name"] for r in api.get(a.secretary, "/api/v1/authorisations").json["items"]] == ["Võ Văn Phó"]
    assert api.get(a.staff_user, "/api/v1/authorisations").status_code == 403


def test_the_api_records_and_revokes_an_authorisation(ctx, make):
    a = make.agency(deputy_authorised=False)
    api = Api(ctx, make)
    body = {"delegate_id": a.deputy, "capacity": "tuq", "actions": ["head_approve"], "valid_from": "2025-11-18",
            "valid_to": "2025-11-25", "act_number": "05/GUQ-SDTTG", "act_date": "2025-11-17"}
    assert api.post(a.deputy, "/api/v1/authorisations", json=body).status_code == 403
    r = api.post(a.agency_head, "/api/v1/authorisations", json=body)
    assert r.status_code == 201 and r.json["capacity_label"] == "TUQ." and r.json["act_number"] == "05/GUQ-SDTTG"
    bad = api.post(a.agency_head, "/api/v1/authorisations", json={**body, "act_date": None})
    assert bad.status_code == 422
    gone = api.post(a.agency_head, f"/api/v1/authorisations/{r.json['id']}/revoke", json={"reason": "Đã trở lại"})
    assert gone.status_code == 200 and gone.json["revoked_on"] == "2025-11-20"
