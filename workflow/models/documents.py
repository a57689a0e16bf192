"""Dossier files: uploaded by people or generated from templates."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime

DOCUMENT_KINDS = {
    "achievement_report": "Báo cáo thành tích",
    "department_minutes": "Biên bản họp xét của Phòng",
    "department_list": "Danh sách đề nghị khen thưởng của Phòng",
    "recognition_decision": "Quyết định công nhận sáng kiến",
    "council_minutes": "Biên bản họp Hội đồng TĐKT",
    "request_letter": "Tờ trình",
    "award_decision": "Quyết định khen thưởng",
    "certificate": "Giấy khen",
    "cycle_list": "Danh sách toàn cơ quan",
    "other": "Tài liệu khác",
}


class Document(Base):
    """A file in a dossier. Exactly one owner: a nomination, a department's cycle, or a meeting."""

    __tablename__ = "document"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(100))
    content_type: Mapped[str] = mapped_column(String(150))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id"), index=True)
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("review_cycle.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    council_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("council_meeting.id"), index=True)
    generated: Mapped[bool] = mapped_column(Boolean, default=False)
    template_name: Mapped[str | None] = mapped_column(String(200))
    template_version: Mapped[str | None] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Replaced or withdrawn documents stay (the audit trail points at them) but no longer count.
    superseded: Mapped[bool] = mapped_column(Boolean, default=False)
    # The file that replaced this one: its uploader and time say who replaced it, and when.
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    # A wrong upload withdrawn by its uploader, with the reason (also in the audit log).
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)

    uploaded_by = relationship("User", foreign_keys=[uploaded_by_id])
    withdrawn_by = relationship("User", foreign_keys=[withdrawn_by_id])
    superseded_by = relationship("Document", remote_side=[id], foreign_keys=[superseded_by_id])

    __table_args__ = (
        Index("ix_document_cycle_department", "cycle_id", "department_id"),
        CheckConstraint(
            "kind IN ({})".format(", ".join(f"'{k}'" for k in DOCUMENT_KINDS)), name="kind"
        ),
        CheckConstraint(
            "(CASE WHEN nomination_id IS NOT NULL THEN 1 ELSE 0 END)"
            " + (CASE WHEN department_id IS NOT NULL THEN 1 ELSE 0 END)"
            " + (CASE WHEN council_meeting_id IS NOT NULL THEN 1 ELSE 0 END) <= 1",
            name="one_owner",
        ),
        CheckConstraint("department_id IS NULL OR cycle_id IS NOT NULL", name="department_needs_cycle"),
        CheckConstraint("nomination_id IS NOT NULL OR cycle_id IS NOT NULL OR council_meeting_id IS NOT NULL",
                        name="has_owner"),
        CheckConstraint("size >= 0", name="size"),
        CheckConstraint("NOT generated OR template_name IS NOT NULL", name="generated_has_template"),
        CheckConstraint("superseded_by_id IS NULL OR superseded", name="replaced_is_superseded"),
        CheckConstraint("withdrawn_at IS NULL OR (superseded AND NOT generated AND withdrawn_by_id IS NOT NULL"
                        " AND withdrawal_reason IS NOT NULL)", name="withdrawn_has_reason"),
    )

    @property
    def signed(self) -> bool:
        """An uploaded copy (a scan or a signed file) that still counts: the only kind a requirement accepts."""
        return not self.generated and not self.superseded

    @property
    def kind_title(self) -> str:
        return DOCUMENT_KINDS.get(self.kind, self.kind)
