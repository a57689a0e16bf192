"""Nominations, council meetings and votes: the heart of the workflow."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from states import State

from .base import Base, SortKey, UTCDateTime

AWARD_FORMS = {
    "agency_certificate": "Giấy khen của Thủ trưởng cơ quan",
    "higher_level_proposal": "Đề nghị cấp trên khen thưởng",
}
NOMINEE_TYPES = {"individual": "Cá nhân", "collective": "Tập thể"}
_STATES = ", ".join(f"'{s}'" for s in State)
_PAST_COUNCIL = "'council_reviewed', 'head_approved', 'awarded'"


class Nomination(Base):
    __tablename__ = "nomination"
    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycle.id"), index=True)
    nominee_type: Mapped[str] = mapped_column(String(12))
    # The nominee's department: the department itself for a collective, the person's
    # department (when nominated) for an individual. It decides who reviews.
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    # The nominee's name as it sorts (the person's or department's sort_key, kept in step by nominee_keys.py):
    # the name-ordered lists of a cycle's step read the indexes below instead of sorting the whole step.
    nominee_sort_key: Mapped[str] = mapped_column(SortKey, default="")
    award_form: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(30), default=State.REGISTERED.value, index=True)
    held_from: Mapped[str | None] = mapped_column(String(30))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The criteria checklist with its evidence, stored when the department reviews it.
    criteria: Mapped[dict | None] = mapped_column(JSON)
    criteria_evaluated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # indexed: a meeting's documents and checks ask for its nominations (a scan of every nomination otherwise)
    council_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("council_meeting.id"), index=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_for_head: Mapped[bool | None] = mapped_column()  # a deputy signed "KT."
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_number: Mapped[str | None] = mapped_column(String(50))
    decision_date: Mapped[date | None] = mapped_column(Date)
    # The registered decision that awarded it (number and date above are copied from it).
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("award_decision.id", use_alter=True, name="fk_nomination_decision_id_award_decision"), index=True)
    # When it was last sent back; cleared by its next move (the inbox lists returned dossiers first).
    sent_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    summary: Mapped[str] = mapped_column(Text, default="")  # short achievement summary for lists
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    cycle = relationship("ReviewCycle")
    department = relationship("Department")
    person = relationship("Person")
    council_meeting = relationship("CouncilMeeting")
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    decision = relationship("AwardDecision", back_populates="nominations")

    __table_args__ = (
        # the reminders' first names of each department's step, in name order
        Index("ix_nomination_cycle_state_department", "cycle_id", "state", "department_id", "nominee_type",
              "nominee_sort_key", "id"),
        # the council's agenda and the reminders' first names of a step, in name order
        Index("ix_nomination_cycle_state_name", "cycle_id", "state", "nominee_type", "nominee_sort_key", "id"),
        Index("ix_nomination_cycle_department_state", "cycle_id", "department_id", "state"),
        # the inbox's first items of a step, oldest first, and its returned dossiers (a few) before them
        Index("ix_nomination_cycle_state_id", "cycle_id", "state", "id"),
        Index("ix_nomination_returned", "cycle_id", "state", "id", sqlite_where=text("sent_back_at IS NOT NULL"),
              postgresql_where=text("sent_back_at IS NOT NULL")),
        Index("ix_nomination_awarded", "decision_date", "id", sqlite_where=text("state = 'awarded'"),
              postgresql_where=text("state = 'awarded'")),
        Index("uq_nomination_individual", "cycle_id", "person_id", "award_form", unique=True,
              sqlite_where=text("person_id IS NOT NULL"), postgresql_where=text("person_id IS NOT NULL")),
        Index("uq_nomination_collective", "cycle_id", "department_id", "award_form", unique=True,
              sqlite_where=text("person_id IS NULL"), postgresql_where=text("person_id IS NULL")),
        CheckConstraint(f"state IN ({_STATES})", name="state"),
        CheckConstraint("award_form IN ('agency_certificate', 'higher_level_proposal')", name="award_form"),
        CheckConstraint(
            "(nominee_type = 'individual' AND person_id IS NOT NULL)"
            " OR (nominee_type = 'collective' AND person_id IS NULL)",
            name="nominee",
        ),
        CheckConstraint("(state = 'on_hold') = (held_from IS NOT NULL)", name="held_from_when_on_hold"),
        CheckConstraint("held_from IS NULL OR held_from IN ('registered', 'department_reviewed', "
                        "'council_reviewed', 'head_approved')", name="held_from_state"),
        CheckConstraint("state = 'registered' OR state = 'withdrawn' OR state = 'rejected' OR state = 'on_hold'"
                        " OR criteria IS NOT NULL", name="reviewed_has_criteria"),
        CheckConstraint(f"state NOT IN ({_PAST_COUNCIL}) OR council_meeting_id IS NOT NULL",
                        name="council_reviewed_has_meeting"),
        CheckConstraint("state NOT IN ('head_approved', 'awarded')"
                        " OR (approved_by_id IS NOT NULL AND approved_at IS NOT NULL)", name="approved_has_approver"),
        CheckConstraint("state <> 'awarded' OR (decision_number IS NOT NULL AND decision_date IS NOT NULL)",
                        name="awarded_has_decision"),
        CheckConstraint("state <> 'awarded' OR decision_id IS NOT NULL", name="awarded_has_registered_decision"),
        CheckConstraint("version >= 1", name="version"),
    )

    @property
    def nominee_name(self) -> str:
        return self.person.full_name if self.person_id else self.department.name


class CouncilMeeting(Base):
    """A meeting of the Emulation–Commendation Council for one cycle."""

    __tablename__ = "council_meeting"
    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycle.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[time | None] = mapped_column(Time)
    ends_at: Mapped[time | None] = mapped_column(Time)
    place: Mapped[str] = mapped_column(String(200), default="")
    # Counted from the attendance rows when attendance is by name (always, for meetings recorded now);
    # meetings carried over from before the roster keep the counts typed then.
    members_total: Mapped[int] = mapped_column(Integer)
    members_present: Mapped[int] = mapped_column(Integer)
    attendance_by_name: Mapped[bool] = mapped_column(Boolean, default=False)
    chair_member_id: Mapped[int | None] = mapped_column(ForeignKey("council_member.id"))
    secretary_member_id: Mapped[int | None] = mapped_column(ForeignKey("council_member.id"))
    chair_name: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cycle = relationship("ReviewCycle")
    votes: Mapped[list[CouncilVote]] = relationship(back_populates="meeting", order_by="CouncilVote.nomination_id")
    attendance = relationship("MeetingAttendance", cascade="all, delete-orphan", order_by="MeetingAttendance.member_id")
    chair = relationship("CouncilMember", foreign_keys=[chair_member_id])
    secretary = relationship("CouncilMember", foreign_keys=[secretary_member_id])

    __table_args__ = (
        CheckConstraint("members_total > 0", name="members_total"),
        CheckConstraint("members_present >= 0 AND members_present <= members_total", name="members_present"),
        CheckConstraint("starts_at IS NULL OR ends_at IS NULL OR starts_at < ends_at", name="times"),
    )


class CouncilVote(Base):
    __tablename__ = "council_vote"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meeting.id"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id"), index=True)
    # The totals the secretary typed from the paper ballots ("paper"). Per-member ballots can be
    # added later as rows pointing at this vote and at the attendance; their count then fills these
    # totals and `tally` says "ballots".
    votes_for: Mapped[int] = mapped_column(Integer)
    votes_against: Mapped[int] = mapped_column(Integer)
    tally: Mapped[str] = mapped_column(String(10), default="paper")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    meeting: Mapped[CouncilMeeting] = relationship(back_populates="votes")
    nomination: Mapped[Nomination] = relationship()

    __table_args__ = (
        UniqueConstraint("meeting_id", "nomination_id"),
        CheckConstraint("votes_for >= 0 AND votes_against >= 0", name="non_negative"),
        CheckConstraint("tally IN ('paper', 'ballots')", name="tally"),
    )
