"""Posting, changing and answering calls through the board's routes, as members do.

Covers the member side of DESIGN §3: state changes are POST and harmless when
repeated (6), bad input gets a clear message and nothing typed is lost (7), the
house rules come first (9), and the meeting point is only for those who are in (3).
"""

import datetime
import html
import re
import zoneinfo
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db.models import Count
from django.utils import timezone

from wagtail_meetings.conf import app_settings
from wagtail_meetings.models import Call, MemberProfile, Place, Registration

from .utils import board_url, call_form_data, make_call, make_member, register

pytestmark = pytest.mark.django_db

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


# --- reading pages -----------------------------------------------------------------


def text(response):
    return response.content.decode()


def title_of(page):
    return html.unescape(re.search(r"<title>(.*?)</title>", page, re.S).group(1)).strip()


def error_summary(page):
    """The text of the error summary at the top of the form, or ``None``."""
    found = re.search(
        r'<div class="meetings-error-summary" role="alert"[^>]*>(.*?)</div>', page, re.S
    )
    return html.unescape(found.group(1)) if found else None


def field_error(page, name):
    """The error message shown next to the field ``name``, or ``None``."""
    found = re.search(
        rf'<div class="meetings-error-message" id="id_{name}_error">(.*?)</div>', page, re.S
    )
    return html.unescape(found.group(1)) if found else None


def input_value(page, name):
    """The value of the text input ``name`` as the member sees it, or ``None``."""
    tag = re.search(rf'<input [^>]*name="{name}"[^>]*>', page)
    found = tag and re.search(r'value="([^"]*)"', tag.group(0))
    return html.unescape(found.group(1)) if found else None


def textarea_value(page, name):
    found = re.search(rf'<textarea [^>]*name="{name}"[^>]*>\n?(.*?)</textarea>', page, re.S)
    return html.unescape(found.group(1)) if found else None


def is_checked(page, name, value):
    tag = re.search(rf'<input type="checkbox" name="{name}" value="{value}"[^>]*>', page)
    return tag is not None and " checked" in tag.group(0)


def assert_form_error(response, field, message):
    """A clear message: in the summary with role="alert", beside the field, in the title."""
    assert response.status_code == 200
    page = text(response)
    assert title_of(page).startswith("Error:"), title_of(page)
    summary = error_summary(page)
    assert summary is not None, "no error summary"
    assert message in summary, summary
    if field is not None:
        beside = field_error(page, field)
        assert beside is not None, f"no message beside {field}"
        assert message in beside, beside
    return page


def messages_of(page):
    found = re.search(r'<div class="meetings-messages"[^>]*>(.*?)</div>', page, re.S)
    return html.unescape(found.group(1)) if found else ""


def listed_titles(client, board):
    page = text(client.get(board_url(board)))
    return [
        html.unescape(title)
        for title in re.findall(r'<h3 id="call-\d+-title"><a [^>]*>(.*?)</a></h3>', page)
    ]


def redirect_target(response):
    assert response.status_code == 302
    return response["Location"]


def local_start(days=10, hour=14, minute=0):
    """A date and time ahead in Amsterdam, as a member types it."""
    date = timezone.localdate() + datetime.timedelta(days=days)
    return date, datetime.time(hour, minute)


# --- posting a call ------------------------------------------------------------------


