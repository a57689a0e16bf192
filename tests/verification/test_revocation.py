"""The secretary revokes a decision from its page or the API; both pages then name each other, the public
page says "revoked", and nothing more is filed into either decision."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from states import State
from workflow.decisions import certificate_code
from workflow.errors import Conflict
from workflow.models import AwardDecision, Nomination
from workflow.verification_code import printed

from ..records.helpers import Api
from ..web.conftest import app, browser_for  # noqa: F401 - fixtures


def awarded(ctx, make):
    a = make.agency()
    nid = make.nomination(a, state=State.AWARDED)
    with ctx.db.reading() as s:
        nom = s.get(Nomination, nid)
        return a, nom.decision_id, certificate_code(s, nid)


def test_the_secretary_revokes_from_the_decision_page_and_both_pages_say_so(ctx, make, app, browser_for):  # noqa: F811
    a, decision_id, code = awarded(ctx, make)
    member = browser_for(make.user(["council_member"]))
    assert "Thu hồi quyết định này" not in member.get(f"/decisions/{decision_id}").get_data(as_text=True)
    assert member.post(f"/decisions/{decision_id}/revoke", data={"reason": "x"}).status_code == 403

    secretary = browser_for(a.secretary)
    page = secretary.get(f"/decisions/{decision_id}").get_data(as_text=True)
    assert "Thu hồi quyết định này" in page
    today = ctx.clock.today().strftime("%d/%m/%Y")
    form = {"reason": "", "signed_on": "31/02/2025", "signer_user_id": str(a.agency_head), "number": ""}
    r = secretary.post(f"/decisions/{decision_id}/revoke", data=form)
    assert r.status_code == 422 and "Ngày không hợp lệ" in r.get_data(as_text=True)
    r = secretary.post(f"/decisions/{decision_id}/revoke", data={**form, "signed_on": today, "reason": "  "})
    assert r.status_code == 422 and "Cần ghi lý do thu hồi" in r.get_data(as_text=True)

    r = secretary.post(f"/decisions/{decision_id}/revoke", data={**form, "signed_on": today,
                                                                 "reason": "Hồ sơ kê khai không trung thực"})
    assert r.status_code == 302
    with ctx.db.reading() as s:
        new = s.get(AwardDecision, int(r.headers["Location"].rsplit("/", 1)[1]))
        old_number, new_number = s.get(AwardDecision, decision_id).number, new.number
    assert new.revokes_id == decision_id
    page = secretary.get(r.headers["Location"]).get_data(as_text=True)
    assert "Quyết định này thu hồi" in page and old_number in page and "Hồ sơ kê khai không trung thực" in page
    page = secretary.get(f"/decisions/{decision_id}").get_data(as_text=True)
    assert "Đã bị thu hồi" in page and new_number in page and "Thu hồi quyết định này" not in page
    assert f"đã bị thu hồi theo Quyết định số {new_number}" in secretary.get("/decisions").get_data(as_text=True)
    public = app.test_client().get(f"/xac-minh/{printed(code)}").get_data(as_text=True)
    assert "Đã bị thu hồi" in public and new_number in public


def test_the_api_revokes_with_its_errors(ctx, make):
    a, decision_id, _code = awarded(ctx, make)
    api = Api(ctx, make)
    url = f"/api/v1/decisions/{decision_id}/revoke"
    body = {"reason": "Sai đối tượng", "signed_on": ctx.clock.today().isoformat(), "signer_user_id": a.agency_head}
    assert api.post(a.head, url, json=body).status_code == 403
    assert api.post(a.secretary, "/api/v1/decisions/999999/revoke", json=body).status_code == 404
    r = api.post(a.secretary, url, json={**body, "signed_on": "2000-01-01"})
    assert r.status_code == 422 and r.get_json()["errors"][0]["code"] == "revocation_date"
    assert api.post(a.secretary, url, json={k: v for k, v in body.items() if k != "signer_user_id"}).status_code == 422
    r = api.post(a.secretary, url, json=body)
    assert r.status_code == 201
    new = r.get_json()
    assert new["revokes"]["id"] == decision_id and new["revocation_reason"] == "Sai đối tượng"
    old = api.get(a.secretary, f"/api/v1/decisions/{decision_id}").get_json()
    assert old["revoked_by"] == {"id": new["id"], "number": new["number"], "signed_on": new["signed_on"],
                                 "reason": "Sai đối tượng"}
    assert api.post(a.secretary, url, json=body).status_code == 409
    assert api.post(a.secretary, f"/api/v1/decisions/{new['id']}/revoke", json=body).status_code == 409


def test_nothing_more_is_filed_into_a_revoked_or_a_revoking_decision(ctx, make):
    from workflow import verification
    a, decision_id, _code = awarded(ctx, make)
    new_id = verification.revoke_decision(ctx, a.secretary, decision_id, signed_on=ctx.clock.today(),
                                          signer_user_id=a.agency_head, reason="Sai đối tượng")
    for target, code in ((decision_id, "decision_revoked"), (new_id, "revoking_decision")):
        nid = make.nomination(a, state=State.COUNCIL_REVIEWED)
        make.act(a.agency_head, nid, "head_approve")
        with pytest.raises(Conflict) as err:
            make.act(a.secretary, nid, "award", decision_id=target)
        assert err.value.code == code


def test_the_award_history_keeps_a_revoked_award_but_no_longer_counts_it_for_merit(ctx, make, app, browser_for):  # noqa: F811
    from workflow import verification
    from workflow.reports import history
    a, decision_id, _code = awarded(ctx, make)
    with ctx.db.transaction() as s:  # a regular (not thematic) movement: its awards count for merit
        nom = s.scalars(select(Nomination).where(Nomination.decision_id == decision_id)).one()
        nom.cycle.campaign.thematic, person_id = False, nom.person_id
    with ctx.db.reading() as s:
        before = history.person_history(s, a.secretary, person_id)
    assert [x["revoked_by"] for x in before["awards"]] == [None] and before["merit_basis"] == before["awards"]

    new_id = verification.revoke_decision(ctx, a.secretary, decision_id, signed_on=ctx.clock.today(),
                                          signer_user_id=a.agency_head, reason="Sai đối tượng")
    with ctx.db.reading() as s:
        after = history.person_history(s, a.secretary, person_id)
        number = s.get(AwardDecision, new_id).number
    assert len(after["awards"]) == 1 and after["merit_basis"] == []
    assert after["awards"][0]["revoked_by"]["number"] == number
    page = browser_for(a.secretary).get(f"/reports/history/person/{person_id}").get_data(as_text=True)
    assert "đã bị thu hồi" in page and number in page
