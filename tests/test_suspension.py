"""What a suspended member gets on every route of the board and the inbox.

The rule: suspended members can log in and read their own data but cannot post,
sign up or message; their open calls are hidden and their registrants notified
(README, "Reports and moderation": they can still report, block, withdraw or
cancel; they cannot post or change a call, sign up, accept a sign-up, send a
message or change their display name).

One matrix, read from the page types' own routes (so that a route added later
must be placed in it), run for a suspension for a period and for good. Every
route is one of:

- ``READ``: it still works and shows the member's content;
- ``REFUSED``: it adds or revives something; the member is told why (the
  suspension message) and nothing is stored;
- ``ALLOWED``: it only steps back or protects; it works as for anyone.
"""

import datetime
import json
from types import SimpleNamespace
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from django.utils.html import escape
from icalendar import Calendar

from wagtail_meetings import messaging, moderation, rules
from wagtail_meetings.models import (
    Block,
    Call,
    CheckIn,
    Conversation,
    ConversationMember,
    InboxPage,
    MeetingsBoardPage,
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
    page_routes,
    with_email,
)

pytestmark = pytest.mark.django_db

OTTOS_WALK = "A walk in the park"  # tests/utils.make_call's default title
OTTOS_POINT = "Main entrance of Wilhelminapark"
OTTO_WROTE = "See you all at the gate"
MIRA_WROTE = "I will bring an umbrella"
MIRAS_CALL = "Museum morning with Mira"
MIRAS_POINT = "Ticket desk of the Centraal Museum"
OPEN_CALL = "Coffee by the canal with Sanne"
ROOS_WROTE = "Hi Mira, how was the museum?"
PAST_MEETING = "Tea we had last week"
WARNING = "Please keep to the house rules."
SUSPENSION_NOTICE = "Take some time off the board."
NEW_TEXT = "Something new from a suspended member"

READ, REFUSED, ALLOWED = "reads", "refused", "allowed"


# --------------------------------------------------------------------------
# The scene.
# --------------------------------------------------------------------------


@pytest.fixture
def world(board, inbox, call, member, organiser):
    """Mira (``member``), about to be suspended, in every role a route needs.

    - accepted for Otto's walk (``call``), whose conversation holds a message of each;
    - organiser of her own museum morning: Pia waiting, Roos accepted;
    - not signed up for Sanne's open coffee;
    - in a direct conversation that Roos started;
    - accepted for a meeting of Otto's that took place three days ago;
    - with a warning from the moderators she has not marked as read.
    """
    mira, otto = with_email(member), with_email(organiser)
    pia = with_email(make_member("pia", "Pia"))
    roos = with_email(make_member("roos", "Roos"))
    sanne = with_email(make_member("sanne", "Sanne"))
    rules.accept(Registration.objects.create(call=call, member=mira))
    thread = Conversation.objects.get(call=call)
    otto_message = messaging.send(thread, otto, OTTO_WROTE)
    messaging.send(thread, mira, MIRA_WROTE)
    own = make_call(organiser=mira, title=MIRAS_CALL, meeting_point=MIRAS_POINT, capacity=4)
    pending = Registration.objects.create(call=own, member=pia, note="Can I come?")
    rules.accept(Registration.objects.create(call=own, member=roos))
    open_call = make_call(
        organiser=sanne,
        title=OPEN_CALL,
        activities=["coffee"],
        starts_at=timezone.now() + datetime.timedelta(days=30),
    )
    direct, _message = messaging.start_direct(roos, mira, ROOS_WROTE)
    past = make_call(organiser=otto, title=PAST_MEETING)
    Registration.objects.create(call=past, member=mira, status="accepted")
    Call.objects.filter(pk=past.pk).update(starts_at=timezone.now() - datetime.timedelta(days=3))
    moderator = User.objects.create_user("moderator", password="x")
    report = moderation.make_report(sanne, kind="member", reason="unsafe", member=mira)
    warning = moderation.warn(report, mira, moderator=moderator, notice=WARNING, close=False)
    cache.clear()
    mail.outbox = []
    return SimpleNamespace(
        board=board,
        inbox=inbox,
        mira=mira,
        otto=otto,
        pia=pia,
        roos=roos,
        sanne=sanne,
        walk=call,
        thread=thread,
        otto_message=otto_message,
        own=own,
        pending=pending,
        open_call=open_call,
        direct=direct,
        past=Call.objects.get(pk=past.pk),
        moderator=moderator,
        report=report,
        warning=warning,
    )


