"""The calendar hand-off: a call's ``.ics`` file (design §3, guarantees 1, 2, 3 and 7).

The organiser and the accepted members get the file of a call with a date; everyone
else gets the same 404 as for an unknown id. The file carries the title, the time in
Europe/Amsterdam, the town and the meeting point, and a link: nothing else that
members wrote, and nobody's name.
"""

import datetime
import zoneinfo
from types import SimpleNamespace
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from icalendar import Calendar

from wagtail_meetings.messaging import block
from wagtail_meetings.models import Call
from wagtail_meetings.views.calendar import DEFAULT_DURATION

from .utils import board_url, call_form_data, client_for, make_call, make_member, register

pytestmark = pytest.mark.django_db

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
# Summer time, so that the offset (+02:00) shows the zone is really applied.
STARTS_AT = datetime.datetime(2031, 7, 15, 14, 30, tzinfo=AMSTERDAM)
MEETING_POINT = "Entrance of the Centraal Museum"
RECOGNITION = "A green umbrella"
DESCRIPTION = "Slowly through the old rooms; afterwards coffee, if you like."
NOTE = "Pietronella note: my knee hurts"


@pytest.fixture
def cast(board, organiser, member, utrecht):
    call = make_call(
        organiser=organiser,
        place=utrecht,
        title="Museum morning",
        description=DESCRIPTION,
        meeting_point=MEETING_POINT,
        recognition=RECOGNITION,
        starts_at=STARTS_AT,
        duration_minutes=90,
        capacity=4,
    )
    people = {
        "organiser": organiser,
        "member": member,
        "accepted": make_member("accepted", "Adelheid"),
        "pending": make_member("pending", "Pietronella"),
        "declined": make_member("declined", "Dirkjan"),
        "withdrawn": make_member("withdrawn", "Willemijn"),
    }
    for status in ("accepted", "pending", "declined", "withdrawn"):
        register(call, people[status], status=status, note=NOTE if status == "pending" else "")
    return SimpleNamespace(board=board, call=call, people=people)


def ics_url(board, call_or_id):
    return board_url(board, "calendar", getattr(call_or_id, "pk", call_or_id))


def download(cast, role="organiser", call=None):
    return client_for(cast.people[role]).get(ics_url(cast.board, call or cast.call))


def event_of(response):
    assert response.status_code == 200, response.status_code
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def backdate(call, **delta):
    """Move the call's posting and last change into the past, as if time had gone by."""
    earlier = {
        name: getattr(call, name) - datetime.timedelta(**delta)
        for name in ("created_at", "updated_at")
    }
    Call.objects.filter(pk=call.pk).update(**earlier)


# --------------------------------------------------------------------------
# What the file holds.
# --------------------------------------------------------------------------


def test_the_calendar_frame(cast):
    calendar, _event = event_of(download(cast))
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["CALSCALE"] == "GREGORIAN"
    timezones = calendar.walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == ["Europe/Amsterdam"]
    assert calendar.get_missing_tzids() == set()


def test_the_event_holds_title_time_place_and_link(cast):
    _calendar, event = event_of(download(cast))
    call_page = "http://testserver" + board_url(cast.board, "call", cast.call.pk)

    assert str(event["SUMMARY"]) == "Museum morning"
    start = event["DTSTART"]
    assert start.params["TZID"] == "Europe/Amsterdam"
    assert start.dt == STARTS_AT
    assert start.dt.utcoffset() == datetime.timedelta(hours=2)
    assert start.dt.astimezone(datetime.UTC) == datetime.datetime(
        2031, 7, 15, 12, 30, tzinfo=datetime.UTC
    )
    assert event["DTEND"].params["TZID"] == "Europe/Amsterdam"
    assert event["DTEND"].dt == STARTS_AT + datetime.timedelta(minutes=90)
    assert str(event["LOCATION"]) == "Entrance of the Centraal Museum, Utrecht"
    assert str(event["URL"]) == call_page
    assert str(event["DESCRIPTION"]) == f"How to recognise the group: {RECOGNITION}\n\n{call_page}"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["UID"]) == f"call-{cast.call.pk}@testserver"
    assert event["DTSTAMP"].dt.utcoffset() == datetime.timedelta(0)
    assert event["LAST-MODIFIED"].dt == cast.call.updated_at.replace(microsecond=0)
    assert event["SEQUENCE"] == 0  # a call never changed


def test_without_duration_the_event_lasts_the_default(cast):
    Call.objects.filter(pk=cast.call.pk).update(duration_minutes=None, recognition="")
    _calendar, event = event_of(download(cast))
    assert event["DTEND"].dt == STARTS_AT + DEFAULT_DURATION
    assert datetime.timedelta(hours=2) == DEFAULT_DURATION
    # Without a recognition text the description is the link alone.
    assert str(event["DESCRIPTION"]) == str(event["URL"])


