"""The public-place guard: the call form refuses a meeting at someone's home.

A guard, not a guarantee (the report flow stays the safety net): these tests pin
what it refuses and, as much, what it must let through, in Dutch and in English.
"""

import pytest

from example_site.home.management.commands.seed_demo import CALLS
from wagtail_meetings import guard
from wagtail_meetings.forms import CallForm
from wagtail_meetings.models import Call

from .test_calls import (
    assert_form_error,
    error_summary,
    input_value,
    is_checked,
    text,
    textarea_value,
)
from .utils import board_url, call_form_data, make_call

pytestmark = pytest.mark.django_db

HOME_MESSAGE = (
    "Meetings always take place in a neutral, public place, such as a café, a park or a "
    "museum — never at someone’s home. Please choose a public meeting point."
)
ADDRESS_MESSAGE = "This looks like a street address."
TITLE_MESSAGE = "Your title reads as if the meeting is at someone’s home."

# (meeting point, why it is refused)
REFUSED_MEETING_POINTS = [
    ("Thuis", "home"),
    ("bij mij thuis", "home"),
    ("Bij mij", "home"),
    ("Koffie bij ons", "home"),
    ("Bij ons thuis, de bel doet het niet", "home"),
    ("Bij haar thuis", "home"),
    ("bij hem thuis in Zeist", "home"),
    ("Mijn huis", "home"),
    ("m’n huis, 2e verdieping", "home"),
    ("MIJN ADRES staat in het bericht", "home"),
    ("Mijn appartement aan de Oudegracht", "home"),
    ("Bij mij in de straat, bij het bankje", "home"),
    ("Ons huis", "home"),
    ("Mijn woning", "home"),
    ("Thuis, bij de voordeur", "home"),
    ("At my place", "home"),
    ("my home", "home"),
    ("My house, ring twice", "home"),
    ("At home", "home"),
    ("Our place on the corner", "home"),
    ("My flat above the bakery", "home"),
    ("My address (I'll send it)", "home"),
    # A bare "home", a home address, a doorstep.
    ("Home", "home"),
    ("home, ring twice", "home"),
    ("Mijn huisadres", "home"),
    ("Huisadres volgt", "home"),
    ("Thuisadres", "home"),
    ("My home address", "home"),
    ("Home address (I'll send it)", "home"),
    ("Bij mij op de stoep", "home"),
    ("Op onze stoep", "home"),
    ("In mijn straat, bij de lantaarnpaal", "home"),
    ("On my doorstep", "home"),
    ("In our street, by the postbox", "home"),
    ("Kerkstraat 12", "address"),
    ("Oudegracht 45-bis", "address"),
    ("Lange Nieuwstraat 3a", "address"),
    ("Kerkstraat 12 hs", "address"),
    ("1e Jan Steenstraat 5-2 hoog", "address"),
    ("Kerkstraat nr. 12", "address"),
    ("Bij Kerkstraat 12", "address"),
    ("Adres: Kerkstraat 12", "address"),
    ("Kerkstraat 12, 3511 AB Utrecht", "address"),
    ("Kerkstraat 12, Utrecht", "address"),
    ("Kerkstraat 12 Utrecht", "address"),
    ("Familie Jansen, Kerkstraat 12", "address"),
    ("Achter de Kerk 5", "address"),
    ("Sarphatipark 12", "address"),
    ("12 Baker Street", "address"),
    ("221B Baker Street, London", "address"),
    ("10 Downing St", "address"),
    # An address and only a number: the venue's name is missing.
    ("Stationsplein 1", "address"),
    ("Museumplein 6", "address"),
    # Brackets and semicolons separate as a comma does.
    ("Kerkstraat 12 (achterom)", "address"),
    ("Kerkstraat 12 (Zeist)", "address"),
    ("Kerkstraat 12; achterom", "address"),
    ("12 Baker Street (London)", "address"),
    # A door, a bell or a floor after an address.
    ("Kerkstraat 12 achterom", "address"),
    ("Kerkstraat 12 voordeur", "address"),
    ("Kerkstraat 12, bij de blauwe deur", "address"),
    ("Hoofdstraat 5 2e verdieping", "address"),
    ("Hoofdstraat 5, 3e etage, de trap op", "address"),
    ("Dorpsstraat 7, bel 2x", "address"),
    ("Dorpsstraat 7 (bel aan bij Jansen)", "address"),
    ("12 Baker Street, 2nd floor", "address"),
    ("12 Baker Street (back door)", "address"),
    ("12 Baker Street, ring the bell twice", "address"),
    ("221B Baker Street, front door", "address"),
    ("Kerkstraat 12 2hoog", "address"),
    # A door, a bell or a floor before the address.
    ("Flat 2, 10 High Street", "address"),
    ("Apartment 4B, 12 Baker Street", "address"),
    ("Apt 4B, 10 High Street", "address"),
    ("Flat 2 10 High Street", "address"),
    ("Appartement 3, Kerkstraat 12", "address"),
    ("3e verdieping, Kerkstraat 12", "address"),
    ("Kerkstraat 12 3hoog achter", "address"),
    ("Kerkstraat 12, zolder", "address"),
    # Rooms of a home, and someone else's.
    ("In mijn woonkamer", "home"),
    ("Onze keuken", "home"),
    ("My kitchen", "home"),
    ("Ten huize van Jansen", "home"),
]

