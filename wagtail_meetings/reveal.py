"""When the meeting point is shown, and to whom: one decision for every page and file.

The organiser always sees it. Accepted members see it from the moment they are
accepted, or, where the board says so, only from a number of hours before the
meeting; a call whose date is still to be agreed has no such moment, so they see
it at acceptance. Everyone else never sees it. The call's page, "my meetings" and
the calendar file all ask :func:`meeting_point_access`.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from .models import MeetingPointReveal


@dataclass(frozen=True)
class MeetingPointAccess:
    #: Whether the meeting point may be shown now.
    shown: bool
    #: When accepted members get to see it, while that is still ahead; else ``None``.
    shared_from: datetime.datetime | None = None


def reveal_time(call, board):
    """The moment accepted members see the meeting point; ``None``: at acceptance."""
    if call.starts_at is None or board.reveal_meeting_point != MeetingPointReveal.HOURS_BEFORE:
        return None
    return call.starts_at - datetime.timedelta(hours=board.reveal_hours_before)


def meeting_point_access(call, board, *, is_organiser, is_participant, now=None):
    """What ``call``'s meeting point shows to someone who organises it or is accepted."""
    moment = reveal_time(call, board)
    ahead = moment if moment is not None and (now or timezone.now()) < moment else None
    if is_organiser:
        return MeetingPointAccess(shown=True, shared_from=ahead)
    if is_participant:
        return MeetingPointAccess(shown=ahead is None, shared_from=ahead)
    return MeetingPointAccess(shown=False)


def revealed_at(call, board, now=None):
    """When the meeting point became visible by the clock, if it has; else ``None``.

    The calendar file counts this as a change of the event, so that calendars
    replace the copy without the meeting point.
    """
    moment = reveal_time(call, board)
    if moment is None or (now or timezone.now()) < moment:
        return None
    return moment