def test_a_winter_date_keeps_its_wall_clock_time(cast):
    winter = datetime.datetime(2032, 1, 10, 10, 0, tzinfo=AMSTERDAM)
    Call.objects.filter(pk=cast.call.pk).update(starts_at=winter)
    calendar, event = event_of(download(cast))
    assert event["DTSTART"].dt == winter
    assert event["DTSTART"].dt.utcoffset() == datetime.timedelta(hours=1)
    assert b"DTSTART;TZID=Europe/Amsterdam:20320110T100000" in download(cast).content
    assert calendar.get_missing_tzids() == set()


def test_the_file_holds_nothing_else_members_wrote(cast):
    content = download(cast, "accepted").content.decode()
    unfolded = content.replace("\r\n ", "")
    for secret in (DESCRIPTION, "Slowly through the old rooms", NOTE, "knee"):
        assert secret not in unfolded
    for name in ("Otto", "Mira", "Adelheid", "Pietronella", "Dirkjan", "Willemijn"):
        assert name not in unfolded
    for prop in ("ORGANIZER", "ATTENDEE", "CONTACT"):
        assert f"\r\n{prop}" not in content


def test_the_response_is_a_private_attachment(cast):
    response = download(cast)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="meeting-{cast.call.pk}.ics"'
    cache_control = response["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control
    assert "noindex" in response["X-Robots-Tag"]


# --------------------------------------------------------------------------
# The same event, updated: UID and SEQUENCE.
# --------------------------------------------------------------------------


def test_the_uid_is_stable_and_unique_per_call(cast):
    first = event_of(download(cast))[1]
    again = event_of(download(cast, "accepted"))[1]
    assert first["UID"] == again["UID"]
    other_call = make_call(organiser=cast.people["organiser"], starts_at=STARTS_AT)
    other = event_of(download(cast, call=other_call))[1]
    assert other["UID"] != first["UID"]


def test_an_edit_keeps_the_uid_and_raises_the_sequence(cast):
    backdate(cast.call, hours=1)
    before = event_of(download(cast, "accepted"))[1]
    new_start = STARTS_AT + datetime.timedelta(days=1)
    response = client_for(cast.people["organiser"]).post(
        board_url(cast.board, "edit", cast.call.pk),
        call_form_data(
            title="Museum morning, one day later",
            meeting_point="Museum café",
            recognition=RECOGNITION,
            date=new_start.date().isoformat(),
            time="14:30",
            duration_minutes="60",
        ),
    )
    assert response.status_code == 302, response.content.decode()
    after = event_of(download(cast, "accepted"))[1]

    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after["LAST-MODIFIED"].dt > before["LAST-MODIFIED"].dt
    assert str(after["SUMMARY"]) == "Museum morning, one day later"
    assert after["DTSTART"].dt == new_start
    assert after["DTEND"].dt == new_start + datetime.timedelta(minutes=60)
    assert str(after["LOCATION"]) == "Museum café, Utrecht"


def test_a_cancelled_meeting_is_cancelled_in_the_calendar(cast):
    backdate(cast.call, minutes=5)
    before = event_of(download(cast, "accepted"))[1]
    response = client_for(cast.people["organiser"]).post(
        board_url(cast.board, "cancel", cast.call.pk)
    )
    assert response.status_code == 302
    assert Call.objects.get(pk=cast.call.pk).status == "cancelled"
    for role in ("organiser", "accepted"):
        after = event_of(download(cast, role))[1]
        assert str(after["STATUS"]) == "CANCELLED"
        assert after["UID"] == before["UID"]
        assert after["SEQUENCE"] > before["SEQUENCE"]


# --------------------------------------------------------------------------
# Who gets the file.
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("organiser", 200),
        ("accepted", 200),
        ("pending", 404),
        ("declined", 404),
        ("withdrawn", 404),
        ("member", 404),
    ],
)
def test_who_gets_the_file(cast, role, expected):
    response = download(cast, role)
    assert response.status_code == expected
    assert "no-store" in response["Cache-Control"]
    if expected == 404:
        content = response.content.decode()
        assert cast.call.title not in content
        assert MEETING_POINT not in content
        assert "BEGIN:VCALENDAR" not in content


@pytest.mark.parametrize("blocker", ["organiser", "accepted"])
def test_a_block_either_way_ends_the_file(cast, blocker):
    organiser, accepted = cast.people["organiser"], cast.people["accepted"]
    if blocker == "organiser":
        block(organiser, accepted)
    else:
        block(accepted, organiser)
    assert download(cast, "accepted").status_code == 404
    assert download(cast, "organiser").status_code == 200


def test_a_call_to_be_agreed_has_no_file(cast):
    Call.objects.filter(pk=cast.call.pk).update(starts_at=None)
    for role in ("organiser", "accepted"):
        assert download(cast, role).status_code == 404


def test_a_hidden_call_is_only_the_organisers(cast):
    Call.objects.filter(pk=cast.call.pk).update(hidden=True)
    assert download(cast, "accepted").status_code == 404
    assert download(cast, "organiser").status_code == 200


def test_an_unknown_id_is_a_404(cast):
    response = client_for(cast.people["organiser"]).get(ics_url(cast.board, 999999))
    assert response.status_code == 404
    assert "no-store" in response["Cache-Control"]


