"""Browser tests: Playwright's sync API drives Debian's Chromium against ``live_server``.

Every test starts from the seeded demo (``manage.py seed_demo``) on a database of its
own: ``live_server`` makes the tests transactional, and the database is flushed after
each one. One browser serves the whole run; each test gets fresh browser contexts.

Environment:
- ``MEETINGS_CHROMIUM``: the Chromium binary (default ``/usr/bin/chromium``). When it
  is missing the tests are skipped, or fail when ``CI=true``.
- ``MEETINGS_E2E_ARTIFACTS``: where screenshots go (default ``test-artifacts/e2e/``).
"""

import datetime
import io
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
TIMEOUT_MS = 15_000
BOARD_PATH = "/leden/prikbord/"

ran_e2e = pytest.StashKey[bool]()
minor_findings = pytest.StashKey[list]()


def artifacts_dir():
    return Path(os.environ.get("MEETINGS_E2E_ARTIFACTS") or REPO_ROOT / "test-artifacts" / "e2e")


def save_screenshot(page, name):
    """A full-page screenshot of what the browser shows now; returns its path."""
    folder = artifacts_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path


# --- Hooks ------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep a screenshot of every browser page of a failing test."""
    report = yield
    if report.when == "call":
        item.config.stash[ran_e2e] = True
    if report.failed and report.when in ("setup", "call"):
        for number, page in enumerate(getattr(item, "e2e_pages", []), start=1):
            try:
                path = save_screenshot(page, f"{item.name}-failed-{number}")
            except Exception as error:  # noqa: BLE001  (the test's own failure matters more)
                report.sections.append(("e2e screenshot", f"could not save one: {error}"))
            else:
                report.sections.append(("e2e screenshot", str(path)))
    return report


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    findings = config.stash.get(minor_findings, [])
    if findings:
        terminalreporter.write_sep("-", "axe-core: minor findings (not failing)")
        for line in findings:
            terminalreporter.write_line(line)
    if config.stash.get(ran_e2e, False):
        terminalreporter.write_sep("-", "e2e screenshots")
        terminalreporter.write_line(f"saved in {artifacts_dir()}")


# --- Browser ----------------------------------------------------------------------


def _unavailable(reason):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the browser tests must run in CI)", pytrace=False)
    pytest.skip(reason)


def _remove_old_screenshots():
    """Screenshots of an earlier run would pass for this run's: remove ours only."""
    folder = artifacts_dir()
    if folder.is_dir():
        for pattern in ("journey-*.png", "test_*-failed-*.png"):
            for path in folder.glob(pattern):
                path.unlink()


@pytest.fixture(scope="session")
def browser():
    executable = os.environ.get("MEETINGS_CHROMIUM") or DEFAULT_CHROMIUM
    if not (os.path.isfile(executable) and os.access(executable, os.X_OK)):
        _unavailable(
            f"Chromium not found at {executable}: install Debian's chromium package "
            "or point MEETINGS_CHROMIUM at a Chromium binary"
        )
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    expect.set_options(timeout=TIMEOUT_MS)
    _remove_old_screenshots()

    # Playwright's sync API keeps an event loop in this thread; Django would
    # otherwise refuse the test's own database queries as "async unsafe".
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# --- Data -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def town_rows(django_db_setup, django_db_blocker):
    """The Dutch towns, read once: the flush after every test empties their table.

    Putting these rows back takes a fraction of the seconds that ``seed_demo``
    needs to import them from GeoNames again.
    """
    from wagtail_meetings.models import Place, PlaceName

    with django_db_blocker.unblock():
        if not Place.objects.exists():
            call_command("meetings_load_places", stdout=io.StringIO())
        places = list(Place.objects.values())
        names = list(PlaceName.objects.values("place_id", "name"))
    return places, names


def _ensure_page_tree():
    """The flush also removes Wagtail's root page and locale, which migrations made."""
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale, Page

    if Page.get_first_root_node() is None:
        language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
        locale, _ = Locale.objects.get_or_create(language_code=language)
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))


def _restore_towns(town_rows):
    from wagtail_meetings.models import Place, PlaceName

    if Place.objects.exists():
        return
    places, names = town_rows
    Place.objects.bulk_create([Place(**row) for row in places], batch_size=500)
    PlaceName.objects.bulk_create([PlaceName(**row) for row in names], batch_size=1000)


class Demo:
    """The seeded example site as the live server serves it."""

    def __init__(self, live_server, board):
        self.url = live_server.url
        self.board = board

    def board_url(self, name="list", *args):
        return BOARD_PATH + self.board.reverse_subpage(name, args=args)

    def call(self, title):
        from wagtail_meetings.models import Call

        return Call.objects.get(title=title)

    def call_url(self, title, name="call"):
        return self.board_url(name, self.call(title).pk)