@pytest.fixture
def as_member(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def as_organiser(client, organiser):
    client.force_login(organiser)
    return client


def post_call(client, board, **overrides):
    return client.post(board_url(board, "post"), call_form_data(**overrides))


def test_the_form_to_post_a_call(as_member, board):
    response = as_member.get(board_url(board, "post"))
    page = text(response)
    assert response.status_code == 200
    assert title_of(page).startswith("Post a call")
    assert error_summary(page) is None
    assert input_value(page, "capacity") == str(board.default_capacity)
    for suggestion in ["walk", "coffee", "museum"]:
        assert f'value="{suggestion}"' in page
    assert "Tell someone where you go." in page  # the safety tips beside the form


def test_posting_a_call(as_member, board, member, utrecht):
    date, time = local_start(days=12, hour=14, minute=30)
    response = post_call(
        as_member,
        board,
        title="Coffee at the station",
        description="A quiet coffee.\nAnyone welcome.",
        activities=["coffee", "walk"],
        other_activities="board games,  Walk , chess",
        audience="peers",
        place="Utrecht",
        venue_kind="cafe",
        meeting_point="Café at platform 5",
        date=date.isoformat(),
        time=time.strftime("%H:%M"),
        duration_minutes="90",
        recognition="A yellow scarf",
        step_free="on",
        capacity="5",
    )
    call = Call.objects.get()
    assert redirect_target(response) == board_url(board, "call", call.pk)
    assert call.organiser == member
    assert call.title == "Coffee at the station"
    assert call.description == "A quiet coffee.\nAnyone welcome."
    assert call.audience == "peers"
    assert call.place == utrecht
    assert call.venue_kind == "cafe"
    assert call.meeting_point == "Café at platform 5"
    assert call.public_place_confirmed is True
    assert call.duration_minutes == 90
    assert call.recognition == "A yellow scarf"
    assert (call.step_free, call.quiet_place, call.may_leave_early) == (True, False, True)
    assert call.capacity == 5
    assert call.status == "open"
    assert call.repeat_of is None
    assert call.hidden is False
    # Checkboxes and "another activity", without the doubled "walk".
    assert sorted(tag.name for tag in call.activities.all()) == [
        "board games",
        "chess",
        "coffee",
        "walk",
    ]
    # 14:30 as typed, in Amsterdam: the stored moment is 14:30 local time.
    assert call.starts_at == datetime.datetime.combine(date, time, tzinfo=AMSTERDAM)
    assert timezone.localtime(call.starts_at).strftime("%H:%M") == "14:30"

    page = text(as_member.get(response["Location"]))
    assert "Your call is on the board." in messages_of(page)
    assert '<h1 id="meetings-call-title">Coffee at the station</h1>' in page
    assert "14:30" in page
    assert "Café at platform 5" in page  # the organiser sees their own meeting point
    assert "Coffee at the station" in listed_titles(as_member, board)


def test_posting_a_call_with_the_date_to_be_agreed(as_member, board):
    response = post_call(as_member, board, title="Museum some day", date_mode="later")
    call = Call.objects.get()
    assert redirect_target(response) == board_url(board, "call", call.pk)
    # The date typed before choosing "to be agreed" is not used.
    assert call.starts_at is None
    assert "Museum some day" in listed_titles(as_member, board)
    assert "Date and time to be agreed" in text(as_member.get(board_url(board)))


def test_posting_a_call_to_be_agreed_without_a_date(as_member, board):
    post_call(as_member, board, date_mode="later", date="", time="")
    assert Call.objects.get().starts_at is None


MAX_DESCRIPTION = app_settings.MAX_DESCRIPTION_LENGTH
CONTROL_MESSAGE = "The text contains invisible control characters."
YESTERDAY = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()

BAD_CALLS = [
    pytest.param({"title": ""}, "title", "Enter a title for your call.", id="empty-title"),
    pytest.param({"title": "   "}, "title", "Enter a title for your call.", id="blank-title"),
    pytest.param(
        {"title": "x" * 101},
        "title",
        "Ensure this value has at most 100 characters (it has 101).",
        id="long-title",
    ),
    pytest.param(
        {"description": "y" * (MAX_DESCRIPTION + 1)},
        "description",
        f"Ensure this value has at most {MAX_DESCRIPTION} characters "
        f"(it has {MAX_DESCRIPTION + 1}).",
        id="long-description",
    ),
    pytest.param(
        {"description": "Let us walk. " * 7877 + "z"},
        "description",
        f"Ensure this value has at most {MAX_DESCRIPTION} characters",
        id="100kb-description",
    ),
    pytest.param(
        {"description": ""}, "description", "Describe what you have in mind.", id="no-description"
    ),
    pytest.param({"title": "Walk\x00 together"}, "title", CONTROL_MESSAGE, id="nul-title"),
    pytest.param({"title": "Walk\x07 together"}, "title", CONTROL_MESSAGE, id="bell-title"),
    pytest.param(
        {"description": "Line one\nline\x00 two"},
        "description",
        CONTROL_MESSAGE,
        id="nul-description",
    ),
    pytest.param(
        {"title": "Walk \u202etogether"}, "title", CONTROL_MESSAGE, id="rtl-override-title"
    ),
    pytest.param(
        {"description": "We meet \u202eat noon"},
        "description",
        CONTROL_MESSAGE,
        id="rtl-override-description",
    ),
    pytest.param(
        {"meeting_point": "At the gate\x1b[31m"},
        "meeting_point",
        CONTROL_MESSAGE,
        id="escape-meeting-point",
    ),
    pytest.param(
        {"date": YESTERDAY}, "date", "Choose a date and time in the future.", id="past-date"
    ),
    pytest.param(
        {"date": "", "time": ""}, "date", "Enter the date, or choose “to be agreed”.", id="no-date"
    ),
    pytest.param({"time": ""}, "time", "Enter the time, or choose “to be agreed”.", id="no-time"),
    pytest.param({"date": "31-02-2027"}, "date", "Enter a valid date.", id="bad-date"),
    pytest.param({"capacity": "1"}, "capacity", "greater than or equal to 2", id="capacity-1"),
    pytest.param({"capacity": "0"}, "capacity", "greater than or equal to 2", id="capacity-0"),
    pytest.param(
        {"capacity": "-1"}, "capacity", "greater than or equal to 2", id="capacity-minus-1"
    ),
    pytest.param(
        {"capacity": "9"}, "capacity", "At most 8 members can join a meeting.", id="capacity-9"
    ),
    pytest.param({"capacity": "abc"}, "capacity", "Enter a whole number.", id="capacity-abc"),
    pytest.param(
        {"capacity": ""}, "capacity", "Enter how many members can join you.", id="no-capacity"
    ),
    pytest.param(
        {"place": "Atlantis"},
        "place",
        "We do not know a town called “Atlantis”.",
        id="unknown-town",
    ),
    pytest.param(
        {"place": "Hengelo"},
        "place",
        "There is more than one town called “Hengelo”. Add the province",
        id="ambiguous-town",
    ),
    pytest.param({"place": ""}, "place", "Enter the town where you will meet.", id="no-town"),
    pytest.param(
        {"public_place_confirmed": None},
        "public_place_confirmed",
        "Meetings always take place in a neutral, public place. Please confirm this.",
        id="no-public-place",
    ),
    pytest.param(
        {"activities": [], "other_activities": ""},
        "activities",
        "Choose or type at least one activity.",
        id="no-activity",
    ),
    pytest.param(
        {"activities": ["karaoke"]}, "activities", "Select a valid choice.", id="unknown-activity"
    ),
    pytest.param({"audience": "aliens"}, "audience", "Select a valid choice.", id="bad-audience"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_CALLS)
def test_bad_input_gets_a_clear_message_and_nothing_is_lost(
    as_member, board, overrides, field, message
):
    data = call_form_data(
        description="Something to keep.\nTwo lines.",
        meeting_point="By the clock at the north entrance",
        other_activities="chess",
        recognition="A yellow scarf",
    )
    data.update(overrides)
    data = {name: value for name, value in data.items() if value is not None}

    response = as_member.post(board_url(board, "post"), data)

    page = assert_form_error(response, field, message)
    assert not Call.objects.exists()
    # What the member typed is still there, the faulty value included.
    for name in ["title", "meeting_point", "other_activities", "recognition", "place", "capacity"]:
        typed = data.get(name, "")
        if any(char in typed for char in "\x00\x07\x1b\u202e"):
            typed = typed.split("\x00")[0].split("\x07")[0].split("\x1b")[0].split("\u202e")[0]
            assert typed and typed in input_value(page, name)
        else:
            assert (input_value(page, name) or "") == typed, name
    typed = data.get("description", "")
    if "\x00" in typed or "\u202e" in typed:
        assert typed[:5] in textarea_value(page, "description")
    else:
        assert textarea_value(page, "description") == typed.replace("\r\n", "\n")
    assert is_checked(page, "activities", "coffee") == ("coffee" in data["activities"])


def test_a_date_in_the_past_today_is_refused(as_member, board):
    moment = timezone.localtime() - datetime.timedelta(minutes=5)
    response = post_call(
        as_member, board, date=moment.date().isoformat(), time=moment.strftime("%H:%M")
    )
    assert_form_error(response, "date", "Choose a date and time in the future.")
    assert not Call.objects.exists()


def test_several_mistakes_are_all_listed(as_member, board):
    response = post_call(as_member, board, title="", capacity="9", place="Atlantis")
    page = assert_form_error(response, "title", "Enter a title for your call.")
    summary = error_summary(page)
    assert "At most 8 members" in summary
    assert "Atlantis" in summary
    # Each message links to its field.
    assert 'href="#id_title"' in page
    assert 'href="#id_capacity"' in page
    assert 'href="#id_place"' in page


SCRIPT_TITLE = '<script>alert("title")</script> Walk & talk'
SCRIPT_DESCRIPTION = (
    "<b>bold</b>\n<script>alert('description')</script><img src=x onerror=alert(1)>"
)


def test_html_is_accepted_as_text_and_always_escaped(client, board, member, organiser):
    client.force_login(organiser)
    response = post_call(
        client,
        board,
        title=SCRIPT_TITLE,
        description=SCRIPT_DESCRIPTION,
        meeting_point="<script>alert('point')</script>",
        other_activities="<script>tag</script>",
        recognition="<i>scarf</i>",
        accessibility_notes="<u>ramp</u>",
    )
    call = Call.objects.get()
    assert call.title == SCRIPT_TITLE
    assert call.description == SCRIPT_DESCRIPTION
    register(call, member, status="accepted", note="<script>alert('note')</script>")

    pages = {
        "list": client.get(board_url(board)),
        "call": client.get(redirect_target(response)),
        "edit": client.get(board_url(board, "edit", call.pk)),
        "again": client.get(board_url(board, "again", call.pk)),
        "cancel": client.get(board_url(board, "cancel", call.pk)),
        "mine": client.get(board_url(board, "mine")),
    }
    client.force_login(member)
    pages["member call"] = client.get(board_url(board, "call", call.pk))
    pages["member mine"] = client.get(board_url(board, "mine"))
    for name, response in pages.items():
        page = text(response)
        assert response.status_code == 200, name
        assert "<script>" not in page, name
        assert "<img src=x" not in page, name
        assert "<b>bold</b>" not in page, name
        assert "&lt;script&gt;" in page, name
    assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; Walk &amp; talk" in text(
        pages["list"]
    )
    assert "&lt;b&gt;bold&lt;/b&gt;<br>" in text(pages["call"])
    assert "&lt;script&gt;alert(&#x27;note&#x27;)&lt;/script&gt;" in text(pages["call"])
    assert "&lt;script&gt;alert(&#x27;point&#x27;)&lt;/script&gt;" in text(pages["member call"])


def test_html_in_a_refused_form_is_escaped(as_member, board):
    response = post_call(
        as_member, board, title=SCRIPT_TITLE, description=SCRIPT_DESCRIPTION, capacity="99"
    )
    page = assert_form_error(response, "capacity", "At most 8 members")
    assert "<script>" not in page
    assert input_value(page, "title") == SCRIPT_TITLE
    assert textarea_value(page, "description") == SCRIPT_DESCRIPTION


def ambiguous_towns():
    return (
        Place.objects.values("name")
        .annotate(n=Count("id"), provinces=Count("province", distinct=True))
        .filter(n=2, provinces=2)
        .order_by("name")
    )


def test_an_ambiguous_town_is_accepted_with_its_province(as_member, board):
    name = ambiguous_towns()[0]["name"]
    first, second = Place.objects.filter(name=name).order_by("province")

    response = post_call(as_member, board, place=name)
    assert_form_error(response, "place", f"There is more than one town called “{name}”")
    assert f"“{first.label}”" in error_summary(text(response))
    assert not Call.objects.exists()

    response = post_call(as_member, board, place=f"{name.upper()} ({second.province.lower()})")
    assert response.status_code == 302
    assert Call.objects.get().place == second


@pytest.mark.parametrize(
    ("typed", "name", "province"),
    [
        ("Utrecht", "Utrecht", "Utrecht"),
        ("utrecht", "Utrecht", "Utrecht"),
        ("  UTRECHT ", "Utrecht", "Utrecht"),
        ("Utrecht (Utrecht)", "Utrecht", "Utrecht"),
        ("Sint Odilienberg", "Sint Odiliënberg", "Limburg"),
        ("sint odiliënberg", "Sint Odiliënberg", "Limburg"),
        ("Damwald", "Damwâld", "Friesland"),
        ("Den Haag", "Den Haag", "Zuid-Holland"),
        ("'s-Gravenhage", "Den Haag", "Zuid-Holland"),
        ("s-Gravenhage", "Den Haag", "Zuid-Holland"),
        ("den haag", "Den Haag", "Zuid-Holland"),
        ("Hengelo (Overijssel)", "Hengelo", "Overijssel"),
        ("hengelo (gelderland)", "Hengelo", "Gelderland"),
    ],
)
def test_towns_are_found_however_they_are_typed(as_member, board, typed, name, province):
    response = post_call(as_member, board, place=typed)
    assert response.status_code == 302, error_summary(text(response))
    place = Call.objects.get().place
    assert (place.name, place.province) == (name, province)


def test_den_haag_and_s_gravenhage_are_the_same_place(as_member, board):
    for typed in ["Den Haag", "'s-Gravenhage", "s-Gravenhage"]:
        assert post_call(as_member, board, place=typed, title=typed).status_code == 302
    assert Call.objects.count() == 3
    assert len({call.place_id for call in Call.objects.all()}) == 1


def test_unknown_post_fields_are_ignored(as_member, board, member, organiser, call):
    response = post_call(
        as_member,
        board,
        organiser=str(organiser.pk),
        organiser_id=str(organiser.pk),
        status="cancelled",
        hidden="on",
        repeat_of=str(call.pk),
        created_at="2000-01-01 00:00",
        starts_at="2000-01-01 00:00",
        no_such_field="whatever",
    )
    assert response.status_code == 302
    new = Call.objects.exclude(pk=call.pk).get()
    assert new.organiser == member
    assert new.status == "open"
    assert new.hidden is False
    assert new.repeat_of is None
    assert new.starts_at > timezone.now()


# --- changing, cancelling, closing, organising again --------------------------------------


@pytest.fixture
def fixed_call(organiser, utrecht):
    date, _time = local_start(days=8)
    starts_at = datetime.datetime.combine(date, datetime.time(15, 30), tzinfo=AMSTERDAM)
    return make_call(
        organiser=organiser,
        place=utrecht,
        title="Walk along the canal",
        meeting_point="At the Dom tower",
        starts_at=starts_at,
        capacity=3,
        activities=["walk", "chess"],
    )


def test_the_edit_form_shows_the_call(as_organiser, board, fixed_call):
    page = text(as_organiser.get(board_url(board, "edit", fixed_call.pk)))
    assert input_value(page, "title") == "Walk along the canal"
    assert input_value(page, "place") == "Utrecht (Utrecht)"
    assert input_value(page, "meeting_point") == "At the Dom tower"
    assert input_value(page, "date") == timezone.localtime(fixed_call.starts_at).date().isoformat()
    assert input_value(page, "time").startswith("15:30")
    assert is_checked(page, "activities", "walk")
    assert is_checked(page, "activities", "chess")
    assert not is_checked(page, "activities", "coffee")


def edit_data(call, **overrides):
    local = timezone.localtime(call.starts_at)
    data = {
        "title": call.title,
        "description": call.description,
        "activities": [tag.name for tag in call.activities.all()],
        "place": call.place.label,
        "meeting_point": call.meeting_point,
        "audience": call.audience,
        "venue_kind": call.venue_kind,
        "date": local.date().isoformat(),
        "time": local.strftime("%H:%M"),
        "capacity": str(call.capacity),
    }
    data.update(overrides)
    return call_form_data(**data)


def test_editing_own_call(as_organiser, board, fixed_call):
    response = as_organiser.post(
        board_url(board, "edit", fixed_call.pk),
        edit_data(fixed_call, title="Walk along the Vecht", capacity="6", time="16:00"),
    )
    assert redirect_target(response) == board_url(board, "call", fixed_call.pk)
    call = Call.objects.get(pk=fixed_call.pk)
    assert call.title == "Walk along the Vecht"
    assert call.capacity == 6
    assert timezone.localtime(call.starts_at).strftime("%H:%M") == "16:00"
    same_day = timezone.localtime(fixed_call.starts_at).date()
    assert timezone.localtime(call.starts_at).date() == same_day
    assert sorted(tag.name for tag in call.activities.all()) == ["chess", "walk"]
    assert "Your changes are saved." in messages_of(text(as_organiser.get(response["Location"])))


def test_editing_to_fewer_places_than_are_taken_is_refused(as_organiser, board, fixed_call):
    for n in range(3):
        register(fixed_call, make_member(f"in{n}"), status="accepted")
    response = as_organiser.post(
        board_url(board, "edit", fixed_call.pk),
        edit_data(fixed_call, title="Smaller walk", capacity="2"),
    )
    page = assert_form_error(
        response, None, "3 members are already in; the number of places cannot be lower."
    )
    assert input_value(page, "title") == "Smaller walk"
    assert input_value(page, "capacity") == "2"
    call = Call.objects.get(pk=fixed_call.pk)
    assert (call.title, call.capacity) == ("Walk along the canal", 3)


def test_editing_with_bad_input_keeps_the_call(as_organiser, board, fixed_call):
    response = as_organiser.post(
        board_url(board, "edit", fixed_call.pk), edit_data(fixed_call, title="x" * 101)
    )
    assert_form_error(response, "title", "at most 100 characters")
    assert Call.objects.get(pk=fixed_call.pk).title == "Walk along the canal"


def test_someone_elses_call_cannot_be_edited(as_member, board, fixed_call):
    response = as_member.post(
        board_url(board, "edit", fixed_call.pk), edit_data(fixed_call, title="Mine now")
    )
    assert response.status_code == 404
    assert Call.objects.get(pk=fixed_call.pk).title == "Walk along the canal"


def test_cancelling_asks_first(as_organiser, board, fixed_call):
    response = as_organiser.get(board_url(board, "cancel", fixed_call.pk))
    page = text(response)
    assert response.status_code == 200
    assert "Cancel this meeting?" in page
    assert "Walk along the canal" in page
    assert "Yes, cancel the meeting" in page
    assert Call.objects.get(pk=fixed_call.pk).status == "open"


def test_cancelling(as_organiser, board, fixed_call, member):
    register(fixed_call, member)
    assert "Walk along the canal" in listed_titles(as_organiser, board)

    response = as_organiser.post(board_url(board, "cancel", fixed_call.pk))
    assert redirect_target(response) == board_url(board, "call", fixed_call.pk)
    call = Call.objects.get(pk=fixed_call.pk)
    assert call.status == "cancelled"
    assert call.cancelled_at is not None
    assert "The meeting is cancelled." in messages_of(text(as_organiser.get(response["Location"])))
    assert "Walk along the canal" not in listed_titles(as_organiser, board)

    # A double click: nothing more happens, and no error.
    again = as_organiser.post(board_url(board, "cancel", fixed_call.pk), follow=True)
    assert again.status_code == 200
    assert Call.objects.get(pk=fixed_call.pk).cancelled_at == call.cancelled_at
    assert "Cancelled" in text(again)

    # The member who signed up sees it on their own page.
    as_organiser.force_login(member)
    mine = text(as_organiser.get(board_url(board, "mine")))
    assert "This meeting has been cancelled." in mine


def test_closing_and_reopening(client, board, fixed_call, organiser, member):
    client.force_login(organiser)
    response = client.post(board_url(board, "close", fixed_call.pk))
    assert redirect_target(response) == board_url(board, "call", fixed_call.pk)
    assert Call.objects.get(pk=fixed_call.pk).status == "closed"
    client.post(board_url(board, "close", fixed_call.pk))
    assert Call.objects.get(pk=fixed_call.pk).status == "closed"
    assert "Take sign-ups again" in text(client.get(response["Location"]))

    client.force_login(member)
    assert "Walk along the canal" not in listed_titles(client, board)
    page = text(client.get(board_url(board, "call", fixed_call.pk)))
    assert "The organiser has closed sign-ups for this meeting." in page
    assert "Sign up for this meeting" not in page
    client.post(board_url(board, "sign_up", fixed_call.pk), {"note": "please"})
    assert not Registration.objects.exists()

    client.force_login(organiser)
    client.post(board_url(board, "reopen", fixed_call.pk))
    client.post(board_url(board, "reopen", fixed_call.pk))
    assert Call.objects.get(pk=fixed_call.pk).status == "open"
    assert "Walk along the canal" in listed_titles(client, board)


@pytest.mark.parametrize("route", ["close", "reopen", "cancel"])
def test_get_does_not_change_a_call(as_organiser, board, fixed_call, route):
    if route == "reopen":
        Call.objects.filter(pk=fixed_call.pk).update(status="closed")
    before = Call.objects.get(pk=fixed_call.pk).status
    response = as_organiser.get(board_url(board, route, fixed_call.pk))
    # Cancelling asks for confirmation first; the others are buttons only.
    assert response.status_code == (200 if route == "cancel" else 405)
    assert Call.objects.get(pk=fixed_call.pk).status == before


def test_organising_again_starts_from_the_old_call(as_organiser, board, fixed_call):
    page = text(as_organiser.get(board_url(board, "again", fixed_call.pk)))
    assert "Organise this meeting again" in page
    assert input_value(page, "title") == "Walk along the canal"
    assert input_value(page, "place") == "Utrecht (Utrecht)"
    assert input_value(page, "meeting_point") == "At the Dom tower"
    assert is_checked(page, "activities", "walk")
    assert is_checked(page, "activities", "chess")
    assert input_value(page, "date") is None
    assert input_value(page, "time") is None


def test_organising_again_makes_a_new_call(as_organiser, board, fixed_call, organiser):
    date, _time = local_start(days=40)
    response = as_organiser.post(
        board_url(board, "again", fixed_call.pk),
        edit_data(fixed_call, date=date.isoformat(), time="11:00"),
    )
    new = Call.objects.exclude(pk=fixed_call.pk).get()
    assert redirect_target(response) == board_url(board, "call", new.pk)
    assert new.repeat_of == fixed_call
    assert new.organiser == organiser
    assert new.title == "Walk along the canal"
    assert new.meeting_point == "At the Dom tower"
    assert sorted(tag.name for tag in new.activities.all()) == ["chess", "walk"]
    assert timezone.localtime(new.starts_at).date() == date
    old = Call.objects.get(pk=fixed_call.pk)
    assert old.starts_at == fixed_call.starts_at
    assert old.status == "open"
    assert old.repeat_of is None
    assert sorted(tag.name for tag in old.activities.all()) == ["chess", "walk"]


def test_organising_again_works_for_a_past_call(as_organiser, board, organiser, utrecht):
    old = make_call(
        organiser=organiser,
        place=utrecht,
        title="Last month's walk",
        starts_at=timezone.now() - datetime.timedelta(days=30),
    )
    response = as_organiser.post(board_url(board, "again", old.pk), call_form_data(title=old.title))
    assert response.status_code == 302
    assert Call.objects.get(repeat_of=old).title == "Last month's walk"


def test_someone_elses_call_cannot_be_organised_again(as_member, board, fixed_call):
    assert as_member.get(board_url(board, "again", fixed_call.pk)).status_code == 404
    response = as_member.post(board_url(board, "again", fixed_call.pk), edit_data(fixed_call))
    assert response.status_code == 404
    assert Call.objects.count() == 1


# --- signing up and the organiser's answer -----------------------------------------------


def test_signing_up_with_a_note(as_member, board, call, member):
    page = text(as_member.get(board_url(board, "call", call.pk)))
    assert "Sign up for this meeting" in page
    assert call.meeting_point not in page

    response = as_member.post(
        board_url(board, "sign_up", call.pk), {"note": "I like to walk slowly."}
    )
    assert redirect_target(response) == board_url(board, "call", call.pk)
    registration = Registration.objects.get(call=call, member=member)
    assert (registration.status, registration.note) == ("pending", "I like to walk slowly.")
    page = text(as_member.get(response["Location"]))
    assert "You have signed up. The organiser will let you know." in page
    assert "Withdraw from this meeting" in page
    assert call.meeting_point not in page

    # A double click: still one sign-up.
    as_member.post(board_url(board, "sign_up", call.pk), {"note": "again"})
    assert Registration.objects.filter(call=call, member=member).count() == 1


def test_an_over_long_note_is_refused_on_the_call_page(as_member, board, call):
    note = "n" * (app_settings.MAX_NOTE_LENGTH + 1)
    response = as_member.post(board_url(board, "sign_up", call.pk), {"note": note})
    page = assert_form_error(
        response,
        "note",
        f"Ensure this value has at most {app_settings.MAX_NOTE_LENGTH} characters",
    )
    assert call.title in page
    assert textarea_value(page, "note") == note
    assert not Registration.objects.exists()


def test_a_note_with_control_characters_is_refused(as_member, board, call):
    response = as_member.post(board_url(board, "sign_up", call.pk), {"note": "Hi\u202e there"})
    assert_form_error(response, "note", CONTROL_MESSAGE)
    assert not Registration.objects.exists()


def test_signing_up_for_own_call_is_not_offered(as_organiser, board, call):
    page = text(as_organiser.get(board_url(board, "call", call.pk)))
    assert "Sign up for this meeting" not in page
    as_organiser.post(board_url(board, "sign_up", call.pk), {"note": ""})
    assert not Registration.objects.exists()


def test_withdrawing(as_member, board, call, member):
    register(call, member, status="accepted")
    response = as_member.post(board_url(board, "withdraw", call.pk))
    assert redirect_target(response) == board_url(board, "call", call.pk)
    assert Registration.objects.get(call=call, member=member).status == "withdrawn"
    page = text(as_member.get(response["Location"]))
    assert "You have withdrawn." in messages_of(page)
    assert "Sign up for this meeting" in page  # one may change one's mind
    assert call.meeting_point not in page
    as_member.post(board_url(board, "withdraw", call.pk))
    assert Registration.objects.get(call=call, member=member).status == "withdrawn"


def test_accepting_through_the_route(client, board, call, member, organiser):
    registration = register(call, member, note="See you")
    client.force_login(organiser)
    page = text(client.get(board_url(board, "call", call.pk)))
    assert "Mira" in page
    assert "See you" in page
    assert "Accept Mira" in page

    response = client.post(board_url(board, "accept", registration.pk))
    assert redirect_target(response) == board_url(board, "call", call.pk) + "#sign-ups"
    assert Registration.objects.get(pk=registration.pk).status == "accepted"
    assert "They can now see the meeting point." in messages_of(
        text(client.get(board_url(board, "call", call.pk)))
    )
    client.post(board_url(board, "accept", registration.pk))
    assert Registration.objects.get(pk=registration.pk).status == "accepted"

    client.force_login(member)
    page = text(client.get(board_url(board, "call", call.pk)))
    assert "You're in" in html.unescape(page)
    assert call.meeting_point in page


def test_declining_through_the_route_is_gentle(client, board, call, member, organiser):
    registration = register(call, member)
    client.force_login(organiser)
    response = client.post(board_url(board, "decline", registration.pk))
    assert redirect_target(response) == board_url(board, "call", call.pk) + "#sign-ups"
    assert Registration.objects.get(pk=registration.pk).status == "declined"

    client.force_login(member)
    page = text(client.get(board_url(board, "call", call.pk)))
    assert "The organiser could not take you along this time." in page
    assert "Sign up for this meeting" not in page
    assert call.meeting_point not in page
    assert "declined" not in page.lower()
    mine = text(client.get(board_url(board, "mine")))
    assert "Not this time" in mine
    assert "declined" not in mine.lower()

    # Signing up again does not undo the organiser's answer.
    client.post(board_url(board, "sign_up", call.pk), {"note": "please"})
    assert Registration.objects.get(pk=registration.pk).status == "declined"


def test_only_the_organiser_answers_sign_ups(client, board, call, member):
    registration = register(call, member)
    other = make_member("other", "Olga")
    client.force_login(other)
    assert client.post(board_url(board, "accept", registration.pk)).status_code == 404
    client.force_login(member)
    assert client.post(board_url(board, "accept", registration.pk)).status_code == 404
    assert client.post(board_url(board, "decline", registration.pk)).status_code == 404
    assert Registration.objects.get(pk=registration.pk).status == "pending"


def test_a_full_call_and_a_place_freeing_up(client, board, organiser, utrecht):
    call = make_call(organiser=organiser, place=utrecht, title="Small museum visit", capacity=2)
    anna = register(call, make_member("anna", "Anna"), status="accepted")
    register(call, make_member("bram", "Bram"), status="accepted")
    waiting = register(call, make_member("cor", "Cor"))
    Call.objects.filter(pk=call.pk).update(status="full")

    client.force_login(make_member("dirk", "Dirk"))
    board_page = text(client.get(board_url(board)))
    card = board_page[board_page.index("Small museum visit") :]
    assert 'meetings-badge--full">Full</span>' in card
    assert "This meeting is full." in text(client.get(board_url(board, "call", call.pk)))

    client.force_login(organiser)
    page = text(client.get(board_url(board, "call", call.pk)))
    assert "Cor</strong> — Waiting for the organiser" in page
    assert "Accept Cor" not in page
    assert "All places are taken." in page
    response = client.post(board_url(board, "accept", waiting.pk), follow=True)
    assert "All places are taken" in messages_of(text(response))
    assert Registration.objects.get(pk=waiting.pk).status == "pending"

    client.force_login(anna.member)
    client.post(board_url(board, "withdraw", call.pk))
    assert Call.objects.get(pk=call.pk).status == "open"
    # Nobody is promoted by itself.
    assert Registration.objects.get(pk=waiting.pk).status == "pending"

    client.force_login(organiser)
    page = text(client.get(board_url(board, "call", call.pk)))
    assert "Accept Cor" in page
    client.post(board_url(board, "accept", waiting.pk))
    assert Registration.objects.get(pk=waiting.pk).status == "accepted"
    assert Call.objects.get(pk=call.pk).status == "full"


@pytest.mark.parametrize("route", ["sign_up", "withdraw"])
def test_get_does_not_sign_up_or_withdraw(as_member, board, call, member, route):
    if route == "withdraw":
        register(call, member)
    before = list(Registration.objects.values_list("status", flat=True))
    response = as_member.get(board_url(board, route, call.pk))
    assert response.status_code == 405
    assert list(Registration.objects.values_list("status", flat=True)) == before


@pytest.mark.parametrize("route", ["accept", "decline"])
def test_get_does_not_answer_a_sign_up(as_organiser, board, call, member, route):
    registration = register(call, member)
    assert as_organiser.get(board_url(board, route, registration.pk)).status_code == 405
    assert Registration.objects.get(pk=registration.pk).status == "pending"


# --- house rules first ---------------------------------------------------------------------


def welcome_redirect(response, board):
    target = redirect_target(response)
    parts = urlsplit(target)
    assert parts.path == board_url(board, "welcome")
    return parse_qs(parts.query)["next"][0]


def test_a_newcomer_accepts_the_house_rules_before_posting(client, board, newcomer):
    client.force_login(newcomer)
    response = client.get(board_url(board, "post"))
    assert welcome_redirect(response, board) == board_url(board, "post")

    response = client.post(board_url(board, "post"), call_form_data())
    welcome_redirect(response, board)
    assert not Call.objects.exists()


def test_a_newcomer_accepts_the_house_rules_before_signing_up(client, board, newcomer, call):
    client.force_login(newcomer)
    response = client.post(board_url(board, "sign_up", call.pk), {"note": "hi"})
    assert welcome_redirect(response, board) == board_url(board, "call", call.pk)
    assert not Registration.objects.exists()


def test_the_welcome_step(client, board, newcomer):
    client.force_login(newcomer)
    welcome = board_url(board, "welcome")
    back = board_url(board, "post")
    page = text(client.get(welcome, {"next": back}))
    assert "Be kind. Meet in public places." in page  # the editor's house rules
    # Only what the welcome step stores is asked (the home town is on the profile page).
    form = page[page.index("meetings-form") :]
    assert sorted(re.findall(r'<(?:input|textarea)[^>]* name="(\w+)"', form)) == [
        "accept_house_rules",
        "csrfmiddlewaretoken",
        "display_name",
        "next",
        "role",
        "role",
        "role",
    ]

    response = client.post(welcome, {"next": back, "display_name": "Nina", "role": "relative"})
    assert_form_error(response, "accept_house_rules", "Please accept the house rules to take part.")
    assert input_value(text(response), "display_name") == "Nina"
    assert not MemberProfile.objects.filter(
        user=newcomer, house_rules_accepted_at__isnull=False
    ).exists()

    response = client.post(
        welcome,
        {"next": back, "display_name": "Nina", "role": "relative", "accept_house_rules": "on"},
    )
    assert redirect_target(response) == back
    profile = MemberProfile.objects.get(user=newcomer)
    assert profile.display_name == "Nina"
    assert profile.role == "relative"
    assert profile.house_rules_accepted_at is not None
    assert abs(profile.house_rules_accepted_at - timezone.now()) < datetime.timedelta(minutes=1)

    response = client.get(back)
    assert response.status_code == 200
    assert "Post the call" in text(response)
    assert post_call(client, board).status_code == 302
    assert Call.objects.get().organiser == newcomer


def test_the_welcome_step_needs_a_name(client, board, newcomer):
    client.force_login(newcomer)
    response = client.post(
        board_url(board, "welcome"),
        {"display_name": "  ", "role": "peer", "accept_house_rules": "on"},
    )
    assert_form_error(response, "display_name", "Enter the name other members will see.")
    assert not MemberProfile.objects.filter(user=newcomer).exists()


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/board/", "http://evil.example/members/board/"],
)
def test_the_welcome_step_does_not_follow_an_external_next(client, board, newcomer, next_url):
    client.force_login(newcomer)
    page = text(client.get(board_url(board, "welcome"), {"next": next_url}))
    form = page[page.index('<form method="post" novalidate class="meetings-form">') :]
    assert input_value(form, "next") == board_url(board)
    response = client.post(
        board_url(board, "welcome"),
        {"next": next_url, "display_name": "Nina", "role": "peer", "accept_house_rules": "on"},
    )
    target = redirect_target(response)
    assert "evil.example" not in target
    assert target == board_url(board)
    assert MemberProfile.objects.get(user=newcomer).has_accepted_house_rules


