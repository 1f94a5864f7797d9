"""Reports, moderation, suspension and the after-meeting check-in.

Design §3: guarantees 2 (e-mails stay content-free), 3 (moderators see a
reported item, not the inboxes at large; the reported member never sees who
reported), 6 (POST with CSRF, a double click is harmless), 7 (bad input gets a
clear message, what you cannot see is a 404) and 9 (suspension, rate limits).
"""

import datetime
import re
from types import SimpleNamespace
from unittest import mock

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core import mail
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from wagtail.admin.menu import admin_menu
from wagtail.snippets.models import get_snippet_models

from wagtail_meetings import messaging, moderation, privacy, rules
from wagtail_meetings.models import (
    Call,
    CheckIn,
    Conversation,
    ConversationMember,
    MemberProfile,
    Message,
    ModerationAction,
    Registration,
    Report,
)

from .utils import (
    board_url,
    call_form_data,
    client_for,
    inbox_url,
    make_call,
    make_member,
    register,
    with_email,
)

pytestmark = pytest.mark.django_db

REPORTER = "Roosmarijn"
DETAILS = "He asked for my home address three times"
FIRST_TEXT = "Hello all, looking forward to it"
BEFORE_TEXT = "Shall we meet at the fountain?"
REPORTED_TEXT = "Give me your phone number or else"
AFTER_TEXT = "Sorry, that came out wrong"
CHECK_IN_TITLE = "Coffee we had last week"


def text_of(response):
    return response.content.decode()


@pytest.fixture
def moderators(db):
    # Wagtail's own migrations make a "Moderators" group; it gets the permission.
    group = Group.objects.get_or_create(name="Moderators")[0]
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="moderate", content_type__app_label="wagtail_meetings"),
    )
    return group


@pytest.fixture
def moderator(moderators):
    user = User.objects.create_user("moderator", password="x", first_name="Mo", last_name="Derator")
    user.groups.add(moderators)
    return user


