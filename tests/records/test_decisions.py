"""Decisions and their register: numbers proposed in order and restarting each year, duplicates refused,
one signer per decision, the certificate's register number, the register book, the migration."""
from __future__ import annotations

import io
from datetime import date

import pytest
from alembic import command
from openpyxl import load_workbook
from sqlalchemy import select

from states import State
from webapp import create_app
from workflow import decision_queries, decisions, schema
from workflow.actors import load_actor
from workflow.documents import drafts
from workflow.errors import Conflict, Invalid
from workflow.models import AuditEntry, AwardDecision, Nomination, RegisterEntry

from ..web.conftest import Browser
from .helpers import Api


def _approved(make, a, approver=None) -> int:
    nid = make.nomination(a, state=State.COUNCIL_REVIEWED)
    make.act(approver or a.agency_head, nid, "head_approve")
    return nid


def _entries(ctx, doc_type: str, year: int) -> list[tuple]:
    with ctx.db.reading() as s:
        return [(e.seq, e.number, e.nomination_id) for e in decision_queries.register_entries(s, doc_type, year)]


def test_the_award_files_nominations_into_one_registered_decision_per_number(ctx, make):
    a = make.agency()
    first, second = _approved(make, a), _approved(make, a)
    today = ctx.clock.today()
    make.act(a.secretary, first, "award", decision_number="12/QĐ-SDTTG", decision_date=today)
    make.act(a.secretary, second, "award", decision_number="12/QĐ-SDTTG", decision_date=today)
    with ctx.db.reading() as s:
        noms = [s.get(Nomination, n) for n in (first, second)]
        assert noms[0].decision_id == noms[1].decision_id is not None
        decision = noms[0].decision
        assert (decision.number, decision.signed_on, decision.capacity) == ("12/QĐ-SDTTG", today, "head")
        assert decision.signer_name == "Đặng Tấn Giản" and decision.entry.seq == 12
    assert [e[:2] for e in _entries(ctx, "decision", today.year)] == [(12, "12/QĐ-SDTTG")]
    # each certificate gets its own "số vào sổ" from the certificate sequence
    assert _entries(ctx, "certificate", today.year) == [(1, "01", first), (2, "02", second)]
    with ctx.db.reading() as s:
        _, actor = load_actor(s, a.secretary)
        assert drafts.certificate(s, ctx, actor, second).context["register_number"] == "02"


def test_the_next_number_is_proposed_and_restarts_on_the_first_of_january(ctx, make, clock):
    a = make.agency()
    clock.set(date(2025, 12, 31))
    with ctx.db.reading() as s:
        assert decisions.proposed_number(s, "decision", clock.today())["number"] == "01/QĐ-SDTTG"
    d1 = decisions.create_decision(ctx, a.secretary, signed_on=clock.today(), signer_user_id=a.agency_head)
    d2 = decisions.create_decision(ctx, a.secretary, signed_on=clock.today(), signer_user_id=a.deputy)
    clock.set(date(2026, 1, 1))
    d3 = decisions.create_decision(ctx, a.secretary, signed_on=clock.today(), signer_user_id=a.agency_head)
    with ctx.db.reading() as s:
        got = [(s.get(AwardDecision, d).number, s.get(AwardDecision, d).capacity) for d in (d1, d2, d3)]
    assert got == [("01/QĐ-SDTTG", "head"), ("02/QĐ-SDTTG", "deputy"), ("01/QĐ-SDTTG", "head")]
    # the symbol is the identity in force on the date: before the 2025 reorganisation, the Ban's
    with ctx.db.reading() as s:
        assert decisions.format_number(s, "decision", 7, date(2024, 5, 2)) == "07/QĐ-BDT"


def test_decision_numbers_follow_their_dates_in_the_book(ctx, make, clock):
    a = make.agency()
    clock.set(date(2025, 12, 20))

    def decide(day: int, number: str | None = None) -> int:
        return decisions.create_decision(ctx, a.secretary, signed_on=date(2025, 12, day),
                                         signer_user_id=a.agency_head, number=number)

    decide(10)                                   # 01 of 10/12
    with pytest.raises(Conflict) as err:
        decide(3)                                # 02 dated before 01
    assert err.value.code == "register_date_order" and "01/QĐ-SDTTG" in err.value.message
    decide(12, "05/QĐ-SDTTG")                    # a number typed further on, dated after 01
    with pytest.raises(Conflict) as err:
        decide(15, "03/QĐ-SDTTG")                # 03 dated after 05
    assert err.value.code == "register_date_order"
    decide(11, "03/QĐ-SDTTG")                    # fits between 01 (10/12) and 05 (12/12)
    decide(12)                                   # 06, the same day as 05
    with ctx.db.reading() as s:
        book = s.execute(select(RegisterEntry.seq, RegisterEntry.issued_on).where(
            RegisterEntry.doc_type == "decision").order_by(RegisterEntry.seq)).all()
    assert [(seq, on.day) for seq, on in book] == [(1, 10), (3, 11), (5, 12), (6, 12)]


def test_a_number_already_given_in_the_year_is_refused(ctx, make, clock):
    a = make.agency()
    today = ctx.clock.today()
    decisions.create_decision(ctx, a.secretary, signed_on=today, signer_user_id=a.agency_head, number="05/QĐ-SDTTG")
    for number in ("05/QĐ-SDTTG", "5/QĐ-SDTTG", "05"):
        with pytest.raises(Conflict) as err:
            decisions.create_decision(ctx, a.secretary, signed_on=today, signer_user_id=a.agency_head, number=number)
        assert err.value.code == "duplicate_number"
    with pytest.raises(Invalid):
        decisions.create_decision(ctx, a.secretary, signed_on=today, signer_user_id=a.agency_head, number="QĐ-abc")
    nid = _approved(make, a)
    clock.set(date(2025, 11, 21))
    # the award by number: the same number on another day is another document, refused
    with pytest.raises(Conflict) as err:
        make.act(a.secretary, nid, "award", decision_number="05/QĐ-SDTTG", decision_date=date(2025, 11, 21))
    assert err.value.code == "duplicate_number"
    assert make.state(nid) == State.HEAD_APPROVED


