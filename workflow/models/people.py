"""The agency, its departments, people and the users who log in."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..text import fold, nfc, person_sort_key, sort_key
from .base import Base, SortKey, UTCDateTime


class AgencyIdentity(Base):
    """Name, head's title and document symbol in force from `valid_from` (the 2025 reorganisation)."""

    __tablename__ = "agency_identity"
    id: Mapped[int] = mapped_column(primary_key=True)
    valid_from: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str] = mapped_column(String(200))
    superior_name: Mapped[str] = mapped_column(String(300), default="")
    head_title: Mapped[str] = mapped_column(String(100))
    deputy_title: Mapped[str] = mapped_column(String(100))
    symbol: Mapped[str] = mapped_column(String(30))
    place: Mapped[str] = mapped_column(String(100))
    office_name: Mapped[str] = mapped_column(String(200), default="")
    # The signer's authority, cited in decisions: the act that sets the agency's functions and
    # the province's emulation regulation. Empty means "not declared yet" (the build reports it).
    functions_act: Mapped[str] = mapped_column(String(400), default="")
    emulation_regulation: Mapped[str] = mapped_column(String(400), default="")


class Department(Base):
    __tablename__ = "department"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    search_name: Mapped[str] = mapped_column(String(200), index=True)
    sort_key: Mapped[str] = mapped_column(SortKey)
    functions: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    # indexed: every actor load asks which departments the user's person heads
    head_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", use_alter=True, name="fk_department_head_person_id_person"), index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    head: Mapped[Person | None] = relationship(foreign_keys=[head_person_id], post_update=True)
    versions: Mapped[list[DepartmentVersion]] = relationship(
        back_populates="department", order_by="DepartmentVersion.valid_from", cascade="all, delete-orphan",
        foreign_keys="DepartmentVersion.department_id")

    @validates("name")
    def _normalise_name(self, key, value):
        value = nfc(value)
        self.search_name = fold(value)
        self.sort_key = sort_key(value)
        return value


UNIT_KINDS = {"phong": "Phòng", "van_phong": "Văn phòng", "thanh_tra": "Thanh tra"}
# The head of each kind of unit, as Vietnamese agencies title them.
HEAD_TITLES = {"phong": "Trưởng phòng", "van_phong": "Chánh Văn phòng", "thanh_tra": "Chánh Thanh tra"}


class DepartmentVersion(Base):
    """A department as it was from `valid_from`: its name, kind, head's title, or its end.

    A rename, merger or dissolution is a new version; the department row (and so its award
    history) stays. A dissolved version says the unit no longer exists from that date."""

    __tablename__ = "department_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id", ondelete="CASCADE"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12), default="phong")
    head_title: Mapped[str] = mapped_column(String(100), default="Trưởng phòng")
    dissolved: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where a merger sends the unit's staff and work (informative; history stays with this unit).
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    note: Mapped[str] = mapped_column(String(300), default="")

    department: Mapped[Department] = relationship(foreign_keys=[department_id], back_populates="versions")

    __table_args__ = (
        UniqueConstraint("department_id", "valid_from"),
        CheckConstraint("kind IN ('phong', 'van_phong', 'thanh_tra')", name="kind"),
    )

    @validates("name", "head_title")
    def _normalise(self, key, value):
        return nfc(value)


class Person(Base):
    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    search_name: Mapped[str] = mapped_column(String(200), index=True)
    sort_key: Mapped[str] = mapped_column(SortKey, index=True)
    gender: Mapped[str | None] = mapped_column(String(10))
    birth_date: Mapped[date | None] = mapped_column(Date)
    hometown: Mapped[str | None] = mapped_column(String(300))
    residence: Mapped[str | None] = mapped_column(String(300))
    # Trình độ chuyên môn, nghiệp vụ (achievement reports print it).
    qualifications: Mapped[str | None] = mapped_column(String(300))
    position: Mapped[str | None] = mapped_column(String(200))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The years they took part in the online CCHC contest, as ",2021,2023," ('' for none): written by
    # the database's triggers from contest_result (migration 0016), never by the application.
    online_contest_years: Mapped[str] = mapped_column(Text, server_default="")

    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])

    __table_args__ = (CheckConstraint("gender IS NULL OR gender IN ('nam', 'nu')", name="gender"),)

    @validates("full_name")
    def _normalise_name(self, key, value):
        value = nfc(value)
        if not value:
            raise ValueError("full_name is empty")
        self.search_name = fold(value)
        self.sort_key = person_sort_key(value)
        return value

    @validates("hometown", "residence", "position", "qualifications")
    def _normalise_text(self, key, value):
        return nfc(value)


class User(Base):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), unique=True)
    email: Mapped[str | None] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Carried in the signed session cookie; raising it (logout, new password, deactivation)
    # ends every session issued before, in every worker, with no session table.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    person: Mapped[Person | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r.role for r in self.role_rows)

    @property
    def name(self) -> str:
        return self.person.full_name if self.person else (self.display_name or self.username)

    @property
    def contact_email(self) -> str | None:
        return self.email or (self.person.email if self.person else None)


ROLES = ("staff", "department_head", "council_secretary", "council_member", "agency_head", "deputy_head", "admin")


class UserRole(Base):
    __tablename__ = "user_role"
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(30), primary_key=True)
    __table_args__ = (CheckConstraint("role IN ({})".format(", ".join(f"'{r}'" for r in ROLES)), name="role"),)


TOKEN_SCOPES = {"read": "Chỉ đọc", "full": "Đọc và ghi"}


class ApiToken(Base):
    """Bearer tokens for the JSON API; only a SHA-256 of the token is kept. `label` is its name."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scope: Mapped[str] = mapped_column(String(10), default="full", server_default="full")
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    __table_args__ = (CheckConstraint("scope IN ('read', 'full')", name="scope"),)