@pytest.fixture(params=["period", "for_good"])
def suspended(request, world, on_commit):
    """Mira suspended by a moderator, for a week or for good; her client.

    The e-mails the suspension sent are kept in ``world.told``.
    """
    until = timezone.now() + datetime.timedelta(days=7) if request.param == "period" else None
    with on_commit():
        moderation.suspend(
            world.mira,
            until=until,
            notice=SUSPENSION_NOTICE,
            moderator=world.moderator,
            report=world.report,
            close=False,
        )
    world.kind = request.param
    world.told = sorted(message.to[0] for message in mail.outbox)
    mail.outbox = []
    cache.clear()
    world.refusal = str(moderation.suspension_message(MemberProfile.objects.get(user=world.mira)))
    world.client = client_for(world.mira)
    world.on_commit = on_commit
    return world


# --------------------------------------------------------------------------
# Helpers.
# --------------------------------------------------------------------------


def text_of(response):
    return response.content.decode()


def flashes(response):
    """The messages the request added, as ``(level, text)``."""
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def snapshot():
    """Everything a refused route might have added or changed."""
    return (
        list(
            Call.objects.order_by("pk").values_list(
                "pk", "status", "hidden", "title", "meeting_point", "capacity", "repeat_of"
            )
        ),
        list(Registration.objects.order_by("pk").values_list("pk", "call", "member", "status")),
        list(Message.objects.order_by("pk").values_list("pk", "sender", "body")),
        list(Conversation.objects.order_by("pk").values_list("pk", "closed_at")),
        list(ConversationMember.objects.order_by("pk").values_list("pk", "left_at")),
    )


def assert_reads(w, response):
    """A reading page: shown, with the suspension (and the moderator's words) on it."""
    assert response.status_code == 200
    content = text_of(response)
    assert "Your account is suspended" in content
    assert escape(w.refusal) in content
    assert SUSPENSION_NOTICE in content
    return content


def assert_refused_with_redirect(w, response, to="mine"):
    assert response.status_code == 302
    assert response["Location"] == board_url(w.board, to)
    assert ("error", w.refusal) in flashes(response)


def assert_refused_in_place(w, response, location):
    """Refused through the rules: back to the call's page, with the reason."""
    assert response.status_code == 302
    assert response["Location"] == location
    assert ("error", w.refusal) in flashes(response)
    assert not [level for level, _text in flashes(response) if level == "success"]


def refusal_notice(w):
    """How a write form is replaced by the reason (not just the banner on every page)."""
    return f'<p class="meetings-notice">{escape(w.refusal)}</p>'


def report_data():
    return {"reason": "unsafe", "details": "He kept asking where I live"}


def thanked(response, start="Thank you for telling us."):
    return any(level == "success" and text.startswith(start) for level, text in flashes(response))


# --------------------------------------------------------------------------
# The matrix: every route of the board and the inbox, and what it does.
# --------------------------------------------------------------------------

MATRIX = {}
XFAIL = {}


def route(page, name, expected, xfail=None):
    def register(check):
        MATRIX[(page, name)] = (expected, check)
        if xfail:
            XFAIL[(page, name)] = xfail
        return check

    return register


# The board: reading.


@route("board", "list", READ)
def _list(w):
    content = assert_reads(w, w.client.get(board_url(w.board)))
    assert OPEN_CALL in content
    assert OTTOS_WALK in content
    # Her own call is off the board, also for herself.
    assert MIRAS_CALL not in content


@route("board", "call", READ)
def _call(w):
    # A meeting she is in: the meeting point and who is coming; withdrawing is offered.
    response = w.client.get(board_url(w.board, "call", w.walk.pk))
    content = assert_reads(w, response)
    assert response.context["my_registration"].status == "accepted"
    assert OTTOS_POINT in content
    assert "See you there!" in content
    assert board_url(w.board, "withdraw", w.walk.pk) in content
    # Someone else's open call: readable, but no sign-up form, the reason instead.
    response = w.client.get(board_url(w.board, "call", w.open_call.pk))
    content = assert_reads(w, response)
    assert OPEN_CALL in content
    assert response.context["can_sign_up"] is False
    assert response.context["sign_up_refusal"] == w.refusal
    assert "Sign up for this meeting" not in content
    assert board_url(w.board, "sign_up", w.open_call.pk) not in content
    # Her own call: she keeps seeing it, marked as hidden, with its sign-ups.
    content = assert_reads(w, w.client.get(board_url(w.board, "call", w.own.pk)))
    assert MIRAS_CALL in content
    assert MIRAS_POINT in content
    assert "A moderator has hidden this call." in content
    assert "Pia" in content
    # Only what she may still do is offered: no accepting, changing or organising again.
    for name, args in (("edit", [w.own.pk]), ("again", [w.own.pk]), ("reopen", [w.own.pk])):
        assert board_url(w.board, name, *args) not in content
    assert "Accept Pia" not in content
    assert board_url(w.board, "cancel", w.own.pk) in content