@pytest.fixture
def plain_editor(db):
    """An editor with admin access but without the moderate permission."""
    user = User.objects.create_user("plaineditor", password="x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


@pytest.fixture
def scene(board, inbox, call, member, organiser):
    """Otto's walk with Mira accepted and Pia waiting; a thread of four messages.

    Roosmarijn is a member who has nothing to do with any of it, except that she
    reports things.
    """
    for user in (member, organiser):
        with_email(user)
    pending = with_email(make_member("pia", "Pia"))
    reporter = with_email(make_member("roos", REPORTER))
    rules.accept(register(call, member))
    register(call, pending)
    thread = Conversation.objects.get(call=call)
    sent = {}
    for sender, text in (
        (organiser, FIRST_TEXT),
        (member, BEFORE_TEXT),
        (organiser, REPORTED_TEXT),
        (organiser, AFTER_TEXT),
    ):
        sent[text] = messaging.send(thread, sender, text)
    cache.clear()
    mail.outbox = []
    return SimpleNamespace(
        board=board,
        inbox=inbox,
        call=call,
        organiser=organiser,
        member=member,
        pending=pending,
        reporter=reporter,
        thread=thread,
        sent=sent,
    )


def report_data(**overrides):
    return {"reason": "unsafe", "details": DETAILS, **overrides}


def report_url(scene, kind, target=None):
    if kind == "message":
        message = target or scene.sent[REPORTED_TEXT]
        return inbox_url(scene.inbox, "report_message", message.conversation_id, message.pk)
    if kind == "member":
        return board_url(scene.board, "report_member", (target or scene.organiser).pk)
    return board_url(scene.board, f"report_{kind}", (target or scene.call).pk)


def past_meeting(scene, days_ago=3, **kwargs):
    """A meeting Otto organised that took place; Mira was accepted for it."""
    call = make_call(organiser=scene.organiser, title=CHECK_IN_TITLE, **kwargs)
    register(call, scene.member, status="accepted")
    register(call, scene.pending, status="pending")
    Call.objects.filter(pk=call.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return Call.objects.get(pk=call.pk)


# --------------------------------------------------------------------------
# Members report a call, a member, a message.
# --------------------------------------------------------------------------


def test_report_a_call(scene):
    client = client_for(scene.reporter)
    url = report_url(scene, "call")
    form = client.get(url)
    assert form.status_code == 200
    content = text_of(form)
    assert "Report this call" in content
    assert scene.call.title in content
    assert 'type="radio" name="reason"' in content
    response = client.post(url, report_data())
    assert response.status_code == 302
    assert response["Location"] == board_url(scene.board, "call", scene.call.pk)
    report = Report.objects.get()
    assert (report.kind, report.reason, report.details) == ("call", "unsafe", DETAILS)
    assert report.call == scene.call
    assert report.reported_member == scene.organiser
    assert report.reporter == scene.reporter
    assert report.status == "open"
    page = text_of(client.get(response["Location"]))
    assert "The moderators will look at the call" in page
    assert "not told who reported it" in page


def test_report_a_member_goes_back_where_it_started(scene):
    client = client_for(scene.reporter)
    call_page = board_url(scene.board, "call", scene.call.pk)
    link = f"{report_url(scene, 'member')}?next={call_page}"
    assert report_url(scene, "member") in text_of(client.get(call_page))
    content = text_of(client.get(link))
    assert f"Report {scene.organiser.meetings_profile.display_name}" in content
    response = client.post(link, report_data(reason="identity", details="", next=call_page))
    assert response["Location"] == call_page
    report = Report.objects.get()
    assert (report.kind, report.reason, report.details) == ("member", "identity", "")
    assert report.reported_member == scene.organiser
    assert report.call is None
    assert "The member is not told who reported them" in text_of(client.get(call_page))


def test_report_a_member_never_leaves_the_site(scene):
    client = client_for(scene.reporter)
    response = client.post(
        report_url(scene, "member") + "?next=https://evil.example/",
        report_data(next="https://evil.example/"),
    )
    assert response["Location"] == board_url(scene.board)


def test_report_a_message(scene):
    client = client_for(scene.member)
    message = scene.sent[REPORTED_TEXT]
    conversation = text_of(client.get(inbox_url(scene.inbox, "conversation", scene.thread.pk)))
    assert report_url(scene, "message") in conversation
    # Never a report link on one's own message.
    assert report_url(scene, "message", scene.sent[BEFORE_TEXT]) not in conversation
    content = text_of(client.get(report_url(scene, "message")))
    assert "Report a message" in content
    assert REPORTED_TEXT in content
    assert FIRST_TEXT not in content
    response = client.post(report_url(scene, "message"), report_data(reason="other"))
    assert response["Location"] == (
        inbox_url(scene.inbox, "conversation", scene.thread.pk) + f"#message-{message.pk}"
    )
    report = Report.objects.get()
    assert (report.kind, report.message, report.reported_member) == (
        "message",
        message,
        scene.organiser,
    )
    assert "The sender is not told who reported it" in text_of(client.get(response["Location"]))


def test_no_report_link_on_ones_own_call(scene):
    own = text_of(client_for(scene.organiser).get(board_url(scene.board, "call", scene.call.pk)))
    assert report_url(scene, "call") not in own
    theirs = text_of(client_for(scene.member).get(board_url(scene.board, "call", scene.call.pk)))
    assert report_url(scene, "call") in theirs
    assert "Report this call to the moderators" in theirs


def test_report_link_beside_a_members_name(scene):
    page = text_of(client_for(scene.member).get(board_url(scene.board, "call", scene.call.pk)))
    assert board_url(scene.board, "report_member", scene.organiser.pk) in page
    own = text_of(client_for(scene.organiser).get(board_url(scene.board, "call", scene.call.pk)))
    assert board_url(scene.board, "report_member", scene.organiser.pk) not in own


# --------------------------------------------------------------------------
# What a member cannot see, they cannot report: 404.
# --------------------------------------------------------------------------


def unseen_targets(scene):
    other_thread_call = make_call(title="Someone else's walk")
    stranger = make_member("stranger", "Stranger")
    rules.accept(register(other_thread_call, stranger))
    elsewhere = messaging.send(other_thread_call.conversation, stranger, "Not for Mira")
    hidden = make_call(title="Hidden call", hidden=True)
    blocker_call = make_call(title="Blocker's call")
    messaging.block(blocker_call.organiser, scene.member)
    removed = scene.sent[AFTER_TEXT]
    Message.objects.filter(pk=removed.pk).update(body="", removed_at=timezone.now())
    return {
        "own call": board_url(scene.board, "report_call", make_call(organiser=scene.member).pk),
        "hidden call": board_url(scene.board, "report_call", hidden.pk),
        "blocker's call": board_url(scene.board, "report_call", blocker_call.pk),
        "unknown call": board_url(scene.board, "report_call", 987654),
        "oneself": board_url(scene.board, "report_member", scene.member.pk),
        "unknown member": board_url(scene.board, "report_member", 987654),
        "a user without a profile": board_url(
            scene.board, "report_member", User.objects.create_user("noprofile").pk
        ),
        "a message elsewhere": inbox_url(
            scene.inbox, "report_message", elsewhere.conversation_id, elsewhere.pk
        ),
        "a message in the wrong conversation": inbox_url(
            scene.inbox, "report_message", scene.thread.pk, elsewhere.pk
        ),
        "one's own message": report_url(scene, "message", scene.sent[BEFORE_TEXT]),
        "a removed message": report_url(scene, "message", removed),
        "a future meeting": board_url(scene.board, "report_meeting", scene.call.pk),
    }


@pytest.mark.parametrize("method", ["get", "post"])
def test_reporting_what_you_cannot_see_is_404(scene, method):
    client = client_for(scene.member)
    for what, url in unseen_targets(scene).items():
        response = getattr(client, method)(url, report_data())
        assert response.status_code == 404, what
    # A meeting that took place, which Pia only waited for.
    meeting = past_meeting(scene)
    response = getattr(client_for(scene.pending), method)(
        board_url(scene.board, "report_meeting", meeting.pk), report_data()
    )
    assert response.status_code == 404
    assert not Report.objects.exists()


def test_a_blocked_senders_message_in_a_meeting_conversation_is_404(scene):
    messaging.block(scene.member, scene.organiser)
    response = client_for(scene.member).get(report_url(scene, "message"))
    assert response.status_code == 404


def test_blocking_offers_to_tell_the_moderators_too(scene):
    # Blocking hides what the other wrote; the member report stays open to the blocker,
    # from the confirmation page and afterwards from the profile.
    client = client_for(scene.member)
    block_url = board_url(scene.board, "block", scene.organiser.pk)
    report = report_url(scene, "member")
    page = text_of(client.get(block_url))
    assert "Blocking does not tell the moderators." in page
    assert f'href="{report}?next={block_url}"' in page
    client.post(block_url)
    profile = board_url(scene.board, "profile")
    page = text_of(client.get(profile))
    assert f'href="{report}?next={profile}"' in page
    response = client.post(f"{report}?next={profile}", report_data())
    assert response.status_code == 302
    assert response["Location"] == profile
    (made,) = Report.objects.all()
    assert (made.reporter, made.reported_member, made.kind) == (
        scene.member,
        scene.organiser,
        "member",
    )


def test_someone_who_left_the_conversation_cannot_report_in_it(scene):
    rules.withdraw(scene.call, scene.member)
    response = client_for(scene.member).post(report_url(scene, "message"), report_data())
    assert response.status_code == 404
    assert not Report.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("who", ["anonymous", "outsider", "editor"])
def test_only_members_reach_the_message_report(scene, outsider, editor, who, method):
    url = report_url(scene, "message")
    client = (
        Client() if who == "anonymous" else client_for(outsider if who == "outsider" else editor)
    )
    response = getattr(client, method)(url, report_data() if method == "post" else None)
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].endswith("?next=" + url)
    else:
        assert response.status_code == 403
    content = text_of(response)
    assert REPORTED_TEXT not in content
    assert "private" in response["Cache-Control"]
    assert not Report.objects.exists()


# --------------------------------------------------------------------------
# Bad input: a clear message, nothing lost.
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "", "details": DETAILS}, "Choose what your report is about."),
        ({"reason": "nonsense", "details": DETAILS}, "Select a valid choice."),
        ({"reason": "spam", "details": "x" * 2001}, "at most 2000 characters"),
        ({"reason": "spam", "details": "Look\u202ehere"}, "invisible control characters"),
        ({"reason": "spam", "details": "Bell\x07"}, "invisible control characters"),
    ],
)
def test_bad_input_is_explained_and_kept(scene, data, message):
    response = client_for(scene.reporter).post(report_url(scene, "call"), data)
    assert response.status_code == 200
    content = text_of(response)
    assert message in content
    assert "There is a problem" in content
    assert "<title>Error:" in content
    if data["details"] == DETAILS:
        assert DETAILS in content
    assert not Report.objects.exists()


