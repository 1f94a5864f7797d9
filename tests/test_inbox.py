"""The inbox: who may read and write where, membership, unread counts, blocking.

Design §3: guarantees 3 (only who needs it sees it), 5 (blocking works both
ways), 6 (POST for changes), 7 (bad input gets a clear message, someone
else's ids are a 404) and the issue's rules of messaging.
"""

import datetime
import html
from types import SimpleNamespace
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.cache import cache
from django.shortcuts import resolve_url
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.snippets.models import get_snippet_models

from wagtail_meetings import messaging, rules
from wagtail_meetings.models import (
    Block,
    Call,
    Conversation,
    ConversationKind,
    ConversationMember,
    MemberProfile,
    Message,
    Registration,
)

from .utils import board_url, client_for, inbox_url, make_call, make_member, register

pytestmark = pytest.mark.django_db

DIRECT_TEXT = "Shall we start at the Dom tower, Mira?"
CALL_TEXT = "I will wear a green scarf so you can find me."
BLOCKED_TEXT = "Bram wrote this before the block."


@pytest.fixture
def scene(board, inbox, call, member, organiser, editor):
    """Otto organises a walk; Mira and Ada are in; Otto and Mira also write directly.

    Bram is a member Otto blocked after they had written; Nina is a member
    with nothing to do with any of it; Sam is staff (a superuser) and a member.
    """
    ada = make_member("ada", "Ada")
    nina = make_member("nina", "Nina")
    bram = make_member("bram", "Bram")
    staff = make_member("staff", "Sam")
    staff.is_superuser = staff.is_staff = True
    staff.save()
    for accepted in (member, ada):
        rules.accept(register(call, accepted))
    call_conversation = Conversation.objects.get(call=call)
    messaging.send(call_conversation, organiser, CALL_TEXT)
    direct, _message = messaging.start_direct(organiser, member, DIRECT_TEXT)
    blocked_pair, _message = messaging.start_direct(bram, organiser, BLOCKED_TEXT)
    messaging.block(organiser, bram)
    cache.clear()
    return SimpleNamespace(
        board=board,
        inbox=inbox,
        call=call,
        organiser=organiser,
        member=member,
        ada=ada,
        nina=nina,
        bram=bram,
        staff=staff,
        outsider=User.objects.create_user("outsider", password="x"),
        editor=editor,
        conversations={"call": call_conversation, "direct": direct},
        blocked_pair=blocked_pair,
    )


def text_of(response):
    return response.content.decode()


def assert_private(response):
    assert "no-store" in response.get("Cache-Control", "")
    assert "private" in response.get("Cache-Control", "")
    assert "noindex" in response.get("X-Robots-Tag", "")


def snapshot():
    return (
        list(
            Message.objects.order_by("pk").values_list("pk", "conversation_id", "sender_id", "body")
        ),
        list(
            ConversationMember.objects.order_by("pk").values_list(
                "pk", "conversation_id", "member_id", "left_at", "archived_at"
            )
        ),
        list(Conversation.objects.order_by("pk").values_list("pk", "pair_key", "closed_at")),
        list(Block.objects.order_by("pk").values_list("blocker_id", "blocked_id")),
    )


def membership(conversation, user):
    return ConversationMember.objects.get(conversation=conversation, member=user)


# --------------------------------------------------------------------------
# The route × role matrix.
# --------------------------------------------------------------------------

CONVERSATION_ROUTES = ["conversation", "reply", "archive", "unarchive", "leave"]
POST_ONLY = ["reply", "archive", "unarchive", "leave"]
LIST_ROUTES = ["inbox", "archived"]
ALL_ROUTES = LIST_ROUTES + CONVERSATION_ROUTES + ["write"]
KINDS = ["call", "direct"]


def url_for(scene, route, kind="direct"):
    if route in LIST_ROUTES:
        return inbox_url(scene.inbox, route)
    if route == "write":
        return inbox_url(scene.inbox, "write", scene.organiser.pk)
    return inbox_url(scene.inbox, route, scene.conversations[kind].pk)


def request(client, scene, route, kind="direct", body="Hello from the matrix"):
    url = url_for(scene, route, kind)
    if route in POST_ONLY or route == "write":
        return client.post(url, {"body": body})
    return client.get(url)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("route", ALL_ROUTES)
def test_anonymous_goes_to_login(scene, route, method, kind):
    url = url_for(scene, route, kind)
    before = snapshot()
    response = getattr(client_for(None), method)(
        url, {"body": "hello"} if method == "post" else None
    )
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.path == resolve_url(settings.LOGIN_URL)
    assert parse_qs(location.query)["next"] == [url]
    assert_private(response)
    assert snapshot() == before


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("route", ALL_ROUTES)
@pytest.mark.parametrize("role", ["outsider", "editor"])
def test_non_member_gets_the_explanation(scene, role, route, method, kind):
    before = snapshot()
    client = client_for(getattr(scene, role))
    response = getattr(client, method)(url_for(scene, route, kind), {"body": "hello"})
    assert response.status_code == 403
    content = text_of(response)
    assert "For members only" in content
    for secret in (DIRECT_TEXT, CALL_TEXT, scene.call.title, "Mira", "Otto"):
        assert secret not in content
    assert_private(response)
    assert snapshot() == before


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("route", CONVERSATION_ROUTES)
@pytest.mark.parametrize("role", ["nina", "staff", "bram"])
def test_others_get_404_for_a_conversation(scene, role, route, kind):
    """A member outside the conversation, the staff and a blocked member: 404."""
    before = snapshot()
    response = request(client_for(getattr(scene, role)), scene, route, kind)
    assert response.status_code == 404
    content = text_of(response)
    for secret in (DIRECT_TEXT, CALL_TEXT, scene.call.title):
        assert secret not in content
    assert_private(response)
    assert snapshot() == before


