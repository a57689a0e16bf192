"""What a department proposed, frozen at its review: the list line of each nomination it sent."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, SortKey, UTCDateTime


class DepartmentProposal(Base):
    """One nomination as its department sent it at the review (a later review adds a newer row)."""

    __tablename__ = "department_proposal"
    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycle.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    nominee_type: Mapped[str] = mapped_column(String(12))
    award_form: Mapped[str] = mapped_column(String(30))
    line: Mapped[str] = mapped_column(String(500))      # "Bà Lê Thị Hoà, Chuyên viên Phòng Chính sách"
    note: Mapped[str] = mapped_column(Text, default="")  # the list's note column as it was
    sort_key: Mapped[str] = mapped_column(SortKey)
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    nomination = relationship("Nomination")

    __table_args__ = (Index("ix_department_proposal_cycle_department", "cycle_id", "department_id"),)
