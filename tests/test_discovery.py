"""Finding a meeting: near me, the filters in the query string, town suggestions."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail_meetings.filters import BoardSearch
from wagtail_meetings.geo import bounding_box, distance_km
from wagtail_meetings.models import Call, MemberProfile, Place

from .utils import board_url, make_call, make_member, register

pytestmark = pytest.mark.django_db


def town(name, province=None):
    places = Place.objects.filter(name=name)
    return places.get(province=province) if province else places.get()


def titles(response):
    """The titles of the calls listed, in order."""
    return [call.title for call in response.context["calls"]]


def listed(client, board, query=""):
    response = client.get(board_url(board) + query)
    assert response.status_code == 200
    return response


def at(days, hour=14):
    """An aware moment ``days`` from today at ``hour`` o'clock, local time."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def home_in_utrecht(member, utrecht):
    MemberProfile.objects.filter(user=member).update(home_place=utrecht)
    return member


@pytest.fixture
def towns_around_utrecht(organiser, utrecht):
    """A call in Utrecht (0 km), Zeist (± 8 km), Amersfoort (± 20 km), Rotterdam (± 48 km)."""
    return {
        name: make_call(organiser=organiser, title=f"Walk in {name}", place=town(name))
        for name in ("Utrecht", "Zeist", "Amersfoort", "Rotterdam")
    }


# Distances, computed by the database


@pytest.mark.parametrize(
    ("here", "there", "low", "high"),
    [
        ("Utrecht", "Amersfoort", 18, 22),
        ("Utrecht", "Zeist", 6, 9),
        ("Amsterdam", "Rotterdam", 55, 60),
        ("Groningen", "Maastricht", 250, 275),
        ("Utrecht", "Utrecht", 0, 0.001),
    ],
)
def test_the_great_circle_distance_between_known_towns(here, there, low, high):
    origin = town(here)
    place = Place.objects.annotate(km=distance_km(origin.latitude, origin.longitude)).get(
        pk=town(there).pk
    )
    assert low <= place.km <= high


def test_the_bounding_box_holds_the_circle_and_narrows_the_candidates(utrecht):
    lat, lon = utrecht.latitude, utrecht.longitude
    within = Place.objects.annotate(km=distance_km(lat, lon)).filter(km__lte=25)
    boxed = Place.objects.filter(bounding_box(lat, lon, 25))
    assert set(within) <= set(boxed)
    assert boxed.count() < Place.objects.count() / 4
    # The box's corners reach beyond the circle: the exact distance must still apply.
    assert boxed.annotate(km=distance_km(lat, lon)).filter(km__gt=25).exists()


def test_a_town_in_the_box_corner_but_beyond_the_radius_is_left_out(
    client, board, member, organiser, utrecht
):
    lat, lon = utrecht.latitude, utrecht.longitude
    corner = (
        Place.objects.filter(bounding_box(lat, lon, 25))
        .annotate(km=distance_km(lat, lon))
        .filter(km__gt=26)
        .first()
    )
    make_call(organiser=organiser, title="Just too far", place=corner)
    make_call(organiser=organiser, title="In town", place=utrecht)
    client.force_login(member)
    assert titles(listed(client, board, "?town=Utrecht&radius=25")) == ["In town"]


# Near me: the home town and the board's default distance


def test_a_member_with_a_home_town_first_sees_calls_within_the_boards_default(
    client, board, home_in_utrecht, towns_around_utrecht
):
    board.default_radius = 25
    board.save()
    client.force_login(home_in_utrecht)
    response = listed(client, board)
    assert set(titles(response)) == {"Walk in Utrecht", "Walk in Zeist", "Walk in Amersfoort"}
    html = response.content.decode()
    assert "3 calls within 25 km of Utrecht." in html
    assert "Your home town: Utrecht (Utrecht)." in html


def test_every_card_shows_the_distance(client, board, home_in_utrecht, towns_around_utrecht):
    client.force_login(home_in_utrecht)
    html = listed(client, board, "?radius=").content.decode()
    assert "± 8 km" in html
    assert "± 19 km" in html or "± 20 km" in html
    assert "± 48 km" in html
    assert "less than 1 km" in html


def test_a_board_without_a_default_distance_shows_everything(
    client, board, home_in_utrecht, towns_around_utrecht
):
    board.default_radius = None
    board.save()
    client.force_login(home_in_utrecht)
    assert len(titles(listed(client, board))) == 4


