"""Evidence the agency already holds: initiatives, contest results, task ratings."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..text import fold, nfc
from .base import Base, UTCDateTime

# The seven fields of the plan (II.2.1).
INITIATIVE_FIELDS = {
    "direction": "Chỉ đạo, điều hành CCHC",
    "institutions": "Cải cách thể chế",
    "procedures": "Cải cách thủ tục hành chính",
    "organisation": "Cải cách tổ chức bộ máy",
    "civil_service": "Cải cách chế độ công vụ",
    "public_finance": "Cải cách tài chính công",
    "e_government": "Xây dựng, phát triển chính quyền điện tử, chính quyền số",
}
CONTEST_KINDS = {
    "online_cchc": "Cuộc thi trực tuyến tìm hiểu CCHC",
    "written_initiative": "Cuộc thi viết tìm kiếm sáng kiến CCHC",
}
TASK_RATINGS = {
    "excellent": "Hoàn thành xuất sắc nhiệm vụ",
    "good": "Hoàn thành tốt nhiệm vụ",
    "completed": "Hoàn thành nhiệm vụ",
    "not_completed": "Không hoàn thành nhiệm vụ",
}


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _paired(prefix: str) -> CheckConstraint:
    return CheckConstraint(
        f"({prefix}_number IS NULL) = ({prefix}_date IS NULL)", name=f"{prefix}_number_and_date"
    )


class Initiative(Base):
    __tablename__ = "initiative"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    search_title: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(String(20))
    topic: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int] = mapped_column(Integer, index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    # Recognition at the agency (công nhận tại cơ quan)
    recognition_number: Mapped[str | None] = mapped_column(String(50))
    recognition_date: Mapped[date | None] = mapped_column(Date)
    # Appraisal by Sở Nội vụ for the CCHC index scoring (thẩm định)
    appraisal_number: Mapped[str | None] = mapped_column(String(50))
    appraisal_date: Mapped[date | None] = mapped_column(Date)
    # Recognition by Sở Nội vụ at a CCHC contest
    contest_recognition_number: Mapped[str | None] = mapped_column(String(50))
    contest_recognition_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    authors: Mapped[list[InitiativeAuthor]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    department = relationship("Department")

    __table_args__ = (
        CheckConstraint(_in("field", INITIATIVE_FIELDS), name="field"),
        _paired("recognition"),
        _paired("appraisal"),
        _paired("contest_recognition"),
    )

    @validates("title")
    def _normalise_title(self, key, value):
        value = nfc(value)
        if not value:
            raise ValueError("title is empty")
        self.search_title = fold(value)
        return value

    @property
    def recognised(self) -> bool:
        return self.recognition_number is not None

    @property
    def appraised(self) -> bool:
        return self.appraisal_number is not None


class InitiativeAuthor(Base):
    __tablename__ = "initiative_author"
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True, index=True)

    person = relationship("Person")


class ContestResult(Base):
    __tablename__ = "contest_result"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_kind: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer, index=True)
    round: Mapped[str] = mapped_column(String(50), default="")
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    participated: Mapped[bool] = mapped_column(Boolean, default=True)
    score: Mapped[float | None] = mapped_column(Numeric(8, 2))
    prize: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    person = relationship("Person")

    __table_args__ = (
        UniqueConstraint("contest_kind", "year", "round", "person_id"),
        CheckConstraint(_in("contest_kind", CONTEST_KINDS), name="contest_kind"),
        CheckConstraint("prize IS NULL OR participated", name="prize_needs_participation"),
    )


class TaskRating(Base):
    """The yearly task-completion rating (xếp loại) of one person or one department."""

    __tablename__ = "task_rating"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    rating: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    person = relationship("Person")
    department = relationship("Department")

    __table_args__ = (
        # NULLs are distinct in a unique constraint: one partial index per kind of subject
        Index("uq_task_rating_person_year", "person_id", "year", unique=True,
              sqlite_where=text("person_id IS NOT NULL"), postgresql_where=text("person_id IS NOT NULL")),
        Index("uq_task_rating_department_year", "department_id", "year", unique=True,
              sqlite_where=text("department_id IS NOT NULL"), postgresql_where=text("department_id IS NOT NULL")),
        CheckConstraint(_in("rating", TASK_RATINGS), name="rating"),
        CheckConstraint("(person_id IS NULL) <> (department_id IS NULL)", name="one_subject"),
    )
