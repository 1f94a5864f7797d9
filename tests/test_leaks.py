"""Nothing leaks (design §3, guarantee 2).

Calls, members' names, places, meeting points and notes never show up in the
site search, the sitemap, the Wagtail API or a preview of the board page, for
anonymous visitors and logged-in non-members alike.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from wagtail.search.index import Indexed

from example_site.home.models import StandardPage
from wagtail_meetings.models import Call, MemberProfile, Place, Registration

from .utils import board_url, make_call, make_member, register

pytestmark = pytest.mark.django_db

TITLE = "Zilverreigerwandeling langs de Vecht"
DESCRIPTION = "Rustig tempo, onderweg koffie bij de molen Oudaen."
MEETING_POINT = "Bij de trappen van het Stadskasteel Oudaen"
ORGANISER_NAME = "Ottoline"
ACCEPTED_NAME = "Annegreet"
PENDING_NAME = "Pleuntje"
NOTE = "Ik heb last van drukte, mag ik achteraan lopen"
TOWN = "Maarssen"


@pytest.fixture
def secrets(board):
    town = Place.objects.get(name=TOWN)
    organiser = make_member("otto2", ORGANISER_NAME)
    call = make_call(
        organiser=organiser,
        title=TITLE,
        description=DESCRIPTION,
        meeting_point=MEETING_POINT,
        place=town,
    )
    register(call, make_member("annegreet", ACCEPTED_NAME), status="accepted", note=NOTE)
    register(call, make_member("pleuntje", PENDING_NAME), status="pending", note=NOTE + " ook")
    return call


# Each value, and a distinctive word of it for search queries.
SECRET_VALUES = [
    TITLE,
    DESCRIPTION,
    MEETING_POINT,
    ORGANISER_NAME,
    ACCEPTED_NAME,
    PENDING_NAME,
    NOTE,
]
SEARCH_TERMS = [
    "Zilverreigerwandeling",
    "Oudaen",
    "Stadskasteel",
    ORGANISER_NAME,
    ACCEPTED_NAME,
    PENDING_NAME,
    "drukte",
    TOWN,
]


def assert_no_secrets(content, call=None, allow=()):
    for value in SECRET_VALUES:
        if value in allow:
            continue
        assert value not in content
        assert escape(value) not in content
    if call is not None:
        assert f"/call/{call.pk}/" not in content


@pytest.fixture(params=["anonymous", "non-member"])
def visitor(request, outsider):
    client = Client()
    if request.param == "non-member":
        client.force_login(outsider)
    return client


def test_the_fixture_call_is_on_the_board_for_members(board, secrets, member):
    # The control: members do see what the others must not see.
    client = Client()
    client.force_login(member)
    content = client.get(board_url(board)).content.decode()
    assert TITLE in content
    assert TOWN in content


def test_member_content_is_not_indexed():
    for model in (Call, Registration, MemberProfile):
        assert not issubclass(model, Indexed), model


@pytest.mark.parametrize("term", SEARCH_TERMS)
def test_search_finds_nothing_of_the_board(visitor, secrets, term):
    response = visitor.get("/search/", {"q": term})
    assert response.status_code == 200
    assert response.context["search_results"].paginator.count == 0
    content = response.content.decode()
    assert "No pages found" in content
    assert 'class="search-results"' not in content
    # The query is repeated back to the visitor; nothing else of the call is there.
    assert_no_secrets(content, secrets, allow=[v for v in SECRET_VALUES if term in v])


def test_search_still_finds_ordinary_pages(visitor, home, secrets):
    home.add_child(
        instance=StandardPage(title="Wandelgids", slug="wandelgids", body="<p>Routes</p>")
    )
    response = visitor.get("/search/", {"q": "Wandelgids"})
    assert response.context["search_results"].paginator.count == 1
    content = response.content.decode()
    assert "/wandelgids/" in content
    assert_no_secrets(content, secrets)


def test_search_for_the_board_shows_no_calls(visitor, board, secrets):
    response = visitor.get("/search/", {"q": board.title})
    assert response.status_code == 200
    assert_no_secrets(response.content.decode(), secrets)


def test_sitemap_lists_neither_the_board_nor_calls(visitor, board, secrets):
    response = visitor.get("/sitemap.xml")
    assert response.status_code == 200
    content = response.content.decode()
    # Ordinary pages are there: the members area around the board.
    assert board.get_parent().full_url in content
    assert board.full_url not in content
    assert "/members/board/" not in content
    assert_no_secrets(content, secrets)
    assert TOWN not in content


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"fields": "*"},
        {"type": "wagtail_meetings.MeetingsBoardPage", "fields": "*"},
        {"search": "Zilverreigerwandeling"},
        {"search": TOWN},
        {"search": ORGANISER_NAME},
    ],
)
def test_api_listing_has_no_member_content(visitor, board, secrets, query):
    response = visitor.get("/api/v2/pages/", query)
    assert response.status_code == 200
    content = response.content.decode()
    data = json.loads(content)
    assert "items" in data
    assert_no_secrets(content, secrets)
    assert TOWN not in content
    assert MEETING_POINT not in json.dumps(data, ensure_ascii=False)


def test_api_listing_works_for_ordinary_pages(visitor, board, secrets):
    data = visitor.get("/api/v2/pages/").json()
    titles = {item["title"] for item in data["items"]}
    assert "Home" in titles


@pytest.mark.parametrize("fields", [None, "*"])
def test_api_detail_of_the_board_has_no_member_content(visitor, board, secrets, fields):
    query = {"fields": fields} if fields else {}
    response = visitor.get(f"/api/v2/pages/{board.pk}/", query)
    assert response.status_code == 200
    content = response.content.decode()
    data = json.loads(content)
    assert data["id"] == board.pk
    assert_no_secrets(content, secrets)
    assert TOWN not in content


def test_api_find_of_a_call_url_gives_nothing_of_the_call(visitor, board, secrets):
    path = board_url(board, "call", secrets.pk)
    response = visitor.get("/api/v2/pages/find/", {"html_path": path}, follow=True)
    content = response.content.decode()
    assert response.status_code in (200, 404)
    assert_no_secrets(content, secrets)
    assert TOWN not in content


def test_board_preview_shows_no_calls(board, secrets):
    response = board.make_preview_request()
    content = response.content.decode()
    assert response.status_code == 200
    # The editor's own texts are previewed ...
    assert "Meet other members." in content
    assert "Be kind. Meet in public places." in content
    # ... the members' calls never.
    assert_no_secrets(content, secrets)
    assert "private" in response.get("Cache-Control", "")


def test_admin_draft_preview_shows_no_calls(client, editor, board, secrets):
    board.save_revision(user=editor)
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[board.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Meet other members." in content
    assert_no_secrets(content, secrets)


def test_admin_page_editor_shows_no_calls(client, editor, board, secrets):
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[board.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert board.title in content
    assert_no_secrets(content, secrets)


@pytest.mark.parametrize("route", ["list", "mine"])
def test_board_routes_show_nothing_to_visitors(visitor, board, secrets, route):
    response = visitor.get(board_url(board, route))
    assert response.status_code in (302, 403)
    assert_no_secrets(response.content.decode(), secrets)
    assert "no-store" in response["Cache-Control"]