def test_without_a_home_town_everything_is_shown_with_a_hint(
    client, board, member, towns_around_utrecht
):
    client.force_login(member)
    response = listed(client, board)
    assert len(titles(response)) == 4
    assert "add your home town to your profile" in response.content.decode()
    assert "± " not in response.content.decode()


def test_a_chosen_town_replaces_the_home_town(client, board, home_in_utrecht, towns_around_utrecht):
    client.force_login(home_in_utrecht)
    response = listed(client, board, "?town=Rotterdam&radius=10")
    assert titles(response) == ["Walk in Rotterdam"]
    assert "1 call within 10 km of Rotterdam." in response.content.decode()


@pytest.mark.parametrize(
    ("radius", "expected"),
    [
        ("5", {"Utrecht"}),
        ("10", {"Utrecht", "Zeist"}),
        ("25", {"Utrecht", "Zeist", "Amersfoort"}),
        ("50", {"Utrecht", "Zeist", "Amersfoort", "Rotterdam"}),
        ("", {"Utrecht", "Zeist", "Amersfoort", "Rotterdam"}),
    ],
)
def test_each_distance(client, board, member, towns_around_utrecht, radius, expected):
    client.force_login(member)
    response = listed(client, board, f"?town=utrecht&radius={radius}")
    assert set(titles(response)) == {f"Walk in {name}" for name in expected}


def test_nearest_first(client, board, member, towns_around_utrecht):
    client.force_login(member)
    towns_around_utrecht["Rotterdam"].starts_at = at(1)
    towns_around_utrecht["Rotterdam"].save()
    response = listed(client, board, "?town=Utrecht&radius=&sort=distance")
    assert titles(response) == [
        "Walk in Utrecht",
        "Walk in Zeist",
        "Walk in Amersfoort",
        "Walk in Rotterdam",
    ]
    assert "Nearest first." in response.content.decode()
    assert titles(listed(client, board, "?town=Utrecht&radius="))[0] == "Walk in Rotterdam"


def test_sorting_by_distance_without_a_town_explains_and_sorts_by_date(
    client, board, member, towns_around_utrecht
):
    client.force_login(member)
    response = listed(client, board, "?radius=&sort=distance")
    assert len(titles(response)) == 4
    assert "Soonest first." in response.content.decode()
    assert "enter a town or add your home town" in response.content.decode()


# Town names in the filter


@pytest.mark.parametrize(
    "typed", ["'s-Gravenhage", "den haag", "The Hague", "Den Haag (Zuid-Holland)"]
)
def test_the_town_filter_takes_alternate_names(client, board, member, organiser, typed):
    make_call(organiser=organiser, title="Beach walk", place=town("Den Haag"))
    make_call(organiser=organiser, title="Far away", place=town("Groningen"))
    client.force_login(member)
    response = listed(client, board, f"?town={typed}&radius=10")
    assert titles(response) == ["Beach walk"]


def test_an_ambiguous_town_asks_for_the_province(client, board, member, organiser):
    make_call(organiser=organiser, title="Near Twente", place=town("Hengelo", "Overijssel"))
    make_call(organiser=organiser, title="In the Achterhoek", place=town("Hengelo", "Gelderland"))
    client.force_login(member)
    response = listed(client, board, "?town=Hengelo&radius=10")
    html = response.content.decode()
    assert "There is more than one town called “Hengelo”" in html
    assert len(titles(response)) == 2  # the town was left out, not the whole search
    response = listed(client, board, "?town=Hengelo (Overijssel)&radius=10")
    assert titles(response) == ["Near Twente"]


# The other filters


def test_activities_match_any_chosen_one_whatever_the_case(client, board, member, organiser):
    make_call(organiser=organiser, title="Walk", activities=["walk"])
    make_call(organiser=organiser, title="Coffee", activities=["Coffee", "walk"])
    make_call(organiser=organiser, title="Museum", activities=["museum"])
    make_call(organiser=organiser, title="Board games", activities=["board games"])
    client.force_login(member)
    assert set(titles(listed(client, board, "?activity=coffee"))) == {"Coffee"}
    assert set(titles(listed(client, board, "?activity=walk&activity=museum"))) == {
        "Walk",
        "Coffee",
        "Museum",
    }
    # A call with two matching activities is listed once.
    assert titles(listed(client, board, "?activity=walk&activity=coffee")).count("Coffee") == 1
    # An activity that is not among the board's suggestions still works from a link.
    response = listed(client, board, "?activity=Board+games")
    assert titles(response) == ["Board games"]
    assert re.search(r'value="Board games" id="id_activity_\d" checked', response.content.decode())