def test_accepting_the_house_rules_again_keeps_the_first_date(client, board, member, profile_of):
    first = profile_of(member).house_rules_accepted_at
    client.force_login(member)
    client.post(
        board_url(board, "welcome"),
        {"display_name": "Mira", "role": "peer", "accept_house_rules": "on"},
    )
    assert profile_of(member).house_rules_accepted_at == first


# --- the profile and "my meetings" -----------------------------------------------------------


def test_changing_the_profile(as_member, board, member, profile_of):
    page = text(as_member.get(board_url(board, "profile")))
    assert input_value(page, "display_name") == "Mira"

    response = as_member.post(
        board_url(board, "profile"),
        {"display_name": "Mira B.", "role": "both", "home_place": "amersfoort"},
    )
    assert redirect_target(response) == board_url(board, "profile")
    profile = profile_of(member)
    assert profile.display_name == "Mira B."
    assert profile.role == "both"
    assert profile.home_place == Place.objects.get(name="Amersfoort")
    page = text(as_member.get(response["Location"]))
    assert "Your profile is saved." in messages_of(page)
    assert input_value(page, "display_name") == "Mira B."
    assert input_value(page, "home_place") == "Amersfoort (Utrecht)"

    as_member.post(
        board_url(board, "profile"), {"display_name": "Mira B.", "role": "both", "home_place": ""}
    )
    assert profile_of(member).home_place is None