@pytest.mark.parametrize("role", ["nina", "staff", "bram"])
def test_others_do_not_see_the_conversations_in_their_inbox(scene, role):
    client = client_for(getattr(scene, role))
    for route in LIST_ROUTES:
        response = client.get(url_for(scene, route))
        assert response.status_code == 200
        content = text_of(response)
        for conversation in scene.conversations.values():
            assert inbox_url(scene.inbox, "conversation", conversation.pk) not in content
        assert scene.call.title not in content
        assert DIRECT_TEXT not in content
        assert_private(response)


@pytest.mark.parametrize("route", POST_ONLY)
def test_get_never_changes_anything(scene, route):
    before = snapshot()
    response = client_for(scene.member).get(url_for(scene, route, "call"))
    assert response.status_code == 405
    assert snapshot() == before


def test_unknown_conversation_is_404(scene):
    client = client_for(scene.member)
    missing = Conversation.objects.order_by("-pk").first().pk + 100
    for route in CONVERSATION_ROUTES:
        url = inbox_url(scene.inbox, route, missing)
        response = client.post(url, {"body": "x"}) if route in POST_ONLY else client.get(url)
        assert response.status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_participant_reads_the_conversation(scene, kind):
    response = client_for(scene.member).get(url_for(scene, "conversation", kind))
    assert response.status_code == 200
    content = text_of(response)
    assert (CALL_TEXT if kind == "call" else DIRECT_TEXT) in content
    assert "Otto" in content
    assert 'name="body"' in content
    assert_private(response)


def test_inbox_lists_the_participants_conversations(scene):
    response = client_for(scene.member).get(url_for(scene, "inbox"))
    assert response.status_code == 200
    content = text_of(response)
    for conversation in scene.conversations.values():
        assert inbox_url(scene.inbox, "conversation", conversation.pk) in content
    assert scene.call.title in content  # the meeting's conversation is named after it
    assert "Otto" in content  # the direct one after the other member
    # The blocked pair's conversation is not Mira's.
    assert inbox_url(scene.inbox, "conversation", scene.blocked_pair.pk) not in content


@pytest.mark.parametrize("kind", KINDS)
def test_participant_replies(scene, kind):
    conversation = scene.conversations[kind]
    response = request(client_for(scene.member), scene, "reply", kind, body="See you there!")
    assert response.status_code == 302
    assert response["Location"] == url_for(scene, "conversation", kind) + "#latest"
    message = Message.objects.latest("pk")
    assert (message.conversation, message.sender, message.body) == (
        conversation,
        scene.member,
        "See you there!",
    )
    page = text_of(client_for(scene.organiser).get(url_for(scene, "conversation", kind)))
    assert "See you there!" in page


@pytest.mark.parametrize("kind", KINDS)
def test_participant_archives_and_unarchives(scene, kind):
    conversation = scene.conversations[kind]
    client = client_for(scene.member)
    response = request(client, scene, "archive", kind)
    assert response.status_code == 302
    assert response["Location"] == url_for(scene, "inbox")
    assert membership(conversation, scene.member).archived_at is not None
    link = inbox_url(scene.inbox, "conversation", conversation.pk)
    assert link not in text_of(client.get(url_for(scene, "inbox")))
    archived = text_of(client.get(url_for(scene, "archived")))
    assert link in archived
    # Archiving is Mira's own: Otto still has it in his inbox.
    assert link in text_of(client_for(scene.organiser).get(url_for(scene, "inbox")))
    # Double click: still archived, no error.
    assert request(client, scene, "archive", kind).status_code == 302

    response = request(client, scene, "unarchive", kind)
    assert response.status_code == 302
    assert response["Location"] == url_for(scene, "conversation", kind)
    assert membership(conversation, scene.member).archived_at is None
    assert link in text_of(client.get(url_for(scene, "inbox")))
    assert link not in text_of(client.get(url_for(scene, "archived")))


@pytest.mark.parametrize("kind", KINDS)
def test_a_new_message_brings_an_archived_conversation_back(scene, kind):
    conversation = scene.conversations[kind]
    client = client_for(scene.member)
    request(client, scene, "archive", kind)
    messaging.send(conversation, scene.organiser, "One more thing")
    assert membership(conversation, scene.member).archived_at is None
    link = inbox_url(scene.inbox, "conversation", conversation.pk)
    assert link in text_of(client.get(url_for(scene, "inbox")))


def test_participant_leaves_the_meetings_conversation(scene):
    conversation = scene.conversations["call"]
    client = client_for(scene.member)
    response = request(client, scene, "leave", "call")
    assert response.status_code == 302
    assert response["Location"] == url_for(scene, "inbox")
    follow = client.get(response["Location"])
    assert "You have left the conversation." in text_of(follow)
    assert inbox_url(scene.inbox, "conversation", conversation.pk) not in text_of(follow)
    assert membership(conversation, scene.member).left_at is not None
    # Gone for her: reading and writing are a 404 now.
    assert client.get(url_for(scene, "conversation", "call")).status_code == 404
    before = Message.objects.count()
    assert request(client, scene, "reply", "call").status_code == 404
    assert Message.objects.count() == before
    # A double click on "leave" does no harm (guarantee 6).
    again = request(client, scene, "leave", "call")
    assert again.status_code == 302
    assert again["Location"] == url_for(scene, "inbox")
    assert client.get(url_for(scene, "conversation", "call")).status_code == 404
    # The others no longer see her among them.
    page = text_of(client_for(scene.organiser).get(url_for(scene, "conversation", "call")))
    assert "Mira" not in page.split("<ol", 1)[0]


