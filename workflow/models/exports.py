"""Background exports: a row per job, so any web process can report its progress and serve the file."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class ExportJob(Base):
    __tablename__ = "export_job"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycle.id"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    state: Mapped[str] = mapped_column(String(10), default="queued")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    file_name: Mapped[str | None] = mapped_column(String(300))   # under <instance>/exports/
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state"),
        CheckConstraint("kind IN ('cycle_dossier')", name="kind"),
        CheckConstraint("state <> 'done' OR file_name IS NOT NULL", name="done_has_file"),
    )
