"""Nothing leaks (design §3, guarantee 2).

Calls, members' names, places, meeting points and notes never show up in the
site search, the sitemap, the Wagtail API or a preview of the board page, for
anonymous visitors and logged-in non-members alike.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.utils.html import escape
from wagtail.models import PageViewRestriction
from wagtail.search.index import Indexed

from example_site.home.models import StandardPage
from wagtail_meetings.messaging import start_direct
from wagtail_meetings.models import (
    Call,
    ConversationMember,
    InboxPage,
    MeetingsBoardPage,
    MemberProfile,
    Message,
    Place,
    Registration,
)

from .utils import board_url, inbox_url, make_call, make_member, page_routes, register

pytestmark = pytest.mark.django_db

TITLE = "Zilverreigerwandeling langs de Vecht"
DESCRIPTION = "Rustig tempo, onderweg koffie bij de molen Oudaen."
MEETING_POINT = "Bij de trappen van het Stadskasteel Oudaen"
ORGANISER_NAME = "Ottoline"
ACCEPTED_NAME = "Annegreet"
PENDING_NAME = "Pleuntje"
NOTE = "Ik heb last van drukte, mag ik achteraan lopen"
TOWN = "Maarssen"
MESSAGE = "Zullen we na afloop nog samen naar het Kasteelpark Zuylenhof fietsen?"


@pytest.fixture
def secrets(board, inbox):
    town = Place.objects.get(name=TOWN)
    organiser = make_member("otto2", ORGANISER_NAME)
    call = make_call(
        organiser=organiser,
        title=TITLE,
        description=DESCRIPTION,
        meeting_point=MEETING_POINT,
        place=town,
    )
    accepted = make_member("annegreet", ACCEPTED_NAME)
    register(call, accepted, status="accepted", note=NOTE)
    register(call, make_member("pleuntje", PENDING_NAME), status="pending", note=NOTE + " ook")
    start_direct(accepted, organiser, MESSAGE)
    # Whatever the search backend could index, it has indexed now.
    call_command("update_index", verbosity=0)
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
    MESSAGE,
]
SEARCH_TERMS = [
    TITLE,
    "Zilverreigerwandeling",
    "Oudaen",
    "Stadskasteel",
    ORGANISER_NAME,
    ACCEPTED_NAME,
    PENDING_NAME,
    "drukte",
    TOWN,
    "Zuylenhof",
    MESSAGE,
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


def test_no_model_of_the_app_but_its_pages_is_indexed():
    indexed = {
        model
        for model in apps.get_app_config("wagtail_meetings").get_models()
        if issubclass(model, Indexed)
    }
    assert indexed == {MeetingsBoardPage, InboxPage}
    # The pages are searched by Wagtail's own page fields only: not even the editors' texts.
    from wagtail.models import Page

    for page_class in indexed:
        fields = {field.field_name for field in page_class.search_fields}
        assert fields <= {field.field_name for field in Page.search_fields}, fields


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


def test_member_sees_the_message_the_others_must_not_see(inbox, secrets):
    # The control for the message text.
    client = Client()
    client.force_login(Registration.objects.get(member__username="annegreet").member)
    conversation_id = ConversationMember.objects.get(member=secrets.organiser).conversation_id
    content = client.get(inbox_url(inbox, "conversation", conversation_id)).content.decode()
    assert MESSAGE in content


# --------------------------------------------------------------------------
# Search: only live, public pages.
# --------------------------------------------------------------------------


@pytest.fixture
def closed_section(home, members_group):
    """A section behind Wagtail's page privacy, and a draft, each with a word of its own."""
    section = StandardPage(title="Besloten", slug="besloten", body="<p>Lotgenotenkring</p>")
    home.add_child(instance=section)
    restriction = PageViewRestriction.objects.create(page=section, restriction_type="groups")
    restriction.groups.add(Group.objects.create(name="Board of the association"))
    section.add_child(
        instance=StandardPage(title="Verslag", slug="verslag", body="<p>Ooievaarsnest</p>")
    )
    draft = StandardPage(title="Concept", slug="concept", body="<p>Kievitsbloem</p>", live=False)
    home.add_child(instance=draft)
    call_command("update_index", verbosity=0)
    return section


@pytest.mark.parametrize("term", ["Lotgenotenkring", "Ooievaarsnest", "Kievitsbloem"])
@pytest.mark.parametrize("who", ["anonymous", "non-member", "member"])
def test_search_finds_no_restricted_or_draft_page(closed_section, outsider, member, who, term):
    client = Client()
    if who != "anonymous":
        client.force_login(outsider if who == "non-member" else member)
    response = client.get("/search/", {"q": term})
    assert response.status_code == 200
    assert response.context["search_results"].paginator.count == 0
    assert "/besloten/" not in response.content.decode()


def test_search_finds_the_words_of_public_pages(closed_section, visitor, home):
    home.add_child(instance=StandardPage(title="Open", slug="open", body="<p>Zwanenbloem</p>"))
    call_command("update_index", verbosity=0)
    response = visitor.get("/search/", {"q": "Zwanenbloem"})
    assert response.context["search_results"].paginator.count == 1