@pytest.mark.parametrize(
    ("role", "query", "expected"),
    [
        ("peer", "", {"peers", "everyone"}),
        ("relative", "", {"relatives", "everyone"}),
        ("both", "", {"peers", "relatives", "everyone"}),
        ("peer", "?audience=mine", {"peers", "everyone"}),
        ("peer", "?audience=relatives", {"relatives", "everyone"}),
        ("relative", "?audience=peers", {"peers", "everyone"}),
        ("peer", "?audience=together", {"everyone"}),
        ("peer", "?audience=all", {"peers", "relatives", "everyone"}),
    ],
)
def test_audience(client, board, organiser, role, query, expected):
    for audience in ("peers", "relatives", "everyone"):
        make_call(organiser=organiser, title=audience, audience=audience)
    viewer = make_member("viewer", role=role)
    client.force_login(viewer)
    assert set(titles(listed(client, board, query))) == expected


def test_when(client, board, member, organiser):
    today = timezone.localdate()
    days_to_sunday = 6 - today.weekday()
    make_call(organiser=organiser, title="Later this week", starts_at=at(days_to_sunday, 20))
    make_call(organiser=organiser, title="Next Monday", starts_at=at(days_to_sunday + 1, 10))
    next_month = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    make_call(
        organiser=organiser,
        title="Next month",
        starts_at=at((next_month - today).days, 10),
    )
    make_call(organiser=organiser, title="To be agreed", starts_at=None)
    client.force_login(member)
    if days_to_sunday == 0 and timezone.localtime().hour >= 20:
        pytest.skip("Sunday evening: no time is left this week to test with")
    assert titles(listed(client, board, "?when=week")) == ["Later this week"]
    this_month = titles(listed(client, board, "?when=month"))
    assert "Next month" not in this_month and "To be agreed" not in this_month
    assert "Later this week" in this_month or today.month != at(days_to_sunday).month
    assert titles(listed(client, board, "?when=later")) == ["To be agreed"]
    assert len(titles(listed(client, board, "?when="))) == 4


def test_a_date_range_includes_both_days(client, board, member, organiser):
    for days in (3, 5, 7, 9):
        make_call(organiser=organiser, title=f"In {days} days", starts_at=at(days))
    make_call(organiser=organiser, title="To be agreed", starts_at=None)
    start = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    end = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    client.force_login(member)
    response = listed(client, board, f"?when=range&start={start}&end={end}")
    assert titles(response) == ["In 5 days", "In 7 days"]
    assert titles(listed(client, board, f"?when=range&start={start}")) == [
        "In 5 days",
        "In 7 days",
        "In 9 days",
    ]
    # Dates without choosing "between two dates" still narrow the search.
    assert titles(listed(client, board, f"?end={start}")) == ["In 3 days", "In 5 days"]
    response = listed(client, board, "?when=range")
    assert len(titles(response)) == 5
    assert "Choose a start or an end date" in response.content.decode()


def test_still_has_room(client, board, member, organiser):
    full = make_call(organiser=organiser, title="Full", capacity=2, status="full")
    register(full, make_member("one"), status="accepted")
    register(full, make_member("two"), status="accepted")
    make_call(organiser=organiser, title="Room left")
    client.force_login(member)
    assert set(titles(listed(client, board))) == {"Full", "Room left"}
    assert titles(listed(client, board, "?room=1")) == ["Room left"]
    assert titles(listed(client, board, "?room=on")) == ["Room left"]


def test_filters_combine(client, board, member, organiser, utrecht):
    amersfoort = town("Amersfoort")
    make_call(organiser=organiser, title="Match", place=amersfoort, activities=["coffee"])
    make_call(organiser=organiser, title="Wrong activity", place=amersfoort, activities=["walk"])
    make_call(organiser=organiser, title="Too far", place=town("Groningen"), activities=["coffee"])
    make_call(
        organiser=organiser,
        title="Only relatives",
        place=utrecht,
        activities=["coffee"],
        audience="relatives",
    )
    make_call(
        organiser=organiser,
        title="Not this week",
        place=utrecht,
        activities=["coffee"],
        starts_at=at(40),
    )
    make_call(
        organiser=organiser, title="Full", place=utrecht, activities=["coffee"], status="full"
    )
    make_call(organiser=organiser, title="Near, coffee", place=utrecht, activities=["coffee"])
    client.force_login(member)
    end = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = listed(
        client,
        board,
        f"?town=Utrecht&radius=25&activity=coffee&when=range&end={end}&room=1&sort=distance",
    )
    assert titles(response) == ["Near, coffee", "Match"]


