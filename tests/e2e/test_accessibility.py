"""axe-core on every member page and form state, in Dutch and in English.

axe runs its default rule set (WCAG 2.0-2.2 A and AA, and best practices). Violations
of impact moderate, serious or critical fail the test; minor ones, and what axe could
not decide, are printed and listed in the run's summary. No rule is disabled.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import CALL_FORM_LABELS, fill_call_form

pytestmark = [pytest.mark.e2e]

FAILING_IMPACTS = {"moderate", "serious", "critical"}
LANGUAGES = ["nl", "en"]

axe = Axe()


def describe(result):
    """Rule id, impact, help and the failing nodes' CSS selectors."""
    targets = []
    for node in result["nodes"]:
        # A selector in a shadow root or frame is itself a list of selectors.
        parts = [part if isinstance(part, str) else " >> ".join(part) for part in node["target"]]
        targets.append(" ".join(parts))
    return f"{result['id']} ({result['impact']}): {result['help']} [{'; '.join(targets)}]"


def check(page, record_minor):
    """Run axe-core on what the page shows now: fail on moderate and worse."""
    page.wait_for_load_state("load")
    results = axe.run(page, options={"resultTypes": ["violations", "incomplete"]}).response
    failing = [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]
    for violation in results["violations"]:
        if violation not in failing:
            record_minor(f"{page.url}: {describe(violation)}")
    # "Incomplete" means axe could not decide (for example contrast over an image):
    # listed for a person to look at, not failed.
    for result in results["incomplete"]:
        record_minor(f"{page.url}: needs review: {describe(result)}")
    if failing:
        problems = "\n".join(describe(violation) for violation in failing)
        pytest.fail(f"axe-core found problems on {page.url}:\n{problems}")


# Each state: who looks (None: anonymous; "gijs": a member who has not been on the
# board yet), and how they get there.


def board(demo, page, language):
    page.goto(demo.board_url())


def board_searched(demo, page, language):
    page.goto(demo.board_url() + "?town=Utrecht&radius=100&sort=distance&when=month")


def board_search_errors(demo, page, language):
    page.goto(demo.board_url() + "?town=Atlantis&radius=7&start=morgen")
    page.locator("[data-meetings-error-summary]").wait_for()


def call_with_sign_up_form(demo, page, language):
    page.goto(demo.call_url("Wandelen in het Mastbos"))
    page.locator("form[action$='/sign-up/']").wait_for()


def call_as_organiser(demo, page, language):
    page.goto(demo.call_url("Nog een keer het Wilhelminapark"))
    page.locator("form[action$='/accept/']").first.wait_for()


def call_while_waiting(demo, page, language):
    page.goto(demo.call_url("Nog een keer het Wilhelminapark"))
    page.locator("form[action$='/withdraw/']").wait_for()


def call_as_participant(demo, page, language):
    page.goto(demo.call_url("Park Sonsbeek en een kop thee"))
    page.locator(".meetings-meeting-point").wait_for()


def post_empty(demo, page, language):
    page.goto(demo.board_url("post"))


def post_with_errors(demo, page, language):
    page.goto(demo.board_url("post"))
    page.locator("form.meetings-form button[type=submit]").click()
    page.locator("[data-meetings-error-summary]").wait_for()


def post_filled(demo, page, language):
    page.goto(demo.board_url("post"))
    fill_call_form(page, "Wandelen langs de Eem", language)


def post_refused_as_a_home(demo, page, language):
    """The public-place guard's message beside the meeting point, and in the summary."""
    page.goto(demo.board_url("post"))
    fill_call_form(page, "Wandelen langs de Eem", language)
    page.get_by_label(CALL_FORM_LABELS[language]["meeting_point"], exact=True).fill("Bij mij thuis")
    page.locator("form.meetings-form button[type=submit]").click()
    page.locator("[data-meetings-error-summary]").wait_for()
    assert page.locator("#id_meeting_point_error").is_visible()


def edit(demo, page, language):
    page.goto(demo.call_url("Nog een keer het Wilhelminapark", "edit"))


def organise_again(demo, page, language):
    page.goto(demo.call_url("Nog een keer het Wilhelminapark", "again"))


def cancel(demo, page, language):
    page.goto(demo.call_url("Nog een keer het Wilhelminapark", "cancel"))


def my_meetings(demo, page, language):
    page.goto(demo.board_url("mine"))


def welcome_empty(demo, page, language):
    page.goto(demo.board_url("welcome"))


def welcome_with_errors(demo, page, language):
    page.goto(demo.board_url("welcome"))
    page.locator("form.meetings-form button[type=submit]").click()
    page.locator("[data-meetings-error-summary]").wait_for()


def profile(demo, page, language):
    page.goto(demo.board_url("profile"))


def my_data(demo, page, language):
    page.goto(demo.board_url("my_data"))


def leave_board(demo, page, language):
    page.goto(demo.board_url("leave_board"))