@pytest.fixture
def demo(browser, live_server, town_rows):
    """Seed the demo site, and let Wagtail's default site answer the live server.

    (It asks for the browser first: without one there is nothing to seed for.)
    """
    from wagtail.models import Site

    from wagtail_meetings.models import MeetingsBoardPage

    for cache in caches.all():
        cache.clear()
    _ensure_page_tree()
    _restore_towns(town_rows)
    call_command("seed_demo", stdout=io.StringIO())
    site = Site.objects.get(is_default_site=True)
    site.hostname = live_server.thread.host
    site.port = live_server.thread.port
    site.save()
    board = MeetingsBoardPage.objects.get()
    assert board.url_path.endswith(BOARD_PATH), board.url_path
    return Demo(live_server, board)


@pytest.fixture
def open_page(request, browser, live_server):
    """Open a page in a fresh browser context: ``open_page(language="nl", user=None)``.

    ``user`` (a username) starts the context logged in, through a session made
    on the server side; the journeys log in through the login form instead.
    """
    contexts = []
    request.node.e2e_pages = []

    def open_page(language="nl", user=None):
        context = browser.new_context(locale="nl-NL", base_url=live_server.url)
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        # The site has no favicon: skip the browser's extra request for one.
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
        cookies = {settings.LANGUAGE_COOKIE_NAME: language}
        if user is not None:
            client = Client()
            client.force_login(get_user_model().objects.get(username=user))
            session = settings.SESSION_COOKIE_NAME
            cookies[session] = client.cookies[session].value
        context.add_cookies(
            [
                {"name": name, "value": value, "url": live_server.url}
                for name, value in cookies.items()
            ]
        )
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        request.node.e2e_pages.append(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def record_minor(request):
    """Note a finding that does not fail the test; the run's summary lists them all."""

    def record(line):
        print(line)
        request.config.stash.setdefault(minor_findings, []).append(line)

    return record


# --- Acting on the pages ------------------------------------------------------------


def next_week():
    """The date a week from today."""
    return timezone.localdate() + datetime.timedelta(days=7)


# The call form's labels as members read them, in Dutch and in English.
CALL_FORM_LABELS = {
    "nl": {
        "title": "Titel",
        "description": "Wat wil je graag doen?",
        "activities": "Activiteiten",
        "walk": "wandelen",
        "audience": "Voor wie is het?",
        "everyone": "Lotgenoten en naasten",
        "town": "Plaats",
        "venue": "Wat voor plek?",
        "park": "Park of natuur",
        "meeting_point": "Ontmoetingsplek",
        "public_place": "Ik bevestig dat we afspreken op een neutrale, openbare plek",
        "when": "Wanneer",
        "set_date": "Op een vaste datum en tijd",
        "date": "Datum",
        "time": "Tijd",
        "places": "Hoeveel leden kunnen met je mee?",
    },
    "en": {
        "title": "Title",
        "description": "What do you have in mind?",
        "activities": "Activities",
        "walk": "wandelen",
        "audience": "Who is it for?",
        "everyone": "Peers and relatives",
        "town": "Town",
        "venue": "What kind of place?",
        "park": "Park or nature",
        "meeting_point": "Meeting point",
        "public_place": "I confirm that we meet in a neutral, public place",
        "when": "When",
        "set_date": "On a set date and time",
        "date": "Date",
        "time": "Time",
        "places": "How many members can join you?",
    },
}


def fill_call_form(page, title, language="nl"):
    """Fill the call form as a member would, by its labels (not submitted)."""
    label = CALL_FORM_LABELS[language]
    page.get_by_label(label["title"], exact=True).fill(title)
    page.get_by_label(label["description"]).fill(
        "Een rustige wandeling langs de Eem, daarna een kop thee.\nPraten mag, stil zijn ook."
    )
    page.get_by_role("group", name=label["activities"]).get_by_label(label["walk"]).check()
    page.get_by_role("group", name=label["audience"]).get_by_label(label["everyone"]).check()
    page.get_by_label(label["town"], exact=True).fill("Amersfoort")
    page.get_by_role("group", name=label["venue"]).get_by_label(label["park"]).check()
    page.get_by_label(label["meeting_point"], exact=True).fill(
        "Bij de Koppelpoort, aan de kant van de stad"
    )
    page.get_by_label(label["public_place"]).check()
    page.get_by_role("group", name=label["when"]).get_by_label(label["set_date"]).check()
    page.get_by_label(label["date"], exact=True).fill(next_week().isoformat())
    page.get_by_label(label["time"], exact=True).fill("14:30")
    page.get_by_label(label["places"]).fill("3")


@pytest.fixture
def new_member(demo):
    """A member of the association who has never used the board (no profile yet)."""
    from django.contrib.auth.models import Group

    def make(username="gijs", first_name=""):
        user = get_user_model().objects.create_user(
            username, password=f"demo-{username}", first_name=first_name
        )
        user.groups.add(Group.objects.get(name="Members"))
        return user

    return make