@route("board", "calendar", READ)
def _calendar(w):
    response = w.client.get(board_url(w.board, "calendar", w.walk.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert f"meeting-{w.walk.pk}.ics" in response["Content-Disposition"]
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["summary"]) == OTTOS_WALK
    assert OTTOS_POINT in str(event["location"])
    assert str(event["status"]) == "CONFIRMED"


@route("board", "towns", READ)
def _towns(w):
    response = w.client.get(board_url(w.board, "towns"), {"q": "Utrec"})
    assert response.status_code == 200
    assert "Utrecht (Utrecht)" in response.json()["towns"]


@route("board", "mine", READ)
def _mine(w):
    content = assert_reads(w, w.client.get(board_url(w.board, "mine")))
    # Her own call and its sign-ups, the meeting she is in with its point and messages.
    assert MIRAS_CALL in content
    assert "Pia" in content
    assert OTTOS_WALK in content
    assert OTTOS_POINT in content
    assert MIRA_WROTE in content
    # The meeting that took place: "did it go well?".
    assert PAST_MEETING in content
    assert board_url(w.board, "check_in", w.past.pk) in content


@route("board", "profile", READ)
def _profile(w):
    url = board_url(w.board, "profile")
    response = w.client.get(url)
    content = assert_reads(w, response)
    assert 'value="Mira"' in content
    assert "You cannot change your name while your account is suspended." in content
    assert response.context["form"].fields["display_name"].disabled
    # Her settings she may change; her name stays on what she wrote.
    response = w.client.post(
        url,
        {"display_name": "Someone new", "role": "relative", "home_place": "", "notify": "never"},
    )
    assert response.status_code == 302
    assert ("success", "Your profile is saved.") in flashes(response)
    profile = MemberProfile.objects.get(user=w.mira)
    assert (profile.display_name, profile.role, profile.notify) == ("Mira", "relative", "never")
    assert profile.is_suspended


@route("board", "my_data", READ)
def _my_data(w):
    content = assert_reads(w, w.client.get(board_url(w.board, "my_data")))
    assert "Download my data" in content
    assert board_url(w.board, "my_data_download") in content


@route("board", "my_data_download", READ)
def _my_data_download(w):
    response = w.client.get(board_url(w.board, "my_data_download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["display_name"] == "Mira"
    (own,) = data["calls_organised"]
    assert (own["title"], own["hidden_by_moderator"]) == (MIRAS_CALL, True)
    # Her sign-ups: Otto's walk ahead and the meeting that took place, both accepted.
    assert sorted((row["status"], row["note"]) for row in data["sign_ups"]) == [
        ("accepted", ""),
        ("accepted", ""),
    ]
    assert MIRA_WROTE in [row["text"] for row in data["messages_sent"]]


# The board: what adds, changes or revives a call or a sign-up is refused.


@route("board", "post", REFUSED)
def _post(w):
    url = board_url(w.board, "post")
    before = snapshot()
    response = w.client.get(url)
    assert_refused_with_redirect(w, response)
    response = w.client.post(url, call_form_data(title="Coffee at the station"))
    assert_refused_with_redirect(w, response)
    assert snapshot() == before
    assert not Call.objects.filter(title="Coffee at the station").exists()


@route("board", "edit", REFUSED)
def _edit(w):
    url = board_url(w.board, "edit", w.own.pk)
    before = snapshot()
    assert_refused_with_redirect(w, w.client.get(url))
    response = w.client.post(url, call_form_data(title="A changed title", capacity="8"))
    assert_refused_with_redirect(w, response)
    assert snapshot() == before
    w.own.refresh_from_db()
    assert (w.own.title, w.own.capacity) == (MIRAS_CALL, 4)


@route("board", "again", REFUSED)
def _again(w):
    url = board_url(w.board, "again", w.own.pk)
    before = snapshot()
    assert_refused_with_redirect(w, w.client.get(url))
    assert_refused_with_redirect(w, w.client.post(url, call_form_data(title=MIRAS_CALL)))
    assert snapshot() == before
    assert not Call.objects.filter(repeat_of=w.own).exists()


@route("board", "reopen", REFUSED)
def _reopen(w):
    Call.objects.filter(pk=w.own.pk).update(status="closed")
    before = snapshot()
    response = w.client.post(board_url(w.board, "reopen", w.own.pk))
    assert_refused_in_place(w, response, board_url(w.board, "call", w.own.pk))
    assert snapshot() == before
    assert Call.objects.get(pk=w.own.pk).status == "closed"


@route("board", "sign_up", REFUSED)
def _sign_up(w):
    before = snapshot()
    with w.on_commit():
        response = w.client.post(
            board_url(w.board, "sign_up", w.open_call.pk), {"note": "Can I join?"}
        )
    assert_refused_in_place(w, response, board_url(w.board, "call", w.open_call.pk))
    assert snapshot() == before
    assert not Registration.objects.filter(call=w.open_call).exists()
    # Sanne hears nothing.
    assert mail.outbox == []
    # Coming back after withdrawing is signing up too.
    rules.withdraw(w.walk, w.mira)
    before = snapshot()
    response = w.client.post(board_url(w.board, "sign_up", w.walk.pk), {"note": "Back again"})
    assert_refused_in_place(w, response, board_url(w.board, "call", w.walk.pk))
    assert snapshot() == before
    assert Registration.objects.get(call=w.walk, member=w.mira).status == "withdrawn"


@route("board", "accept", REFUSED)
def _accept(w):
    before = snapshot()
    with w.on_commit():
        response = w.client.post(board_url(w.board, "accept", w.pending.pk))
    assert_refused_in_place(w, response, board_url(w.board, "call", w.own.pk) + "#sign-ups")
    assert snapshot() == before
    assert Registration.objects.get(pk=w.pending.pk).status == "pending"
    # Pia is not told anything, nor let into a conversation.
    assert mail.outbox == []
    assert not ConversationMember.objects.filter(member=w.pia).exists()


# The board: stepping back and protecting oneself stay possible.


@route("board", "cancel", ALLOWED)
def _cancel(w):
    url = board_url(w.board, "cancel", w.own.pk)
    response = w.client.get(url)
    content = assert_reads(w, response)
    assert "Cancel this meeting?" in content
    assert MIRAS_CALL in content
    assert Call.objects.get(pk=w.own.pk).status == "open"
    response = w.client.post(url)
    assert response.status_code == 302
    assert ("success", "The meeting is cancelled.") in flashes(response)
    own = Call.objects.get(pk=w.own.pk)
    assert own.status == "cancelled"
    assert own.cancelled_at is not None


@route("board", "close", ALLOWED)
def _close(w):
    response = w.client.post(board_url(w.board, "close", w.own.pk))
    assert response.status_code == 302
    assert ("success", "Sign-ups are closed.") in flashes(response)
    assert Call.objects.get(pk=w.own.pk).status == "closed"
    # Those already in stay in.
    assert Registration.objects.get(call=w.own, member=w.roos).status == "accepted"


@route("board", "decline", ALLOWED)
def _decline(w):
    MemberProfile.objects.filter(user=w.pia).update(last_notified_at=None)
    with w.on_commit():
        response = w.client.post(board_url(w.board, "decline", w.pending.pk))
    assert response.status_code == 302
    assert ("success", "You said “not this time”.") in flashes(response)
    assert Registration.objects.get(pk=w.pending.pk).status == "declined"
    # Pia hears there is news (content-free, as always).
    assert [m.to for m in mail.outbox] == [["pia@example.org"]]
    assert MIRAS_CALL not in mail.outbox[0].body


@route("board", "withdraw", ALLOWED)
def _withdraw(w):
    response = w.client.post(board_url(w.board, "withdraw", w.walk.pk))
    assert response.status_code == 302
    assert (
        "success",
        "You have withdrawn. Thank you for letting the organiser know.",
    ) in flashes(response)
    assert Registration.objects.get(call=w.walk, member=w.mira).status == "withdrawn"
    # She leaves the meeting's conversation with it.
    assert ConversationMember.objects.get(conversation=w.thread, member=w.mira).left_at


@route("board", "block", ALLOWED)
def _block(w):
    url = board_url(w.board, "block", w.roos.pk)
    content = assert_reads(w, w.client.get(url))
    assert "Block Roos?" in content
    assert not Block.objects.exists()
    response = w.client.post(url)
    assert response.status_code == 302
    assert (
        "success",
        "You have blocked Roos. You can undo this on your profile.",
    ) in flashes(response)
    assert Block.objects.filter(blocker=w.mira, blocked=w.roos).exists()
    # Their direct conversation closes: Roos can no longer write to her either.
    assert Conversation.objects.get(pk=w.direct.pk).closed_at is not None


@route("board", "unblock", ALLOWED)
def _unblock(w):
    messaging.block(w.mira, w.sanne)
    response = w.client.post(board_url(w.board, "unblock", w.sanne.pk))
    assert response.status_code == 302
    assert ("success", "You have unblocked Sanne.") in flashes(response)
    assert not Block.objects.exists()


@route("board", "report_call", ALLOWED)
def _report_call(w):
    url = board_url(w.board, "report_call", w.open_call.pk)
    content = assert_reads(w, w.client.get(url))
    assert OPEN_CALL in content
    response = w.client.post(url, report_data())
    assert response.status_code == 302
    assert response["Location"] == board_url(w.board, "call", w.open_call.pk)
    assert thanked(response)
    report = Report.objects.get(reporter=w.mira)
    assert (report.kind, report.call, report.reported_member) == ("call", w.open_call, w.sanne)


@route("board", "report_member", ALLOWED)
def _report_member(w):
    url = board_url(w.board, "report_member", w.otto.pk)
    assert "Otto" in assert_reads(w, w.client.get(url))
    response = w.client.post(url, report_data())
    assert response.status_code == 302
    assert thanked(response)
    report = Report.objects.get(reporter=w.mira)
    assert (report.kind, report.reported_member, report.details) == (
        "member",
        w.otto,
        report_data()["details"],
    )


@route("board", "report_meeting", ALLOWED)
def _report_meeting(w):
    url = board_url(w.board, "report_meeting", w.past.pk)
    assert PAST_MEETING in assert_reads(w, w.client.get(url))
    response = w.client.post(url, report_data())
    assert response.status_code == 302
    assert response["Location"] == board_url(w.board, "mine")
    assert thanked(response)
    report = Report.objects.get(reporter=w.mira)
    assert (report.kind, report.call) == ("meeting", w.past)
    assert CheckIn.objects.get(member=w.mira, call=w.past).answer == "reported"


@route("board", "check_in", ALLOWED)
def _check_in(w):
    response = w.client.post(board_url(w.board, "check_in", w.past.pk))
    assert response.status_code == 302
    assert ("success", "Thank you. Good to hear it went well.") in flashes(response)
    assert CheckIn.objects.get(member=w.mira, call=w.past).answer == "fine"
    assert not Report.objects.filter(reporter=w.mira).exists()


@route("board", "notice_read", ALLOWED)
def _notice_read(w):
    mine = board_url(w.board, "mine")
    assert WARNING in text_of(w.client.get(mine))
    response = w.client.post(board_url(w.board, "notice_read", w.warning.pk), {"next": mine})
    assert response.status_code == 302
    assert response["Location"] == mine
    assert ModerationAction.objects.get(pk=w.warning.pk).seen_at is not None
    content = assert_reads(w, w.client.get(mine))
    assert WARNING not in content


@route("board", "welcome", ALLOWED)
def _welcome(w):
    url = board_url(w.board, "welcome")
    content = assert_reads(w, w.client.get(url))
    assert "Be kind. Meet in public places." in content
    w.client.post(url, {"display_name": "Someone new", "role": "peer", "accept_house_rules": "on"})
    profile = MemberProfile.objects.get(user=w.mira)
    assert profile.is_suspended
    assert profile.display_name == "Mira"


@route("board", "leave_board", ALLOWED)
def _leave_board(w):
    url = board_url(w.board, "leave_board")
    content = assert_reads(w, w.client.get(url))
    assert "cannot be undone" in content
    response = w.client.post(url, {"understood": "on"})
    assert response.status_code == 302
    assert response["Location"] == board_url(w.board, "welcome")
    assert any(
        level == "success" and text.startswith("Your board presence has been removed.")
        for level, text in flashes(response)
    )
    # Her call is cancelled and her sign-ups are gone ...
    assert Call.objects.get(pk=w.own.pk).status == "cancelled"
    assert not Registration.objects.filter(member=w.mira).exists()
    assert not ConversationMember.objects.filter(member=w.mira).exists()
    # ... but leaving is no way around the suspension: it stays, on an empty profile.
    profile = MemberProfile.objects.get(user=w.mira)
    assert profile.display_name == ""
    assert profile.is_suspended
    assert (profile.suspended_for_good, profile.suspended_until is None) == (
        w.kind == "for_good",
        w.kind == "for_good",
    )
    # Coming back through the welcome step, she still cannot post.
    w.client.post(
        board_url(w.board, "welcome"),
        {"display_name": "Mira", "role": "peer", "accept_house_rules": "on"},
    )
    before = snapshot()
    response = w.client.post(board_url(w.board, "post"), call_form_data())
    assert_refused_with_redirect(w, response)
    assert snapshot() == before


# The inbox: reading.


@route("inbox", "inbox", READ)
def _inbox(w):
    response = w.client.get(inbox_url(w.inbox))
    content = assert_reads(w, response)
    shown = {row.conversation_id for row in response.context["memberships"]}
    assert {w.thread.pk, w.direct.pk} <= shown
    assert inbox_url(w.inbox, "conversation", w.thread.pk) in content
    assert inbox_url(w.inbox, "conversation", w.direct.pk) in content
    assert "Roos" in content


@route("inbox", "archived", READ)
def _archived(w):
    messaging.set_archived(
        ConversationMember.objects.get(conversation=w.direct, member=w.mira), True
    )
    response = w.client.get(inbox_url(w.inbox, "archived"))
    content = assert_reads(w, response)
    assert [row.conversation_id for row in response.context["memberships"]] == [w.direct.pk]
    assert inbox_url(w.inbox, "conversation", w.direct.pk) in content
    assert "Roos" in content


@route("inbox", "conversation", READ)
def _conversation(w):
    for conversation, text in ((w.thread, OTTO_WROTE), (w.direct, ROOS_WROTE)):
        response = w.client.get(inbox_url(w.inbox, "conversation", conversation.pk))
        content = assert_reads(w, response)
        assert text in content
        # The form to write is replaced by the reason.
        assert response.context["write_refusal"] == w.refusal
        assert refusal_notice(w) in content
        assert "Send message" not in content
        assert inbox_url(w.inbox, "reply", conversation.pk) not in content
    assert MIRA_WROTE in text_of(w.client.get(inbox_url(w.inbox, "conversation", w.thread.pk)))
    # Reading still marks the conversation as read.
    membership = ConversationMember.objects.get(conversation=w.direct, member=w.mira)
    assert membership.last_read_at is not None


# The inbox: writing is refused.


@route("inbox", "reply", REFUSED)
def _reply(w):
    for conversation in (w.thread, w.direct):
        before = snapshot()
        with w.on_commit():
            response = w.client.post(
                inbox_url(w.inbox, "reply", conversation.pk), {"body": NEW_TEXT}
            )
        assert response.status_code == 200
        content = text_of(response)
        assert refusal_notice(w) in content
        assert response.context["form"].non_field_errors() == [w.refusal]
        assert "Send message" not in content
        assert snapshot() == before
        assert mail.outbox == []
    assert not Message.objects.filter(body=NEW_TEXT).exists()


@route("inbox", "write", REFUSED)
def _write(w):
    # Someone she has no conversation with yet, and Roos, with whom she has one.
    for recipient in (w.pia, w.roos):
        url = inbox_url(w.inbox, "write", recipient.pk)
        response = w.client.get(url)
        content = assert_reads(w, response)
        assert response.context["write_refusal"] == w.refusal
        assert refusal_notice(w) in content
        assert "Send message" not in content
        before = snapshot()
        with w.on_commit():
            response = w.client.post(url, {"body": NEW_TEXT})
        assert ("error", w.refusal) in flashes(response)
        assert refusal_notice(w) in text_of(response)
        assert snapshot() == before
        assert mail.outbox == []
    assert not Message.objects.filter(body=NEW_TEXT).exists()
    assert not Conversation.objects.filter(pair_key=Conversation.key_for(w.mira, w.pia)).exists()


# The inbox: tidying up and reporting stay possible.


@route("inbox", "archive", ALLOWED)
def _archive(w):
    response = w.client.post(inbox_url(w.inbox, "archive", w.direct.pk))
    assert response.status_code == 302
    assert response["Location"] == inbox_url(w.inbox)
    assert ("success", "The conversation is archived.") in flashes(response)
    membership = ConversationMember.objects.get(conversation=w.direct, member=w.mira)
    assert membership.archived_at is not None
    assert w.direct.pk not in {
        row.conversation_id for row in w.client.get(inbox_url(w.inbox)).context["memberships"]
    }


@route("inbox", "unarchive", ALLOWED)
def _unarchive(w):
    membership = ConversationMember.objects.get(conversation=w.direct, member=w.mira)
    messaging.set_archived(membership, True)
    response = w.client.post(inbox_url(w.inbox, "unarchive", w.direct.pk))
    assert response.status_code == 302
    assert ("success", "The conversation is back in your inbox.") in flashes(response)
    membership.refresh_from_db()
    assert membership.archived_at is None


@route("inbox", "leave", ALLOWED)
def _leave(w):
    response = w.client.post(inbox_url(w.inbox, "leave", w.thread.pk))
    assert response.status_code == 302
    assert response["Location"] == inbox_url(w.inbox)
    assert ("success", "You have left the conversation.") in flashes(response)
    membership = ConversationMember.objects.get(conversation=w.thread, member=w.mira)
    assert membership.left_at is not None
    assert membership.left_by_choice
    # What she wrote stays for the others.
    assert Message.objects.filter(conversation=w.thread, body=MIRA_WROTE).exists()


@route("inbox", "report_message", ALLOWED)
def _report_message(w):
    url = inbox_url(w.inbox, "report_message", w.thread.pk, w.otto_message.pk)
    assert OTTO_WROTE in assert_reads(w, w.client.get(url))
    response = w.client.post(url, report_data())
    assert response.status_code == 302
    assert thanked(response)
    report = Report.objects.get(reporter=w.mira)
    assert (report.kind, report.message, report.reported_member) == (
        "message",
        w.otto_message,
        w.otto,
    )


# --------------------------------------------------------------------------
# Running the matrix.
# --------------------------------------------------------------------------

ALL_ROUTES = [
    (page, name)
    for page, page_class in (("board", MeetingsBoardPage), ("inbox", InboxPage))
    for name, _params in page_routes(page_class)
]


def _route_params():
    params = []
    for page, name in ALL_ROUTES:
        expected = MATRIX.get((page, name), ("missing", None))[0]
        marks = []
        if (page, name) in XFAIL:
            marks.append(pytest.mark.xfail(strict=True, reason=XFAIL[(page, name)]))
        params.append(pytest.param(page, name, id=f"{page}-{name}-{expected}", marks=marks))
    return params


def test_every_route_is_in_the_matrix():
    assert set(MATRIX) == set(ALL_ROUTES)
    # A few we know, so that reading the routes cannot silently go empty.
    assert {("board", "post"), ("board", "sign_up"), ("inbox", "reply")} <= set(MATRIX)
    assert len(ALL_ROUTES) >= 35


def test_the_matrix_at_a_glance():
    """What the README promises, route by route: only these are refused."""
    by_kind = {}
    for (page, name), (expected, _check) in MATRIX.items():
        by_kind.setdefault(expected, set()).add(f"{page}:{name}")
    assert by_kind[REFUSED] == {
        "board:post",
        "board:edit",
        "board:again",
        "board:reopen",
        "board:sign_up",
        "board:accept",
        "inbox:reply",
        "inbox:write",
    }
    assert by_kind[READ] == {
        "board:list",
        "board:call",
        "board:calendar",
        "board:towns",
        "board:mine",
        "board:profile",
        "board:my_data",
        "board:my_data_download",
        "inbox:inbox",
        "inbox:archived",
        "inbox:conversation",
    }
    assert {"board:withdraw", "board:cancel", "board:block", "board:report_call"} <= by_kind[
        ALLOWED
    ]


@pytest.mark.parametrize(("page", "name"), _route_params())
def test_what_a_suspended_member_gets(suspended, page, name):
    assert (page, name) in MATRIX, f"{page} route {name!r} is not in the matrix"
    _expected, check = MATRIX[(page, name)]
    check(suspended)


def test_the_refusal_says_how_long(suspended):
    profile = MemberProfile.objects.get(user=suspended.mira)
    if suspended.kind == "period":
        until = timezone.localtime(profile.suspended_until)
        assert suspended.refusal.startswith(
            f"Your account is suspended until {until.day} {until:%B %Y, %H:%M}, "
        )
        assert "so until then you cannot post calls, sign up or send messages" in suspended.refusal
    else:
        assert suspended.refusal.startswith(
            "Your account is suspended, so you cannot post calls, sign up or send messages."
        )
    assert suspended.refusal.endswith("You can still read your meetings and messages.")


# --------------------------------------------------------------------------
# Her calls leave the board; her registrants are told.
# --------------------------------------------------------------------------


def test_her_open_calls_are_not_on_the_board_for_another_member(suspended):
    sanne = client_for(suspended.sanne)
    board = text_of(sanne.get(board_url(suspended.board)))
    assert MIRAS_CALL not in board
    assert OTTOS_WALK in board
    own = Call.objects.get(pk=suspended.own.pk)
    assert own.hidden
    assert own not in Call.objects.listed()
    # Nor by its address, nor to sign up for.
    assert sanne.get(board_url(suspended.board, "call", own.pk)).status_code == 404
    response = sanne.post(board_url(suspended.board, "sign_up", own.pk), {"note": "hi"})
    assert response.status_code == 404
    assert not Registration.objects.filter(call=own, member=suspended.sanne).exists()
    # Its conversation is closed: Roos, who was accepted, can no longer write in it.
    roos = client_for(suspended.roos)
    conversation = Conversation.objects.get(call=own)
    assert conversation.closed_at is not None
    response = roos.post(inbox_url(suspended.inbox, "reply", conversation.pk), {"body": "Hello?"})
    assert "This conversation is closed." in text_of(response)
    assert not Message.objects.filter(body="Hello?").exists()


def test_a_call_of_hers_that_escaped_the_hiding_is_not_listed_either(suspended):
    escaped = make_call(organiser=suspended.mira, title="Posted behind the moderators' back")
    assert not escaped.hidden
    assert escaped not in Call.objects.listed()
    board = text_of(client_for(suspended.sanne).get(board_url(suspended.board)))
    assert "Posted behind the moderators" not in board


def test_nobody_signs_up_for_a_call_of_hers_that_is_not_hidden(suspended):
    Call.objects.filter(pk=suspended.own.pk).update(hidden=False)
    sanne = client_for(suspended.sanne)
    with suspended.on_commit():
        sanne.post(board_url(suspended.board, "sign_up", suspended.own.pk), {"note": "hi"})
    assert not Registration.objects.filter(call=suspended.own, member=suspended.sanne).exists()
    assert mail.outbox == []


def test_her_registrants_and_she_are_told(suspended):
    # Pia (waiting) and Roos (accepted) for her museum morning, and Mira herself.
    assert suspended.told == ["member@example.org", "pia@example.org", "roos@example.org"]
    profile = MemberProfile.objects.get(user=suspended.pia)
    assert profile.last_notified_at is not None
    # Their "my meetings" says the meeting is off the board.
    content = text_of(client_for(suspended.pia).get(board_url(suspended.board, "mine")))
    assert MIRAS_CALL in content
    assert "This meeting is no longer on the board." in content
    # Otto's walk, which she only signed up for, stays on the board for the others.
    assert not Call.objects.get(pk=suspended.walk.pk).hidden


# --------------------------------------------------------------------------
# When the suspension ends.
# --------------------------------------------------------------------------


def test_after_the_period_she_may_post_again(suspended):
    client = suspended.client
    later = timezone.now() + datetime.timedelta(days=8)
    data = call_form_data(title="Back on the board")
    with mock.patch("django.utils.timezone.now", return_value=later):
        content = text_of(client.get(board_url(suspended.board, "mine")))
        response = client.post(board_url(suspended.board, "post"), data)
        if suspended.kind == "for_good":
            # For good does not end by itself.
            assert "Your account is suspended" in content
            assert_refused_with_redirect(suspended, response)
            assert not Call.objects.filter(title="Back on the board").exists()
            return
        assert "Your account is suspended" not in content
        assert response.status_code == 302
        new = Call.objects.get(title="Back on the board")
        assert response["Location"] == board_url(suspended.board, "call", new.pk)
        assert ("success", "Your call is on the board.") in flashes(response)
        assert (new.organiser, new.hidden) == (suspended.mira, False)
        assert new in Call.objects.listed(later)
        board = text_of(client_for(suspended.sanne).get(board_url(suspended.board)))
        assert "Back on the board" in board
        # The calls hidden with the suspension stay hidden.
        assert MIRAS_CALL not in board
        assert Call.objects.get(pk=suspended.own.pk).hidden
    # She may sign up and write again too.
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.post(
            board_url(suspended.board, "sign_up", suspended.open_call.pk), {"note": "Hi"}
        )
        assert ("success", "You have signed up. The organiser will let you know.") in flashes(
            response
        )
        client.post(inbox_url(suspended.inbox, "reply", suspended.direct.pk), {"body": "Back"})
    assert Registration.objects.get(call=suspended.open_call, member=suspended.mira).status == (
        "pending"
    )
    assert Message.objects.filter(conversation=suspended.direct, body="Back").exists()


def test_lifting_lets_her_post_again(suspended):
    moderation.lift_suspension(
        suspended.mira, moderator=suspended.moderator, report=suspended.report
    )
    response = suspended.client.post(
        board_url(suspended.board, "post"), call_form_data(title="After the lift")
    )
    assert response.status_code == 302
    assert Call.objects.filter(title="After the lift", organiser=suspended.mira).exists()
    assert Call.objects.get(pk=suspended.own.pk).hidden
