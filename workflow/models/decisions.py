"""Award decisions and the register of issued documents (sổ đăng ký văn bản đi).

Decree 30/2020/NĐ-CP Art. 15.1: numbers follow the order of issue within the year, starting
at 01 on 1 January and ending on 31 December; a number and symbol is unique in its year.
Art. 16 and Appendix IV: each issued document is entered in the outgoing register.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime

# One sequence per document type: (title, abbreviation printed in the symbol, e.g. "12/QĐ-BDT").
REGISTER_TYPES = {
    "decision": ("Quyết định", "QĐ"),
    "certificate": ("Giấy khen", ""),
}
CAPACITIES = {"head": "Thủ trưởng ký", "deputy": "KT. Thủ trưởng — cấp phó ký"}


class RegisterEntry(Base):
    """One line of the register: a number given to one issued document."""

    __tablename__ = "register_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    # The place in the year's sequence; NULL only for numbers carried over from before the
    # register existed that do not start with a number of their own (kept as typed).
    seq: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(60))
    issued_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")          # tên loại và trích yếu nội dung
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    recipients: Mapped[str] = mapped_column(Text, default="")       # nơi nhận văn bản
    note: Mapped[str] = mapped_column(Text, default="")
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id"))  # a certificate's awardee
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Printed with a QR code on the document; anyone can check it on the public page (workflow/verification.py).
    verification_code: Mapped[str] = mapped_column(String(16), unique=True)

    __table_args__ = (
        # NULL seqs (carried-over numbers) are distinct: only numbered lines are unique.
        UniqueConstraint("doc_type", "year", "seq"),
        UniqueConstraint("doc_type", "nomination_id"),
        CheckConstraint("doc_type IN ('decision', 'certificate')", name="doc_type"),
        CheckConstraint("seq IS NULL OR seq >= 1", name="seq"),
        CheckConstraint("doc_type <> 'certificate' OR nomination_id IS NOT NULL", name="certificate_has_awardee"),
    )

    @property
    def type_title(self) -> str:
        return REGISTER_TYPES[self.doc_type][0]


class AwardDecision(Base):
    """A decision awarding nominations: its registered number, date, signer and signing capacity."""

    __tablename__ = "award_decision"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entry.id"), unique=True)
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("review_cycle.id"), index=True)
    signer_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    signer_name: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[str] = mapped_column(String(10))
    # Set when nominations approved under another capacity were filed here on purpose.
    mixed_capacity_note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A decision that revokes an earlier one names it; the public verification page then says so.
    revokes_id: Mapped[int | None] = mapped_column(ForeignKey("award_decision.id"), unique=True)
    revocation_reason: Mapped[str | None] = mapped_column(Text)

    entry: Mapped[RegisterEntry] = relationship(lazy="joined")
    signer = relationship("Person")
    nominations = relationship("Nomination", back_populates="decision", order_by="Nomination.id")

    __table_args__ = (
        CheckConstraint("capacity IN ('head', 'deputy')", name="capacity"),
        CheckConstraint("revokes_id IS NULL OR revocation_reason IS NOT NULL", name="revocation_has_reason"),
    )

    @property
    def number(self) -> str:
        return self.entry.number

    @property
    def signed_on(self) -> date:
        return self.entry.issued_on
