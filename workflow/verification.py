"""Public verification of decisions and certificates, and the decision that revokes an earlier one.

The page shows only what the document itself shows: the awardee's name, the award, the decision's
number and date and the issuing agency as it was named on that date.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import throttle
from .actors import load_actor
from .agency import identity_on
from .audit import audit, record_event
from .decisions import _new_decision, _signer_capacity, decision_event_data, load_decision, revoking_decision
from .documents import facts, vn
from .errors import Conflict, Forbidden, Invalid, Problem
from .models import AwardDecision, Nomination, RegisterEntry, User
from .text import nfc
from .verification_code import normalise, printed

VALID, REVOKED, UNKNOWN = "valid", "revoked", "unknown"
PATH = "/xac-minh/"


def verification_url(settings, code: str) -> str:
    """What the QR code encodes: the public page for this code."""
    return f"{settings.base_url}{PATH}{printed(code)}"


@dataclass
class Verdict:
    status: str                                     # valid / revoked / unknown
    kind: str = ""                                  # "Giấy khen" / "Quyết định khen thưởng"
    code: str = ""
    awardees: list[dict] = field(default_factory=list)   # {"name", "award"}
    decision_number: str = ""
    decision_date: str = ""
    agency: str = ""
    revoked_by: str = ""                            # "Quyết định số 07/QĐ-SDTTG ngày 02/03/2026"


def decision_line(decision: AwardDecision) -> str:
    return f"Quyết định số {decision.number} ngày {vn.short_date(decision.signed_on)}"


def _awardee(s: Session, nom: Nomination, authority: str) -> dict:
    return {"name": nom.nominee_name, "award": facts.award_title(nom, authority)}


def verify(s: Session, typed: str) -> Verdict:
    """The answer for a typed or scanned code: valid, revoked (by which decision) or unknown."""
    code = normalise(typed)
    entry = s.scalars(select(RegisterEntry).where(RegisterEntry.verification_code == code)).first() if code else None
    if entry is None:
        return Verdict(UNKNOWN)
    if entry.doc_type == "certificate":
        nom = s.get(Nomination, entry.nomination_id)
        decision = nom.decision if nom is not None else None
        kind = "Giấy khen"
    else:
        decision = s.scalars(select(AwardDecision).where(AwardDecision.entry_id == entry.id)).first()
        nom, kind = None, "Quyết định khen thưởng"
    if decision is None:
        return Verdict(UNKNOWN)
    identity = identity_on(s, decision.signed_on)
    authority = facts.agency(identity)["authority"]
    if nom is not None:
        awardees = [_awardee(s, nom, authority)]
    else:
        awardees = [_awardee(s, n, authority) for n in decision.nominations]
    revoking = revoking_decision(s, decision)
    return Verdict(REVOKED if revoking else VALID, kind, printed(code), awardees, decision.number,
                   vn.short_date(decision.signed_on), identity.name,
                   decision_line(revoking) if revoking else "")


def allow_lookup(ctx, address: str) -> throttle.Attempt:
    """Rate limit for the public page, per address (the codes are unguessable; this keeps scraping slow)."""
    app = ctx.settings.section("app")
    return throttle.count_in_window(ctx, "verify:" + (address or "?")[:100],
                                    limit=int(app.get("verify_lookups_per_window", 30)),
                                    window=timedelta(seconds=int(app.get("verify_window_seconds", 300))))


def revoke_decision(ctx, user_id: int, decision_id: int, *, signed_on: date | None, signer_user_id: int | None,
                    reason: str, number: str | None = None) -> int:
    """The secretary registers the decision that revokes an earlier one; the public page then says so."""
    reason = nfc(reason or "")
    if not reason:
        raise Invalid(Problem("revocation_reason_required", "Cần ghi lý do thu hồi quyết định."))
    with ctx.db.transaction() as s:
        user, actor = load_actor(s, user_id)
        if not actor.has("council_secretary"):
            raise Forbidden("not_allowed", "Chỉ Thư ký Hội đồng TĐKT được vào sổ quyết định thu hồi.")
        old = load_decision(s, decision_id)
        if old.revokes_id is not None:
            raise Conflict("revoking_a_revocation", "Quyết định này là quyết định thu hồi; không thu hồi tiếp được.")
        if revoking_decision(s, old) is not None:
            raise Conflict("already_revoked", f"Quyết định số {old.number} đã bị thu hồi.")
        signer = s.get(User, signer_user_id) if signer_user_id else None
        if signer is None:
            raise Invalid(Problem("signer_required", "Cần chọn người ký quyết định."))
        if signed_on is None or signed_on < old.signed_on or signed_on > ctx.clock.today():
            raise Invalid(Problem("revocation_date", "Ngày quyết định thu hồi phải từ ngày quyết định bị thu hồi"
                                                     " đến hôm nay."))
        new = _new_decision(s, ctx, user.id, on=signed_on, number=nfc(number) or None,
                            capacity=_signer_capacity(signer), signer_person_id=signer.person_id,
                            signer_name=signer.name, cycle_id=old.cycle_id,
                            summary=f"Thu hồi Quyết định số {old.number} ngày {vn.short_date(old.signed_on)}")
        new.revokes_id, new.revocation_reason = old.id, reason
        s.flush()
        audit(s, ctx, actor_id=user.id, action="revoke_decision", entity_type="award_decision", entity_id=old.id,
              comment=reason, payload={"revoked": old.number, "by": new.number, "by_id": new.id})
        record_event(s, ctx, "decision_revoked", actor_id=user.id,
                     payload={**decision_event_data(old), "revoked_by_decision_id": new.id,
                              "revoked_by_number": new.number, "reason": reason})
        return new.id