def test_a_profile_with_bad_input_is_refused(as_member, board, member, profile_of):
    response = as_member.post(
        board_url(board, "profile"),
        {"display_name": "M\x00ira", "role": "peer", "home_place": "Atlantis"},
    )
    page = assert_form_error(response, "home_place", "We do not know a town called “Atlantis”.")
    assert CONTROL_MESSAGE in field_error(page, "display_name")
    assert input_value(page, "home_place") == "Atlantis"
    assert profile_of(member).display_name == "Mira"


def test_the_new_name_shows_on_the_board(client, board, call, organiser, profile_of):
    client.force_login(organiser)
    client.post(board_url(board, "profile"), {"display_name": "Otje", "role": "peer"})
    page = text(client.get(board_url(board)))
    assert "by Otje" in " ".join(page.split())


def test_my_meetings(client, board, member, organiser, utrecht):
    mine = make_call(
        organiser=member, place=utrecht, title="Mira's coffee", meeting_point="Mira's corner"
    )
    register(mine, make_member("waiter", "Wim"))
    register(mine, make_member("joiner", "Jet"), status="accepted")
    register(mine, make_member("leaver", "Lou"), status="withdrawn")

    accepted = make_call(
        organiser=organiser, place=utrecht, title="Accepted walk", meeting_point="Bench by the pond"
    )
    pending = make_call(
        organiser=organiser, place=utrecht, title="Pending museum", meeting_point="Museum cloakroom"
    )
    declined = make_call(
        organiser=organiser, place=utrecht, title="Declined picnic", meeting_point="Under the oak"
    )
    not_mine = make_call(
        organiser=organiser, place=utrecht, title="Someone else's", meeting_point="Secret spot"
    )
    register(accepted, member, status="accepted")
    register(pending, member)
    register(declined, member, status="declined")
    register(not_mine, make_member("stranger", "Stan"), status="accepted")

    client.force_login(member)
    page = " ".join(html.unescape(text(client.get(board_url(board, "mine")))).split())
    organise = page[page.index("Calls you organise") : page.index("Your sign-ups")]
    sign_ups = page[page.index("Your sign-ups") :]

    assert "Mira's coffee" in organise
    assert "Mira's corner" in organise
    assert "Wim — Waiting for the organiser" in organise
    assert "Jet — You're in" in organise
    assert "Lou" not in organise
    assert "1 member is waiting for your answer" in organise

    assert "Accepted walk" in sign_ups
    assert "Pending museum" in sign_ups
    assert "Declined picnic" in sign_ups
    assert "Not this time" in sign_ups
    assert "Waiting for the organiser" in sign_ups
    assert "Bench by the pond" in sign_ups  # accepted: the meeting point is shown
    assert "Museum cloakroom" not in page  # pending: not yet
    assert "Under the oak" not in page  # declined: never
    assert "Someone else's" not in page
    assert "Secret spot" not in page