def leave_board_with_errors(demo, page, language):
    page.goto(demo.board_url("leave_board"))
    page.locator("form.meetings-form button[type=submit]").click()
    page.locator("[data-meetings-error-summary]").wait_for()


def inbox_url(name="inbox", *args):
    from wagtail_meetings.models import InboxPage

    inbox = InboxPage.objects.live().get()
    return inbox.url + inbox.reverse_subpage(name, args=args)


def inbox(demo, page, language):
    page.goto(inbox_url())


def inbox_archived(demo, page, language):
    page.goto(inbox_url("archived"))


def conversation(demo, page, language):
    from wagtail_meetings.models import ConversationMember

    membership = ConversationMember.objects.filter(
        member__username="anna", conversation__messages__isnull=False
    ).first()
    page.goto(inbox_url("conversation", membership.conversation_id))


def conversation_with_errors(demo, page, language):
    conversation(demo, page, language)
    page.locator("form.meetings-form button[type=submit]").click()
    page.locator("[data-meetings-error-summary]").wait_for()


def write_to_member(demo, page, language):
    from django.contrib.auth.models import User

    page.goto(inbox_url("write", User.objects.get(username="fenna").pk))


def block_confirmation(demo, page, language):
    from django.contrib.auth.models import User

    page.goto(demo.board_url("block", User.objects.get(username="fenna").pk))


def report_call(demo, page, language):
    page.goto(demo.call_url("Wandelen in het Mastbos", "report_call"))


def report_with_errors(demo, page, language):
    report_call(demo, page, language)
    page.locator("form.meetings-form button[type=submit]").click()
    page.locator("[data-meetings-error-summary]").wait_for()


def check_in(demo, page, language):
    page.goto(demo.board_url("mine"))
    page.locator("form[action$='/check-in/']").first.wait_for()


def moderators_notice(demo, page, language):
    page.goto(demo.board_url())
    page.locator("form[action$='/read/']").wait_for()


def admin_report(demo, page, language):
    from django.contrib.auth.models import User
    from wagtail.users.models import UserProfile

    from wagtail_meetings.models import Report

    profile = UserProfile.get_for_user(User.objects.get(username="moderator"))
    profile.preferred_language = language
    profile.save()
    report = Report.objects.filter(kind="message").get()
    page.goto(f"/admin/meetings/reports/{report.pk}/")
    page.locator("button[value=dismiss]").wait_for()


def not_member(demo, page, language):
    response = page.goto(demo.board_url())
    assert response.status == 403


def login(demo, page, language):
    page.goto(demo.board_url())
    assert page.url.startswith(f"{demo.url}/accounts/login/?next="), page.url


def login_with_errors(demo, page, language):
    login(demo, page, language)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.locator(".error-summary").wait_for()


STATES = [
    ("board", "anna", board),
    ("board-searched", "anna", board_searched),
    ("board-search-errors", "anna", board_search_errors),
    ("call-sign-up-form", "anna", call_with_sign_up_form),
    ("call-organiser", "anna", call_as_organiser),
    ("call-waiting", "chris", call_while_waiting),
    ("call-participant", "eva", call_as_participant),
    ("post-empty", "anna", post_empty),
    ("post-errors", "anna", post_with_errors),
    ("post-filled", "anna", post_filled),
    ("post-refused-as-a-home", "anna", post_refused_as_a_home),
    ("edit", "anna", edit),
    ("organise-again", "anna", organise_again),
    ("cancel", "anna", cancel),
    ("my-meetings", "anna", my_meetings),
    ("welcome-empty", "gijs", welcome_empty),
    ("welcome-errors", "gijs", welcome_with_errors),
    ("profile", "anna", profile),
    ("my-data", "anna", my_data),
    ("leave-board", "anna", leave_board),
    ("leave-board-errors", "anna", leave_board_with_errors),
    ("inbox", "anna", inbox),
    ("inbox-archived", "anna", inbox_archived),
    ("conversation", "anna", conversation),
    ("conversation-errors", "anna", conversation_with_errors),
    ("write-to-member", "anna", write_to_member),
    ("block-confirmation", "anna", block_confirmation),
    ("report-call", "anna", report_call),
    ("report-errors", "anna", report_with_errors),
    ("check-in", "anna", check_in),
    ("moderators-notice", "eva", moderators_notice),
    ("admin-report", "moderator", admin_report),
    ("not-member", "gast", not_member),
    ("login", None, login),
    ("login-errors", None, login_with_errors),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("user", "reach"),
    [pytest.param(user, reach, id=name) for name, user, reach in STATES],
)
def test_page_has_no_accessibility_violations(
    demo, new_member, open_page, record_minor, user, reach, language
):
    if user == "gijs":
        new_member(user)
    page = open_page(language=language, user=user)
    reach(demo, page, language)
    assert page.locator("html").get_attribute("lang") == language
    check(page, record_minor)
