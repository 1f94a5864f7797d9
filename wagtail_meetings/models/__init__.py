from .calls import (
    Audience,
    Call,
    CallActivity,
    CallQuerySet,
    CallStatus,
    VenueKind,
)
from .places import Place, PlaceName
from .profiles import MemberProfile, Role, display_name_of
from .registrations import Registration, RegistrationStatus

# isort: split
# Last: the page module imports the views, which use the models above.
from .pages import MeetingsBoardMixin, MeetingsBoardPage  # noqa: E402

__all__ = [
    "Audience",
    "Call",
    "CallActivity",
    "CallQuerySet",
    "CallStatus",
    "MeetingsBoardMixin",
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
