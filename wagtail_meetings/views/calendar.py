"""The calendar hand-off: an ``.ics`` file of a meeting for the people who go to it.

The file leaves the platform into third-party calendars (phones, Google, Outlook),
so it holds as little as the meeting needs: the title, the time, the town and the
meeting point, how to recognise the group, and a link back to the call's page. Where
the board shares the meeting point only some hours before the meeting, the file holds
the town alone until then, and says from when the meeting point is shared.
Never the description, names of other members, sign-up notes or anything else
members wrote for each other.
"""

import datetime
import unicodedata
from zoneinfo import ZoneInfo

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event
from wagtail.models import Site

from ..models import Call, CallStatus, RegistrationStatus
from ..reveal import meeting_point_access, revealed_at
from ..templatetags.wagtail_meetings_tags import written_out
from .common import call_for_member, page_url

# The zone the meetings take place in; calendars show the time in it.
TIME_ZONE = ZoneInfo("Europe/Amsterdam")

# How long the event lasts in the calendar when the organiser gave no duration.
DEFAULT_DURATION = datetime.timedelta(hours=2)

PRODID = "-//wagtail-meetings//Meetings board//EN"


def calendar_call(user, call_id):
    """``(call, is_organiser)`` for a call with a date that ``user`` organises or is
    accepted for; else a 404.

    Other members, pending, declined and withdrawn registrants, members on either side
    of a block, others' hidden calls and calls waiting for approval, calls still
    without a date and unknown ids all get the same 404, so the file does not tell
    whether the call exists.
    """
    call = call_for_member(user, call_id, Call.objects.select_related("place"))
    is_organiser = call.organiser_id == user.pk
    in_it = (
        is_organiser
        or call.registrations.filter(member=user, status=RegistrationStatus.ACCEPTED).exists()
    )
    if not in_it or call.starts_at is None:
        raise Http404
    return call, is_organiser


def sequence_of(call, changed_at=None):
    """A revision number that grows with every change of the call.

    Calendars replace an event they already have (same UID) only by one with a higher
    SEQUENCE. The call keeps no revision counter, but ``updated_at`` moves forward on
    every save (edits and status changes alike), so the whole seconds between posting
    and the last change grow with each change: 0 for a call never changed. Counting
    from the posting rather than from 1970 keeps the number within the 32-bit INTEGER
    of RFC 5545 for the next decades. ``changed_at``: a change later than the last
    save, such as the moment the meeting point was revealed to accepted members.
    """
    latest = max(call.updated_at, changed_at) if changed_at else call.updated_at
    return max(int((latest - call.created_at).total_seconds()), 0)


def uid_host(request):
    """The host name in the UID: the Wagtail site's own, so that it stays the same."""
    site = Site.find_for_request(request)
    return site.hostname if site is not None else request.get_host()


def text(value):
    """Member-written text for a TEXT property, whatever icalendar version escapes it.

    Every kind of line break (a lone CR, U+2028 ...) becomes "\\n", which icalendar
    escapes; other control characters are dropped. So no text can end a content line
    and start a property of its own, also for a lenient reader.
    """
    return "\n".join(
        "".join(char for char in line if char == "\t" or unicodedata.category(char) != "Cc")
        for line in value.splitlines()
    )


def build_calendar(call, *, uid, url, now=None, access=None, revealed=None):
    """The VCALENDAR with one VEVENT for ``call`` (which has a date).

    ``access`` (a :class:`~wagtail_meetings.reveal.MeetingPointAccess`) says whether
    the meeting point goes in; without it, it does. ``revealed``: when the meeting
    point was revealed by the clock, which counts as a change of the event.
    """
    start = call.starts_at.astimezone(TIME_ZONE)
    duration = (
        datetime.timedelta(minutes=call.duration_minutes)
        if call.duration_minutes
        else DEFAULT_DURATION
    )
    end = start + duration

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now or timezone.now())
    changed_at = max(call.updated_at, revealed) if revealed else call.updated_at
    event.add("last-modified", changed_at)
    event.add("sequence", sequence_of(call, revealed))
    event.add("summary", text(call.title))
    event.add("dtstart", start)
    event.add("dtend", end)
    shown = access is None or access.shown
    if shown:
        event.add("location", text(f"{call.meeting_point}, {call.place.name}"))
    else:
        event.add("location", text(call.place.name))
    # Deliberately minimal (see the module's docstring): no description text.
    lines = []
    if not shown and access.shared_from:
        lines.append(
            _("The meeting point is shared from %(moment)s.")
            % {"moment": written_out(access.shared_from)}
        )
    if call.recognition:
        lines.append(text(f"{_('How to recognise the group:')} {call.recognition}"))
    lines.append(url)
    event.add("description", "\n\n".join(lines))
    event.add("url", url)
    # Those who re-download a cancelled meeting see it cancelled in their calendar.
    event.add("status", "CANCELLED" if call.status == CallStatus.CANCELLED else "CONFIRMED")

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    # The VTIMEZONE for the TZID, covering the years of the meeting only (a short file).
    calendar.add_missing_timezones(
        first_date=datetime.date(start.year, 1, 1),
        last_date=datetime.date(end.year + 1, 1, 1),
    )
    return calendar


@require_GET
def call_calendar(request, board, call_id):
    call, is_organiser = calendar_call(request.user, call_id)
    url = request.build_absolute_uri(page_url(request, board, "call", call.pk))
    now = timezone.now()
    calendar = build_calendar(
        call,
        uid=f"call-{call.pk}@{uid_host(request)}",
        url=url,
        now=now,
        access=meeting_point_access(
            call, board, is_organiser=is_organiser, is_participant=not is_organiser, now=now
        ),
        revealed=revealed_at(call, board, now),
    )
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    # Only the id in the file name: titles and towns never go into names or URLs.
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"meeting-{call.pk}.ics"
    )
    return response