def test_a_direct_conversation_is_archived_not_left(scene):
    client = client_for(scene.member)
    response = request(client, scene, "leave", "direct")
    assert response.status_code == 302
    assert response["Location"] == url_for(scene, "conversation", "direct")
    assert "You can archive this conversation instead." in text_of(client.get(response["Location"]))
    assert membership(scene.conversations["direct"], scene.member).left_at is None


# --------------------------------------------------------------------------
# Writing to a member: one conversation per pair.
# --------------------------------------------------------------------------


def test_write_page_names_the_recipient(scene):
    response = client_for(scene.nina).get(inbox_url(scene.inbox, "write", scene.member.pk))
    assert response.status_code == 200
    content = text_of(response)
    assert "Message to Mira" in content
    assert 'name="body"' in content
    assert_private(response)
    assert not Conversation.objects.filter(
        pair_key=Conversation.key_for(scene.nina, scene.member)
    ).exists()


def test_one_direct_conversation_per_pair_is_reused(scene):
    nina, mira = scene.nina, scene.member
    first = client_for(nina).post(inbox_url(scene.inbox, "write", mira.pk), {"body": "Hello Mira"})
    assert first.status_code == 302
    conversation = Conversation.objects.get(pair_key=Conversation.key_for(nina, mira))
    assert conversation.kind == ConversationKind.DIRECT
    assert first["Location"] == inbox_url(scene.inbox, "conversation", conversation.pk) + "#latest"
    again = client_for(nina).post(inbox_url(scene.inbox, "write", mira.pk), {"body": "Me again"})
    back = client_for(mira).post(inbox_url(scene.inbox, "write", nina.pk), {"body": "Hi Nina"})
    assert again["Location"] == back["Location"] == first["Location"]
    assert Conversation.objects.filter(pair_key=Conversation.key_for(nina, mira)).count() == 1
    assert list(conversation.messages.values_list("body", flat=True)) == [
        "Hello Mira",
        "Me again",
        "Hi Nina",
    ]
    assert set(conversation.memberships.values_list("member_id", flat=True)) == {nina.pk, mira.pk}


@pytest.mark.parametrize("target", ["self", "unknown", "outsider", "inactive", "no_profile"])
def test_write_to_someone_who_is_not_there_is_404(scene, target):
    ghost = User.objects.create_user("ghost", password="x", is_active=False)
    MemberProfile.objects.create(user=ghost, display_name="Ghost", role="peer")
    no_profile = User.objects.create_user("noprofile", password="x")
    no_profile.groups.add(Group.objects.get(name="Members"))
    ids = {
        "self": scene.member.pk,
        "unknown": User.objects.order_by("-pk").first().pk + 100,
        "outsider": scene.outsider.pk,
        "inactive": ghost.pk,
        "no_profile": no_profile.pk,
    }
    before = snapshot()
    client = client_for(scene.member)
    url = inbox_url(scene.inbox, "write", ids[target])
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "Hello?"}).status_code == 404
    assert snapshot() == before


def test_pending_registrant_writes_to_the_organiser(scene):
    pia = make_member("pia", "Pia")
    client = client_for(pia)
    assert (
        client.post(board_url(scene.board, "sign_up", scene.call.pk), {"note": ""}).status_code
        == 302
    )
    assert Registration.objects.get(call=scene.call, member=pia).status == "pending"
    page = text_of(client.get(board_url(scene.board, "call", scene.call.pk)))
    write = inbox_url(scene.inbox, "write", scene.organiser.pk)
    assert write in page
    response = client.post(write, {"body": "Is the walk suitable for a wheelchair?"})
    assert response.status_code == 302
    conversation = Conversation.objects.get(pair_key=Conversation.key_for(pia, scene.organiser))
    thread = text_of(
        client_for(scene.organiser).get(inbox_url(scene.inbox, "conversation", conversation.pk))
    )
    assert "Is the walk suitable for a wheelchair?" in thread
    # She is not in the meeting's conversation while she is pending.
    assert client.get(url_for(scene, "conversation", "call")).status_code == 404


# --------------------------------------------------------------------------
# The meeting's conversation follows the sign-ups.
# --------------------------------------------------------------------------


@pytest.fixture
def meeting(board, inbox, organiser, member, utrecht):
    call = make_call(organiser=organiser, place=utrecht, title="Coffee in Amersfoort")
    registration = register(call, member)
    return SimpleNamespace(
        board=board,
        inbox=inbox,
        call=call,
        organiser=organiser,
        member=member,
        registration=registration,
    )


def call_conversation_url(meeting):
    conversation = Conversation.objects.get(call=meeting.call)
    return inbox_url(meeting.inbox, "conversation", conversation.pk)


