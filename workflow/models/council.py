"""The council's roster (who sits on it, in which role, for which term) and who attended each meeting."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime

COUNCIL_ROLES = {"chair": "Chủ tịch Hội đồng", "vice_chair": "Phó Chủ tịch Hội đồng",
                 "secretary": "Thư ký Hội đồng", "member": "Ủy viên"}


class CouncilMember(Base):
    """A seat on the council for a term: the person, their council role and their title (chức vụ)."""

    __tablename__ = "council_member"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    council_role: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(200), default="")
    term_from: Mapped[date] = mapped_column(Date)
    term_to: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    person = relationship("Person", lazy="joined")

    __table_args__ = (
        CheckConstraint("council_role IN ('chair', 'vice_chair', 'secretary', 'member')", name="council_role"),
        CheckConstraint("term_to IS NULL OR term_from <= term_to", name="term"),
    )

    @property
    def name(self) -> str:
        return self.person.full_name

    @property
    def role_title(self) -> str:
        return COUNCIL_ROLES[self.council_role]

    def in_office(self, on: date) -> bool:
        return self.term_from <= on and (self.term_to is None or on <= self.term_to)


class MeetingAttendance(Base):
    """One roster member at one meeting: present or absent. The quorum is counted from these rows."""

    __tablename__ = "meeting_attendance"
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meeting.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("council_member.id"), primary_key=True)
    # NULL only for meetings carried over from before the roster: in office, presence not recorded.
    present: Mapped[bool | None] = mapped_column(Boolean)

    member: Mapped[CouncilMember] = relationship(lazy="joined")
