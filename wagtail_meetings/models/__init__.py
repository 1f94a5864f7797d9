from .calls import (
    Audience,
    Call,
    CallActivity,
    CallQuerySet,
    CallStatus,
    VenueKind,
)
from .inbox import Block, Conversation, ConversationKind, ConversationMember, Message
from .places import Place, PlaceName
from .profiles import MemberProfile, Notify, Role, display_name_of
from .registrations import Registration, RegistrationStatus

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
    "InboxMixin",
    "InboxPage",
    "MeetingsBoardMixin",
    "MembersOnlyPageMixin",
    "MeetingsBoardPage",
    "MemberProfile",
    "Place",
    "PlaceName",
    "Registration",
    "RegistrationStatus",
    "Role",
    "VenueKind",
    "display_name_of",
]
