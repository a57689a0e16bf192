"""SQLAlchemy models. Import from here: `from workflow.models import Nomination`."""
from .audit import OUTBOX_STATES, AuditEntry, DomainEvent, OutboxMessage, ReminderSent
from .base import Base, UTCDateTime
from .campaigns import CYCLE_KINDS, REGISTRATION_STATES, Campaign, Registration, RegistrationLine, ReviewCycle
from .documents import DOCUMENT_KINDS, Document
from .evidence import EVIDENCE_KINDS, EVIDENCE_STATES, EvidenceSubmission
from .nominations import AWARD_FORMS, NOMINEE_TYPES, CouncilMeeting, CouncilVote, Nomination
from .people import ROLES, AgencyIdentity, ApiToken, Department, Person, User, UserRole
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
    "EVIDENCE_KINDS",
    "EVIDENCE_STATES",
    "INITIATIVE_FIELDS",
    "NOMINEE_TYPES",
    "OUTBOX_STATES",
    "REGISTRATION_STATES",
    "ROLES",
    "TASK_RATINGS",
    "AgencyIdentity",
    "ApiToken",
    "AuditEntry",
    "Base",
    "Campaign",
    "ContestResult",
    "EvidenceSubmission",
    "CouncilMeeting",
    "CouncilVote",
    "Department",
    "Document",
    "DomainEvent",
    "Initiative",
    "InitiativeAuthor",
    "Nomination",
    "OutboxMessage",
    "Person",
    "Registration",
    "RegistrationLine",
    "ReminderSent",
    "ReviewCycle",
    "TaskRating",
    "UTCDateTime",
    "User",
    "UserRole",
]
