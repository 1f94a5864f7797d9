"""When accepted members see the meeting point: at acceptance, or hours before the meeting.

The organiser always sees it; the board may hold it back from accepted members until
some hours before the meeting. The call's page, "my meetings" and the calendar file
follow the one decision in ``wagtail_meetings.reveal``; the clock is frozen here.
"""

import datetime
import zoneinfo
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from wagtail_meetings.models import MeetingPointReveal
from wagtail_meetings.reveal import meeting_point_access, reveal_time, revealed_at

from .utils import board_url, client_for, make_call, make_member, register

pytestmark = pytest.mark.django_db

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
MEETING_POINT = "Bench by the Wilhelminapark fountain"
# Well ahead of the real clock, so that the call is not past whatever the frozen time.
STARTS_AT = (
    (timezone.now() + datetime.timedelta(days=30))
    .astimezone(AMSTERDAM)
    .replace(hour=14, minute=0, second=0, microsecond=0)
)
# Moments are compared in UTC: 24 hours before, also across a change to summer time.
REVEAL = STARTS_AT.astimezone(datetime.UTC) - datetime.timedelta(hours=24)
BEFORE = REVEAL - datetime.timedelta(minutes=1)
_LOCAL = REVEAL.astimezone(AMSTERDAM)
WRITTEN_OUT = f"{_LOCAL:%A} {_LOCAL.day} {_LOCAL:%B %Y}, {_LOCAL:%H:%M}"
LATER = f"The meeting point is shared from {WRITTEN_OUT}."