def test_api_and_sitemap_leave_out_the_restricted_section(closed_section, visitor, secrets):
    listing = visitor.get("/api/v2/pages/", {"search": "Ooievaarsnest"}).content.decode()
    assert "Verslag" not in listing
    assert "Verslag" not in visitor.get("/api/v2/pages/").content.decode()
    assert "/besloten/" not in visitor.get("/sitemap.xml").content.decode()


# --------------------------------------------------------------------------
# The API: no fields of member data, nothing of the inbox either.
# --------------------------------------------------------------------------


@pytest.mark.parametrize("page_class", [MeetingsBoardPage, InboxPage])
def test_the_pages_have_no_api_fields(page_class):
    assert list(getattr(page_class, "api_fields", None) or []) == []


@pytest.mark.parametrize(
    "page_type", ["wagtail_meetings.MeetingsBoardPage", "wagtail_meetings.InboxPage"]
)
@pytest.mark.parametrize("search", [None, "Zuylenhof", ORGANISER_NAME, TOWN, TITLE])
def test_api_listing_by_type_has_no_member_content(visitor, secrets, page_type, search):
    query = {"type": page_type, "fields": "*"}
    if search:
        query["search"] = search
    response = visitor.get("/api/v2/pages/", query)
    assert response.status_code == 200
    content = response.content.decode()
    assert_no_secrets(content, secrets)
    assert TOWN not in content
    for item in response.json()["items"]:
        assert set(item) <= {"id", "meta", "title"}, item


@pytest.mark.parametrize("fields", [None, "*"])
def test_api_detail_of_the_inbox_has_no_member_content(visitor, inbox, secrets, fields):
    query = {"fields": fields} if fields else {}
    response = visitor.get(f"/api/v2/pages/{inbox.pk}/", query)
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == inbox.pk
    assert set(data) <= {"id", "meta", "title"}, data
    assert_no_secrets(response.content.decode(), secrets)


# --------------------------------------------------------------------------
# Feeds, files and URLs.
# --------------------------------------------------------------------------


def all_url_patterns(resolver=None, prefix=""):
    """``(full route, name)`` of every URL pattern of the site, included ones too."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from all_url_patterns(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.name or ""


FEED_WORDS = re.compile(r"feed|rss|atom|\.ics|ical|icalendar|calendar|webcal", re.IGNORECASE)


def test_the_site_serves_no_feed():
    feeds = [
        (route, name)
        for route, name in all_url_patterns()
        if FEED_WORDS.search(route) or FEED_WORDS.search(name)
    ]
    assert feeds == []


def test_the_only_calendar_is_the_members_only_route_of_the_board():
    routes = [
        (page_class.__name__, name)
        for page_class in (MeetingsBoardPage, InboxPage)
        for name, _params in page_routes(page_class)
        if FEED_WORDS.search(name)
    ]
    assert routes == [("MeetingsBoardPage", "calendar")]


def test_the_calendar_route_is_gated(board, secrets, outsider):
    url = board_url(board, "calendar", secrets.pk)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    non_member = Client()
    non_member.force_login(outsider)
    response = non_member.get(url)
    assert response.status_code == 403
    assert "text/calendar" not in response["Content-Type"]
    assert_no_secrets(response.content.decode())


def test_no_model_of_the_app_refers_to_images_documents_or_files():
    for model in apps.get_app_config("wagtail_meetings").get_models():
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            if related is not None and not isinstance(related, str):
                assert related._meta.app_label not in ("wagtailimages", "wagtaildocs"), (
                    model,
                    field,
                )
            assert not isinstance(field, models.FileField), (model, field)


def test_no_form_of_the_app_takes_a_file():
    from django import forms as django_forms

    from wagtail_meetings import forms

    for name in dir(forms):
        form_class = getattr(forms, name)
        if isinstance(form_class, type) and issubclass(form_class, django_forms.BaseForm):
            for field_name, field in form_class.base_fields.items():
                assert not isinstance(field, django_forms.FileField), (name, field_name)


@pytest.mark.parametrize("page_class", [MeetingsBoardPage, InboxPage])
def test_every_route_takes_ids_only(page_class):
    for pattern in page_class.get_subpage_urls():
        converters = pattern.pattern.converters
        assert all(isinstance(c, IntConverter) for c in converters.values()), pattern
        assert all(name.endswith("_id") for name in converters), pattern
        # Apart from the ids, only the route's own fixed words.
        fixed = re.sub(r"<int:[a-z_]+>", "", str(pattern.pattern))
        assert re.fullmatch(r"[a-z/-]*", fixed), pattern


def test_no_model_of_the_app_has_a_slug():
    for model in apps.get_app_config("wagtail_meetings").get_models():
        own = [f for f in model._meta.get_fields() if getattr(f, "model", None) is model]
        assert not [f for f in own if isinstance(f, models.SlugField)], model


# --------------------------------------------------------------------------
# Page previews and Wagtail's page privacy.
# --------------------------------------------------------------------------


def test_inbox_preview_shows_no_messages(inbox, secrets):
    inbox.intro = "<p>Your messages to other members.</p>"
    inbox.save()
    response = inbox.make_preview_request()
    assert response.status_code == 200
    content = response.content.decode()
    assert "Your messages to other members." in content
    assert_no_secrets(content, secrets)
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("which", ["board", "inbox"])
def test_admin_preview_for_a_non_member_editor_shows_the_editors_texts_only(
    client, editor, board, inbox, secrets, which
):
    page = board if which == "board" else inbox
    page.intro = "<p>Written by the editors.</p>"
    page.save_revision(user=editor)
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Written by the editors." in content
    assert_no_secrets(content, secrets)
    assert TOWN not in content


@pytest.fixture
def section_circle(board, inbox, secrets):
    """Wagtail's page privacy on the section that holds the board and the inbox."""
    group = Group.objects.create(name="Members area")
    restriction = PageViewRestriction.objects.create(
        page=board.get_parent(), restriction_type="groups"
    )
    restriction.groups.add(group)
    return group