def test_anonymous_visitors_go_to_the_login_page(cast):
    url = ics_url(cast.board, cast.call)
    response = client_for(None).get(url)
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.path == resolve_url(settings.LOGIN_URL)
    assert parse_qs(location.query)["next"] == [url]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("role", ["outsider", "editor"])
def test_non_members_get_the_explanation(cast, role, request):
    user = request.getfixturevalue(role)
    response = client_for(user).get(ics_url(cast.board, cast.call))
    assert response.status_code == 403
    content = response.content.decode()
    assert "For members only" in content
    assert cast.call.title not in content
    assert MEETING_POINT not in content


def test_only_get(cast):
    response = client_for(cast.people["organiser"]).post(ics_url(cast.board, cast.call))
    assert response.status_code == 405
    assert response["Allow"] == "GET"


# --------------------------------------------------------------------------
# Text the member wrote cannot add properties or events.
# --------------------------------------------------------------------------

# Titles and meeting points come from members; the forms refuse control characters,
# but the file must hold even for text that got past them. (No NUL: PostgreSQL
# refuses to store it at all; and at most 100 characters, the title's length.)
HOSTILE_TITLE = (
    "Walk; rest\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil\rATTENDEE:a@x.org"
    "\u2028DTSTART:2000\x85STATUS:CANCELLED\x07!"
)
HOSTILE_POINT = "Bench, left;\nLOCATION:elsewhere\r\nDESCRIPTION:pwned"


def test_a_hostile_title_cannot_inject_properties(cast):
    Call.objects.filter(pk=cast.call.pk).update(
        title=HOSTILE_TITLE, meeting_point=HOSTILE_POINT, recognition="Red hat\rURL:evil"
    )
    response = download(cast)
    _calendar, event = event_of(response)  # still exactly one event
    content = response.content.decode()
    # Content lines end in CRLF only; no other line break or control character is left.
    inside_lines = content.replace("\r\n", "")
    for char in ("\r", "\n", "\u2028", "\x85", "\x07"):
        assert char not in inside_lines
    lines = content.split("\r\n")
    assert lines.count("BEGIN:VEVENT") == 1
    assert lines.count("END:VEVENT") == 1
    lines = lines[lines.index("BEGIN:VEVENT") : lines.index("END:VEVENT")]
    for prop in ("UID", "DTSTART", "STATUS", "LOCATION", "DESCRIPTION", "URL"):
        assert sum(line.startswith((f"{prop}:", f"{prop};")) for line in lines) == 1
    assert not any(line.startswith("ATTENDEE") for line in lines)
    assert str(event["UID"]) == f"call-{cast.call.pk}@testserver"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["DTSTART"].dt == STARTS_AT
    assert str(event["URL"]).startswith("http://testserver/")
    # The words survive, escaped: every line break comes back as a line break.
    assert str(event["SUMMARY"]) == (
        "Walk; rest\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil\nATTENDEE:a@x.org"
        "\nDTSTART:2000\nSTATUS:CANCELLED!"
    )
    assert str(event["LOCATION"]) == (
        "Bench, left;\nLOCATION:elsewhere\nDESCRIPTION:pwned, Utrecht"
    )
    assert str(event["DESCRIPTION"]).startswith("How to recognise the group: Red hat\nURL:evil\n\n")


# --------------------------------------------------------------------------
# The link on the call's page.
# --------------------------------------------------------------------------

LINK_TEXT = "Add to my calendar (.ics)"
CANCELLED_LINK_TEXT = "Show the cancellation in my calendar (.ics)"


def call_page(cast, role):
    response = client_for(cast.people[role]).get(board_url(cast.board, "call", cast.call.pk))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("organiser", True),
        ("accepted", True),
        ("pending", False),
        ("declined", False),
        ("withdrawn", False),
        ("member", False),
    ],
)
def test_the_link_is_for_those_who_get_the_file(cast, role, shown):
    page = call_page(cast, role)
    assert (LINK_TEXT in page) is shown
    assert (f'href="{ics_url(cast.board, cast.call)}"' in page) is shown


def test_no_link_without_a_date_or_once_it_is_over(cast):
    Call.objects.filter(pk=cast.call.pk).update(starts_at=None)
    assert LINK_TEXT not in call_page(cast, "organiser")
    past = datetime.datetime.now(tz=AMSTERDAM) - datetime.timedelta(days=2)
    Call.objects.filter(pk=cast.call.pk).update(starts_at=past)
    for role in ("organiser", "accepted"):
        page = call_page(cast, role)
        assert LINK_TEXT not in page
        assert ics_url(cast.board, cast.call) not in page


def test_a_cancelled_meeting_links_to_the_cancellation(cast):
    Call.objects.filter(pk=cast.call.pk).update(status="cancelled")
    page = call_page(cast, "accepted")
    assert CANCELLED_LINK_TEXT in page
    assert LINK_TEXT not in page
    assert f'href="{ics_url(cast.board, cast.call)}"' in page
