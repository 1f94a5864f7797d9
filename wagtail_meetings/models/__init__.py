from .calls import (
    Approval,
    Audience,
    Call,
    CallActivity,
    CallQuerySet,
    CallStatus,
    MeetingPointReveal,
    VenueKind,
)
from .inbox import Block, Conversation, ConversationKind, ConversationMember, Message
from .places import Place, PlaceName
from .profiles import MemberProfile, Notify, Role, display_name_of
from .registrations import Registration, RegistrationStatus
from .reports import (
    CheckIn,
    CheckInAnswer,
    ModerationAction,
    ModerationActionKind,
    Report,
    ReportKind,
    ReportReason,
    ReportStatus,
)

# isort: split
# Last: the page module imports the views, which use the models above.
from .pages import (  # noqa: E402
    InboxMixin,
    InboxPage,
    MeetingsBoardMixin,
    MeetingsBoardPage,
    MembersOnlyPageMixin,
)

__all__ = [
    "Approval",
    "Audience",
    "Block",
    "Conversation",
    "ConversationKind",
    "ConversationMember",
    "Message",
    "Notify",
    "Call",
    "CallActivity",
    "CallQuerySet",
    "CallStatus",
    "CheckIn",
    "CheckInAnswer",
    "InboxMixin",
    "InboxPage",
    "MeetingPointReveal",
    "MeetingsBoardMixin",
    "MembersOnlyPageMixin",
    "MeetingsBoardPage",
    "MemberProfile",
    "ModerationAction",
    "ModerationActionKind",
    "Place",
    "PlaceName",
    "Registration",
    "RegistrationStatus",
    "Report",
    "ReportKind",
    "ReportReason",
    "ReportStatus",
    "Role",
    "VenueKind",
    "display_name_of",
]
