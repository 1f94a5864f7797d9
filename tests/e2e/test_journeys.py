"""What members, non-members and the editor do on the demo site, as they would do it.

Pages are found by their Dutch labels, roles and visible texts; every journey keeps a
screenshot of its last screen in the artifacts folder.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from wagtail_meetings import rules
from wagtail_meetings.models import Call, Registration, RegistrationStatus

from .conftest import BOARD_PATH, fill_call_form, next_week, save_screenshot

pytestmark = [pytest.mark.e2e]


SIGNED_UP = "Je hebt je aangemeld. De organisator laat het je weten."


def log_in(page, username, path=BOARD_PATH):
    """Open ``path``, meet the login page, log in and come back to ``path``."""
    page.goto(path)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(f"demo-{username}")
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    # The URL changes before the page has its style sheets: the focus and layout checks
    # that follow need them.
    page.wait_for_load_state("load")


def body_text(page):
    return page.locator("body").inner_text()


def test_journey_1_only_members_get_in(demo, open_page):
    page = open_page()

    # Anonymous: the board sends the visitor to the login page, and back afterwards.
    page.goto(BOARD_PATH)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/leden/prikbord/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")

    # Logged in, but not a member: an explanation, and nothing of the board.
    page.get_by_label("Gebruikersnaam").fill("gast")
    page.get_by_label("Wachtwoord").fill("demo-gast")
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(re.escape(BOARD_PATH) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Alleen voor leden")
    expect(page.get_by_text("Het prikbord is alleen voor leden van de vereniging.")).to_be_visible()
    response = page.reload()
    assert response.status == 403

    text = body_text(page)
    titles = list(Call.objects.values_list("title", flat=True))
    assert len(titles) >= 20
    assert not [title for title in titles if title in text]
    assert "Oproepje plaatsen" not in text
    save_screenshot(page, "journey-1-not-a-member")


def test_journey_2_a_new_member_posts_a_call(demo, open_page, new_member):
    new_member("gijs")
    page = open_page()
    log_in(page, "gijs")
    expect(page.get_by_role("heading", level=1)).to_have_text("Prikbord")

    # The first call starts with the welcome step: a name, a role, the house rules.
    page.get_by_role("link", name="Oproepje plaatsen").first.click()
    expect(page).to_have_url(re.compile(r"/welcome/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Voordat je begint")
    expect(page.get_by_role("heading", name="Huisregels")).to_be_visible()
    page.get_by_label("Je naam op het prikbord").fill("Gijs")
    page.get_by_role("group", name="Ik doe mee als").get_by_label(
        "Naaste (iemand die dicht bij mij staat, heeft er een)"
    ).check()
    page.get_by_label("Ik heb de huisregels gelezen en ik houd me eraan.").check()
    page.get_by_role("button", name="Akkoord en verder").click()

    # Back where the member wanted to go: the call form.
    expect(page).to_have_url(re.compile(re.escape(demo.board_url("post")) + "$"))
    welcome = "Welkom! Je kunt nu oproepjes plaatsen en je aanmelden."
    expect(page.get_by_role("status").get_by_text(welcome)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oproepje plaatsen")
    fill_call_form(page, "Wandelen langs de Eem")
    page.get_by_role("button", name="Oproepje plaatsen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Wandelen langs de Eem")
    expect(page.get_by_text("Je oproepje staat op het prikbord.")).to_be_visible()
    expect(page.get_by_text("Georganiseerd door Gijs")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Amersfoort \(Utrecht\)$"))).to_be_visible()
    expect(page.get_by_text("Bij de Koppelpoort, aan de kant van de stad")).to_be_visible()
    call = Call.objects.get(title="Wandelen langs de Eem")
    assert call.organiser.username == "gijs"
    assert call.place.name == "Amersfoort"
    assert call.capacity == 3
    assert [tag.name for tag in call.activities.all()] == ["wandelen"]

    page.get_by_role("link", name="Alle oproepjes").click()
    expect(page.get_by_role("link", name="Wandelen langs de Eem")).to_be_visible()
    save_screenshot(page, "journey-2-call-on-the-board")


def test_journey_2_the_organiser_changes_the_call(demo, open_page):
    title = "Nog een keer het Wilhelminapark"
    call = demo.call(title)
    page = open_page()
    log_in(page, "anna")
    page.get_by_role("link", name="Mijn meetings").click()
    page.get_by_role("article", name=title).get_by_role("link", name=title).click()
    page.get_by_role("link", name="Dit oproepje aanpassen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Je oproepje aanpassen")

    # The form shows the date and time the call has, in Dutch too.
    starts_at = timezone.localtime(call.starts_at)
    expect(page.get_by_label("Datum", exact=True)).to_have_value(starts_at.date().isoformat())
    expect(page.get_by_label("Tijd", exact=True)).to_have_value(starts_at.strftime("%H:%M"))
    page.get_by_label("Hoeveel leden kunnen met je mee?").fill("5")
    page.get_by_role("button", name="Wijzigingen opslaan").click()

    expect(page.get_by_text("Je wijzigingen zijn opgeslagen.")).to_be_visible()
    taken = call.registrations.filter(status=RegistrationStatus.ACCEPTED).count()
    expect(page.get_by_text(f"5 plaatsen, {taken} bezet")).to_be_visible()
    call.refresh_from_db()
    assert call.capacity == 5
    assert timezone.localtime(call.starts_at) == starts_at
    save_screenshot(page, "journey-2-call-changed")


def test_journey_3_sign_up_and_be_accepted(demo, open_page):
    title = "Koffie in Rijksmuseum Twenthe"  # Bram's; Fenna is waiting already
    meeting_point = "In het café van Rijksmuseum Twenthe"
    note = "Ik kom met de trein uit Nijmegen, misschien iets later."

    # Dewi lives in Nijmegen: the board first shows what is near. She widens the
    # search, finds Bram's call in Enschede and signs up with a note.
    dewi = open_page()
    log_in(dewi, "dewi")
    expect(dewi.get_by_role("link", name=title)).to_have_count(0)
    search = dewi.get_by_role("search", name="Een ontmoeting zoeken")
    search.get_by_label("Afstand").select_option(label="100 km")
    search.get_by_role("button", name="Oproepen tonen").click()
    expect(dewi).to_have_url(re.compile(r"\?.*radius=100"))
    card = dewi.get_by_role("article", name=title)
    expect(card).to_contain_text(re.compile(r"± \d+ km"))
    card.get_by_role("link", name=title).click()
    expect(dewi.get_by_role("heading", level=1)).to_have_text(title)
    expect(dewi.get_by_text(meeting_point)).to_have_count(0)
    dewi.get_by_label("Een korte opmerking voor de organisator").fill(note)
    dewi.get_by_role("button", name="Aanmelden voor deze meeting").click()
    expect(dewi.get_by_role("status").get_by_text(SIGNED_UP)).to_be_visible()
    expect(dewi.get_by_role("button", name="Afmelden voor deze meeting")).to_be_visible()
    expect(dewi.get_by_text(meeting_point)).to_have_count(0)

    # Bram sees who is waiting, reads the note and accepts Dewi.
    bram = open_page()
    log_in(bram, "bram")
    bram.get_by_role("link", name="Mijn meetings").click()
    bram.get_by_role("article", name=title).get_by_role(
        "link", name="2 leden wachten op je antwoord"
    ).click()
    expect(bram.get_by_role("heading", level=1)).to_have_text(title)
    expect(bram.get_by_text(note)).to_be_visible()
    bram.get_by_role("button", name="Dewi accepteren").click()
    accepted = "Geaccepteerd. Dit lid kan nu de ontmoetingsplek zien."
    expect(bram.get_by_role("status").get_by_text(accepted)).to_be_visible()
    registration = Registration.objects.get(call__title=title, member__username="dewi")
    assert registration.status == RegistrationStatus.ACCEPTED

    # Dewi now sees the meeting point.
    dewi.reload()
    expect(dewi.get_by_text("Je doet mee. Tot dan!")).to_be_visible()
    expect(dewi.get_by_text(meeting_point)).to_be_visible()

    # Eva, another member, sees the call but neither the meeting point nor the note.
    # She lives in Eindhoven and has bookmarked a search of the whole country.
    eva = open_page()
    log_in(eva, "eva")
    eva.goto(BOARD_PATH + "?radius=&activity=museum")
    eva.get_by_role("link", name=title).click()
    expect(eva.get_by_role("heading", level=1)).to_have_text(title)
    shared_later = "De organisator deelt de precieze ontmoetingsplek met de leden die mee mogen."
    expect(eva.get_by_text(shared_later)).to_be_visible()
    text = body_text(eva)
    assert meeting_point not in text
    assert note not in text
    save_screenshot(dewi, "journey-3-accepted-member-sees-meeting-point")
    save_screenshot(eva, "journey-3-other-member-does-not")


def test_journey_4_agreeing_on_a_time_in_the_meeting_conversation(demo, open_page):
    title = "Koffie in Rijksmuseum Twenthe"  # Bram's call; Fenna has signed up
    rules.accept(Registration.objects.get(call__title=title, member__username="fenna"))
    proposal = "Zullen we om 14:00 bij de ingang afspreken?"
    answer = "Prima, tot dan! Ik draag een rode sjaal."

    # Bram opens his call from "my meetings", then its conversation, and proposes a time.
    bram = open_page()
    log_in(bram, "bram")
    bram.get_by_role("link", name="Mijn meetings").click()
    bram.get_by_role("article", name=title).get_by_role("link", name=title).click()
    bram.get_by_role("link", name="Spreek de details af in het gesprek van de meeting").click()
    expect(bram.get_by_role("heading", level=1)).to_have_text(title)
    bram.get_by_label("Je bericht").fill(proposal)
    bram.get_by_role("button", name="Bericht versturen").click()
    expect(bram.get_by_text(proposal)).to_be_visible()

    # Fenna sees one unread message in the menu, reads it and answers.
    fenna = open_page()
    log_in(fenna, "fenna")
    menu_link = fenna.get_by_role("navigation", name="Meetings").get_by_role(
        "link", name=re.compile("^Berichten")
    )
    expect(menu_link).to_contain_text("1 ongelezen")
    menu_link.click()
    fenna.get_by_role("link", name=title).click()
    expect(fenna.get_by_text(proposal)).to_be_visible()
    expect(menu_link).not_to_contain_text("ongelezen")
    fenna.get_by_label("Je bericht").fill(answer)
    fenna.get_by_role("button", name="Bericht versturen").click()
    expect(fenna.get_by_text(answer)).to_be_visible()

    # Bram's inbox now shows the new answer; reading it clears the count.
    bram.get_by_role("navigation", name="Meetings").get_by_role(
        "link", name=re.compile("^Berichten")
    ).click()
    expect(bram.get_by_text("1 nieuw")).to_be_visible()
    bram.get_by_role("link", name=title).click()
    expect(bram.get_by_text(answer)).to_be_visible()
    expect(
        bram.get_by_role("navigation", name="Meetings").get_by_role(
            "link", name=re.compile("^Berichten")
        )
    ).not_to_contain_text("ongelezen")
    save_screenshot(bram, "journey-4-agreed-in-the-conversation")


def test_journey_5_the_editor_hides_a_call(demo, open_page):
    title = "Nog een keer het Wilhelminapark"
    url = demo.call_url(title)

    editor = open_page()
    editor.goto("/admin/login/")
    editor.get_by_label("Gebruikersnaam").fill("redacteur")
    # Wagtail's own Dutch catalogue leaves "Password" untranslated.
    editor.get_by_label(re.compile("Wachtwoord|Password")).fill("demo-redacteur")
    editor.get_by_role("button", name="Inloggen").click()
    expect(editor).to_have_url(re.compile(r"/admin/$"))

    menu = editor.get_by_role("navigation", name="Hoofdmenu")
    menu.get_by_role("button", name="Meetings").click()
    editor.get_by_role("link", name="Oproepen").click()
    expect(editor).to_have_url(re.compile(r"/admin/meetings/calls/$"))
    expect(editor.get_by_role("heading", level=1)).to_have_text("Oproepen")
    editor.get_by_role("link", name=title, exact=True).click()

    expect(editor).to_have_url(re.compile(r"/admin/meetings/calls/edit/\d+/$"))
    sign_ups = editor.get_by_role("table", name="Aanmeldingen")
    # Display names and statuses (Vlinder is Chris's pseudonym; the demo accepted him).
    for name, status in (("Vlinder", "Je doet mee"), ("Fenna", "Wacht op de organisator")):
        row = sign_ups.get_by_role("row", name=re.compile(f"^{name} {status} "))
        expect(row).to_be_visible()
    editor.get_by_role("checkbox", name="Verborgen door een moderator").check()
    editor.get_by_role("button", name="Opslaan").click()
    expect(editor.get_by_role("status").first).to_contain_text(title)
    assert Call.objects.get(title=title).hidden

    # A member (here Chris, who had signed up) no longer finds the call.
    member = open_page()
    log_in(member, "chris")
    member.goto(BOARD_PATH + "?radius=")  # the whole country, not just near Rotterdam
    other = "Tekenen en schilderen in het Vondelpark"
    expect(member.get_by_role("link", name=other)).to_be_visible()
    expect(member.get_by_role("link", name=title)).to_have_count(0)
    response = member.goto(url)
    assert response.status == 404
    expect(member.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    save_screenshot(editor, "journey-5-editor-saved-hidden-call")
    save_screenshot(member, "journey-5-member-gets-not-found")


# --- Keyboard only -----------------------------------------------------------------

FOCUSED = """() => {
    const el = document.activeElement;
    const labelled = el.labels && el.labels.length ? el.labels[0].innerText : "";
    const name = labelled || el.getAttribute("aria-label") || el.innerText || el.value || "";
    return {
        tag: el.tagName.toLowerCase(),
        type: el.type || "",
        name: name.replace(/\\s+/g, " ").trim(),
    };
}"""

# The site's own indicator: an outline of 2px or more, or a ring drawn as a box shadow
# (Chromium's default 1px "auto" ring alone does not count).
FOCUS_VISIBLE = """() => {
    const style = getComputedStyle(document.activeElement);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    return outline || (style.boxShadow && style.boxShadow !== "none");
}"""


def focused(page):
    return page.evaluate(FOCUSED)


def tab_to(page, name, tag=None, backwards=False, limit=120):
    """Press Tab (or Shift+Tab) until the focus is on the element called ``name``."""
    key = "Shift+Tab" if backwards else "Tab"
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        element = focused(page)
        if element["name"].startswith(name) and (tag is None or element["tag"] == tag):
            return element
        seen.append(element["name"][:40])
    raise AssertionError(f"{key} never reached {name!r}; passed {seen}")


def assert_focus_visible(page):
    # The indicator comes from the style sheet and the browser's restyle after the key
    # press: wait for it a moment (a page that just loaded may not be styled yet).
    page.wait_for_load_state("load")
    try:
        page.wait_for_function(FOCUS_VISIBLE, timeout=3000)
    except PlaywrightTimeout:
        raise AssertionError(f"no visible focus indicator on {focused(page)}") from None


def type_into(page, name, text, tag=None):
    tab_to(page, name, tag)
    page.keyboard.type(text)


def same_day_and_month_from(start):
    day = start
    while day.day != day.month:
        day += datetime.timedelta(days=1)
    return day


def test_journey_6_keyboard_only(demo, open_page):
    page = open_page()
    log_in(page, "anna", demo.board_url("post"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Oproepje plaatsen")

    # The skip link comes first, and shows where the focus is.
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "Direct naar de inhoud"
    assert_focus_visible(page)

    type_into(page, "Titel", "Samen naar de bibliotheek", tag="input")
    assert_focus_visible(page)
    type_into(page, "Wat wil je graag doen?", "Rustig boeken bekijken en daarna koffie.")
    tab_to(page, "wandelen")
    page.keyboard.press("Space")
    assert_focus_visible(page)
    tab_to(page, "Lotgenoten")  # the first of the radio buttons: Space chooses it
    page.keyboard.press("Space")
    type_into(page, "Plaats", "Utrecht", tag="input")
    tab_to(page, "Café of restaurant")
    page.keyboard.press("Space")
    type_into(page, "Ontmoetingsplek", "Bij de ingang van de bibliotheek Neude")
    # The date mode keeps its preset "on a set date". Headless Chromium lays out
    # date inputs month first whatever the locale, so the member picks a day whose
    # number is its month's too: typed as digits it is right in either order.
    tab_to(page, "Datum", tag="input")
    day = same_day_and_month_from(next_week())
    page.keyboard.type(day.strftime("%d%m%Y"))
    tab_to(page, "Tijd", tag="input")
    page.keyboard.type("1430")  # a 12-hour time input makes this 2:30 PM by itself

    # Posting without confirming the public place: the error summary takes the focus.
    tab_to(page, "Oproepje plaatsen", tag="button")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Er is een probleem")
    expect(page.locator("[data-meetings-error-summary]")).to_be_focused()
    assert_focus_visible(page)
    tab_to(page, "Ik bevestig dat we afspreken op een neutrale, openbare plek")
    page.keyboard.press("Space")
    assert_focus_visible(page)
    tab_to(page, "Oproepje plaatsen", tag="button")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Samen naar de bibliotheek")
    expect(page.get_by_text("Je oproepje staat op het prikbord.")).to_be_visible()
    call = Call.objects.get(title="Samen naar de bibliotheek")
    assert call.organiser.username == "anna"
    assert call.place.name == "Utrecht"
    assert call.venue_kind == "cafe"
    assert call.audience == "peers"
    assert timezone.localtime(call.starts_at).date() == day
    assert timezone.localtime(call.starts_at).strftime("%H:%M") == "14:30"

    # Signing up for Dewi's call, from the board.
    title = "Tekenen en schilderen in het Vondelpark"
    page.goto(BOARD_PATH + "?radius=50")  # Amsterdam is further than the board's default
    tab_to(page, title, tag="a")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    type_into(page, "Een korte opmerking voor de organisator", "Ik neem mijn eigen schetsboek mee.")
    assert_focus_visible(page)
    tab_to(page, "Aanmelden voor deze meeting", tag="button")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").get_by_text(SIGNED_UP)).to_be_visible()
    registration = Registration.objects.get(call__title=title, member__username="anna")
    assert registration.note == "Ik neem mijn eigen schetsboek mee."
    assert registration.status == RegistrationStatus.PENDING
    # Shift+Tab goes back up the page too.
    tab_to(page, "Alle oproepjes", tag="a", backwards=True)
    assert_focus_visible(page)
    save_screenshot(page, "journey-6-keyboard-signed-up")


def test_journey_7_finding_a_meeting_near_home(demo, open_page):
    """Anna moves to Amersfoort, lets the town field suggest it, and searches nearby."""
    anna = open_page()
    log_in(anna, "anna")
    anna.get_by_role("link", name="Mijn profiel").click()
    town = anna.get_by_label("Woonplaats")
    town.fill("")
    town.press_sequentially("Amersf", delay=30)
    # The suggestions are an enhancement: they come from the server as she types.
    expect(anna.locator("datalist option[value='Amersfoort (Utrecht)']")).to_have_count(1)
    town.fill("Amersfoort (Utrecht)")
    anna.get_by_role("button", name="Mijn profiel opslaan").click()
    expect(anna.get_by_role("status")).to_contain_text("Je profiel is opgeslagen")

    anna.goto(demo.board_url())
    search = anna.get_by_role("search", name="Een ontmoeting zoeken")
    expect(search).to_contain_text("Je woonplaats: Amersfoort (Utrecht).")
    search.get_by_label("Afstand").select_option(label="50 km")
    search.get_by_label("Dichtstbijzijnde eerst").check()
    search.get_by_role("button", name="Oproepen tonen").click()
    summary = anna.get_by_role("status").filter(has_text="km van Amersfoort")
    expect(summary).to_contain_text("Dichtstbijzijnde eerst.")
    distances = [
        int(text.split()[1])
        for text in anna.locator(".meetings-cards dd").all_inner_texts()
        if text.startswith("± ")
    ]
    assert distances and distances == sorted(distances) and max(distances) <= 50

    # A town that is not known is explained; nothing else of the search is lost.
    search = anna.get_by_role("search", name="Een ontmoeting zoeken")
    search.get_by_label("In de buurt van").fill("Atlantis")
    search.get_by_role("button", name="Oproepen tonen").click()
    expect(anna.get_by_role("alert")).to_contain_text("We kennen geen plaats")
    expect(anna.get_by_label("Afstand")).to_have_value("50")
    save_screenshot(anna, "journey-7-near-home")
