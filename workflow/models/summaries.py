"""Summaries the database keeps in step by triggers (migrations 0014, 0016), read by the head's dashboard.

Triggers, not the ORM, keep them: every path that writes nominations or the registers (the use cases,
Core bulk updates, imports, COPY) passes through them, and a summary is never stale.
"""
from __future__ import annotations

from sqlalchemy import CheckConstraint, Integer, String, Text, or_
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class NominationTally(Base):
    """How many nominations a cycle has per department and state.

    No foreign keys: a derived figure must not stop a department or a cycle from being removed; a
    row may fall to 0 and stay (readers skip it)."""

    __tablename__ = "nomination_tally"
    cycle_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(30), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class RegisterStamp(Base):
    """One row whose token changes with every write to person, department, contest_result, initiative or
    initiative_author: what a process keeps computed from those tables is valid while the token is the same.
    A random token, not a counter, so that an emptied or restored database never repeats an old one."""

    __tablename__ = "register_stamp"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(36))

    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)


class StaffTally(Base):
    """How many active people each department has (migration 0016). No foreign key, like the
    nomination tally; a row may fall to 0 and stay."""

    __tablename__ = "staff_tally"
    department_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class ParticipationTally(Base):
    """How many active people of a department took part in the online CCHC contest in exactly the set
    of years `years` (",2021,2023,", as person.online_contest_years; migration 0016). A person is in one
    row, so the participants of a period are the sum of the rows whose set meets the period. A row that
    falls to 0 is deleted (sets are left behind as people take part again)."""

    __tablename__ = "participation_tally"
    department_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    years: Mapped[str] = mapped_column(Text, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)

    @classmethod
    def meets(cls, first: int, last: int):
        """The rows whose years include one of first..last."""
        return or_(*(cls.years.like(f"%,{year},%") for year in range(first, last + 1)))