def test_past_hidden_and_cancelled_calls_never_appear_whatever_the_filters(
    client, board, member, organiser
):
    make_call(
        organiser=organiser, title="Gone by", starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    make_call(organiser=organiser, title="Hidden", hidden=True)
    make_call(organiser=organiser, title="Cancelled", status="cancelled")
    make_call(organiser=organiser, title="Closed", status="closed")
    make_call(organiser=organiser, title="Listed")
    client.force_login(member)
    for query in (
        "",
        "?room=1&activity=walk",
        "?audience=all&radius=",
        "?town=Utrecht&radius=100&sort=distance",
    ):
        assert titles(listed(client, board, query)) == ["Listed"]


# Bad input in the query string: never a 500; the filter is left out and explained


@pytest.mark.parametrize(
    ("query", "explanation"),
    [
        ("?radius=7", "“7” is not one of the choices, so it was left out."),
        ("?radius=abc", "“abc” is not one of the choices, so it was left out."),
        ("?audience=nobody", "“nobody” is not one of the choices, so it was left out."),
        ("?when=soon", "“soon” is not one of the choices, so it was left out."),
        ("?sort=random", "“random” is not one of the choices, so it was left out."),
        ("?start=31-12-2026", "Enter the date as year-month-day"),
        ("?when=range&start=2000-01-10&end=2000-01-01", "The end date is before the start date"),
        ("?town=Atlantis", "We do not know a town called “Atlantis”"),
        ("?town=" + "x" * 500, "Ensure this value has at most 120 characters"),
        ("?end=9999-12-31", "Choose a date between 2000 and 2199; this one was left out."),
        ("?start=0001-01-01", "Choose a date between 2000 and 2199; this one was left out."),
        ("?activity=a%00b", "An activity could not be read, so the activities were left out."),
    ],
)
def test_a_value_that_cannot_be_used_is_explained_and_left_out(
    client, board, member, organiser, query, explanation
):
    make_call(organiser=organiser, title="Still listed")
    client.force_login(member)
    response = listed(client, board, query)
    html = response.content.decode()
    assert explanation in html
    assert "There is a problem" in html
    assert titles(response) == ["Still listed"]


@pytest.mark.parametrize(
    "query",
    [
        "?page=abc",
        "?page=999",
        "?activity=",
        "?activity=" + "y" * 300,
        "?room=nonsense",
        "?town=%00",
        "?radius=25&radius=50",
        "?start=9999-99-99",
        "?when=range&start=0001-01-01&end=9999-12-31",
        "?when=range&start=2199-12-31&end=2199-12-31",
        "?activity=%00",
        "?activity=a%00b&activity=walk",
        "?activity=%E2%80%AE",
        "?when[]=week",
    ],
)
def test_odd_query_strings_never_break_the_board(client, board, member, organiser, query):
    make_call(organiser=organiser, title="Still here")
    client.force_login(member)
    response = client.get(board_url(board) + query)
    assert response.status_code == 200
    assert (
        response["Cache-Control"] == "private, no-store" or "no-store" in response["Cache-Control"]
    )


def test_a_long_query_string_adds_no_more_activities_than_a_search_uses(
    client, board, member, organiser
):
    make_call(organiser=organiser, title="Walk", activities=["walk"])
    client.force_login(member)
    query = "?" + "&".join(f"activity=made-up-{n}" for n in range(300))
    html = listed(client, board, query).content.decode()
    assert html.count('name="activity"') == len(board.activity_suggestions) + 10
    assert 'value="made-up-9"' in html and 'value="made-up-10"' not in html


def test_dates_beside_another_choice_of_when_are_explained(client, board, member, organiser):
    make_call(organiser=organiser, title="To be agreed", starts_at=None)
    client.force_login(member)
    response = listed(client, board, "?when=later&start=2030-01-01")
    assert titles(response) == ["To be agreed"]
    assert "The dates were left out: choose “Between two dates”" in response.content.decode()


def test_a_calls_activities_link_to_the_calls_with_that_activity(client, board, member, organiser):
    call = make_call(organiser=organiser, title="Walk", activities=["walk & talk"])
    make_call(organiser=organiser, title="Museum", activities=["museum"])
    client.force_login(member)
    link = f'href="{board_url(board)}?activity=walk%20%26%20talk"'
    assert link in listed(client, board).content.decode()
    detail = client.get(f"{board_url(board)}call/{call.pk}/").content.decode()
    assert link in detail
    assert titles(listed(client, board, "?activity=walk%20%26%20talk")) == ["Walk"]


def test_pages_keep_the_search(client, board, member, organiser, settings):
    settings.WAGTAIL_MEETINGS_PAGE_SIZE = 2
    for index in range(5):
        make_call(organiser=organiser, title=f"Coffee {index}", activities=["coffee"])
    make_call(organiser=organiser, title="A walk", activities=["walk"])
    client.force_login(member)
    response = listed(client, board, "?activity=coffee&page=1")
    html = response.content.decode()
    assert 'href="?activity=coffee&amp;page=2"' in html
    second = listed(client, board, "?activity=coffee&page=2")
    assert len(titles(second)) == 2
    assert all(title.startswith("Coffee") for title in titles(second))


def test_the_form_shows_what_was_searched(client, board, member):
    client.force_login(member)
    html = listed(
        client, board, "?town=Zeist&radius=10&when=later&room=1&sort=distance"
    ).content.decode()
    assert 'role="search"' in html
    assert 'method="get"' in html
    assert 'name="town" value="Zeist"' in html
    assert '<option value="10" selected>' in html
    assert 'value="later"' in html and 'id="id_when_4" checked' in html
    assert 'name="room" id="id_room" checked' in html
    assert "Reset the filters" in html


def test_the_filter_form_fields_are_labelled(client, board, member):
    client.force_login(member)
    html = listed(client, board).content.decode()
    for field_id, label in [
        ("id_town", "Near"),
        ("id_radius", "Distance"),
        ("id_start", "From"),
        ("id_end", "Until"),
        ("id_room", "Only calls that still have room"),
    ]:
        assert f'<label for="{field_id}">{label}' in html
    for legend in ("Order", "When", "For whom", "Activities"):
        assert f"<legend>{legend}" in html
    assert "Reset the filters" not in html


def test_search_is_read_once_with_the_boards_defaults(board, member, utrecht):
    from django.http import QueryDict

    board.default_radius = 50
    search = BoardSearch.from_query(QueryDict("activity=walk"), board=board, profile=None)
    assert search.values["radius"] == 50
    assert search.values["activity"] == ["walk"]
    assert search.values["audience"] == "mine"
    assert search.radius is None  # no town to measure from
    search = BoardSearch.from_query(QueryDict("radius="), board=board, profile=None)
    assert search.values["radius"] is None


# Town suggestions for the town fields (an enhancement)


def test_town_suggestions_largest_first(client, board, member):
    client.force_login(member)
    response = client.get(board_url(board, "towns") + "?q=den h")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    towns = response.json()["towns"]
    assert towns[0] == "Den Haag (Zuid-Holland)"
    assert "Den Helder (Noord-Holland)" in towns
    assert len(towns) <= 10
    assert client.get(board_url(board, "towns") + "?q='s-gravenh").json()["towns"][0] == (
        "Den Haag (Zuid-Holland)"
    )
    assert client.get(board_url(board, "towns") + "?q=u").json() == {"towns": []}
    assert client.get(board_url(board, "towns")).json() == {"towns": []}
    assert "private" in response["Cache-Control"]


def test_town_suggestions_are_for_members_only(client, board, outsider):
    response = client.get(board_url(board, "towns") + "?q=utr")
    assert response.status_code == 302
    client.force_login(outsider)
    assert client.get(board_url(board, "towns") + "?q=utr").status_code == 403


@pytest.mark.parametrize("route", ["list", "post", "profile"])
def test_town_fields_offer_suggestions(client, board, member, route):
    client.force_login(member)
    html = client.get(board_url(board, route)).content.decode()
    assert f'data-meetings-towns="{board_url(board, "towns")}"' in html


# The number of queries does not grow with the data


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?town=Utrecht&radius=50&sort=distance",
        "?activity=walk&activity=coffee&room=1&when=month",
    ],
)
def test_board_queries_do_not_grow_with_calls(client, board, home_in_utrecht, query):
    client.force_login(home_in_utrecht)
    places = list(Place.objects.filter(name__in=["Utrecht", "Zeist", "Amersfoort", "Houten"]))
    make_call(title="First", place=places[0], activities=["walk"])
    few = count_queries(client, board_url(board) + query)
    for index in range(12):
        call = make_call(
            title=f"Walk {index}",
            place=places[index % len(places)],
            activities=["walk", f"t{index}"],
        )
        register(call, make_member(f"guest-{index}"), status="accepted")
    assert Call.objects.count() == 13
    assert count_queries(client, board_url(board) + query) == few
