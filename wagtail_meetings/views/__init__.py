from . import board, calendar, calls, inbox, members, privacy, registrations, reports

__all__ = [
    "board",
    "calendar",
    "calls",
    "inbox",
    "members",
    "privacy",
    "registrations",
    "reports",
]
