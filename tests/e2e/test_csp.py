"""The member pages work in Chromium under the site's strict Content Security Policy.

Every page and form state that the accessibility test visits is visited again, and
the browser's own reports of blocked content (``securitypolicyviolation`` events and
console messages) are collected: there must be none. The progressive enhancements
run too: the focus moves to an error summary, and the town field suggests towns.
"""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .test_accessibility import STATES

pytestmark = [pytest.mark.e2e]

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# Evaluated by the browser before the page's own scripts, in every document.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(
        `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}` +
        ` at ${event.sourceFile}:${event.lineNumber} (${event.sample})`
    );
});
"""


def directives(header):
    return {
        part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()
    }


class Watch:
    """Collects what the browser blocked, from the events and from the console."""

    def __init__(self, page):
        self.page = page
        self.console = []
        self.policies = {}
        page.add_init_script(LISTEN)
        page.on("console", self._console)
        page.on("response", self._response)

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def _response(self, response):
        if response.request.resource_type == "document":
            self.policies[response.url] = response.headers.get("content-security-policy", "")

    def violations(self):
        events = self.page.evaluate("window.__cspViolations || []")
        return events + self.console


@pytest.mark.parametrize(
    ("user", "reach"),
    [pytest.param(user, reach, id=name) for name, user, reach in STATES],
)
def test_member_pages_cause_no_policy_violations(demo, new_member, open_page, user, reach):
    if user == "gijs":
        new_member(user)
    page = open_page(user=user)
    watch = Watch(page)
    reach(demo, page, "nl")
    page.wait_for_load_state("load")
    assert watch.policies, "no document was loaded"
    for url, header in watch.policies.items():
        if urlsplit(url).path.startswith("/admin/"):
            # A moderator's page in the admin (a report) has the admin's relaxed policy.
            assert "'unsafe-inline'" in directives(header)["script-src"], url
        else:
            assert directives(header) == STRICT, url
    assert watch.violations() == []


def test_the_enhancements_run_under_the_policy(demo, open_page):
    page = open_page(user="anna")
    watch = Watch(page)

    # The error summary takes the focus (meetings.js) ...
    page.goto(demo.board_url("post"))
    page.locator("form.meetings-form button[type=submit]").click()
    expect(page.locator("[data-meetings-error-summary]")).to_be_focused()

    # ... and the town field suggests towns, fetched from the board (connect-src).
    town = page.get_by_label("Plaats", exact=True)
    town.fill("Amersf")
    suggestions = page.locator(f"datalist#{town.get_attribute('id')}-suggestions option")
    expect(suggestions.first).to_have_attribute("value", re.compile("Amersfoort"))
    assert watch.violations() == []


def test_the_admin_works_under_its_relaxed_directives(demo, open_page):
    """The editor's journey through the admin reports nothing blocked either."""
    page = open_page()
    watch = Watch(page)
    page.goto("/admin/login/")
    page.get_by_label("Gebruikersnaam").fill("redacteur")
    page.get_by_label(re.compile("Wachtwoord|Password")).fill("demo-redacteur")
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.goto("/admin/meetings/calls/")
    page.get_by_role("link", name="Nog een keer het Wilhelminapark", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/meetings/calls/edit/\d+/$"))
    page.goto(f"/admin/pages/{demo.board.pk}/edit/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert watch.violations() == []
    for url, header in watch.policies.items():
        assert "'unsafe-inline'" in directives(header)["script-src"], url
