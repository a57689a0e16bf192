"""A deputy who approved under a "TUQ." authorisation signs the decision and the certificate "TUQ.", and
the decision cites the written authorisation among its bases; under "KT." nothing changes."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from states import State
from workflow import authorisations, documents
from workflow.actors import load_actor
from workflow.documents import drafts
from workflow.models import Nomination

from .conftest import all_text, docx_of


def test_the_decision_and_the_certificate_print_tuq_and_the_act(ctx, make):
    a = make.agency(deputy_authorised=False)
    authorisations.record_authorisation(ctx, a.agency_head, delegate_id=a.deputy, capacity="tuq",
                                        actions=["head_approve"], valid_from=date(2025, 11, 18),
                                        valid_to=date(2025, 11, 30), act_number="05/GUQ-SDTTG",
                                        act_date=date(2025, 11, 17))
    nid = make.nomination(a, state=State.COUNCIL_REVIEWED)
    make.act(a.deputy, nid, "head_approve")
    make.act(a.secretary, nid, "award", decision_number="31/QĐ-SDTTG", decision_date=date(2025, 11, 20))
    with ctx.db.reading() as s:
        meeting_id = s.scalars(select(Nomination.council_meeting_id).where(Nomination.id == nid)).one()
    decision = all_text(docx_of(ctx, documents.generate(ctx, a.secretary, "award_decision", meeting_id=meeting_id)))
    assert "TUQ. GIÁM ĐỐC SỞ" in decision and "KT. GIÁM ĐỐC SỞ" not in decision
    assert "Căn cứ văn bản ủy quyền số 05/GUQ-SDTTG ngày 17/11/2025 của Giám đốc Sở;" in decision
    # the certificate is printed through LibreOffice; its draft carries the same signature
    with ctx.db.reading() as s:
        draft = drafts.certificate(s, ctx, load_actor(s, a.secretary)[1], nid)
    assert draft.context["sign"]["on_behalf"] == "TUQ. GIÁM ĐỐC SỞ"


def test_a_draft_decision_before_registration_signs_in_the_capacity_the_deputy_approved_under(ctx, make):
    a = make.agency()                                              # a standing KT. assignment…
    make.authorise(a, valid_from=date(2025, 11, 18), valid_to=date(2025, 11, 30), away=True)   # …and a TUQ. leave
    nid = make.nomination(a, state=State.COUNCIL_REVIEWED)
    make.act(a.deputy, nid, "head_approve")                        # the latest in force wins: TUQ.
    with ctx.db.reading() as s:
        meeting_id = s.scalars(select(Nomination.council_meeting_id).where(Nomination.id == nid)).one()
    decision = all_text(docx_of(ctx, documents.generate(ctx, a.secretary, "award_decision", meeting_id=meeting_id)))
    assert "TUQ. GIÁM ĐỐC SỞ" in decision
    assert "Căn cứ văn bản ủy quyền số 05/GUQ-SDTTG ngày 18/11/2025 của Giám đốc Sở;" in decision
