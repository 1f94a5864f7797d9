from . import board, calls, inbox, members, registrations

__all__ = ["board", "calls", "inbox", "members", "registrations"]
