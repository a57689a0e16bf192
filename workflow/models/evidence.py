"""Evidence a department head sends to the Office (e.g. a contest certificate scan), for the
council secretary to check and record in the registers, or refuse with a reason."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime

EVIDENCE_KINDS = {
    "contest_result": "Kết quả, giải thưởng cuộc thi",
    "initiative": "Sáng kiến (quyết định công nhận, thẩm định)",
    "task_rating": "Xếp loại hoàn thành nhiệm vụ",
    "other": "Minh chứng khác",
}
EVIDENCE_STATES = {"submitted": "Chờ Văn phòng xác nhận", "confirmed": "Văn phòng đã ghi vào sổ",
                   "refused": "Văn phòng không xác nhận"}


class EvidenceSubmission(Base):
    __tablename__ = "evidence_submission"
    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    # None: the evidence is the department's own (as a collective)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(30))
    year: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), default="submitted")
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")

    department = relationship("Department")
    person = relationship("Person")

    __table_args__ = (
        CheckConstraint("kind IN ({})".format(", ".join(f"'{k}'" for k in EVIDENCE_KINDS)), name="kind"),
        CheckConstraint("state IN ({})".format(", ".join(f"'{k}'" for k in EVIDENCE_STATES)), name="state"),
        # decided exactly when no longer waiting; a refusal always says why
        CheckConstraint("(state = 'submitted') = (decided_by_id IS NULL AND decided_at IS NULL)", name="decided"),
        CheckConstraint("state <> 'refused' OR decision_note <> ''", name="refusal_reason"),
    )