def test_nominations_approved_under_different_capacities_never_share_a_decision_silently(ctx, make):
    a = make.agency()
    by_head, by_deputy = _approved(make, a), _approved(make, a, a.deputy)
    today = ctx.clock.today()
    make.act(a.secretary, by_head, "award", decision_number="20/QĐ-SDTTG", decision_date=today)
    api = Api(ctx, make)
    r = api.post(a.secretary, f"/api/v1/nominations/{by_deputy}/actions",
                 json={"action": "award", "version": make.version(by_deputy), "decision_number": "20/QĐ-SDTTG",
                       "decision_date": today.isoformat()})
    assert r.status_code == 409 and r.get_json()["code"] == "mixed_capacity"
    assert "KT." in r.get_json()["message"] and "Võ Văn Phó" in r.get_json()["message"]
    assert make.state(by_deputy) == State.HEAD_APPROVED
    # its own decision, signed "KT." by the deputy who approved it
    r = api.post(a.secretary, f"/api/v1/nominations/{by_deputy}/actions",
                 json={"action": "award", "version": make.version(by_deputy), "decision_number": "21/QĐ-SDTTG",
                       "decision_date": today.isoformat()})
    assert r.status_code == 200, r.get_json()
    decision = r.get_json()["decision"]
    assert decision["capacity"] == "deputy" and decision["signed_as"].startswith("KT. Giám đốc Sở")


def test_an_explicit_choice_merges_capacities_and_says_so(ctx, make):
    a = make.agency()
    by_head, by_deputy = _approved(make, a), _approved(make, a, a.deputy)
    decision = decisions.create_decision(ctx, a.secretary, signed_on=ctx.clock.today(), signer_user_id=a.agency_head)
    make.act(a.secretary, by_head, "award", decision_id=decision)
    with pytest.raises(Conflict, match="KT."):
        make.act(a.secretary, by_deputy, "award", decision_id=decision)
    make.act(a.secretary, by_deputy, "award", decision_id=decision, accept_mixed_capacity=True)
    with ctx.db.reading() as s:
        d = s.get(AwardDecision, decision)
        assert {n.id for n in d.nominations} == {by_head, by_deputy}
        assert f"#{by_deputy}" in d.mixed_capacity_note
        entry = s.scalars(select(AuditEntry).where(AuditEntry.nomination_id == by_deputy,
                                                   AuditEntry.action == "award")).one()
        assert entry.payload["accept_mixed_capacity"] is True and entry.payload["decision_id"] == decision


def test_the_register_book_and_the_decision_page(ctx, make):
    a = make.agency()
    nid = _approved(make, a, a.deputy)
    make.act(a.secretary, nid, "award", decision_number="03/QĐ-SDTTG", decision_date=ctx.clock.today())
    api = Api(ctx, make)
    r = api.get(a.secretary, "/api/v1/register/book.xlsx?doc_type=decision&year=2025")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.data)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[0] == "Số, ký hiệu văn bản")
    assert rows[header][:4] == ["Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản",
                                "Người ký"]
    assert rows[header + 1][0] == "03/QĐ-SDTTG" and rows[header + 1][3] == "Võ Văn Phó"
    assert api.get(a.staff_user, "/api/v1/register?doc_type=decision").status_code == 403
    body = api.get(a.secretary, "/api/v1/register?doc_type=decision&year=2025").get_json()
    assert body["next"]["number"] == "04/QĐ-SDTTG"

    app = create_app(context=ctx)
    app.config.update(TESTING=True)
    secretary = Browser(app.test_client()).login(make.username(a.secretary))
    html = secretary.get("/decisions?year=2025").get_data(as_text=True)
    assert "03/QĐ-SDTTG" in html and "04/QĐ-SDTTG" in html
    with ctx.db.reading() as s:
        decision_id = s.get(Nomination, nid).decision_id
    html = secretary.get(f"/decisions/{decision_id}").get_data(as_text=True)
    assert "KT. Giám đốc Sở" in html and "Võ Văn Phó" in html
    html = secretary.get(f"/nominations/{nid}").get_data(as_text=True)
    assert "Số vào sổ Giấy khen" in html
    # the award form proposes the next number
    other = _approved(make, a)
    html = secretary.get(f"/nominations/{other}").get_data(as_text=True)
    assert 'value="04/QĐ-SDTTG"' in html


def test_existing_award_numbers_enter_the_register_when_migrating(ctx, make):
    a = make.agency()
    first = make.nomination(a, state=State.AWARDED)      # "12/QĐ-BDT", today
    second = make.nomination(a, state=State.AWARDED)
    schema.migrate(ctx.db.engine, command.downgrade, "0002")
    schema.upgrade(ctx.db.engine)
    with ctx.db.reading() as s:
        decisions_ = s.scalars(select(AwardDecision)).all()
        assert len(decisions_) == 1
        d = decisions_[0]
        assert (d.number, d.entry.seq, d.capacity, d.signer_name) == ("12/QĐ-BDT", 12, "head", "Đặng Tấn Giản")
        assert {n.id for n in d.nominations} == {first, second}
        certificates = s.scalars(select(RegisterEntry).where(RegisterEntry.doc_type == "certificate")
                                 .order_by(RegisterEntry.seq)).all()
        assert [(c.seq, c.nomination_id) for c in certificates] == [(1, first), (2, second)]