ACCEPTED_MEETING_POINTS = [
    "Café De Zaak, Kerkstraat 12",
    "Café De Zaak Kerkstraat 12",
    "Ingang Centraal Museum, Agnietenstraat 1",
    "Thuishaven café",
    "Museum Het Valkhof",
    "Koffiehuis De Zon",
    "Bij het Blauwe Theehuis in het Vondelpark",
    "Café Thuis aan de Markt",
    "Voel je thuis in de bibliotheek: bij de leestafel",
    "Thuisbezorgd-fietsenstalling bij station Utrecht",
    "Bij mij in de buurt: de ingang van het Wilhelminapark",
    "Bij de muziekkoepel in het Wilhelminapark",
    "Café at platform 5",
    "Perron 5 van station Utrecht Centraal",
    "Bij de 3 eiken in het park",
    "Plein 1944, bij de fontein",
    "Main entrance of the Rijksmuseum",
    "Museum, 12 Park Lane",
    "The café at 12 Baker Street",
    "Feel at home in the library's reading room",
    "In front of the Domkerk",
    "De kerk van Sint-Jan, hoofdingang",
    "Bij de Koppelpoort, aan de kant van de stad",
    "Stationsplein, bij de fietsenstalling",
    # A venue's name with an address, also with brackets, a door or a floor.
    "Rijksmuseum, Museumstraat 1",
    "Centraal Station, Stationsplein 1",
    "Van Gogh Museum, Museumplein 6",
    "Café De Zaak (Kerkstraat 12)",
    "Kerkstraat 12 (Café De Zaak)",
    "Plein 1944 (bij de fontein)",
    "Bij de 3 eiken (in het park)",
    "Café De Zaak, Kerkstraat 12, 1e verdieping",
    "Bibliotheek, Kerkstraat 12 (achteringang)",
    "Rijksmuseum, Museumstraat 1, bij de voordeur",
    "The café at 12 Baker Street, first floor",
    "Museum, 12 Park Lane (back door)",
    # A door, a bell or a floor without an address.
    "Op de 2e verdieping van de bibliotheek",
    "Bij de bel van het stadhuis",
    "Door de poort van de Domkerk",
    "The first floor of the library, by the lifts",
    # Words that contain or sound like a home without being one.
    "Thuishaven",
    "koffiehuis",
    "Het Huis van de Buurt",
    "Café Home",
    "Home of the Rijksmuseum, main entrance",
    "Walking home from the station",
    "In the home town of Rembrandt",
    "The lobby of the care home",
    "Bij ons in de buurt: de stoep voor het stadhuis",
    "Mijn straat",
    "Bij ons in het buurthuis",
    "Stationsplein 12, bij de kiosk",
    "Bibliotheek, 1e verdieping, Kerkstraat 12",
    "The library, first floor, 12 Park Lane",
    # A pub's bell, a shop's floor: not a home's.
    "The Bell, 10 High Street",
    "The Ring O Bells, 5 Church Street",
    "Upstairs at The Crown, 3 Market Place",
    "Ground floor, Argos, 5 King Street",
    "Costa Coffee, first floor, 12 High Street",
    "Leisure centre, ground floor, 1 Station Road",
    # A room's name beside a public place.
    "Ten huize van Café De Zaak",
    "My kitchen table book club at the library",
]


@pytest.mark.parametrize(("meeting_point", "problem"), REFUSED_MEETING_POINTS)
def test_a_meeting_point_that_reads_as_a_home_is_refused(meeting_point, problem):
    assert guard.meeting_point_problem(meeting_point, towns=["Utrecht"]) == problem


@pytest.mark.parametrize("meeting_point", ACCEPTED_MEETING_POINTS)
def test_a_public_meeting_point_is_accepted(meeting_point):
    assert guard.meeting_point_problem(meeting_point, towns=["Utrecht"]) is None


