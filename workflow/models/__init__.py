"""SQLAlchemy models. Import from here: `from workflow.models import Nomination`."""
from . import (
    lengths,  # noqa: F401  (registers the length check on every flush)
    nominee_keys,  # noqa: F401  (keeps nomination.nominee_sort_key in step on every flush)
)
from .access import PERSONAL_DATA_KINDS, LoginThrottle, PersonalDataAccess
from .audit import OUTBOX_STATES, AuditChainHead, AuditEntry, DomainEvent, OutboxMessage, ReminderSent
from .authorisations import SIGNING_CAPACITIES, Authorisation
from .ballots import CHOICES, Ballot, BallotParticipation, CouncilVoting, VotingItem
from .base import Base, UTCDateTime
from .campaigns import CYCLE_KINDS, REGISTRATION_STATES, Campaign, Registration, RegistrationLine, ReviewCycle
from .council import COUNCIL_ROLES, CouncilMember, MeetingAttendance
from .decisions import CAPACITIES, REGISTER_TYPES, AwardDecision, RegisterEntry
from .documents import DOCUMENT_KINDS, Document
from .evidence import EVIDENCE_KINDS, EVIDENCE_STATES, EvidenceSubmission
from .exports import ExportJob
from .nominations import AWARD_FORMS, NOMINEE_TYPES, CouncilMeeting, CouncilVote, Nomination
from .people import (
    HEAD_TITLES,
    ROLES,
    TOKEN_SCOPES,
    UNIT_KINDS,
    AgencyIdentity,
    ApiToken,
    Department,
    DepartmentVersion,
    Person,
    User,
    UserRole,
)
from .proposals import DepartmentProposal
from .registers import (
    CONTEST_KINDS,
    INITIATIVE_FIELDS,
    TASK_RATINGS,
    ContestResult,
    Initiative,
    InitiativeAuthor,
    TaskRating,
)
from .summaries import NominationTally, ParticipationTally, RegisterStamp, StaffTally
from .webhooks import WebhookDelivery, WebhookSubscription

__all__ = [
    "AWARD_FORMS",
    "CAPACITIES",
    "CHOICES",
    "CONTEST_KINDS",
    "COUNCIL_ROLES",
    "CYCLE_KINDS",
    "DOCUMENT_KINDS",
    "EVIDENCE_KINDS",
    "EVIDENCE_STATES",
    "HEAD_TITLES",
    "INITIATIVE_FIELDS",
    "NOMINEE_TYPES",
    "OUTBOX_STATES",
    "PERSONAL_DATA_KINDS",
    "REGISTER_TYPES",
    "REGISTRATION_STATES",
    "ROLES",
    "SIGNING_CAPACITIES",
    "TASK_RATINGS",
    "TOKEN_SCOPES",
    "UNIT_KINDS",
    "AgencyIdentity",
    "ApiToken",
    "AuditChainHead",
    "AuditEntry",
    "Authorisation",
    "AwardDecision",
    "Ballot",
    "BallotParticipation",
    "Base",
    "Campaign",
    "ContestResult",
    "CouncilMeeting",
    "CouncilMember",
    "CouncilVote",
    "CouncilVoting",
    "Department",
    "DepartmentProposal",
    "DepartmentVersion",
    "Document",
    "DomainEvent",
    "EvidenceSubmission",
    "ExportJob",
    "Initiative",
    "InitiativeAuthor",
    "LoginThrottle",
    "MeetingAttendance",
    "Nomination",
    "NominationTally",
    "OutboxMessage",
    "ParticipationTally",
    "Person",
    "PersonalDataAccess",
    "RegisterEntry",
    "RegisterStamp",
    "Registration",
    "RegistrationLine",
    "ReminderSent",
    "ReviewCycle",
    "StaffTally",
    "TaskRating",
    "UTCDateTime",
    "User",
    "UserRole",
    "VotingItem",
    "WebhookDelivery",
    "WebhookSubscription",
]
