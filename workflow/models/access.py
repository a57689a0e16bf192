"""Who read whose personal data, and failed logins counted across every worker."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime

# The personal data whose reading is logged (Law 91/2025/QH15 on personal data protection).
PERSONAL_DATA_KINDS = {
    "profile": "Ngày sinh, quê quán, nơi ở",
    "task_rating": "Xếp loại hoàn thành nhiệm vụ",
    "contest_result": "Kết quả cuộc thi",
    "award_history": "Lịch sử khen thưởng và minh chứng",
}


class PersonalDataAccess(Base):
    """One person's personal data shown to one user, once per request."""

    __tablename__ = "personal_data_access"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    via: Mapped[str] = mapped_column(String(200))  # "GET /api/v1/people", "trang lịch sử khen thưởng"

    __table_args__ = (Index("ix_personal_data_access_person_at", "person_id", "at"),
                      Index("ix_personal_data_access_user_at", "user_id", "at"))


class LoginThrottle(Base):
    """Failed logins of one account ("account:NAME") or one address ("address:IP"), for every worker."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