REFUSED_TITLES = [
    "Koffie bij mij thuis",
    "Spelletjesmiddag bij ons",
    "Soep eten in mijn huis",
    "Tea at my place",
    "Board games at our house",
    "Knutselen in mijn appartement",
    "Koffie op mijn huisadres",
    "Borrel op onze stoep",
    "Drinks on my doorstep",
    "Barbecue in our street",
]

ACCEPTED_TITLES = [
    "Recepten uit mijn keuken delen",
    "My kitchen garden: swap seeds",
    "Ten huize van Chopin: concertbezoek",
    "Onze woonkamer-gesprekken in de bieb",
    "Ik ben te veel thuis: wie gaat mee naar buiten?",
    "Sluit je bij mij aan voor een wandeling",
    "Wandelen bij ons in de buurt",
    "Feel at home in the museum",
    "A walk in my home town",
    "Koffie in het Thuishaven café",
    "Rondje Wilhelminapark",
    # A bare "home" is an everyday word, and does not count in a title.
    "Walk home together after work",
    "Home-made cake at the market",
    "Samen naar het Huis van de Buurt",
]


@pytest.mark.parametrize("title", REFUSED_TITLES)
def test_a_title_that_reads_as_a_home_is_refused(title):
    assert guard.title_reads_as_home(title)


@pytest.mark.parametrize("title", ACCEPTED_TITLES)
def test_an_ordinary_title_is_accepted(title):
    assert not guard.title_reads_as_home(title)


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Café  Thuis!", "cafe thuis"),
        ("M’n HUIS", "mn huis"),
        ("Oudegracht 45-bis", "oudegracht 45 bis"),
        ("'s-Hertogenbosch", "s hertogenbosch"),
        ("Straße", "strasse"),
    ],
)
def test_texts_are_compared_folded(typed, folded):
    assert guard.fold(typed) == folded


@pytest.mark.parametrize("text", ["bel, " * 40, "Flat 2, " * 25 + "10 High Street"])
def test_the_address_check_reads_a_text_at_most_twice(text, monkeypatch):
    # Long texts of doors and flats cost no more than short ones: no search over parts.
    calls = []
    read = guard.street_address_words
    monkeypatch.setattr(guard, "street_address_words", lambda *a: calls.append(a) or read(*a))
    guard.meeting_point_problem(text[:200], towns=["Utrecht"])
    assert len(calls) <= 2


def test_a_semicolon_or_a_bracket_is_kept_as_a_comma_for_the_address_check():
    folded = guard.fold("Kerkstraat 12 (achterom); bel [2x],,", keep_commas=True)
    assert folded == "kerkstraat 12 , achterom , bel , 2x"


def test_a_town_without_a_comma_counts_only_when_it_is_the_calls_town():
    assert guard.looks_like_address("Kerkstraat 12 Utrecht", towns=["Utrecht"])
    assert not guard.looks_like_address("Kerkstraat 12 Utrecht")
    assert guard.looks_like_address("Kerkstraat 12, Utrecht")


def test_every_demo_call_passes_the_guard():
    for spec in CALLS:
        assert guard.meeting_point_problem(spec["meeting_point"], towns=[spec["town"]]) is None
        assert not guard.title_reads_as_home(spec["title"])


# --- the editors' own words -------------------------------------------------------------


def test_editors_add_words_on_the_board(board):
    board.extra_home_words = "bij de buren\n\n  Ons Erf  \nthuis"
    board.save()
    assert board.home_words == ["bij de buren", "Ons Erf", "thuis"]
    words = board.home_words
    assert guard.meeting_point_problem("Koffie bij de buren", words) == "home"
    assert guard.meeting_point_problem("Op ons erf, achter de schuur", words) == "home"
    assert guard.title_reads_as_home("Barbecue op ons erf", words)
    # An everyday word the editors list counts everywhere, venue or not.
    assert guard.meeting_point_problem("Café Thuis", words) == "home"
    assert guard.title_reads_as_home("Lekker thuis", words)
    # Without the editors' words these are fine.
    assert guard.meeting_point_problem("Koffie bij de buren") is None
    assert guard.meeting_point_problem("Café Thuis") is None


def test_the_board_offers_the_word_list_in_a_safety_panel(board):
    from wagtail_meetings.models import MeetingsBoardPage

    panels = {
        str(panel.heading): [child.field_name for child in panel.children]
        for panel in MeetingsBoardPage.content_panels
        if hasattr(panel, "children")
    }
    assert "extra_home_words" in panels["Safety"]
    assert "safety_tips" in panels["Safety"]


