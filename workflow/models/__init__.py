"""SQLAlchemy models. Import from here: `from workflow.models import Nomination`."""
from . import lengths  # noqa: F401  (registers the length check on every flush)
from .access import PERSONAL_DATA_KINDS, LoginThrottle, PersonalDataAccess
from .audit import OUTBOX_STATES, AuditChainHead, AuditEntry, DomainEvent, OutboxMessage, ReminderSent
from .base import Base, UTCDateTime
from .campaigns import CYCLE_KINDS, REGISTRATION_STATES, Campaign, Registration, RegistrationLine, ReviewCycle
from .documents import DOCUMENT_KINDS, Document
from .nominations import AWARD_FORMS, NOMINEE_TYPES, CouncilMeeting, CouncilVote, Nomination
from .people import ROLES, TOKEN_SCOPES, AgencyIdentity, ApiToken, Department, Person, User, UserRole
from .registers import (
    CONTEST_KINDS,
    INITIATIVE_FIELDS,
    TASK_RATINGS,
    ContestResult,
    Initiative,
    InitiativeAuthor,
    TaskRating,
)

__all__ = [
    "AWARD_FORMS",
    "CONTEST_KINDS",
    "CYCLE_KINDS",
    "DOCUMENT_KINDS",
    "INITIATIVE_FIELDS",
    "NOMINEE_TYPES",
    "OUTBOX_STATES",
    "PERSONAL_DATA_KINDS",
    "REGISTRATION_STATES",
    "ROLES",
    "TASK_RATINGS",
    "TOKEN_SCOPES",
    "AgencyIdentity",
    "ApiToken",
    "AuditChainHead",
    "AuditEntry",
    "Base",
    "Campaign",
    "ContestResult",
    "CouncilMeeting",
    "CouncilVote",
    "Department",
    "Document",
    "DomainEvent",
    "Initiative",
    "InitiativeAuthor",
    "LoginThrottle",
    "Nomination",
    "OutboxMessage",
    "Person",
    "PersonalDataAccess",
    "Registration",
    "RegistrationLine",
    "ReminderSent",
    "ReviewCycle",
    "TaskRating",
    "UTCDateTime",
    "User",
    "UserRole",
]
