from . import board, calls, members, registrations

__all__ = ["board", "calls", "members", "registrations"]