def form_for(data, **kwargs):
    return CallForm(call_form_data(**data), suggested_activities=["coffee"], **kwargs)


def test_the_form_refuses_with_a_kind_message_and_a_code():
    form = form_for({"meeting_point": "Bij mij thuis"})
    assert not form.is_valid()
    assert form.errors["meeting_point"] == [HOME_MESSAGE]
    assert form.has_error("meeting_point", code="home_meeting_point")

    form = form_for({"meeting_point": "Kerkstraat 12"})
    assert not form.is_valid()
    assert form.has_error("meeting_point", code="address_meeting_point")
    assert "Café De Zaak, Kerkstraat 12" in form.errors["meeting_point"][0]

    form = form_for({"title": "Koffie bij mij thuis"})
    assert not form.is_valid()
    assert form.has_error("title", code="home_title")
    assert "meeting_point" not in form.errors


@pytest.mark.parametrize(
    "meeting_point", ["Stationsplein 1", "Museumplein 6", "Kerkstraat 12 (achterom)"]
)
def test_the_address_message_suggests_adding_the_venues_name(meeting_point):
    form = form_for({"meeting_point": meeting_point})
    assert not form.is_valid()
    assert form.has_error("meeting_point", code="address_meeting_point")
    assert "add its name" in form.errors["meeting_point"][0]


@pytest.mark.parametrize(
    ("meeting_point", "code"),
    [
        ("Hoofdstraat 5 2e verdieping", "address_meeting_point"),
        ("Dorpsstraat 7, bel 2x", "address_meeting_point"),
        ("Mijn huisadres", "home_meeting_point"),
        ("home", "home_meeting_point"),
    ],
)
def test_the_form_refuses_a_door_a_floor_or_a_home_address(meeting_point, code):
    form = form_for({"meeting_point": meeting_point})
    assert not form.is_valid()
    assert form.has_error("meeting_point", code=code)


def test_the_form_uses_the_editors_words():
    data = {"meeting_point": "Bij de buren"}
    assert form_for(data).is_valid()
    form = form_for(data, home_words=["bij de buren"])
    assert not form.is_valid()
    assert form.has_error("meeting_point", code="home_meeting_point")


def test_the_description_is_not_guarded():
    form = form_for({"description": "Ik zit veel thuis, in mijn huis, en wil graag naar buiten."})
    assert form.is_valid(), form.errors


def test_the_calls_town_counts_as_part_of_an_address():
    assert not form_for({"meeting_point": "Kerkstraat 12 Utrecht", "place": "Utrecht"}).is_valid()
    assert form_for({"meeting_point": "Kerkstraat 12 Amersfoort", "place": "Utrecht"}).is_valid()


# --- through the posting, editing and organising-again pages --------------------------


