"""The council's vote held in the app: a voting per meeting, who took part, and the ballots.

Who voted and how are kept apart. `BallotParticipation` says a member (or the secretary for
them, from their paper ballot) has voted on a nomination; `Ballot` holds a choice with no
member, no user, no time and a random key, so neither its columns nor its order can tie it
to a participation row. In an open (not secret) voting the participation row also keeps the
member's choice, so members and the minutes can show it; in a secret one the use case leaves
that column empty.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, ForeignKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime

CHOICES = {"for": "Đồng ý", "against": "Không đồng ý", "abstain": "Không biểu quyết"}


class CouncilVoting(Base):
    """The secretary opened voting at a meeting (on the agenda frozen then) and, later, closed it."""

    __tablename__ = "council_voting"
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meeting.id"), primary_key=True)
    # fixed when voting opens, so changing the setting never changes a vote under way
    secret: Mapped[bool] = mapped_column(Boolean)
    abstain_allowed: Mapped[bool] = mapped_column(Boolean)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting = relationship("CouncilMeeting")
    agenda: Mapped[list[VotingItem]] = relationship(cascade="all, delete-orphan", order_by="VotingItem.position")

    __table_args__ = (
        CheckConstraint("(closed_at IS NULL) = (closed_by_id IS NULL)", name="closed"),
    )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class VotingItem(Base):
    """One nomination on the agenda of a voting, in the order the agenda lists them."""

    __tablename__ = "voting_item"
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_voting.meeting_id", ondelete="CASCADE"),
                                            primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id"), primary_key=True)
    position: Mapped[int] = mapped_column()

    nomination = relationship("Nomination", lazy="joined")


class BallotParticipation(Base):
    """A member has voted on a nomination at a meeting: at most once (the primary key)."""

    __tablename__ = "ballot_participation"
    meeting_id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("council_member.id"), primary_key=True)
    # the secretary, when she entered the member's paper ballot; the member themself otherwise
    cast_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    on_paper: Mapped[bool] = mapped_column(Boolean)
    # only in an open voting; NULL in a secret one
    open_choice: Mapped[str | None] = mapped_column(String(8))

    member = relationship("CouncilMember", lazy="joined")

    __table_args__ = (
        CheckConstraint("open_choice IS NULL OR open_choice IN ('for', 'against', 'abstain')", name="open_choice"),
        ForeignKeyConstraint(["meeting_id", "nomination_id"], ["voting_item.meeting_id", "voting_item.nomination_id"],
                             ondelete="CASCADE"),
    )


class Ballot(Base):
    """One anonymous ballot: a choice on a nomination at a meeting. Nothing here names the voter."""

    __tablename__ = "ballot"
    # random (secrets.token_hex), never a sequence: the key gives no order of casting
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    meeting_id: Mapped[int] = mapped_column()
    nomination_id: Mapped[int] = mapped_column()
    choice: Mapped[str] = mapped_column(String(8))

    __table_args__ = (
        CheckConstraint("choice IN ('for', 'against', 'abstain')", name="choice"),
        ForeignKeyConstraint(["meeting_id", "nomination_id"], ["voting_item.meeting_id", "voting_item.nomination_id"],
                             ondelete="CASCADE"),
        # SQLite would otherwise keep a hidden rowid counting up in casting order
        {"sqlite_with_rowid": False},
    )