def test_html_in_details_is_stored_as_text_and_escaped_for_moderators(scene, moderator):
    script = "<script>alert('x')</script>"
    client_for(scene.reporter).post(report_url(scene, "call"), report_data(details=script))
    report = Report.objects.get()
    assert report.details == script
    page = text_of(client_for(moderator).get(detail_url(report)))
    assert script not in page
    assert "&lt;script&gt;" in page


def test_a_double_click_stores_one_report(scene):
    client = client_for(scene.reporter)
    for _ in range(2):
        assert client.post(report_url(scene, "call"), report_data()).status_code == 302
    assert Report.objects.count() == 1
    # Something new about the same call is a new report.
    client.post(report_url(scene, "call"), report_data(details="And he shouted"))
    assert Report.objects.count() == 2


@override_settings(WAGTAIL_MEETINGS_RATE_LIMITS={"report": (2, 86400)})
def test_reports_are_rate_limited(scene):
    client = client_for(scene.reporter)
    for index in range(2):
        data = report_data(details=f"Report number {index}")
        assert client.post(report_url(scene, "call"), data).status_code == 302
    response = client.post(report_url(scene, "call"), report_data(details="One too many"))
    assert response.status_code == 429
    content = text_of(response)
    assert "You have sent many reports today" in content
    assert "One too many" in content
    assert Report.objects.count() == 2


def test_the_rate_limit_has_a_default_when_a_site_sets_others():
    with override_settings(WAGTAIL_MEETINGS_RATE_LIMITS={"message": (1, 60)}):
        from wagtail_meetings import ratelimit

        user = User(pk=424242)
        assert all(ratelimit.allow(user, "report") for _ in range(10))
        assert not ratelimit.allow(user, "report")


# --------------------------------------------------------------------------
# The reported member never learns who reported them.
# --------------------------------------------------------------------------


def test_the_reported_member_never_sees_who_reported(scene, moderator):
    reporter = client_for(scene.reporter)
    reporter.post(report_url(scene, "call"), report_data())
    reporter.post(report_url(scene, "member"), report_data(reason="identity"))
    report = Report.objects.filter(kind="call").get()
    moderation.warn(
        report, scene.organiser, moderator=moderator, note="Roosmarijn was upset", notice="Be kind"
    )
    otto = client_for(scene.organiser)
    pages = [
        board_url(scene.board),
        board_url(scene.board, "mine"),
        board_url(scene.board, "profile"),
        board_url(scene.board, "call", scene.call.pk),
        inbox_url(scene.inbox),
        inbox_url(scene.inbox, "conversation", scene.thread.pk),
    ]
    seen = ""
    for url in pages:
        response = otto.get(url)
        assert response.status_code == 200, url
        seen += text_of(response)
    assert "Be kind" in seen  # the warning did reach him
    for secret in (REPORTER, "roos", DETAILS, "Roosmarijn was upset", "identity"):
        assert secret not in seen
    for sent in mail.outbox:
        assert REPORTER not in sent.body and REPORTER not in sent.subject


# --------------------------------------------------------------------------
# Who may see the reports in the admin.
# --------------------------------------------------------------------------


def index_url():
    return reverse("wagtail_meetings_reports:index")


def detail_url(report):
    return reverse("wagtail_meetings_reports:inspect", args=[report.pk])


@pytest.fixture
def a_report(scene):
    return moderation.make_report(
        scene.reporter,
        kind="call",
        reason="not_public",
        details=DETAILS,
        call=scene.call,
        member=scene.organiser,
    )


def test_the_moderator_sees_the_reports_menu_and_pages(moderator, a_report):
    client = client_for(moderator)
    home = text_of(client.get(reverse("wagtailadmin_home")))
    assert index_url() in home
    assert text_of(client.get(index_url())).count(detail_url(a_report)) >= 1
    assert client.get(detail_url(a_report)).status_code == 200


def test_a_superuser_moderates_too(editor, a_report):
    client = client_for(editor)
    assert index_url() in text_of(client.get(reverse("wagtailadmin_home")))
    assert client.get(detail_url(a_report)).status_code == 200


def test_an_editor_without_the_permission_sees_no_reports(plain_editor, a_report):
    client = client_for(plain_editor)
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    assert index_url() not in text_of(home)
    assert "meetings-open-reports" not in text_of(home)
    for url in (index_url(), detail_url(a_report)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    response = client.post(detail_url(a_report), {"action": "dismiss"})
    assert response.status_code == 302
    a_report.refresh_from_db()
    assert a_report.status == "open"
    assert not ModerationAction.objects.exists()


@pytest.mark.parametrize("who", ["member", "anonymous"])
def test_members_never_reach_the_reports(scene, a_report, who):
    client = client_for(scene.member) if who == "member" else Client()
    for url in (index_url(), detail_url(a_report)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))
    client.post(detail_url(a_report), {"action": "dismiss"})
    assert not ModerationAction.objects.exists()


def test_the_moderate_permission_can_be_given_to_a_group(moderator):
    client = client_for(User.objects.create_superuser("admin", "a@example.org", "x"))
    group = Group.objects.get(name="Moderators")
    page = text_of(client.get(reverse("wagtailusers_groups:edit", args=[group.pk])))
    assert "Can moderate the meetings board" in page


# --------------------------------------------------------------------------
# The queue and a report's page.
# --------------------------------------------------------------------------