@pytest.fixture
def as_member(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def as_organiser(client, organiser):
    client.force_login(organiser)
    return client


def assert_nothing_lost(page, data):
    for name in ["title", "meeting_point", "other_activities", "recognition", "place"]:
        assert (input_value(page, name) or "") == data.get(name, ""), name
    assert textarea_value(page, "description") == data["description"]
    assert is_checked(page, "activities", "coffee")


@pytest.mark.parametrize(
    ("meeting_point", "message"),
    [
        ("Bij mij thuis, derde verdieping", HOME_MESSAGE),
        ("At my place", HOME_MESSAGE),
        ("Kerkstraat 12", ADDRESS_MESSAGE),
        ("12 Baker Street", ADDRESS_MESSAGE),
    ],
)
def test_posting_a_home_meeting_point_is_refused_and_nothing_is_lost(
    as_member, board, meeting_point, message
):
    data = call_form_data(
        meeting_point=meeting_point,
        description="Something to keep.\nTwo lines.",
        other_activities="chess",
        recognition="A yellow scarf",
    )
    response = as_member.post(board_url(board, "post"), data)
    page = assert_form_error(response, "meeting_point", message)
    assert not Call.objects.exists()
    assert_nothing_lost(page, data)
    assert "Tell someone where you go." in page  # the safety tips stay beside the form


def test_posting_a_home_title_is_refused(as_member, board):
    data = call_form_data(title="Koffie bij mij thuis")
    response = as_member.post(board_url(board, "post"), data)
    page = assert_form_error(response, "title", TITLE_MESSAGE)
    assert input_value(page, "title") == "Koffie bij mij thuis"
    assert not Call.objects.exists()


def test_posting_with_the_editors_words(as_member, board):
    board.extra_home_words = "bij de buren"
    board.save()
    response = as_member.post(
        board_url(board, "post"), call_form_data(meeting_point="Bij de buren, Utrecht")
    )
    assert_form_error(response, "meeting_point", HOME_MESSAGE)
    assert not Call.objects.exists()


def test_posting_a_public_place_with_a_street_address_works(as_member, board):
    response = as_member.post(
        board_url(board, "post"), call_form_data(meeting_point="Café De Zaak, Kerkstraat 12")
    )
    assert response.status_code == 302, error_summary(text(response))
    assert Call.objects.get().meeting_point == "Café De Zaak, Kerkstraat 12"


@pytest.fixture
def own_call(organiser, utrecht):
    return make_call(
        organiser=organiser, place=utrecht, title="Walk along the canal", meeting_point="Dom tower"
    )


def edit_form_data(call, **overrides):
    data = {
        "title": call.title,
        "description": call.description,
        "activities": ["coffee", "walk"],
        "meeting_point": call.meeting_point,
    }
    return call_form_data(**{**data, **overrides})


def test_editing_to_a_home_meeting_point_is_refused_and_nothing_is_lost(
    as_organiser, board, own_call
):
    data = edit_form_data(own_call, meeting_point="Mijn huis", recognition="Green coat")
    response = as_organiser.post(board_url(board, "edit", own_call.pk), data)
    page = assert_form_error(response, "meeting_point", HOME_MESSAGE)
    assert input_value(page, "meeting_point") == "Mijn huis"
    assert input_value(page, "recognition") == "Green coat"
    assert textarea_value(page, "description") == own_call.description
    assert Call.objects.get(pk=own_call.pk).meeting_point == "Dom tower"


def test_editing_to_a_home_title_is_refused(as_organiser, board, own_call):
    data = edit_form_data(own_call, title="Thee drinken bij ons thuis")
    response = as_organiser.post(board_url(board, "edit", own_call.pk), data)
    assert_form_error(response, "title", TITLE_MESSAGE)
    assert Call.objects.get(pk=own_call.pk).title == "Walk along the canal"


def test_organising_again_at_a_home_is_refused(as_organiser, board, own_call):
    data = edit_form_data(own_call, meeting_point="Lange Nieuwstraat 3a")
    response = as_organiser.post(board_url(board, "again", own_call.pk), data)
    page = assert_form_error(response, "meeting_point", ADDRESS_MESSAGE)
    assert input_value(page, "meeting_point") == "Lange Nieuwstraat 3a"
    assert Call.objects.count() == 1


# --- the editors' safety tips beside every call form and on every call page -------------

SAFETY_TIPS = "Tell someone where you go."


@pytest.mark.parametrize("route", ["post", "edit", "again"])
def test_the_safety_tips_are_beside_every_call_form(as_organiser, board, own_call, route):
    url = board_url(board, route) if route == "post" else board_url(board, route, own_call.pk)
    page = text(as_organiser.get(url))
    assert SAFETY_TIPS in page
    assert 'class="meetings-safety"' in page
    # Also when the form comes back with a problem.
    page = text(as_organiser.post(url, edit_form_data(own_call, title="")))
    assert error_summary(page) is not None
    assert SAFETY_TIPS in page


@pytest.mark.parametrize(
    "status", ["organiser", "accepted", "pending", "declined", "withdrawn", "stranger"]
)
def test_the_safety_tips_are_on_every_call_page(client, board, own_call, organiser, status):
    from .utils import make_member, register

    if status == "organiser":
        viewer = organiser
    else:
        viewer = make_member("viewer", "Vera")
        if status != "stranger":
            register(own_call, viewer, status=status)
    client.force_login(viewer)
    page = text(client.get(board_url(board, "call", own_call.pk)))
    assert SAFETY_TIPS in page
    assert 'class="meetings-safety"' in page


@pytest.mark.parametrize("state", ["cancelled", "closed", "full", "past", "to be agreed"])
def test_the_safety_tips_are_on_a_call_page_in_every_state(client, board, member, organiser, state):
    import datetime

    from django.utils import timezone

    fields = {"status": state} if state in ("cancelled", "closed", "full") else {}
    if state == "past":
        fields["starts_at"] = timezone.now() - datetime.timedelta(days=1)
    if state == "to be agreed":
        fields["starts_at"] = None
    call = make_call(organiser=organiser, **fields)
    client.force_login(member)
    assert SAFETY_TIPS in text(client.get(board_url(board, "call", call.pk)))
