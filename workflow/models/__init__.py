"""SQLAlchemy models. Import from here: `from workflow.models import Nomination`."""
from .audit import OUTBOX_STATES, AuditEntry, DomainEvent, OutboxMessage, ReminderSent
from .base import Base, UTCDateTime
from .campaigns import CYCLE_KINDS, REGISTRATION_STATES, Campaign, Registration, RegistrationLine, ReviewCycle
from .documents import DOCUMENT_KINDS, Document
from .nominations import AWARD_FORMS, NOMINEE_TYPES, CouncilMeeting, CouncilVote, Nomination
from .people import ROLES, AgencyIdentity, ApiToken, Department, Person, User, UserRole
from .registers import (
    CONTEST_KINDS, INITIATIVE_FIELDS, TASK_RATINGS, ContestResult, Initiative, InitiativeAuthor, TaskRating,
)

__all__ = [
    "OUTBOX_STATES", "AuditEntry", "DomainEvent", "OutboxMessage", "ReminderSent", "Base", "UTCDateTime",
    "CYCLE_KINDS", "REGISTRATION_STATES", "Campaign", "Registration", "RegistrationLine", "ReviewCycle",
    "DOCUMENT_KINDS", "Document", "AWARD_FORMS", "NOMINEE_TYPES", "CouncilMeeting", "CouncilVote",
    "Nomination", "ROLES", "AgencyIdentity", "ApiToken", "Department", "Person", "User", "UserRole",
    "CONTEST_KINDS", "INITIATIVE_FIELDS", "TASK_RATINGS", "ContestResult", "Initiative", "InitiativeAuthor",
    "TaskRating",
]