def test_the_queue_lists_open_reports_first_then_the_newest(scene, moderator):
    def make(details, status="open", days_ago=0):
        report = Report.objects.create(
            reporter=scene.reporter, kind="member", reason="spam", reported_member=scene.organiser
        )
        Report.objects.filter(pk=report.pk).update(
            status=status, created_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
        return report

    closed_new = make("closed", status="closed")
    open_old = make("old", days_ago=5)
    open_new = make("new", days_ago=1)
    content = text_of(client_for(moderator).get(index_url()))
    positions = [content.index(detail_url(r)) for r in (open_new, open_old, closed_new)]
    assert positions == sorted(positions)
    for heading in ("Reason", "Kind", "Reported", "Status"):
        assert heading in content
    # Filtered to the open ones.
    content = text_of(client_for(moderator).get(index_url(), {"status": "open"}))
    assert detail_url(closed_new) not in content


def test_a_call_report_shows_the_call_and_the_reporter(scene, moderator, a_report):
    content = text_of(client_for(moderator).get(detail_url(a_report)))
    for shown in (
        scene.call.title,
        scene.call.description,
        "Utrecht",
        scene.organiser.meetings_profile.display_name,
        REPORTER,
        DETAILS,
        "A meeting at someone’s home, or not in a public place",
    ):
        assert shown in content, shown
    # Not the meeting point, not who signed up, not their notes.
    assert scene.call.meeting_point not in content
    assert "Pia" not in content


def test_a_message_report_shows_that_message_and_the_one_before_only(scene, moderator):
    report = moderation.make_report(
        scene.member,
        kind="message",
        reason="unsafe",
        message=scene.sent[REPORTED_TEXT],
        member=scene.organiser,
    )
    content = text_of(client_for(moderator).get(detail_url(report)))
    assert REPORTED_TEXT in content
    assert BEFORE_TEXT in content
    assert FIRST_TEXT not in content
    assert AFTER_TEXT not in content
    assert "Otto" in content and "Mira" in content


def test_the_message_before_is_one_the_reporter_could_read(scene, moderator):
    # Sam, accepted too, wrote just before the reported message; Mira had blocked him,
    # so she never saw it: the moderators see her own message before it instead.
    sam = with_email(make_member("sam", "Sam"))
    rules.accept(register(scene.call, sam))
    unseen = messaging.send(scene.thread, sam, "Unseen words from Sam")
    reported = scene.sent[REPORTED_TEXT]
    Message.objects.filter(pk=unseen.pk).update(
        created_at=reported.created_at - datetime.timedelta(microseconds=1)
    )
    messaging.block(scene.member, sam)
    report = moderation.make_report(
        scene.member, kind="message", reason="unsafe", message=reported, member=scene.organiser
    )
    content = text_of(client_for(moderator).get(detail_url(report)))
    assert REPORTED_TEXT in content and BEFORE_TEXT in content
    assert "Unseen words from Sam" not in content


def test_a_member_report_shows_the_name_and_how_often_they_were_reported(scene, moderator):
    for reporter in (scene.reporter, scene.member):
        report = moderation.make_report(
            reporter, kind="member", reason="spam", member=scene.organiser
        )
    content = text_of(client_for(moderator).get(detail_url(report)))
    assert "Otto" in content
    assert "reported 2 times" in content


def test_no_admin_view_browses_messages(editor, scene):
    messaging_models = {Message, Conversation, ConversationMember}
    assert not messaging_models & set(get_snippet_models())

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.callback

    admin_views = [(route, view) for route, view in walk(get_resolver().url_patterns)]
    assert any(route.startswith("admin/meetings/reports/") for route, _ in admin_views)
    for route, view in admin_views:
        if not route.startswith("admin/"):
            continue
        view_class = getattr(view, "view_class", None)
        model = getattr(view_class, "model", None)
        model = (getattr(view, "view_initkwargs", {}) or {}).get("model", model)
        assert model not in messaging_models, route
        assert "message" not in route.replace("messages", "").lower() or "report" in route, route
        assert "conversation" not in route.lower(), route

    request = RequestFactory().get("/admin/")
    request.user = editor

    def labels(items):
        for item in items:
            yield str(item.label)
            menu = getattr(item, "menu", None)
            if menu is not None:
                yield from labels(menu.menu_items_for_request(request))

    for label in labels(admin_menu.menu_items_for_request(request)):
        assert "message" not in label.lower(), label
        assert "conversation" not in label.lower(), label


# --------------------------------------------------------------------------
# Each action: its effect and its log entry.
# --------------------------------------------------------------------------


def act(client, report, action, **data):
    fields = {f"{action}-{name}": value for name, value in data.items()}
    return client.post(detail_url(report), {"action": action, **fields})


def test_dismiss(moderator, a_report):
    client = client_for(moderator)
    response = act(client, a_report, "dismiss", note="Nothing against the rules")
    assert response.status_code == 302
    a_report.refresh_from_db()
    assert a_report.status == "closed"
    assert a_report.closed_at is not None
    (entry,) = a_report.actions.all()
    assert (entry.action, entry.moderator, entry.note) == (
        "dismiss",
        moderator,
        "Nothing against the rules",
    )
    content = text_of(client.get(detail_url(a_report)))
    assert "Mo Derator" in content
    assert "Nothing against the rules" in content
    assert "Dismissed" in content


def test_hide_the_call(scene, moderator, a_report, on_commit):
    with on_commit():
        act(client_for(moderator), a_report, "hide_call", note="At home", close="on")
    scene.call.refresh_from_db()
    assert scene.call.hidden
    a_report.refresh_from_db()
    assert a_report.status == "closed"
    assert a_report.actions.get().action == "hide_call"
    # Gone from the board; Mira and Pia are told, in a content-free e-mail.
    board = text_of(client_for(scene.reporter).get(board_url(scene.board)))
    assert scene.call.title not in board
    assert sorted(m.to[0] for m in mail.outbox) == ["member@example.org", "pia@example.org"]
    for sent in mail.outbox:
        assert scene.call.title not in sent.body
        assert "Utrecht" not in sent.body
        assert board_url(scene.board, "mine") in sent.body
    mine = text_of(client_for(scene.member).get(board_url(scene.board, "mine")))
    assert "This meeting is no longer on the board." in mine
    assert scene.call.meeting_point not in mine
    # The meeting's conversation is closed.
    scene.thread.refresh_from_db()
    assert scene.thread.closed_at is not None


def test_remove_the_message(scene, moderator):
    message = scene.sent[REPORTED_TEXT]
    report = moderation.make_report(
        scene.member, kind="message", reason="unsafe", message=message, member=scene.organiser
    )
    unread = messaging.unread_total(scene.member)
    act(client_for(moderator), report, "remove_message", note="Threatening", close="on")
    assert messaging.unread_total(scene.member) == unread == 2
    message.refresh_from_db()
    assert message.body == ""
    assert message.removed_at is not None
    assert message.removed_by == moderator
    assert report.actions.get().action == "remove_message"
    for user in (scene.member, scene.organiser):
        client = client_for(user)
        thread = text_of(client.get(inbox_url(scene.inbox, "conversation", scene.thread.pk)))
        assert "Removed by a moderator." in thread
        assert REPORTED_TEXT not in thread
        assert AFTER_TEXT in thread
    mine = text_of(client_for(scene.organiser).get(board_url(scene.board, "mine")))
    assert "Removed by a moderator." in mine
    assert REPORTED_TEXT not in mine
    # The moderator's page says so too, and the action is not offered again.
    page = text_of(client_for(moderator).get(detail_url(report)))
    assert "Removed by a moderator." in page
    assert REPORTED_TEXT not in page
    assert 'value="remove_message"' not in page


def test_removed_messages_show_in_the_latest_messages_on_my_meetings(scene):
    Message.objects.filter(pk=scene.sent[AFTER_TEXT].pk).update(body="", removed_at=timezone.now())
    mine = text_of(client_for(scene.member).get(board_url(scene.board, "mine")))
    assert "Removed by a moderator." in mine
    assert AFTER_TEXT not in mine
    assert REPORTED_TEXT in mine


def test_warn(scene, moderator, a_report, on_commit):
    with on_commit():
        act(
            client_for(moderator),
            a_report,
            "warn",
            member=scene.organiser.pk,
            notice="Please meet in public places only.",
            note="First warning",
            close="on",
        )
    entry = a_report.actions.get()
    assert (entry.action, entry.member, entry.note) == ("warn", scene.organiser, "First warning")
    (sent,) = mail.outbox
    assert sent.to == ["organiser@example.org"]
    assert "Please meet" not in sent.body
    assert "warn" not in sent.body.lower()
    otto = client_for(scene.organiser)
    board = text_of(otto.get(board_url(scene.board)))
    assert "A message from the moderators" in board
    assert "Please meet in public places only." in board
    # Read: gone.
    response = otto.post(
        board_url(scene.board, "notice_read", entry.pk), {"next": board_url(scene.board)}
    )
    assert response["Location"] == board_url(scene.board)
    assert "A message from the moderators" not in text_of(otto.get(board_url(scene.board)))
    # Nobody else can mark it read, or see it.
    assert "Please meet" not in text_of(client_for(scene.member).get(board_url(scene.board)))


def test_someone_elses_notice_is_left_alone(scene, moderator, a_report):
    entry = moderation.warn(a_report, scene.organiser, moderator=moderator, notice="Be kind")
    client_for(scene.member).post(board_url(scene.board, "notice_read", entry.pk))
    entry.refresh_from_db()
    assert entry.seen_at is None


def test_suspend_for_a_number_of_days(scene, moderator, a_report, on_commit):
    other_call = make_call(organiser=scene.organiser, title="Another walk of Otto")
    register(other_call, scene.reporter)
    theirs = make_call(title="Someone else's museum trip")
    rules.accept(register(theirs, scene.organiser))
    past = past_meeting(scene)
    mail.outbox = []
    with on_commit():
        response = act(
            client_for(moderator),
            a_report,
            "suspend",
            member=scene.organiser.pk,
            length="days",
            days="14",
            notice="Two weeks off the board.",
            note="Repeated",
            close="on",
        )
    assert response.status_code == 302
    profile = MemberProfile.objects.get(user=scene.organiser)
    assert profile.is_suspended
    assert not profile.suspended_for_good
    expected = timezone.now() + datetime.timedelta(days=14)
    assert abs(profile.suspended_until - expected) < datetime.timedelta(minutes=1)
    entry = a_report.actions.get()
    assert (entry.action, entry.member, entry.until) == (
        "suspend",
        scene.organiser,
        profile.suspended_until,
    )
    # His calls still ahead are hidden and their registrants told; he is told too.
    assert list(Call.objects.filter(organiser=scene.organiser, hidden=False)) == [past]
    # His own sign-ups stay as they are: he can read what was agreed.
    assert Registration.objects.get(call=theirs, member=scene.organiser).status == "accepted"
    told = sorted(m.to[0] for m in mail.outbox)
    assert told == sorted(
        [
            "member@example.org",
            "pia@example.org",
            "roos@example.org",
            "organiser@example.org",
        ]
    )
    for sent in mail.outbox:
        for secret in (scene.call.title, "Another walk", "suspend", "Two weeks"):
            assert secret not in sent.body
    board = text_of(client_for(scene.reporter).get(board_url(scene.board)))
    assert scene.call.title not in board
    assert "Another walk of Otto" not in board


def test_suspend_for_good_and_lift(scene, moderator, a_report):
    client = client_for(moderator)
    act(client, a_report, "suspend", member=scene.organiser.pk, length="for_good", note="Never")
    profile = MemberProfile.objects.get(user=scene.organiser)
    assert profile.suspended_for_good and profile.is_suspended
    page = text_of(client.get(detail_url(a_report)))
    assert "suspended for good" in page
    assert 'value="lift"' in page
    act(client, a_report, "lift", member=scene.organiser.pk, note="Talked it through")
    profile.refresh_from_db()
    assert not profile.is_suspended
    assert [a.action for a in a_report.actions.all()] == ["suspend", "lift"]
    # Lifting does not bring the hidden calls back.
    scene.call.refresh_from_db()
    assert scene.call.hidden


def test_suspend_needs_a_number_of_days_or_for_good(scene, moderator, a_report):
    response = act(
        client_for(moderator), a_report, "suspend", member=scene.organiser.pk, length="days"
    )
    assert response.status_code == 200
    assert "Enter the number of days" in text_of(response)
    assert not MemberProfile.objects.get(user=scene.organiser).is_suspended
    assert not ModerationAction.objects.exists()


def test_an_action_not_offered_is_refused(scene, moderator, a_report):
    response = act(client_for(moderator), a_report, "remove_message", note="no message here")
    assert response.status_code == 302
    assert not ModerationAction.objects.exists()
    response = act(client_for(moderator), a_report, "nonsense")
    assert not ModerationAction.objects.exists()


def test_the_reporter_cannot_be_warned_through_a_meeting_report(scene, moderator):
    meeting = past_meeting(scene)
    report = moderation.make_report(scene.member, kind="meeting", reason="unsafe", call=meeting)
    page = text_of(client_for(moderator).get(detail_url(report)))
    assert f'value="{scene.organiser.pk}"' in page
    assert f'value="{scene.member.pk}"' not in page
    act(client_for(moderator), report, "warn", member=scene.member.pk)
    assert not ModerationAction.objects.exists()


def test_a_meeting_reports_page_reads_who_took_part_once(scene, moderator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report = moderation.make_report(
        scene.reporter, kind="meeting", reason="unsafe", call=past_meeting(scene)
    )
    client = client_for(moderator)
    with CaptureQueriesContext(connection) as queries:
        page = text_of(client.get(detail_url(report)))
    assert "Otto" in page and "Mira" in page
    reads = [
        q
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "auth_user"') and "report_meeting_members" in q["sql"]
    ]
    assert len(reads) == 1


@pytest.mark.parametrize("who_leaves", ["organiser", "accepted member"])
def test_leaving_the_board_takes_nobody_out_of_a_meeting_report(scene, moderator, who_leaves):
    meeting = past_meeting(scene)
    report = moderation.make_report(scene.reporter, kind="meeting", reason="unsafe", call=meeting)
    # Roosmarijn reported without having been there; Otto and Mira were.
    assert set(report.meeting_members.all()) == {scene.organiser, scene.member}
    leaver = scene.organiser if who_leaves == "organiser" else scene.member
    privacy.remove_board_presence(leaver)
    assert not Registration.objects.filter(member=leaver).exists()
    page = text_of(client_for(moderator).get(detail_url(report)))
    for person in (scene.organiser, scene.member):
        assert f'value="{person.pk}"' in page, person
    assert "Pia" not in page  # she was never accepted
    act(client_for(moderator), report, "suspend", member=leaver.pk, length="days", days="7")
    (suspension,) = ModerationAction.objects.filter(action="suspend")
    assert suspension.member == leaver
    assert MemberProfile.objects.get(user=leaver).is_suspended


def test_actions_need_the_csrf_token(moderator, a_report):
    client = client_for(moderator, enforce_csrf_checks=True)
    response = act(client, a_report, "dismiss")
    assert response.status_code == 403
    a_report.refresh_from_db()
    assert a_report.status == "open"


# --------------------------------------------------------------------------
# A suspended member reads but does not post, sign up or write.
# --------------------------------------------------------------------------


@pytest.fixture
def suspended(scene, moderator, a_report):
    moderation.suspend(
        scene.member,
        until=timezone.now() + datetime.timedelta(days=7),
        note="",
        notice="See you next week.",
        moderator=moderator,
        report=a_report,
    )
    cache.clear()
    return client_for(scene.member)


def snapshot():
    return (
        list(Call.objects.order_by("pk").values_list("pk", "status", "hidden", "title")),
        list(Registration.objects.order_by("pk").values_list("pk", "status", "note")),
        list(Message.objects.order_by("pk").values_list("pk", "body")),
        Conversation.objects.count(),
    )


def test_suspended_member_reads_their_own_pages(scene, suspended):
    for url in (
        board_url(scene.board),
        board_url(scene.board, "mine"),
        board_url(scene.board, "profile"),
        board_url(scene.board, "call", scene.call.pk),
        inbox_url(scene.inbox),
        inbox_url(scene.inbox, "conversation", scene.thread.pk),
    ):
        response = suspended.get(url)
        assert response.status_code == 200, url
        content = text_of(response)
        assert "Your account is suspended until" in content, url
        assert "See you next week." in content
    thread = text_of(suspended.get(inbox_url(scene.inbox, "conversation", scene.thread.pk)))
    assert REPORTED_TEXT in thread
    assert "Send message" not in thread


def test_suspended_member_cannot_post_sign_up_or_write(scene, suspended):
    other_call = make_call(title="Open walk elsewhere")
    before = snapshot()
    refusal = "Your account is suspended until"
    # Posting a call: the form is not offered, a POST stores nothing.
    for url in (board_url(scene.board, "post"),):
        response = suspended.get(url)
        assert response.status_code == 302
        assert response["Location"] == board_url(scene.board, "mine")
        response = suspended.post(url, call_form_data(), follow=True)
        assert refusal in text_of(response)
    # Signing up.
    response = suspended.post(
        board_url(scene.board, "sign_up", other_call.pk), {"note": "hi"}, follow=True
    )
    assert refusal in text_of(response)
    call_page = text_of(suspended.get(board_url(scene.board, "call", other_call.pk)))
    assert "Sign up for this meeting" not in call_page
    # Replying and writing.
    response = suspended.post(
        inbox_url(scene.inbox, "reply", scene.thread.pk), {"body": "Still here"}
    )
    assert refusal in text_of(response)
    write = inbox_url(scene.inbox, "write", scene.pending.pk)
    assert "Send message" not in text_of(suspended.get(write))
    assert refusal in text_of(suspended.post(write, {"body": "Hello Pia"}, follow=True))
    assert snapshot() == before


def test_suspended_organiser_cannot_change_reopen_or_accept(scene, moderator, a_report):
    newcomer = make_member("newcomer2", "Nieke")
    registration = register(scene.call, newcomer)
    Call.objects.filter(pk=scene.call.pk).update(status="closed")
    moderation.suspend(scene.organiser, until=None, note="", moderator=moderator, report=a_report)
    client = client_for(scene.organiser)
    before = snapshot()
    for url in (
        board_url(scene.board, "edit", scene.call.pk),
        board_url(scene.board, "again", scene.call.pk),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == board_url(scene.board, "mine")
        client.post(url, call_form_data())
    client.post(board_url(scene.board, "reopen", scene.call.pk))
    client.post(board_url(scene.board, "accept", registration.pk))
    assert snapshot() == before
    # Stepping back stays possible: cancelling the meeting.
    client.post(board_url(scene.board, "cancel", scene.call.pk))
    assert Call.objects.get(pk=scene.call.pk).status == "cancelled"


def test_suspended_member_may_still_report_block_and_withdraw(scene, suspended):
    assert suspended.post(report_url(scene, "call"), report_data()).status_code == 302
    assert Report.objects.filter(reporter=scene.member).exists()
    suspended.post(board_url(scene.board, "block", scene.pending.pk))
    assert messaging.is_blocked(scene.member, scene.pending)


def test_suspended_members_name_stays_as_it_is(scene, suspended):
    content = text_of(suspended.get(board_url(scene.board, "profile")))
    assert "cannot change your name while your account is suspended" in content
    suspended.post(
        board_url(scene.board, "profile"),
        {"display_name": "Someone new", "role": "peer", "home_place": "", "notify": "never"},
    )
    profile = MemberProfile.objects.get(user=scene.member)
    assert profile.display_name == "Mira"
    assert profile.notify == "never"


def test_a_suspended_organisers_calls_are_not_listed(scene):
    # Also when the suspension was set without the moderation rule hiding the calls.
    MemberProfile.objects.filter(user=scene.organiser).update(
        suspended_until=timezone.now() + datetime.timedelta(hours=1)
    )
    assert scene.call not in Call.objects.listed()
    assert scene.call.title not in text_of(client_for(scene.member).get(board_url(scene.board)))
    MemberProfile.objects.filter(user=scene.organiser).update(
        suspended_until=None, suspended_for_good=True
    )
    assert scene.call not in Call.objects.listed()
    MemberProfile.objects.filter(user=scene.organiser).update(suspended_for_good=False)
    assert scene.call in Call.objects.listed()


def test_a_suspension_ends_by_itself(scene, suspended):
    later = timezone.now() + datetime.timedelta(days=8)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert moderation.suspension_refusal(scene.member) is None
        content = text_of(suspended.get(board_url(scene.board, "mine")))
        assert "Your account is suspended" not in content
        # (The walk is over by then: she writes to Pia directly.)
        response = suspended.post(
            inbox_url(scene.inbox, "write", scene.pending.pk), {"body": "Back"}
        )
        assert response.status_code == 302
    assert Message.objects.filter(body="Back").exists()


def test_suspending_needs_a_future_moment(scene, moderator, a_report):
    from wagtail_meetings.errors import RuleError

    with pytest.raises(RuleError):
        moderation.suspend(
            scene.member,
            until=timezone.now() - datetime.timedelta(minutes=1),
            moderator=moderator,
            report=a_report,
        )
    assert not MemberProfile.objects.get(user=scene.member).is_suspended


# --------------------------------------------------------------------------
# "Did it go well?" after a meeting.
# --------------------------------------------------------------------------


def test_the_check_in_is_offered_to_those_who_were_there(scene):
    meeting = past_meeting(scene)
    check_in = board_url(scene.board, "check_in", meeting.pk)
    for user, offered in (
        (scene.organiser, True),
        (scene.member, True),
        (scene.pending, False),
        (scene.reporter, False),
    ):
        content = text_of(client_for(user).get(board_url(scene.board, "mine")))
        assert (check_in in content) is offered, user
        assert ("Did it go well?" in content) is offered, user
    # Not for a meeting still ahead (Mira is accepted for the walk).
    content = text_of(client_for(scene.member).get(board_url(scene.board, "mine")))
    assert board_url(scene.board, "check_in", scene.call.pk) not in content


@pytest.mark.parametrize(
    ("change", "offered"),
    [
        ("none", True),
        ("long ago", False),
        ("cancelled", False),
        ("hidden", False),
        ("nobody accepted", False),
    ],
)
def test_which_meetings_get_the_check_in(scene, change, offered):
    meeting = past_meeting(scene, days_ago=40 if change == "long ago" else 2)
    if change == "cancelled":
        Call.objects.filter(pk=meeting.pk).update(status="cancelled")
    if change == "hidden":
        Call.objects.filter(pk=meeting.pk).update(hidden=True)
    if change == "nobody accepted":
        meeting.registrations.update(status="withdrawn")
    content = text_of(client_for(scene.organiser).get(board_url(scene.board, "mine")))
    assert (board_url(scene.board, "check_in", meeting.pk) in content) is offered


def test_it_went_fine_once_even_with_a_double_click(scene):
    meeting = past_meeting(scene)
    client = client_for(scene.member)
    url = board_url(scene.board, "check_in", meeting.pk)
    assert client.get(url).status_code == 405
    for _ in range(2):
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"] == board_url(scene.board, "mine")
    (check_in,) = CheckIn.objects.all()
    assert (check_in.member, check_in.call, check_in.answer) == (scene.member, meeting, "fine")
    content = text_of(client.get(board_url(scene.board, "mine")))
    assert url not in content
    assert "Good to hear it went well" in content
    assert not Report.objects.exists()


def test_report_something_about_a_meeting(scene):
    meeting = past_meeting(scene)
    client = client_for(scene.member)
    url = board_url(scene.board, "report_meeting", meeting.pk)
    assert url in text_of(client.get(board_url(scene.board, "mine")))
    form = text_of(client.get(url))
    assert "Report something about a meeting" in form
    assert CHECK_IN_TITLE in form
    response = client.post(url, report_data())
    assert response["Location"] == board_url(scene.board, "mine")
    report = Report.objects.get()
    assert (report.kind, report.call, report.reporter) == ("meeting", meeting, scene.member)
    assert CheckIn.objects.get(member=scene.member, call=meeting).answer == "reported"
    content = text_of(client.get(board_url(scene.board, "mine")))
    assert url not in content
    assert "Nobody from the meeting is told who reported it" in content


def test_check_in_for_a_meeting_one_was_not_in_is_404(scene):
    meeting = past_meeting(scene)
    for user, target in (
        (scene.pending, meeting),
        (scene.reporter, meeting),
        (scene.member, scene.call),  # still ahead
    ):
        response = client_for(user).post(board_url(scene.board, "check_in", target.pk))
        assert response.status_code == 404
    assert not CheckIn.objects.exists()


# --------------------------------------------------------------------------
# The dashboard panel.
# --------------------------------------------------------------------------


def test_the_dashboard_shows_the_number_of_open_reports(scene, moderator, plain_editor):
    for reason in ("spam", "unsafe"):
        moderation.make_report(scene.reporter, kind="member", reason=reason, member=scene.organiser)
    closed = moderation.make_report(
        scene.member, kind="member", reason="other", member=scene.organiser
    )
    moderation.dismiss(closed, moderator=moderator)
    home = text_of(client_for(moderator).get(reverse("wagtailadmin_home")))
    assert "2 open reports are waiting for a moderator." in home
    assert f"{index_url()}?status=open" in home
    assert "open reports" not in text_of(client_for(plain_editor).get(reverse("wagtailadmin_home")))


def test_the_dashboard_says_when_nothing_is_open(moderator):
    home = text_of(client_for(moderator).get(reverse("wagtailadmin_home")))
    assert "There are no open reports." in home
    assert "waiting for approval" not in home


def test_the_dashboard_counts_calls_waiting_for_those_who_may_approve(scene, moderator):
    for title in ("First walk", "Second walk"):
        make_call(organiser=scene.reporter, title=title, awaiting_approval=True)
    waiting = f"{reverse('wagtail_meetings_calls:list')}?awaiting_approval=true"
    # Moderating reports alone does not approve calls: no count, no link.
    home = text_of(client_for(moderator).get(reverse("wagtailadmin_home")))
    assert waiting not in home
    moderator.user_permissions.add(Permission.objects.get(codename="change_call"))
    moderator = User.objects.get(pk=moderator.pk)
    home = text_of(client_for(moderator).get(reverse("wagtailadmin_home")))
    assert "2 calls are waiting for approval." in home
    assert waiting in home
    # An editor who may approve calls but not moderate sees the calls, not the reports.
    approver = User.objects.create_user("approver", password="x")
    approver.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="change_call"),
    )
    home = text_of(client_for(approver).get(reverse("wagtailadmin_home")))
    assert "2 calls are waiting for approval." in home
    assert "open reports" not in home and index_url() not in home
    Call.objects.update(awaiting_approval=False)
    home = text_of(client_for(approver).get(reverse("wagtailadmin_home")))
    assert "No calls are waiting for approval." in home


# --------------------------------------------------------------------------
# A moderator who is a member too never handles a report about themselves.
# --------------------------------------------------------------------------


def reports_about_everyone(scene):
    """One report of every kind about Otto, the organiser, and one about someone else."""
    about_otto = [
        moderation.make_report(
            scene.reporter, kind="call", reason="unsafe", call=scene.call, member=scene.organiser
        ),
        moderation.make_report(
            scene.member,
            kind="message",
            reason="unsafe",
            message=scene.sent[REPORTED_TEXT],
            member=scene.organiser,
        ),
        moderation.make_report(
            scene.reporter, kind="member", reason="spam", member=scene.organiser
        ),
        moderation.make_report(
            scene.member, kind="meeting", reason="unsafe", call=past_meeting(scene)
        ),
    ]
    elsewhere = moderation.make_report(
        scene.pending, kind="member", reason="spam", member=scene.reporter
    )
    return about_otto, elsewhere


def assert_kept_from(person, hidden, shown):
    client = client_for(person)
    queue = text_of(client.get(index_url()))
    for report in hidden:
        assert detail_url(report) not in queue
        assert client.get(detail_url(report)).status_code == 404
        client.post(detail_url(report), {"action": "dismiss", "note": ""})
        report.refresh_from_db()
        assert report.status == "open"
    for report in shown:
        assert detail_url(report) in queue
        assert client.get(detail_url(report)).status_code == 200
    home = text_of(client.get(reverse("wagtailadmin_home")))
    count = len(shown)
    assert f"{count} open report{'s are' if count > 1 else ' is'} waiting for a moderator." in home
    assert not ModerationAction.objects.exists()


def test_a_moderator_never_sees_reports_about_their_calls_messages_or_self(scene, moderators):
    about_otto, elsewhere = reports_about_everyone(scene)
    scene.organiser.groups.add(moderators)
    assert_kept_from(scene.organiser, hidden=about_otto, shown=[elsewhere])


def test_a_moderator_never_sees_reports_about_a_meeting_they_were_in(scene, moderators):
    about_otto, elsewhere = reports_about_everyone(scene)
    meeting = about_otto[3].call
    by_otto = moderation.make_report(scene.organiser, kind="meeting", reason="other", call=meeting)
    scene.member.groups.add(moderators)
    # Mira was accepted for the meeting: both reports about it are kept from her. So
    # are the reports she made (the message): she does not judge her own report either.
    # The others' reports about what Otto wrote or did she may handle.
    assert_kept_from(
        scene.member,
        hidden=[by_otto, about_otto[3], about_otto[1]],
        shown=[about_otto[0], about_otto[2], elsewhere],
    )


def test_an_editor_who_may_not_moderate_cannot_tell_a_report_about_them(scene, plain_editor):
    about_her = moderation.make_report(
        scene.reporter, kind="member", reason="spam", member=plain_editor
    )
    other = moderation.make_report(
        scene.reporter, kind="member", reason="spam", member=scene.organiser
    )
    client = client_for(plain_editor)
    answers = [client.get(detail_url(report)) for report in (about_her, other)]
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"] == reverse("wagtailadmin_home")


def test_the_report_form_states_what_happens(scene):
    content = text_of(client_for(scene.reporter).get(report_url(scene, "call")))
    assert re.search(r"never shown to the member it is about", content)
    assert "Call 112" in content
