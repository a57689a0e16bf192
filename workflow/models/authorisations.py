"""Who may act in the head's name: a deputy signing "KT." within their assigned domain, or someone
signing "TUQ." under a written authorisation (its number and date), for some actions, for a period;
and an acting head (phụ trách) of a department standing in for its head. `away` marks the grantor absent
over the period: their work then waits on the delegate too (inbox, emails, reminders).
Source: Decree 30/2020/NĐ-CP Art. 13 (as cited by issue #14; primary text not confirmed here). Art. 13.1,
as quoted by secondary sources (lutrader.com, thuvienphapluat.vn): "Trường hợp cấp phó được giao phụ
trách, điều hành thì thực hiện ký như cấp phó ký thay cấp trưởng" — so an acting head signs KT."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime

SIGNING_CAPACITIES = {"kt": "KT.", "tuq": "TUQ."}


class Authorisation(Base):
    __tablename__ = "authorisation"
    id: Mapped[int] = mapped_column(primary_key=True)
    grantor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    delegate_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    capacity: Mapped[str] = mapped_column(String(3))
    # the workflow actions (states.Action values) the delegate may take in the head's name
    actions: Mapped[list] = mapped_column(JSON)
    domain: Mapped[str] = mapped_column(Text, default="")
    act_number: Mapped[str | None] = mapped_column(String(50))
    act_date: Mapped[date | None] = mapped_column(Date)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    # the grantor is away over the period: their inbox and reminders reach the delegate too
    away: Mapped[bool] = mapped_column(Boolean, default=False)
    # set: an acting head (phụ trách) of this department for the department's steps; NULL: the agency head's
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)

    delegate = relationship("User", foreign_keys=[delegate_id])
    grantor = relationship("User", foreign_keys=[grantor_id])
    department = relationship("Department")

    __table_args__ = (
        CheckConstraint("capacity IN ('kt', 'tuq')", name="capacity"),
        CheckConstraint("valid_from <= valid_to", name="period"),
        # TUQ. stands on a written authorisation: its number and date are part of the record
        CheckConstraint("capacity = 'kt' OR (act_number IS NOT NULL AND act_date IS NOT NULL)", name="written_act"),
        CheckConstraint("(revoked_on IS NULL) = (revoked_by_id IS NULL)", name="revoked"),
        # an acting head stands in while the department head is away, and signs as a deputy would (KT.)
        CheckConstraint("department_id IS NULL OR (away AND capacity = 'kt')", name="acting_head"),
    )

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on <= self.valid_to and (self.revoked_on is None or on < self.revoked_on)
