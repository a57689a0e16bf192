"""Anyone can check a certificate or decision by its code: valid, revoked (by which decision) or unknown."""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from states import State
from workflow import verification
from workflow.decisions import certificate_code
from workflow.errors import Conflict, Forbidden, Invalid
from workflow.models import AuditEntry, AwardDecision, Nomination
from workflow.verification_code import normalise, printed

from ..web.conftest import app  # noqa: F401 - fixture


def awarded(ctx, make):
    a = make.agency()
    nid = make.nomination(a, state=State.AWARDED)
    with ctx.db.reading() as s:
        nom = s.get(Nomination, nid)
        return a, nid, nom.decision_id, certificate_code(s, nid), nom.decision.entry.verification_code


def test_a_certificate_code_is_valid_and_shows_only_what_the_certificate_shows(ctx, make, app):  # noqa: F811
    _a, nid, _decision_id, code, _ = awarded(ctx, make)
    r = app.test_client().get(f"/xac-minh/{printed(code)}")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "Hợp lệ" in page
    with ctx.db.reading() as s:
        nom = s.get(Nomination, nid)
        name, dept = nom.nominee_name, nom.department.name
    assert name in page and "12/QĐ-BDT" in page and "Giấy khen của" in page
    assert dept not in page and "Đặng Tấn Giản" not in page  # no unit, no signer: not asked for


def test_codes_are_read_as_people_type_them():
    assert normalise("k7q2m-9xh4t") == "K7Q2M9XH4T"
    assert normalise("K7Q2M 9XH4O") == "K7Q2M9XH40"  # O read as zero
    assert normalise("short") is None and normalise("K7Q2M-9XH4U") is None


def test_an_unknown_code_says_not_found(app):  # noqa: F811
    r = app.test_client().get("/xac-minh/AAAAA-BBBBB")
    assert r.status_code == 404 and "Không tìm thấy" in r.get_data(as_text=True)


def test_revoking_the_decision_changes_the_answer_and_is_audited(ctx, make, app):  # noqa: F811
    a, _nid, decision_id, code, decision_code = awarded(ctx, make)
    with pytest.raises(Forbidden):
        verification.revoke_decision(ctx, a.head, decision_id, signed_on=ctx.clock.today(),
                                     signer_user_id=a.agency_head, reason="Sai đối tượng")
    with pytest.raises(Invalid):
        verification.revoke_decision(ctx, a.secretary, decision_id, signed_on=ctx.clock.today(),
                                     signer_user_id=a.agency_head, reason=" ")
    new_id = verification.revoke_decision(ctx, a.secretary, decision_id, signed_on=ctx.clock.today(),
                                          signer_user_id=a.agency_head, reason="Hồ sơ kê khai không trung thực")
    with ctx.db.reading() as s:
        new = s.get(AwardDecision, new_id)
        line = f"Quyết định số {new.number}"
        assert new.revokes_id == decision_id
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "revoke_decision")).one().entity_id == decision_id
    for c in (code, decision_code):
        page = app.test_client().get(f"/xac-minh/{printed(c)}").get_data(as_text=True)
        assert "Đã bị thu hồi" in page and line in page and "Hợp lệ" not in page
    with pytest.raises(Conflict):
        verification.revoke_decision(ctx, a.secretary, decision_id, signed_on=ctx.clock.today(),
                                     signer_user_id=a.agency_head, reason="lần nữa")


def test_the_public_page_is_rate_limited_per_address(ctx, make, app):  # noqa: F811
    raw = {**ctx.settings.raw, "app": {**ctx.settings.section("app"), "verify_lookups_per_window": 3}}
    ctx.settings = dataclasses.replace(ctx.settings, raw=raw)
    client = app.test_client()
    codes = [client.get("/xac-minh/AAAAA-BBBBB").status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]
    assert client.get("/xac-minh/AAAAA-BBBBB").headers["Retry-After"]
