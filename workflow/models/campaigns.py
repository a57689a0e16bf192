"""Campaigns (phong trào), their review cycles and the yearly emulation registrations."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime

CYCLE_KINDS = {"annual": "Sơ kết năm", "final": "Tổng kết giai đoạn"}


class Campaign(Base):
    __tablename__ = "campaign"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(Text)
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int] = mapped_column(Integer)
    plan_reference: Mapped[str] = mapped_column(String(300), default="")
    # A thematic movement (thi đua theo chuyên đề): its awards are marked as such and, under
    # Decree 152/2025 Art. 4, are no basis for proposing higher-level merit awards.
    thematic: Mapped[bool] = mapped_column(Boolean, default=True)

    cycles: Mapped[list[ReviewCycle]] = relationship(
        back_populates="campaign", order_by="ReviewCycle.year, ReviewCycle.kind"
    )

    __table_args__ = (CheckConstraint("start_year <= end_year", name="period"),)

    @property
    def period(self) -> str:
        return f"{self.start_year}-{self.end_year}"


class ReviewCycle(Base):
    """One review: the annual review of a year, or the campaign's final (five-year) summary."""

    __tablename__ = "review_cycle"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    registration_deadline: Mapped[date | None] = mapped_column(Date)
    dossier_deadline: Mapped[date] = mapped_column(Date)
    council_meeting_on: Mapped[date] = mapped_column(Date)
    ceremony_on: Mapped[date | None] = mapped_column(Date)

    campaign: Mapped[Campaign] = relationship(back_populates="cycles")

    __table_args__ = (
        UniqueConstraint("campaign_id", "kind", "year"),
        CheckConstraint("kind IN ('annual', 'final')", name="kind"),
        CheckConstraint("dossier_deadline <= council_meeting_on", name="calendar_order"),
    )

    @property
    def title(self) -> str:
        if self.kind == "final":
            return f"Tổng kết giai đoạn {self.campaign.start_year}-{self.campaign.end_year}"
        return f"Sơ kết năm {self.year}"

    @property
    def period(self) -> tuple[int, int]:
        """The years whose evidence counts: one year, or the campaign's whole period."""
        if self.kind == "final":
            return self.campaign.start_year, self.campaign.end_year
        return self.year, self.year


REGISTRATION_STATES = {
    "not_sent": "Chưa gửi",
    "awaiting": "Chờ duyệt",
    "refused": "Từ chối",
    "approved": "Đã duyệt",
}


class Registration(Base):
    """A department's emulation registration (đăng ký thi đua) for one year of a campaign."""

    __tablename__ = "registration"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10), default="not_sent")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    lines: Mapped[list[RegistrationLine]] = relationship(
        cascade="all, delete-orphan", order_by="RegistrationLine.id", lazy="selectin"
    )
    department = relationship("Department")
    campaign: Mapped[Campaign] = relationship()

    __table_args__ = (
        UniqueConstraint("campaign_id", "department_id", "year"),
        CheckConstraint("state IN ('not_sent', 'awaiting', 'refused', 'approved')", name="state"),
        CheckConstraint("state = 'not_sent' OR submitted_at IS NOT NULL", name="submitted_when_sent"),
        CheckConstraint(
            "state NOT IN ('refused', 'approved') OR (decided_at IS NOT NULL AND decided_by_id IS NOT NULL)",
            name="decided_when_decided",
        ),
        CheckConstraint("state <> 'refused' OR refusal_reason IS NOT NULL", name="refusal_has_reason"),
    )


class RegistrationLine(Base):
    """One registrant: the department itself (collective) or one of its staff."""

    __tablename__ = "registration_line"
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    nominee_type: Mapped[str] = mapped_column(String(12))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    target: Mapped[str] = mapped_column(String(300), default="")

    person = relationship("Person")

    __table_args__ = (
        Index("uq_registration_line_person", "registration_id", "person_id", unique=True,
              sqlite_where=text("person_id IS NOT NULL"), postgresql_where=text("person_id IS NOT NULL")),
        Index("uq_registration_line_collective", "registration_id", unique=True,
              sqlite_where=text("person_id IS NULL"), postgresql_where=text("person_id IS NULL")),
        CheckConstraint(
            "(nominee_type = 'individual' AND person_id IS NOT NULL)"
            " OR (nominee_type = 'collective' AND person_id IS NULL)",
            name="nominee",
        ),
    )