def test_page_privacy_on_the_section_still_applies(board, inbox, secrets, section_circle):
    member = Registration.objects.get(member__username="annegreet").member
    client = Client()
    client.force_login(member)
    for url in (board_url(board), board_url(board, "call", secrets.pk), inbox_url(inbox)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")
        assert_no_secrets(response.content.decode(), secrets)
    member.groups.add(section_circle)
    assert TITLE in client.get(board_url(board)).content.decode()
    assert client.get(inbox_url(inbox)).status_code == 200


# --------------------------------------------------------------------------
# Every route of both pages: private headers, and nothing for visitors.
# --------------------------------------------------------------------------

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def csp_directives(header):
    return {
        part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()
    }


def assert_private_headers(response):
    cache_control = response.get("Cache-Control", "")
    assert "private" in cache_control, cache_control
    assert "no-store" in cache_control, cache_control
    assert "noindex" in response.get("X-Robots-Tag", ""), response.headers
    assert csp_directives(response["Content-Security-Policy"]) == csp_directives(STRICT_CSP)
    # URLs hold ids and a member's own search; other sites do not get them as referrer.
    assert response["Referrer-Policy"] in ("same-origin", "no-referrer")


ALL_ROUTES = [
    (page, name, params)
    for page, page_class in (("board", MeetingsBoardPage), ("inbox", InboxPage))
    for name, params in page_routes(page_class)
]


def route_url_for(board, inbox, secrets, page, name, params):
    ids = {
        "call_id": secrets.pk,
        "registration_id": secrets.registrations.get(status="pending").pk,
        "conversation_id": ConversationMember.objects.get(member=secrets.organiser).conversation_id,
        "member_id": secrets.organiser_id,
    }
    ids["message_id"] = (
        Message.objects.filter(conversation_id=ids["conversation_id"])
        .values_list("pk", flat=True)
        .first()
        or 1
    )
    # A moderator's notice that is nobody's: the member gets a 404 like any other.
    ids["notice_id"] = 1
    args = [ids[param] for param in params]
    return board_url(board, name, *args) if page == "board" else inbox_url(inbox, name, *args)


class HrefCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for attr, value in attrs:
            if attr in ("href", "action", "src") and value:
                self.urls.append(value)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("who", ["anonymous", "non-member", "member"])
@pytest.mark.parametrize(
    ("page", "name", "params"),
    [pytest.param(*route, id=f"{route[0]}-{route[1]}") for route in ALL_ROUTES],
)
def test_every_route_is_private(board, inbox, secrets, outsider, who, method, page, name, params):
    client = Client()
    if who == "non-member":
        client.force_login(outsider)
    elif who == "member":
        client.force_login(Registration.objects.get(member__username="annegreet").member)
    url = route_url_for(board, inbox, secrets, page, name, params)
    response = getattr(client, method)(url)
    assert response.status_code in (200, 302, 403, 404, 405, 429), response.status_code
    assert_private_headers(response)
    content = response.content.decode()
    if who != "member":
        assert response.status_code == (302 if who == "anonymous" else 403)
        # (The page repeats the visitor's own URL, ids and all, in its links.)
        assert_no_secrets(content)
        assert TOWN not in content
        return
    # The member's own pages link to ids and fixed words only.
    collector = HrefCollector()
    collector.feed(content)
    for link in collector.urls:
        for secret in (TITLE, TOWN, MEETING_POINT, ORGANISER_NAME, ACCEPTED_NAME, "Zuylenhof"):
            assert secret not in link
            assert escape(secret) not in link


def test_every_route_is_covered():
    names = {(page, name) for page, name, _params in ALL_ROUTES}
    # A few we know, so that reading the routes cannot silently go empty.
    assert {("board", "list"), ("board", "call"), ("inbox", "conversation")} <= names
    assert len(names) >= 25