@contextmanager
def frozen(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture
def later_board(board):
    board.reveal_meeting_point = MeetingPointReveal.HOURS_BEFORE
    board.reveal_hours_before = 24
    board.save()
    return board


@pytest.fixture
def cast(organiser, utrecht):
    call = make_call(
        organiser=organiser,
        place=utrecht,
        title="Museum morning",
        meeting_point=MEETING_POINT,
        starts_at=STARTS_AT,
        capacity=4,
    )
    people = {
        "organiser": organiser,
        "accepted": make_member("accepted", "Adelheid"),
        "pending": make_member("pending", "Pietronella"),
        "stranger": make_member("stranger", "Stan"),
    }
    register(call, people["accepted"], status="accepted")
    register(call, people["pending"], status="pending")
    return call, people


def page(user, url):
    response = client_for(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- the decision ------------------------------------------------------------------------


def test_the_board_shares_it_at_acceptance_by_default(board, call):
    assert board.reveal_meeting_point == MeetingPointReveal.AT_ACCEPTANCE
    assert board.reveal_hours_before == 24
    assert reveal_time(call, board) is None
    access = meeting_point_access(call, board, is_organiser=False, is_participant=True)
    assert access.shown
    assert access.shared_from is None


@pytest.mark.parametrize(
    ("now", "shown"),
    [
        (STARTS_AT - datetime.timedelta(days=10), False),
        (BEFORE, False),
        (REVEAL, True),
        (REVEAL + datetime.timedelta(hours=1), True),
        (STARTS_AT, True),
    ],
)
def test_accepted_members_see_it_from_the_hours_before(later_board, organiser, now, shown):
    call = make_call(organiser=organiser, starts_at=STARTS_AT)
    assert reveal_time(call, later_board) == REVEAL
    access = meeting_point_access(
        call, later_board, is_organiser=False, is_participant=True, now=now
    )
    assert access.shown is shown
    assert access.shared_from == (None if shown else REVEAL)
    # The organiser always sees it, and hears when the others will.
    mine = meeting_point_access(call, later_board, is_organiser=True, is_participant=False, now=now)
    assert mine.shown
    assert mine.shared_from == (None if shown else REVEAL)
    # Anyone else never does.
    other = meeting_point_access(
        call, later_board, is_organiser=False, is_participant=False, now=now
    )
    assert not other.shown
    assert other.shared_from is None
    assert revealed_at(call, later_board, now) == (REVEAL if shown else None)


def test_the_number_of_hours_is_the_boards(later_board, organiser):
    later_board.reveal_hours_before = 3
    call = make_call(organiser=organiser, starts_at=STARTS_AT)
    moment = STARTS_AT - datetime.timedelta(hours=3)
    assert reveal_time(call, later_board) == moment
    before = moment - datetime.timedelta(seconds=1)
    assert not meeting_point_access(
        call, later_board, is_organiser=False, is_participant=True, now=before
    ).shown
    assert meeting_point_access(
        call, later_board, is_organiser=False, is_participant=True, now=moment
    ).shown


def test_a_call_to_be_agreed_shares_it_at_acceptance(later_board, organiser):
    call = make_call(organiser=organiser, starts_at=None)
    assert reveal_time(call, later_board) is None
    assert meeting_point_access(call, later_board, is_organiser=False, is_participant=True).shown


@pytest.mark.parametrize(("hours", "valid"), [(0, False), (1, True), (168, True), (169, False)])
def test_the_hours_are_between_one_and_a_week(later_board, hours, valid):
    later_board.reveal_hours_before = hours
    if valid:
        later_board.full_clean()
    else:
        with pytest.raises(ValidationError) as error:
            later_board.full_clean()
        assert "reveal_hours_before" in error.value.message_dict


def test_the_board_offers_the_choice_in_the_safety_panel():
    from wagtail_meetings.models import MeetingsBoardPage

    (safety,) = [
        panel
        for panel in MeetingsBoardPage.content_panels
        if str(getattr(panel, "heading", "")) == "Safety"
    ]
    names = [child.field_name for child in safety.children]
    assert {"approval", "reveal_meeting_point", "reveal_hours_before"} <= set(names)


# --- the call's page and "my meetings" ------------------------------------------------------


def test_the_call_page_before_and_after_the_reveal(later_board, cast):
    call, people = cast
    url = board_url(later_board, "call", call.pk)
    with frozen(BEFORE):
        content = page(people["accepted"], url)
        assert MEETING_POINT not in content
        assert LATER in content
        # Who is coming and how to recognise the group are not held back.
        assert "Adelheid" in content
        content = page(people["organiser"], url)
        assert MEETING_POINT in content
        assert f"The members you accept see it from {WRITTEN_OUT}." in content
        for role in ("pending", "stranger"):
            content = page(people[role], url)
            assert MEETING_POINT not in content
            assert LATER not in content
    with frozen(REVEAL):
        content = page(people["accepted"], url)
        assert MEETING_POINT in content
        assert LATER not in content
        content = page(people["organiser"], url)
        assert MEETING_POINT in content
        assert "The members you accept see it from" not in content
        for role in ("pending", "stranger"):
            assert MEETING_POINT not in page(people[role], url)


def test_the_call_page_at_acceptance(board, cast):
    call, people = cast
    with frozen(BEFORE):
        content = page(people["accepted"], board_url(board, "call", call.pk))
    assert MEETING_POINT in content
    assert "The meeting point is shared from" not in content


def test_my_meetings_before_and_after_the_reveal(later_board, cast):
    call, people = cast
    url = board_url(later_board, "mine")
    with frozen(BEFORE):
        content = page(people["accepted"], url)
        assert call.title in content
        assert MEETING_POINT not in content
        assert LATER in content
        assert MEETING_POINT in page(people["organiser"], url)
        assert MEETING_POINT not in page(people["pending"], url)
    with frozen(REVEAL):
        content = page(people["accepted"], url)
        assert MEETING_POINT in content
        assert LATER not in content


# --- the calendar file ------------------------------------------------------------------------


def event(user, board, call):
    response = client_for(user).get(board_url(board, "calendar", call.pk))
    assert response.status_code == 200
    return response.content, Calendar.from_ical(response.content).walk("VEVENT")[0]


def test_the_calendar_file_holds_only_the_town_until_the_reveal(later_board, cast):
    call, people = cast
    with frozen(BEFORE):
        raw, early = event(people["accepted"], later_board, call)
    assert str(early["LOCATION"]) == "Utrecht"
    assert MEETING_POINT.encode() not in raw
    assert b"Wilhelminapark" not in raw
    assert LATER in str(early["DESCRIPTION"])

    with frozen(REVEAL):
        raw, revealed = event(people["accepted"], later_board, call)
    assert str(revealed["LOCATION"]) == f"{MEETING_POINT}, Utrecht"
    assert "shared from" not in str(revealed["DESCRIPTION"])
    # Calendars replace the earlier copy only with a higher sequence.
    assert revealed["SEQUENCE"] > early["SEQUENCE"]
    assert revealed["LAST-MODIFIED"].dt == REVEAL


def test_the_organisers_calendar_file_always_holds_the_meeting_point(later_board, cast):
    call, people = cast
    with frozen(BEFORE):
        _raw, organisers = event(people["organiser"], later_board, call)
    assert str(organisers["LOCATION"]) == f"{MEETING_POINT}, Utrecht"


def test_the_calendar_file_at_acceptance(board, cast):
    call, people = cast
    with frozen(BEFORE):
        _raw, early = event(people["accepted"], board, call)
    assert str(early["LOCATION"]) == f"{MEETING_POINT}, Utrecht"
    assert early["SEQUENCE"] == 0