def accept_through_the_board(meeting, registration=None):
    registration = registration or meeting.registration
    response = client_for(meeting.organiser).post(
        board_url(meeting.board, "accept", registration.pk)
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == "accepted"


def test_no_conversation_before_anyone_is_accepted(meeting):
    assert not Conversation.objects.filter(call=meeting.call).exists()
    page = text_of(
        client_for(meeting.organiser).get(board_url(meeting.board, "call", meeting.call.pk))
    )
    assert "Agree on the details in the meeting&#x27;s conversation" not in page


def test_accepted_member_joins_the_meetings_conversation(meeting):
    accept_through_the_board(meeting)
    conversation = Conversation.objects.get(call=meeting.call)
    assert conversation.kind == ConversationKind.CALL
    assert set(
        conversation.memberships.filter(left_at=None).values_list("member_id", flat=True)
    ) == {
        meeting.organiser.pk,
        meeting.member.pk,
    }
    client = client_for(meeting.member)
    url = call_conversation_url(meeting)
    call_page = text_of(client.get(board_url(meeting.board, "call", meeting.call.pk)))
    assert url in call_page
    response = client.get(url)
    assert response.status_code == 200
    assert "Coffee in Amersfoort" in text_of(response)
    assert client.post(url + "reply/", {"body": "Looking forward to it"}).status_code == 302
    assert "Looking forward to it" in text_of(client_for(meeting.organiser).get(url))


@pytest.mark.parametrize("how", ["withdraw", "decline"])
def test_withdrawn_or_declined_member_leaves_and_cannot_read(meeting, how):
    accept_through_the_board(meeting)
    url = call_conversation_url(meeting)
    messaging.send(
        Conversation.objects.get(call=meeting.call), meeting.organiser, "Meet at the fountain"
    )
    if how == "withdraw":
        response = client_for(meeting.member).post(
            board_url(meeting.board, "withdraw", meeting.call.pk)
        )
    else:
        response = client_for(meeting.organiser).post(
            board_url(meeting.board, "decline", meeting.registration.pk)
        )
    assert response.status_code == 302
    conversation = Conversation.objects.get(call=meeting.call)
    assert membership(conversation, meeting.member).left_at is not None
    client = client_for(meeting.member)
    response = client.get(url)
    assert response.status_code == 404
    assert "Meet at the fountain" not in text_of(response)
    before = Message.objects.count()
    assert client.post(url + "reply/", {"body": "Wait!"}).status_code == 404
    assert Message.objects.count() == before
    assert url not in text_of(client.get(inbox_url(meeting.inbox)))
    # The organiser stays.
    assert client_for(meeting.organiser).get(url).status_code == 200


def test_member_who_signs_up_again_and_is_accepted_rejoins(meeting):
    accept_through_the_board(meeting)
    client = client_for(meeting.member)
    client.post(board_url(meeting.board, "withdraw", meeting.call.pk))
    assert client.get(call_conversation_url(meeting)).status_code == 404
    client.post(board_url(meeting.board, "sign_up", meeting.call.pk), {"note": ""})
    accept_through_the_board(meeting)
    assert client.get(call_conversation_url(meeting)).status_code == 200
    assert Conversation.objects.filter(call=meeting.call).count() == 1


def test_my_meetings_shows_the_latest_messages_to_those_in_the_meeting_only(scene):
    pia = make_member("pia", "Pia")
    register(scene.call, pia)  # pending
    declined = make_member("declined", "Dirk")
    rules.accept(register(scene.call, declined))
    rules.decline(Registration.objects.get(member=declined))
    mine = board_url(scene.board, "mine")
    for user in (scene.member, scene.organiser):
        assert CALL_TEXT in text_of(client_for(user).get(mine))
    for user in (pia, declined, scene.nina):
        page = text_of(client_for(user).get(mine))
        assert CALL_TEXT not in page
        assert scene.call.meeting_point not in page


def test_cancelled_meeting_conversation_is_read_only(meeting):
    accept_through_the_board(meeting)
    conversation = Conversation.objects.get(call=meeting.call)
    messaging.send(conversation, meeting.member, "See you Saturday")
    response = client_for(meeting.organiser).post(
        board_url(meeting.board, "cancel", meeting.call.pk)
    )
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.closed_at is not None
    for user in (meeting.member, meeting.organiser):
        client = client_for(user)
        page = text_of(client.get(call_conversation_url(meeting)))
        assert "See you Saturday" in page  # still readable
        assert "This conversation is closed." in page
        assert 'name="body"' not in page
        before = Message.objects.count()
        refused = client.post(call_conversation_url(meeting) + "reply/", {"body": "Why?"})
        assert refused.status_code == 200
        assert "This conversation is closed." in text_of(refused)
        assert Message.objects.count() == before


def test_past_meeting_conversation_is_read_only(meeting):
    accept_through_the_board(meeting)
    conversation = Conversation.objects.get(call=meeting.call)
    messaging.send(conversation, meeting.member, "Thank you all")
    Call.objects.filter(pk=meeting.call.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    client = client_for(meeting.member)
    page = text_of(client.get(call_conversation_url(meeting)))
    assert "Thank you all" in page
    assert "This meeting is over, so the conversation is closed." in page
    assert 'name="body"' not in page
    before = Message.objects.count()
    refused = client.post(call_conversation_url(meeting) + "reply/", {"body": "One more"})
    assert refused.status_code == 200
    assert "This meeting is over" in text_of(refused)
    assert Message.objects.count() == before


# --------------------------------------------------------------------------
# Unread counts and read state.
# --------------------------------------------------------------------------

UNREAD_TAG = Template("{% load wagtail_meetings_tags %}{% meetings_unread_count as n %}[{{ n }}]")


def unread_tag_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return UNREAD_TAG.render(Context({"request": request}))


def test_unread_counts_per_member(scene):
    # Scene: Otto wrote one message to the meeting and one to Mira.
    assert messaging.unread_total(scene.member) == 2
    assert messaging.unread_total(scene.ada) == 1
    assert messaging.unread_total(scene.organiser) == 1  # Bram's, from before the block
    direct = scene.conversations["direct"]
    messaging.send(direct, scene.organiser, "And another")
    assert unread_tag_for(scene.member) == "[3]"
    inbox_page = text_of(client_for(scene.member).get(url_for(scene, "inbox")))
    assert "3 unread" in inbox_page
    assert "2 new" in inbox_page
    assert "1 new" in inbox_page

    # Reading the direct conversation marks only it, and only for Mira.
    page = text_of(client_for(scene.member).get(url_for(scene, "conversation", "direct")))
    assert "meetings-badge" in page  # the unread ones are marked "new" this once
    assert unread_tag_for(scene.member) == "[1]"
    assert unread_tag_for(scene.ada) == "[1]"
    again = text_of(client_for(scene.member).get(url_for(scene, "conversation", "direct")))
    assert ">new<" not in again

    # Ada reading the meeting's conversation leaves Mira's count as it is.
    client_for(scene.ada).get(url_for(scene, "conversation", "call"))
    assert unread_tag_for(scene.ada) == "[0]"
    assert unread_tag_for(scene.member) == "[1]"
    # One's own messages are never unread.
    messaging.send(scene.conversations["call"], scene.ada, "Hi all")
    assert unread_tag_for(scene.ada) == "[0]"
    assert unread_tag_for(scene.member) == "[2]"


def test_unread_count_leaves_out_left_conversations_and_old_messages(scene):
    client_for(scene.member).post(url_for(scene, "leave", "call"))
    messaging.send(scene.conversations["call"], scene.organiser, "After she left")
    assert messaging.unread_total(scene.member) == 1  # only the direct one
    # A member who joins later does not inherit what was written before.
    late = make_member("late", "Lotte")
    rules.accept(register(scene.call, late))
    assert messaging.unread_total(late) == 0


@pytest.mark.parametrize("who", ["anonymous", "outsider", "editor"])
def test_unread_count_is_zero_for_non_members(scene, who):
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if who == "anonymous" else getattr(scene, who)
    assert unread_tag_for(user) == "[0]"
    assert UNREAD_TAG.render(Context({})) == "[0]"


def test_unread_count_is_counted_once_per_request(scene, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = scene.member
    template = Template(
        "{% load wagtail_meetings_tags %}"
        "{% meetings_unread_count as a %}{% meetings_unread_count as b %}{{ a }}{{ b }}"
    )
    template.render(Context({"request": request}))  # warms the membership check
    del request._meetings_unread
    with django_assert_num_queries(1):
        assert template.render(Context({"request": request})) == "22"


# --------------------------------------------------------------------------
# Hostile text: escaped, never rendered; refused with a clear message.
# --------------------------------------------------------------------------


def post_reply(scene, body, user=None):
    return client_for(user or scene.member).post(url_for(scene, "reply", "direct"), {"body": body})


def thread_of(scene, user=None):
    return text_of(
        client_for(user or scene.organiser).get(url_for(scene, "conversation", "direct"))
    )


def test_html_and_scripts_are_escaped(scene):
    body = '<script>alert("x")</script><b>bold</b> <img src=x onerror=alert(1)>'
    assert post_reply(scene, body).status_code == 302
    assert Message.objects.latest("pk").body == body  # stored as written
    page = thread_of(scene)
    assert "<script>alert" not in page
    assert "<b>bold</b>" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page


def test_line_breaks_are_kept_and_addresses_become_safe_links(scene):
    body = "First line\nSecond line\n\nSee https://example.org/walk?a=1&b=2 or www.example.net"
    assert post_reply(scene, body).status_code == 302
    page = thread_of(scene)
    assert "First line<br>Second line<br><br>See " in page
    assert (
        '<a rel="nofollow noopener ugc" href="https://example.org/walk?a=1&amp;b=2">'
        "https://example.org/walk?a=1&amp;b=2</a>" in page
    )
    assert '<a rel="nofollow noopener ugc" href="http://www.example.net">' in page


@pytest.mark.parametrize(
    "body",
    [
        "javascript:alert(1)",
        'https://example.org/"onmouseover="alert(1)',
        '<a href="https://evil.example">click</a>',
    ],
)
def test_no_script_links_or_injected_attributes(scene, body):
    assert post_reply(scene, body).status_code == 302
    page = thread_of(scene)
    assert 'href="javascript' not in page
    assert '"onmouseover="' not in page
    assert '<a href="https://evil.example">' not in page
    for anchor in page.split("<a ")[1:]:
        if "evil" in anchor or "onmouseover" in anchor:
            assert anchor.startswith('rel="nofollow noopener ugc"')


def test_links_in_my_meetings_are_escaped_too(scene):
    messaging.send(scene.conversations["call"], scene.ada, "<i>hi</i> https://example.org")
    page = text_of(client_for(scene.member).get(board_url(scene.board, "mine")))
    assert "&lt;i&gt;hi&lt;/i&gt;" in page
    assert "<i>hi</i>" not in page
    assert '<a rel="nofollow noopener ugc" href="https://example.org">' in page


@pytest.mark.parametrize(
    "text",
    [
        "Tot zaterdag!",
        "Zullen we om twee uur afspreken? Ik neem thee mee.",
        "Eerst dit.\nDan dat: koffie; daarna (misschien) lunch.",
        "<b>\"Quotes\"</b> & 'apostrophes' <script>x</script>",
        "mail me: anna@example.nl, or ANNA@EXAMPLE.ORG.",
        "See WWW.Example.nl or Example.COM/path, (example.org).",
        "https://example.org/a?b=1&c=2 and HTTP://X.NL. and http:/broken",
        "ratio 3:1, time 14:00, v1.2.3, e.g. the .nl site",
        "x.co.uk y.netherlands z.organic a@ b@c",
    ],
)
def test_message_text_is_urlize_escaped_with_safe_links(text):
    """The message filter gives exactly what urlize would, also where it skips it."""
    from django.utils.html import urlize

    from wagtail_meetings.templatetags.wagtail_meetings_tags import message_text

    expected = urlize(text, nofollow=False, autoescape=True)
    expected = expected.replace('<a href="', '<a rel="nofollow noopener ugc" href="')
    assert message_text(text) == expected.replace("\n", "<br>")


@pytest.mark.parametrize(
    "body",
    [
        "nul \x00 byte",
        "bell \x07",
        "escape \x1b[31m red",
        "right-to-left \u202eevil.exe",
        "isolate \u2066x\u2069",
    ],
    ids=["nul", "bell", "ansi", "rtl-override", "bidi-isolate"],
)
def test_control_characters_are_refused_clearly(scene, body):
    before = snapshot()
    response = post_reply(scene, body)
    assert response.status_code == 200
    content = text_of(response)
    assert "There is a problem" in content
    assert "invisible control characters" in content or "Null characters are not allowed" in content
    assert snapshot() == before
    # The write route says the same.
    response = client_for(scene.nina).post(
        inbox_url(scene.inbox, "write", scene.member.pk), {"body": body}
    )
    assert response.status_code == 200
    assert "There is a problem" in text_of(response)
    assert snapshot() == before


def test_ordinary_unicode_and_tabs_are_fine(scene):
    body = "مرحبا — שלום — 你好 👋\ttab"
    assert post_reply(scene, body).status_code == 302
    assert Message.objects.latest("pk").body == body
    assert "مرحبا — שלום — 你好 👋" in thread_of(scene)


@pytest.mark.parametrize("body", ["", "   ", "\n\n\t\n"])
def test_empty_message_is_refused(scene, body):
    before = snapshot()
    response = post_reply(scene, body)
    assert response.status_code == 200
    assert "Write a message first." in text_of(response)
    assert snapshot() == before


def test_a_100_kb_message_is_refused_with_the_limit(scene):
    before = snapshot()
    response = post_reply(scene, "x" * 100_000)
    assert response.status_code == 200
    content = text_of(response)
    assert "There is a problem" in content
    assert "at most 5000 characters" in content
    assert snapshot() == before
    response = client_for(scene.nina).post(
        inbox_url(scene.inbox, "write", scene.member.pk), {"body": "y" * 100_000}
    )
    assert response.status_code == 200
    assert "at most 5000 characters" in text_of(response)
    assert snapshot() == before


@override_settings(WAGTAIL_MEETINGS_MAX_MESSAGE_LENGTH=20)
def test_the_length_limit_is_a_setting(scene):
    assert post_reply(scene, "z" * 20).status_code == 302
    before = snapshot()
    response = post_reply(scene, "z" * 21)
    assert response.status_code == 200
    assert "at most 20 characters" in text_of(response)
    assert snapshot() == before


def test_hostile_display_names_are_escaped(scene):
    MemberProfile.objects.filter(user=scene.organiser).update(
        display_name='<img src=x onerror="alert(1)">'
    )
    for url in (
        url_for(scene, "inbox"),
        url_for(scene, "conversation", "direct"),
        url_for(scene, "write"),
    ):
        page = text_of(client_for(scene.member).get(url))
        assert "<img src=x" not in page
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


# --------------------------------------------------------------------------
# Blocking works both ways.
# --------------------------------------------------------------------------


@pytest.fixture
def pair(board, inbox, member, organiser, utrecht):
    """Mira and Otto, who wrote to each other and each have a call on the board."""
    conversation, _message = messaging.start_direct(member, organiser, "Hi Otto")
    cache.clear()
    return SimpleNamespace(
        board=board,
        inbox=inbox,
        mira=member,
        otto=organiser,
        conversation=conversation,
        miras_call=make_call(organiser=member, place=utrecht, title="Mira's museum visit"),
        ottos_call=make_call(organiser=organiser, place=utrecht, title="Otto's walk"),
    )


def block(pair, blocker, blocked):
    return client_for(blocker).post(board_url(pair.board, "block", blocked.pk))


def test_block_asks_for_confirmation_first(pair):
    response = client_for(pair.otto).get(board_url(pair.board, "block", pair.mira.pk))
    assert response.status_code == 200
    content = text_of(response)
    assert "Block Mira?" in content
    assert "They are not told that you blocked them." in content
    assert 'method="post"' in content
    assert_private(response)
    assert not Block.objects.exists()


def test_block_links_beside_a_name_and_in_a_conversation(pair):
    block_url = board_url(pair.board, "block", pair.otto.pk)
    call_page = text_of(
        client_for(pair.mira).get(board_url(pair.board, "call", pair.ottos_call.pk))
    )
    assert block_url in call_page
    assert inbox_url(pair.inbox, "write", pair.otto.pk) in call_page
    thread = text_of(
        client_for(pair.mira).get(inbox_url(pair.inbox, "conversation", pair.conversation.pk))
    )
    assert block_url in thread


@pytest.mark.parametrize("blocker_name", ["otto", "mira"])
def test_blocking_works_both_ways(pair, blocker_name, django_capture_on_commit_callbacks):
    blocker = getattr(pair, blocker_name)
    blocked = pair.mira if blocker_name == "otto" else pair.otto
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        response = block(pair, blocker, blocked)
    assert response.status_code == 302
    assert response["Location"] == board_url(pair.board, "list")
    assert Block.objects.filter(blocker=blocker, blocked=blocked).count() == 1
    assert mail.outbox == []  # the blocked member is not told

    pair.conversation.refresh_from_db()
    assert pair.conversation.closed_at is not None
    conversation_url = inbox_url(pair.inbox, "conversation", pair.conversation.pk)
    for me, other, others_call in (
        (pair.mira, pair.otto, pair.ottos_call),
        (pair.otto, pair.mira, pair.miras_call),
    ):
        client = client_for(me)
        # No messages: the write route is a 404, the old conversation is closed.
        assert client.get(inbox_url(pair.inbox, "write", other.pk)).status_code == 404
        assert (
            client.post(inbox_url(pair.inbox, "write", other.pk), {"body": "Hey"}).status_code
            == 404
        )
        page = text_of(client.get(conversation_url))
        assert "Hi Otto" in page
        assert "This conversation is closed." in page
        assert 'name="body"' not in page
        before = Message.objects.count()
        refused = client.post(conversation_url + "reply/", {"body": "Hello?"})
        assert refused.status_code == 200
        assert "This conversation is closed." in text_of(refused)
        assert Message.objects.count() == before
        # Their calls are hidden from each other, on the list and on the call page.
        board_page = text_of(client.get(board_url(pair.board, "list")))
        assert others_call.title.replace("'", "&#x27;") not in board_page
        assert client.get(board_url(pair.board, "call", others_call.pk)).status_code == 404
        # And neither can sign up for the other's call.
        response = client.post(board_url(pair.board, "sign_up", others_call.pk), {"note": ""})
        assert response.status_code == 404
        assert not Registration.objects.filter(call=others_call, member=me).exists()


def test_the_blocked_member_is_not_told(pair):
    block(pair, pair.otto, pair.mira)
    client = client_for(pair.mira)
    for url in (
        board_url(pair.board, "list"),
        board_url(pair.board, "mine"),
        board_url(pair.board, "profile"),
        inbox_url(pair.inbox),
        inbox_url(pair.inbox, "conversation", pair.conversation.pk),
    ):
        response = client.get(url)
        assert response.status_code == 200
        content = text_of(response).lower()
        for telling in ("blocked you", "has blocked", "you have blocked", "geblokkeerd"):
            assert telling not in content, url
    # Her own list of blocks stays empty: Otto's block is his, not hers.
    profile = text_of(client.get(board_url(pair.board, "profile")))
    assert "You have not blocked anyone." in profile
    assert "Otto" not in profile


def test_block_is_idempotent_and_not_for_oneself(pair):
    block(pair, pair.otto, pair.mira)
    block(pair, pair.otto, pair.mira)
    assert Block.objects.count() == 1
    assert (
        client_for(pair.otto).post(board_url(pair.board, "block", pair.otto.pk)).status_code == 404
    )
    missing = User.objects.order_by("-pk").first().pk + 100
    assert client_for(pair.otto).post(board_url(pair.board, "block", missing)).status_code == 404
    assert Block.objects.count() == 1


def test_get_does_not_unblock(pair):
    block(pair, pair.otto, pair.mira)
    assert (
        client_for(pair.otto).get(board_url(pair.board, "unblock", pair.mira.pk)).status_code == 405
    )
    assert Block.objects.count() == 1


def test_member_sees_and_undoes_their_blocks_on_their_profile(pair):
    block(pair, pair.otto, pair.mira)
    client = client_for(pair.otto)
    profile = text_of(client.get(board_url(pair.board, "profile")))
    assert "Members you blocked" in profile
    assert "Unblock Mira" in profile
    assert board_url(pair.board, "unblock", pair.mira.pk) in profile
    # Mira's profile shows nothing about Otto.
    miras = text_of(client_for(pair.mira).get(board_url(pair.board, "profile")))
    assert "Otto" not in miras
    assert "You have not blocked anyone." in miras

    response = client.post(board_url(pair.board, "unblock", pair.mira.pk))
    assert response.status_code == 302
    assert "You have unblocked Mira." in text_of(client.get(response["Location"]))
    assert not Block.objects.exists()
    pair.conversation.refresh_from_db()
    assert pair.conversation.closed_at is None
    assert (
        client_for(pair.mira).get(inbox_url(pair.inbox, "write", pair.otto.pk)).status_code == 200
    )
    response = client_for(pair.mira).post(
        inbox_url(pair.inbox, "conversation", pair.conversation.pk) + "reply/", {"body": "Thanks"}
    )
    assert response.status_code == 302
    assert "Otto&#x27;s walk" in text_of(client_for(pair.mira).get(board_url(pair.board, "list")))


def test_unblocking_one_side_keeps_the_others_block(pair):
    block(pair, pair.otto, pair.mira)
    block(pair, pair.mira, pair.otto)
    client_for(pair.otto).post(board_url(pair.board, "unblock", pair.mira.pk))
    pair.conversation.refresh_from_db()
    assert pair.conversation.closed_at is not None
    assert (
        client_for(pair.otto).get(inbox_url(pair.inbox, "write", pair.mira.pk)).status_code == 404
    )


# --------------------------------------------------------------------------
# The staff do not read members' messages.
# --------------------------------------------------------------------------


MESSAGING_MODELS = (Conversation, ConversationMember, Message, Block)


def test_no_messaging_model_is_a_snippet_or_in_the_django_admin():
    snippets = set(get_snippet_models())
    for model in MESSAGING_MODELS:
        assert model not in snippets
        assert model not in admin.site._registry


def test_the_admin_lists_no_messages(scene):
    client = client_for(scene.editor)
    home = text_of(client.get(reverse("wagtailadmin_home")))
    snippets = text_of(client.get(reverse("wagtailsnippets:index")))
    for content in (home, snippets):
        lowered = content.lower()
        assert "conversation" not in lowered
        assert "/message/" not in lowered
        assert DIRECT_TEXT not in content
        assert CALL_TEXT not in content
    for model_name in ("conversation", "message", "conversationmember", "block"):
        url = f"/admin/snippets/wagtail_meetings/{model_name}/"
        assert client.get(url).status_code == 404


def test_staff_member_reads_no_one_elses_conversation(scene):
    """Sam is a superuser and a member: the member routes treat him as any member."""
    client = client_for(scene.staff)
    for conversation in (*scene.conversations.values(), scene.blocked_pair):
        url = inbox_url(scene.inbox, "conversation", conversation.pk)
        assert client.get(url).status_code == 404
    assert messaging.unread_total(scene.staff) == 0


def test_block_link_beside_a_message_in_a_meetings_conversation(scene):
    page = text_of(client_for(scene.member).get(url_for(scene, "conversation", "call")))
    assert board_url(scene.board, "block", scene.organiser.pk) in page
    assert inbox_url(scene.inbox, "write", scene.organiser.pk) in page
    # Never a link to block oneself.
    own = text_of(client_for(scene.organiser).get(url_for(scene, "conversation", "call")))
    assert board_url(scene.board, "block", scene.organiser.pk) not in own


def test_a_blocked_participants_messages_stay_out_of_sight_in_a_meeting_conversation(
    client, board, inbox, organiser, member
):
    call = make_call(organiser=organiser)
    rules.accept(register(call, member))
    thread = call.conversation
    messaging.block(organiser, member)
    messaging.send(thread, member, "A message the organiser should not see")
    client.force_login(organiser)
    assert messaging.unread_total(organiser) == 0
    page = client.get(inbox_url(inbox, "conversation", thread.pk)).content.decode()
    assert "A message the organiser should not see" not in page


def test_my_meetings_keeps_a_blocked_participants_messages_out_of_sight_both_ways(
    client, board, organiser, member
):
    call = make_call(organiser=organiser, title="Walk along the canal")
    rules.accept(register(call, member))
    other = make_member("other", "Olaf")
    rules.accept(register(call, other))
    thread = call.conversation
    messaging.send(thread, member, "Mira writes before the block")
    messaging.send(thread, other, "Olaf is still welcome")
    messaging.block(organiser, member)
    messaging.send(thread, member, "Mira writes after the block")
    messaging.send(thread, organiser, "Otto writes after the block")

    client.force_login(organiser)
    page = html.unescape(client.get(board_url(board, "mine")).content.decode())
    assert "Walk along the canal" in page
    assert "Olaf is still welcome" in page
    assert "Otto writes after the block" in page
    assert "Mira writes" not in page

    client.force_login(member)
    page = html.unescape(client.get(board_url(board, "mine")).content.decode())
    assert "Walk along the canal" in page
    assert "Olaf is still welcome" in page
    assert "Otto writes" not in page


def test_a_long_conversation_pages_back_through_earlier_messages(board, inbox, member, organiser):
    conversation, _first = messaging.start_direct(member, organiser, "Message 1")
    from wagtail_meetings.models import Message

    Message.objects.bulk_create(
        Message(conversation=conversation, sender=member, body=f"Message {n}")
        for n in range(2, 121)
    )
    # Distinct, ordered times: bulk_create gives them all the same moment.
    for message in Message.objects.filter(conversation=conversation):
        number = int(message.body.split()[1])
        Message.objects.filter(pk=message.pk).update(
            created_at=message.created_at + datetime.timedelta(seconds=number)
        )
    client = client_for(organiser)
    url = inbox_url(inbox, "conversation", conversation.pk)

    def shown(query=""):
        response = client.get(url + query)
        assert response.status_code == 200
        return [m.body for m in response.context["thread_messages"]], response.content.decode()

    latest, html = shown()
    assert latest == [f"Message {n}" for n in range(71, 121)]
    assert 'href="?earlier=1"' in html and "Later messages" not in html
    earlier, html = shown("?earlier=1")
    assert earlier == [f"Message {n}" for n in range(21, 71)]
    assert 'href="?earlier=2"' in html and "Later messages" in html
    first, html = shown("?earlier=2")
    assert first == [f"Message {n}" for n in range(1, 21)]
    assert "Earlier messages" not in html
    assert 'href="?earlier=1"' in html
    for odd in ("?earlier=abc", "?earlier=-3", "?earlier="):
        assert shown(odd)[0] == latest
    assert shown("?earlier=99")[0] == []