def test_my_meetings_shows_the_latest_earlier_meetings_and_offers_all(client, board, member):
    for days in range(1, 8):
        make_call(
            organiser=member,
            title=f"Past walk {days}",
            starts_at=timezone.now() - datetime.timedelta(days=days),
        )
    client.force_login(member)
    url = board_url(board, "mine")
    page = html.unescape(text(client.get(url)))
    shown = re.findall(r"Past walk \d", page)
    assert len(shown) == 5
    assert "Show all earlier meetings" in page
    page = html.unescape(text(client.get(url + "?earlier=all")))
    assert len(re.findall(r"Past walk \d", page)) == 7
    assert "Show all earlier meetings" not in page


def test_my_meetings_offers_no_more_when_all_are_shown(client, board, member):
    make_call(
        organiser=member, title="Past walk", starts_at=timezone.now() - datetime.timedelta(days=2)
    )
    client.force_login(member)
    page = html.unescape(text(client.get(board_url(board, "mine"))))
    assert "Past walk" in page
    assert "Show all earlier meetings" not in page


def test_my_meetings_names_who_is_coming_and_no_one_else(client, board, member, organiser):
    walk = make_call(organiser=organiser, title="Accepted walk", capacity=6)
    register(walk, member, status="accepted")
    register(walk, make_member("coming", "Coby"), status="accepted")
    register(walk, make_member("asking", "Aster"))
    register(walk, make_member("turned", "Tijn"), status="declined")
    register(walk, make_member("gone", "Goos"), status="withdrawn")

    client.force_login(member)
    page = " ".join(html.unescape(text(client.get(board_url(board, "mine")))).split())
    assert "Who is coming: Otto, Mira, Coby" in page
    for name in ("Aster", "Tijn", "Goos"):
        assert name not in page
