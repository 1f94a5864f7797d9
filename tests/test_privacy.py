"""Privacy by design (design §3, guarantee 10).

A member downloads their data and removes their board presence; deleting a user
account does the same clean-up first; ``meetings_purge`` removes what meetings
over for longer than the retention leave behind. Each is checked table by table:
what is gone, what changed, and that nothing of other members is lost.
"""

import datetime
import io
import json
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from wagtail_meetings import messaging, moderation, rules
from wagtail_meetings.models import (
    Block,
    Call,
    CheckIn,
    Conversation,
    ConversationMember,
    MemberProfile,
    Message,
    Place,
    Registration,
    Report,
)
from wagtail_meetings.notifications import remind_meeting
from wagtail_meetings.privacy import (
    SECTIONS,
    export_data,
    purge_ended_meetings,
    remove_board_presence,
)

from .utils import board_url, make_call, make_member, register

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def member_with_email(username, name):
    user = make_member(username, name)
    user.email = f"{username}@example.org"
    user.save()
    return user


def past_call(organiser, title, accepted=(), days_ago=10, **kwargs):
    """A meeting that took place, with its accepted members and their conversation."""
    call = make_call(organiser=organiser, title=title, **kwargs)
    for member in accepted:
        register(call, member, status="accepted")
    messaging.sync_call_conversation(call)
    Call.objects.filter(pk=call.pk).update(starts_at=timezone.now() - days_ago * DAY)
    call.refresh_from_db()
    return call


def write(conversation, sender, body):
    """A message as ``messaging.send`` stores it, also where the meeting is over."""
    return Message.objects.create(conversation=conversation, sender=sender, body=body)


@pytest.fixture
def world(board, inbox):
    """Lena leaves the board. Otto and Ada are members she meets both ways.

    - Lena's calls: "Lena's walk" ahead (Otto accepted, Ada waiting), "Lena's museum"
      that took place (Ada came), "Lena's quiet coffee" ahead that nobody signed up for.
    - Other calls: "Otto's picnic" ahead (Lena and Ada accepted), "Ada's library visit"
      ahead (Lena waiting, with a note), "Otto's concert" that took place (Lena came).
    - Direct conversations: Lena and Otto; Otto and Ada.
    - Blocks: Lena blocked Bram; Nina blocked Lena; Otto blocked Bram.
    """
    lena = member_with_email("lena-account", "Lena")
    otto = member_with_email("otto-account", "Otto")
    ada = member_with_email("ada-account", "Ada")
    bram = member_with_email("bram-account", "Bram")
    nina = member_with_email("nina-account", "Nina")

    lenas_walk = make_call(organiser=lena, title="Lena's walk", capacity=3)
    rules.accept(register(lenas_walk, otto, note="Otto to Lena: I walk slowly"))
    register(lenas_walk, ada, note="Ada to Lena: first time")
    lenas_museum = past_call(lena, "Lena's museum", accepted=[ada])
    lenas_coffee = make_call(organiser=lena, title="Lena's quiet coffee")

    ottos_picnic = make_call(organiser=otto, title="Otto's picnic", capacity=3)
    rules.accept(register(ottos_picnic, lena, note="Lena to Otto: I bring apples"))
    rules.accept(register(ottos_picnic, ada))
    adas_library = make_call(organiser=ada, title="Ada's library visit")
    register(adas_library, lena, note="Lena to Ada: may I bring my sister?")
    ottos_concert = past_call(otto, "Otto's concert", accepted=[lena])

    walk_talk = Conversation.objects.get(call=lenas_walk)
    museum_talk = Conversation.objects.get(call=lenas_museum)
    picnic_talk = Conversation.objects.get(call=ottos_picnic)
    messaging.send(walk_talk, lena, "Lena in the walk: see you at the gate")
    messaging.send(walk_talk, otto, "Otto in the walk: looking forward")
    write(museum_talk, ada, "Ada after the museum: thank you")
    write(museum_talk, lena, "Lena after the museum: it was lovely")
    messaging.send(picnic_talk, otto, "Otto in the picnic: bring a blanket")
    messaging.send(picnic_talk, lena, "Lena in the picnic: I will")
    messaging.send(picnic_talk, ada, "Ada in the picnic: me too")
    lena_otto, _message = messaging.start_direct(lena, otto, "Lena to Otto directly: hello")
    messaging.send(lena_otto, otto, "Otto to Lena directly: hello back")
    otto_ada, _message = messaging.start_direct(otto, ada, "Otto to Ada directly: hi")

    messaging.block(lena, bram)
    messaging.block(nina, lena)
    messaging.block(otto, bram)
    cache.clear()
    return SimpleNamespace(
        board=board,
        lena=lena,
        otto=otto,
        ada=ada,
        bram=bram,
        nina=nina,
        lenas_walk=lenas_walk,
        lenas_museum=lenas_museum,
        lenas_coffee=lenas_coffee,
        ottos_picnic=ottos_picnic,
        adas_library=adas_library,
        ottos_concert=ottos_concert,
        lena_otto=lena_otto,
        otto_ada=otto_ada,
    )


# --------------------------------------------------------------------------
# Calls whose organiser left the board.
# --------------------------------------------------------------------------


def test_former_members_open_call_is_not_listed_and_takes_no_sign_ups(world):
    """Should a call of a former member still be open, nobody can sign up for it."""
    call = make_call(organiser=world.otto, title="Orphaned walk")
    Call.objects.filter(pk=call.pk).update(organiser=None)
    call.refresh_from_db()
    assert call not in Call.objects.listed()
    assert rules.sign_up_refusal(call, world.ada) == "This call is not available."
    client = Client()
    client.force_login(world.ada)
    page = client.get(board_url(world.board, "call", call.pk)).content.decode()
    assert "Organised by former member" in page


def test_reminder_of_a_former_members_meeting_goes_to_the_participants(world):
    call = make_call(organiser=world.otto, title="Tomorrow's walk")
    register(call, world.ada, status="accepted")
    Call.objects.filter(pk=call.pk).update(organiser=None)
    mail.outbox.clear()
    assert remind_meeting.call(call.pk, call.starts_at.isoformat()) == "reminded 1"
    assert [message.to for message in mail.outbox] == [["ada-account@example.org"]]


def test_admin_copes_with_calls_without_organiser(world, editor):
    Call.objects.filter(pk=world.lenas_walk.pk).update(organiser=None)
    client = Client()
    client.force_login(editor)
    pk = world.lenas_walk.pk
    for name in ("list", "edit", "inspect"):
        url = reverse(f"wagtail_meetings_calls:{name}", args=[] if name == "list" else [pk])
        assert client.get(url).status_code == 200, name
    registrations = reverse("wagtail_meetings_registrations:list")
    assert client.get(registrations).status_code == 200


# --------------------------------------------------------------------------
# The download.
# --------------------------------------------------------------------------


def download(world, user=None):
    client = Client()
    client.force_login(user or world.lena)
    response = client.get(board_url(world.board, "my_data_download"))
    return response, json.loads(response.content)


def all_keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from all_keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from all_keys(inner)


def test_the_download_is_a_private_json_attachment(world):
    response, data = download(world)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="my-meetings-data.json"'
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert data["format"] == 1
    assert data["site"]
    assert datetime.datetime.fromisoformat(data["generated_at"].replace("Z", "+00:00"))
    assert list(data) == ["format", "generated_at", "site", *[key for key, _ in SECTIONS]]


def test_the_download_holds_the_members_own_data(world):
    profile = world.lena.meetings_profile
    profile.home_place = Place.objects.get(name="Utrecht")
    profile.notify = "daily"
    profile.save()
    _response, data = download(world)
    assert data["profile"]["display_name"] == "Lena"
    assert data["profile"]["role"] == "peer"
    assert data["profile"]["home_town"] == "Utrecht"
    assert data["profile"]["notify"] == "daily"
    assert data["profile"]["house_rules_accepted_at"]

    calls = {call["title"]: call for call in data["calls_organised"]}
    assert set(calls) == {"Lena's walk", "Lena's museum", "Lena's quiet coffee"}
    walk = calls["Lena's walk"]
    assert walk["meeting_point"] == "Main entrance of Wilhelminapark"
    assert walk["description"] == "Let us walk for an hour."
    assert walk["activities"] == ["walk"]
    assert walk["town"] == "Utrecht"
    assert walk["status"] == "open"
    assert walk["sign_ups"] == {"pending": 1, "accepted": 1, "declined": 0, "withdrawn": 0}
    assert walk["participants"] == ["Otto"]
    assert calls["Lena's museum"]["status"] == "past"

    sign_ups = {row["call_id"]: row for row in data["sign_ups"]}
    library, concert = world.adas_library.pk, world.ottos_concert.pk
    assert set(sign_ups) == {world.ottos_picnic.pk, library, concert}
    assert sign_ups[library]["note"] == "Lena to Ada: may I bring my sister?"
    assert sign_ups[library]["status"] == "pending"
    assert sign_ups[concert]["call_status"] == "past"
    assert datetime.datetime.fromisoformat(sign_ups[concert]["starts_at"])

    assert [block["member"] for block in data["blocks"]] == ["Bram"]

    conversations = {row["id"]: row for row in data["conversations"]}
    assert conversations[world.lena_otto.pk]["kind"] == "direct"
    assert conversations[world.lena_otto.pk]["with"] == ["Otto"]
    picnic = Conversation.objects.get(call=world.ottos_picnic)
    assert conversations[picnic.pk]["call_id"] == world.ottos_picnic.pk
    assert conversations[picnic.pk]["meeting"] is None  # Otto's words, not Lena's
    assert sorted(conversations[picnic.pk]["with"]) == ["Ada", "Otto"]
    walk = Conversation.objects.get(call=world.lenas_walk)
    assert conversations[walk.pk]["meeting"] == "Lena's walk"

    sent = [(row["conversation"], row["text"]) for row in data["messages_sent"]]
    assert sent == [
        ("Lena's walk", "Lena in the walk: see you at the gate"),
        ("Lena's museum", "Lena after the museum: it was lovely"),
        ("Otto, Ada", "Lena in the picnic: I will"),
        ("Otto", "Lena to Otto directly: hello"),
    ]


def test_the_download_holds_nothing_else_of_other_members(world):
    response, data = download(world)
    text = response.content.decode()
    for other in (world.otto, world.ada, world.bram, world.nina):
        assert other.username not in text
        assert other.email not in text
    assert world.lena.username not in text
    assert world.lena.email not in text
    for secret in (
        "Otto in the walk",
        "Ada after the museum",
        "Otto in the picnic",
        "Ada in the picnic",
        "Otto to Lena directly",
        "Otto to Ada directly",
        "Otto to Lena: I walk slowly",
        "Ada to Lena: first time",
        "Nina",
        # Other members' calls: their words.
        "Otto's picnic",
        "Ada's library visit",
        "Otto's concert",
    ):
        assert secret not in text
    # No field holds a user: the ids are those of the member's calls and conversations.
    keys = set(all_keys(data))
    assert not keys & {"user", "user_id", "username", "member_id", "sender", "sender_id", "email"}
    assert {key for key in keys if key == "id" or key.endswith("_id")} == {
        "id",
        "call_id",
        "conversation_id",
    }


def test_the_download_names_only_who_was_there_at_the_same_time(world):
    picnic = Conversation.objects.get(call=world.ottos_picnic)
    rules.withdraw(world.ottos_picnic, world.lena)
    rules.accept(register(world.ottos_picnic, make_member("karel", "Karel")))
    assert ConversationMember.objects.filter(conversation=picnic, left_at__isnull=True).count() == 3
    response, data = download(world)
    assert "Karel" not in response.content.decode()
    row = next(row for row in data["conversations"] if row["id"] == picnic.pk)
    assert sorted(row["with"]) == ["Ada", "Otto"]
    assert row["left_at"]


def test_the_download_of_a_member_without_profile(world, newcomer):
    _response, data = download(world, newcomer)
    assert data["profile"] is None
    assert data["calls_organised"] == []
    assert data["messages_sent"] == []


def test_the_download_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        export_data(world.lena)
    for number in range(5):
        call = make_call(organiser=world.lena, title=f"More {number}")
        rules.accept(register(call, make_member(f"extra{number}", f"Extra {number}")))
        messaging.send(Conversation.objects.get(call=call), world.lena, f"Message {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        export_data(world.lena)


def test_the_my_data_page_explains_and_links(world):
    client = Client()
    client.force_login(world.lena)
    profile = client.get(board_url(world.board, "profile")).content.decode()
    assert board_url(world.board, "my_data") in profile
    assert board_url(world.board, "leave_board") in profile
    response = client.get(board_url(world.board, "my_data"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "What is in the file" in page
    assert board_url(world.board, "my_data_download") in page


def name_of(user_id):
    return User.objects.get(pk=user_id).username.removesuffix("-account") if user_id else None


def label_of(conversation):
    if conversation.call_id:
        return conversation.call.title
    return "direct " + "+".join(
        sorted(name_of(m.member_id) for m in conversation.memberships.all())
    )


def tables():
    """Every table the board keeps, row by row, by readable names instead of ids."""
    labels = {c.pk: label_of(c) for c in Conversation.objects.select_related("call")}
    return {
        "calls": {(c.title, name_of(c.organiser_id), c.status) for c in Call.objects.all()},
        "sign_ups": {
            (r.call.title, name_of(r.member_id), r.status, r.note)
            for r in Registration.objects.select_related("call")
        },
        "conversations": {
            (labels[c.pk], c.kind, c.pair_key is not None, c.closed_at is not None)
            for c in Conversation.objects.all()
        },
        "conversation_members": {
            (labels[m.conversation_id], name_of(m.member_id), m.left_at is not None)
            for m in ConversationMember.objects.all()
        },
        "messages": {
            (labels[m.conversation_id], name_of(m.sender_id), m.body) for m in Message.objects.all()
        },
        "blocks": {(name_of(b.blocker_id), name_of(b.blocked_id)) for b in Block.objects.all()},
        "profiles": {name_of(p.user_id) for p in MemberProfile.objects.all()},
    }


# What the world's tables hold before Lena leaves.
BEFORE = {
    "calls": {
        ("Lena's walk", "lena", "open"),
        ("Lena's museum", "lena", "open"),
        ("Lena's quiet coffee", "lena", "open"),
        ("Otto's picnic", "otto", "open"),
        ("Ada's library visit", "ada", "open"),
        ("Otto's concert", "otto", "open"),
    },
    "sign_ups": {
        ("Lena's walk", "otto", "accepted", "Otto to Lena: I walk slowly"),
        ("Lena's walk", "ada", "pending", "Ada to Lena: first time"),
        ("Lena's museum", "ada", "accepted", ""),
        ("Otto's picnic", "lena", "accepted", "Lena to Otto: I bring apples"),
        ("Otto's picnic", "ada", "accepted", ""),
        ("Ada's library visit", "lena", "pending", "Lena to Ada: may I bring my sister?"),
        ("Otto's concert", "lena", "accepted", ""),
    },
    "conversations": {
        ("Lena's walk", "call", False, False),
        ("Lena's museum", "call", False, False),
        ("Otto's picnic", "call", False, False),
        ("Otto's concert", "call", False, False),
        ("direct lena+otto", "direct", True, False),
        ("direct ada+otto", "direct", True, False),
    },
    "conversation_members": {
        ("Lena's walk", "lena", False),
        ("Lena's walk", "otto", False),
        ("Lena's museum", "lena", False),
        ("Lena's museum", "ada", False),
        ("Otto's picnic", "otto", False),
        ("Otto's picnic", "lena", False),
        ("Otto's picnic", "ada", False),
        ("Otto's concert", "otto", False),
        ("Otto's concert", "lena", False),
        ("direct lena+otto", "lena", False),
        ("direct lena+otto", "otto", False),
        ("direct ada+otto", "otto", False),
        ("direct ada+otto", "ada", False),
    },
    "messages": {
        ("Lena's walk", "lena", "Lena in the walk: see you at the gate"),
        ("Lena's walk", "otto", "Otto in the walk: looking forward"),
        ("Lena's museum", "ada", "Ada after the museum: thank you"),
        ("Lena's museum", "lena", "Lena after the museum: it was lovely"),
        ("Otto's picnic", "otto", "Otto in the picnic: bring a blanket"),
        ("Otto's picnic", "lena", "Lena in the picnic: I will"),
        ("Otto's picnic", "ada", "Ada in the picnic: me too"),
        ("direct lena+otto", "lena", "Lena to Otto directly: hello"),
        ("direct lena+otto", "otto", "Otto to Lena directly: hello back"),
        ("direct ada+otto", "otto", "Otto to Ada directly: hi"),
    },
    "blocks": {("lena", "bram"), ("nina", "lena"), ("otto", "bram")},
    "profiles": {"lena", "otto", "ada", "bram", "nina"},
}

# After: Lena's direct conversation with Otto keeps Otto only, so its label changes.
AFTER = {
    "calls": {
        # Ahead: cancelled, and kept without organiser for Otto and Ada.
        ("Lena's walk", None, "cancelled"),
        # Over: kept for Ada's history, without organiser.
        ("Lena's museum", None, "open"),
        # Nobody signed up: gone. Other members' calls: untouched.
        ("Otto's picnic", "otto", "open"),
        ("Ada's library visit", "ada", "open"),
        ("Otto's concert", "otto", "open"),
    },
    "sign_ups": {
        # Other members' sign-ups keep their status (and their notes).
        ("Lena's walk", "otto", "accepted", "Otto to Lena: I walk slowly"),
        ("Lena's walk", "ada", "pending", "Ada to Lena: first time"),
        ("Lena's museum", "ada", "accepted", ""),
        ("Otto's picnic", "ada", "accepted", ""),
        # Lena's own sign-ups, ahead and over: gone.
    },
    "conversations": {
        # The cancelled meeting's conversation is closed, as any cancellation closes it.
        ("Lena's walk", "call", False, True),
        ("Lena's museum", "call", False, False),
        ("Otto's picnic", "call", False, False),
        ("Otto's concert", "call", False, False),
        # Otto keeps his conversation with Lena, closed and no longer the pair's.
        ("direct otto", "direct", False, True),
        ("direct ada+otto", "direct", True, False),
    },
    "conversation_members": {
        ("Lena's walk", "otto", False),
        ("Lena's museum", "ada", False),
        ("Otto's picnic", "otto", False),
        ("Otto's picnic", "ada", False),
        ("Otto's concert", "otto", False),
        ("direct otto", "otto", False),
        ("direct ada+otto", "otto", False),
        ("direct ada+otto", "ada", False),
    },
    "messages": {
        # Lena's messages stay for the others, from "former member".
        ("Lena's walk", None, "Lena in the walk: see you at the gate"),
        ("Lena's walk", "otto", "Otto in the walk: looking forward"),
        ("Lena's museum", "ada", "Ada after the museum: thank you"),
        ("Lena's museum", None, "Lena after the museum: it was lovely"),
        ("Otto's picnic", "otto", "Otto in the picnic: bring a blanket"),
        ("Otto's picnic", None, "Lena in the picnic: I will"),
        ("Otto's picnic", "ada", "Ada in the picnic: me too"),
        ("direct otto", None, "Lena to Otto directly: hello"),
        ("direct otto", "otto", "Otto to Lena directly: hello back"),
        ("direct ada+otto", "otto", "Otto to Ada directly: hi"),
    },
    # Lena's block of Bram goes; Nina's block of Lena is Nina's choice and stays.
    "blocks": {("nina", "lena"), ("otto", "bram")},
    "profiles": {"otto", "ada", "bram", "nina"},
}


def assert_tables(expected):
    actual = tables()
    for table, rows in expected.items():
        assert actual[table] == rows, table


# --------------------------------------------------------------------------
# Removing the board presence.
# --------------------------------------------------------------------------


def test_the_world_before(world):
    assert_tables(BEFORE)


def test_removal_row_by_row(world):
    remove_board_presence(world.lena)
    assert_tables(AFTER)
    assert User.objects.filter(pk=world.lena.pk).exists()


def test_removal_twice_changes_nothing_more(world):
    remove_board_presence(world.lena)
    remove_board_presence(world.lena)
    assert_tables(AFTER)


def test_removal_tells_the_others_that_there_is_news_and_nothing_more(world, on_commit):
    mail.outbox.clear()
    with on_commit():
        remove_board_presence(world.lena)
    # Otto and Ada were in Lena's walk; Otto and Ada organise what Lena signed up for.
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ada-account@example.org",
        "otto-account@example.org",
    ]
    for message in mail.outbox:
        for secret in ("Lena", "walk", "picnic", "library", "Utrecht"):
            assert secret not in message.subject + message.body


def test_removal_frees_the_place_and_closes_the_cancelled_meetings_conversation(world):
    remove_board_presence(world.lena)
    picnic = Call.objects.with_counts().get(pk=world.ottos_picnic.pk)
    assert picnic.accepted_count == 1
    assert Conversation.objects.get(call=world.lenas_walk).closed_at is not None


@override_settings(WAGTAIL_MEETINGS_ERASE_MESSAGES=True)
def test_removal_can_delete_the_messages(world):
    remove_board_presence(world.lena)
    expected = dict(AFTER)
    expected["messages"] = {row for row in AFTER["messages"] if row[1] is not None}
    assert_tables(expected)
    # The direct conversation's last message is now Otto's.
    otto_last = Message.objects.get(body="Otto to Lena directly: hello back").created_at
    assert Conversation.objects.get(pk=world.lena_otto.pk).last_message_at == otto_last


def test_after_removal_others_read_former_member(world, inbox):
    remove_board_presence(world.lena)
    client = Client()
    client.force_login(world.otto)
    url = inbox.url + inbox.reverse_subpage("conversation", args=[world.lena_otto.pk])
    page = client.get(url).content.decode()
    assert "Lena to Otto directly: hello" in page
    assert "<strong>former member</strong>" in page
    assert "<strong>Lena</strong>" not in page
    assert "This conversation is closed." in page
    # Otto blocked Bram: the anonymised messages still show in a meeting's conversation.
    picnic = Conversation.objects.get(call=world.ottos_picnic)
    url = inbox.url + inbox.reverse_subpage("conversation", args=[picnic.pk])
    assert "Lena in the picnic: I will" in client.get(url).content.decode()
    # ... and count as unread, as anyone else's.
    ConversationMember.objects.filter(conversation=picnic, member=world.otto).update(
        last_read_at=timezone.now() - DAY
    )
    assert Message.objects.unread_by(world.otto).filter(conversation=picnic, sender=None).exists()
    # Ada still sees Lena's museum, organised by "former member", and its messages.
    client.force_login(world.ada)
    detail = client.get(board_url(world.board, "call", world.lenas_museum.pk)).content.decode()
    assert "Organised by former member" in detail
    mine = client.get(board_url(world.board, "mine")).content.decode()
    assert "Lena&#x27;s walk" in mine
    assert "This meeting has been cancelled." in mine


def test_a_returning_member_starts_afresh(world, inbox):
    remove_board_presence(world.lena)
    client = Client()
    client.force_login(world.lena)
    response = client.get(board_url(world.board, "mine"))
    assert response.status_code == 200
    page = response.content.decode()
    for title in ("Lena&#x27;s walk", "Otto&#x27;s picnic", "Otto&#x27;s concert"):
        assert title not in page
    assert client.get(board_url(world.board, "profile"))["Location"].startswith(
        board_url(world.board, "welcome")
    )
    conversations = client.get(inbox.url).content.decode()
    assert "Otto" not in conversations
    # Writing to Otto again starts a new conversation, not the old one.
    MemberProfile.objects.create(user=world.lena, display_name="Lena", role="peer")
    conversation, _message = messaging.start_direct(world.lena, world.otto, "Hello again")
    assert conversation.pk != world.lena_otto.pk


def test_withdrawing_from_a_former_members_cancelled_call(world, on_commit):
    remove_board_presence(world.lena)
    mail.outbox.clear()
    with on_commit():
        rules.withdraw(Call.objects.get(pk=world.lenas_walk.pk), world.otto)
    assert Registration.objects.get(call=world.lenas_walk, member=world.otto).status == "withdrawn"
    assert mail.outbox == []


# --------------------------------------------------------------------------
# The confirmation page.
# --------------------------------------------------------------------------


def test_leaving_needs_the_confirmation(world):
    client = Client()
    client.force_login(world.lena)
    url = board_url(world.board, "leave_board")
    page = client.get(url).content.decode()
    assert "from “former member” instead of your name" in page
    assert 'name="understood"' in page
    response = client.post(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tick the box if you want to go ahead." in page
    assert page.count("<title>Error:") == 1
    assert_tables(BEFORE)


@override_settings(WAGTAIL_MEETINGS_ERASE_MESSAGES=True)
def test_leaving_page_follows_the_setting(world):
    client = Client()
    client.force_login(world.lena)
    page = client.get(board_url(world.board, "leave_board")).content.decode()
    assert "The messages you sent are deleted." in page


def test_leaving_removes_and_greets_as_a_newcomer(world):
    client = Client()
    client.force_login(world.lena)
    response = client.post(board_url(world.board, "leave_board"), {"understood": "on"})
    assert response.status_code == 302
    assert response["Location"] == board_url(world.board, "welcome")
    assert_tables(AFTER)
    welcome = client.get(response["Location"])
    assert welcome.status_code == 200
    assert "Your board presence has been removed." in welcome.content.decode()
    # Still logged in to the site.
    assert client.get(board_url(world.board, "list")).status_code == 200


def test_leaving_is_post_only_with_csrf(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.lena)
    response = client.post(board_url(world.board, "leave_board"), {"understood": "on"})
    assert response.status_code == 403
    assert_tables(BEFORE)


# --------------------------------------------------------------------------
# Deleting a user account.
# --------------------------------------------------------------------------

AFTER_DELETION = {
    **AFTER,
    # With Lena's account gone, the block against her has nothing left to hold.
    "blocks": {("otto", "bram")},
}


def test_deleting_the_user_does_the_same_clean_up(world):
    world.lena.delete()
    assert_tables(AFTER_DELETION)


def test_deleting_the_user_in_the_wagtail_admin(world, editor):
    client = Client()
    client.force_login(editor)
    url = reverse("wagtailusers_users:delete", args=[world.lena.pk])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    assert not User.objects.filter(pk=world.lena.pk).exists()
    assert_tables(AFTER_DELETION)


def test_deleting_several_users_at_once(world):
    User.objects.filter(pk__in=[world.lena.pk, world.bram.pk]).delete()
    expected = {
        **AFTER_DELETION,
        "blocks": set(),
        "profiles": {"otto", "ada", "nina"},
    }
    assert_tables(expected)


# --------------------------------------------------------------------------
# Purging meetings over for longer than the retention.
# --------------------------------------------------------------------------


@pytest.fixture
def history(board, organiser, member):
    """Meetings over for about half a year, either side of the 180 days."""
    ada = make_member("ada", "Ada")
    now = timezone.now()

    def meeting(title, starts_at, accepted=(member,), **kwargs):
        call = make_call(organiser=organiser, title=title, **kwargs)
        for person in accepted:
            register(call, person, status="accepted")
        conversation = messaging.sync_call_conversation(call)
        if conversation is not None:
            write(conversation, organiser, f"Message in {title}")
            write(conversation, member, f"Reply in {title}")
        Call.objects.filter(pk=call.pk).update(starts_at=starts_at)
        return call

    calls = {
        "old": meeting("Old walk", now - 181 * DAY),
        "recent": meeting("Recent walk", now - 179 * DAY),
        # An hour-long meeting that started 180 days and 30 minutes ago has not
        # been over for 180 days yet; one of half an hour has.
        "long": meeting(
            "Long walk", now - 180 * DAY - datetime.timedelta(minutes=30), duration_minutes=60
        ),
        "short": meeting(
            "Short walk", now - 180 * DAY - datetime.timedelta(minutes=31), duration_minutes=30
        ),
        "to_be_agreed": meeting("Someday walk", None),
        # Cancelled: counted from the cancellation, also for a date still to be agreed.
        "cancelled_long_ago": meeting("Cancelled walk", None),
        "cancelled_lately": meeting("Lately cancelled walk", now - 100 * DAY),
        "former_members": meeting("Former member's walk", now - 200 * DAY, accepted=[ada]),
    }
    Call.objects.filter(pk=calls["to_be_agreed"].pk).update(created_at=now - 400 * DAY)
    Call.objects.filter(pk=calls["cancelled_long_ago"].pk).update(
        status="cancelled", cancelled_at=now - 181 * DAY
    )
    Call.objects.filter(pk=calls["cancelled_lately"].pk).update(
        status="cancelled", cancelled_at=now - 179 * DAY
    )
    Call.objects.filter(pk=calls["former_members"].pk).update(organiser=None)
    direct, _message = messaging.start_direct(organiser, member, "An old direct message")
    Message.objects.filter(conversation=direct).update(created_at=now - 400 * DAY)
    return SimpleNamespace(calls=calls, direct=direct, organiser=organiser, member=member)


PURGED_TITLES = {"Old walk", "Short walk", "Cancelled walk", "Former member's walk"}
KEPT_TITLES = {"Recent walk", "Long walk", "Someday walk", "Lately cancelled walk"}


def purge(*args):
    out = io.StringIO()
    call_command("meetings_purge", *args, stdout=out)
    return out.getvalue()


def test_the_history(history):
    titles = {c.title for c in Call.objects.all()}
    assert titles == PURGED_TITLES | KEPT_TITLES
    assert Registration.objects.count() == 8
    assert Conversation.objects.filter(call__isnull=False).count() == 8
    assert Message.objects.count() == 17


def test_dry_run_counts_and_changes_nothing(history):
    before = tables()
    output = purge("--dry-run")
    assert tables() == before
    assert "Would remove, of meetings over for more than 180 days:" in output
    assert "  sign-ups: 4\n" in output
    assert "  conversations: 4\n" in output
    assert "  messages: 8\n" in output
    assert "  calls of former members: 1\n" in output
    assert "Dry run: nothing was removed." in output


def test_purge_removes_what_meetings_over_for_long_leave_behind(history):
    output = purge()
    assert "Removed, of meetings over for more than 180 days:" in output
    assert "  sign-ups: 4\n" in output
    assert "  conversations: 4\n" in output
    assert "  messages: 8\n" in output
    assert "  calls of former members: 1\n" in output
    # The calls stay for their organiser, but that of a former member.
    assert {c.title for c in Call.objects.all()} == (
        PURGED_TITLES - {"Former member's walk"}
    ) | KEPT_TITLES
    assert {r.call.title for r in Registration.objects.all()} == KEPT_TITLES
    assert {c.call.title for c in Conversation.objects.filter(call__isnull=False)} == KEPT_TITLES
    assert {
        m.conversation.call.title for m in Message.objects.filter(conversation__call__isnull=False)
    } == KEPT_TITLES
    assert not ConversationMember.objects.filter(conversation__call__title__in=PURGED_TITLES)
    # Direct conversations are the members' own: kept, however old.
    assert Message.objects.filter(conversation=history.direct).count() == 1


def test_purging_again_finds_nothing(history):
    purge()
    before = tables()
    output = purge()
    assert tables() == before
    for label in ("sign-ups", "conversations", "messages", "check-ins", "calls of former members"):
        assert f"  {label}: 0\n" in output


@override_settings(WAGTAIL_MEETINGS_RETENTION_DAYS=30)
def test_the_retention_is_a_setting(history):
    counts = purge_ended_meetings(dry_run=True)
    assert counts == {
        "sign_ups": 7,
        "conversations": 7,
        "messages": 14,
        "check_ins": 0,
        "calls": 1,
    }
    assert "more than 30 days" in purge()
    assert Registration.objects.filter(call__title="Someday walk").exists()


def test_purge_works_in_batches(history):
    counts = purge_ended_meetings(batch_size=1)
    assert counts == {
        "sign_ups": 4,
        "conversations": 4,
        "messages": 8,
        "check_ins": 0,
        "calls": 1,
    }
    assert {r.call.title for r in Registration.objects.all()} == KEPT_TITLES


@pytest.mark.parametrize(("value", "valid"), [(180, True), (1, True), (0, False), ("180", False)])
def test_the_retention_setting_is_checked(value, valid):
    from wagtail_meetings.checks import check_settings

    with override_settings(WAGTAIL_MEETINGS_RETENTION_DAYS=value):
        ids = [error.id for error in check_settings(None)]
    assert ("wagtail_meetings.E004" not in ids) == valid


# --------------------------------------------------------------------------
# Reports and check-ins.
# --------------------------------------------------------------------------


@pytest.fixture
def reports(world):
    """Lena reported Otto's picnic and checked in after Otto's concert; Ada reported
    Lena; a moderator noted something on Lena's report."""
    lenas = moderation.make_report(
        world.lena,
        kind="call",
        reason="unsafe",
        details="Lena about the picnic: the meeting point is a back yard",
        call=world.ottos_picnic,
        member=world.otto,
    )
    moderation.check_in_fine(world.lena, world.ottos_concert)
    adas = moderation.make_report(
        world.ada,
        kind="member",
        reason="identity",
        details="Ada about Lena: not who she says",
        member=world.lena,
    )
    moderation.check_in_fine(world.ada, world.lenas_museum)
    moderator = make_member("moderator-account", "Moderator Mo")
    moderation.dismiss(lenas, moderator=moderator, note="Moderator's note: looked fine to me")
    cache.clear()
    return SimpleNamespace(lenas=lenas, adas=adas, moderator=moderator)


def test_the_download_holds_the_members_own_reports_and_check_ins(world, reports):
    response, data = download(world)
    assert data["reports_made"] == [
        {
            "kind": "call",
            "reason": "unsafe",
            "details": "Lena about the picnic: the meeting point is a back yard",
            "created_at": data["reports_made"][0]["created_at"],
            "status": "closed",
        }
    ]
    assert data["check_ins"][0]["call_id"] == world.ottos_concert.pk
    assert data["check_ins"][0]["meeting"] is None
    assert data["check_ins"][0]["answer"] == "fine"
    assert len(data["check_ins"]) == 1
    text = response.content.decode()
    # Not the report about Lena, nor the moderator's note, nor who handled it.
    for secret in ("Ada about Lena", "identity", "Moderator", "dismiss"):
        assert secret not in text
    keys = set(all_keys(data["reports_made"]))
    assert keys == {"kind", "reason", "details", "created_at", "status"}


def test_the_download_holds_what_the_moderators_told_the_member_only(world, reports):
    moderation.warn(
        reports.adas,
        world.lena,
        moderator=reports.moderator,
        note="Moderator's note: Ada reported her",
        notice="Please keep to the house rules.",
    )
    until = timezone.now() + datetime.timedelta(days=7)
    moderation.suspend(
        world.lena,
        until=until,
        note="Moderator's note: second time",
        notice="A week off the board.",
        moderator=reports.moderator,
        report=reports.adas,
    )
    moderation.warn(reports.lenas, world.otto, moderator=reports.moderator, notice="For Otto")
    response, data = download(world)
    notices = data["moderation_notices"]
    assert [(n["action"], n["message"]) for n in notices] == [
        ("warn", "Please keep to the house rules."),
        ("suspend", "A week off the board."),
    ]
    assert notices[0]["suspended_until"] is None
    assert notices[1]["suspended_until"].startswith(until.date().isoformat())
    assert notices[0]["read_at"] is None
    assert set(all_keys(notices)) == {"action", "at", "message", "suspended_until", "read_at"}
    text = response.content.decode()
    for secret in ("Moderator", "Ada reported", "second time", "For Otto", "identity"):
        assert secret not in text


def test_removal_keeps_the_reports_for_the_moderators_without_reporter(world, reports):
    remove_board_presence(world.lena)
    lenas = Report.objects.get(pk=reports.lenas.pk)
    assert lenas.reporter is None
    assert lenas.details == "Lena about the picnic: the meeting point is a back yard"
    assert lenas.actions.count() == 1
    # The report about Lena is the moderators' record and stays as it was.
    adas = Report.objects.get(pk=reports.adas.pk)
    assert adas.reporter == world.ada
    assert adas.reported_member == world.lena
    # Lena's check-ins go; Ada's stay.
    assert not CheckIn.objects.filter(member=world.lena).exists()
    assert CheckIn.objects.filter(member=world.ada, call=world.lenas_museum).exists()


def test_deleting_the_account_keeps_the_reports_without_reporter(world, reports):
    world.lena.delete()
    assert Report.objects.get(pk=reports.lenas.pk).reporter is None
    assert Report.objects.get(pk=reports.adas.pk).reported_member is None
    assert not CheckIn.objects.filter(member_id=world.lena.pk).exists()


def test_purge_removes_the_check_ins_of_meetings_over_for_long(history):
    old, recent = history.calls["old"], history.calls["recent"]
    moderation.check_in_fine(history.member, old)
    moderation.check_in_fine(history.member, recent)
    assert purge_ended_meetings(dry_run=True)["check_ins"] == 1
    output = purge()
    assert "  check-ins: 1\n" in output
    assert not CheckIn.objects.filter(call=old).exists()
    assert CheckIn.objects.filter(call=recent).exists()
    assert "  check-ins: 0\n" in purge()


# --------------------------------------------------------------------------
# Leaving is no way around the moderators.
# --------------------------------------------------------------------------


@pytest.mark.parametrize("days", [None, 30])
def test_a_suspension_outlasts_leaving_and_coming_back(world, reports, days):
    until = timezone.now() + datetime.timedelta(days=days) if days else None
    moderation.suspend(world.lena, until=until, moderator=reports.moderator, report=reports.adas)
    remove_board_presence(world.lena)
    profile = MemberProfile.objects.get(user=world.lena)
    # Nothing of Lena stays but the suspension itself.
    assert (profile.display_name, profile.role, profile.home_place) == ("", "", None)
    assert profile.house_rules_accepted_at is None
    assert profile.is_suspended

    client = Client()
    client.force_login(world.lena)
    welcome = client.get(board_url(world.board, "welcome")).content.decode()
    assert "Your account is suspended" in welcome
    client.post(
        board_url(world.board, "welcome"),
        {"display_name": "Fresh Name", "role": "peer", "accept_house_rules": "on"},
    )
    profile.refresh_from_db()
    assert profile.display_name == "Fresh Name" and profile.is_suspended
    response = client.post(board_url(world.board, "post"), {"title": "A new walk"}, follow=True)
    assert "Your account is suspended" in response.content.decode()
    assert not Call.objects.filter(title="A new walk").exists()


def test_leaving_keeps_a_reported_call_that_nobody_signed_up_for(world):
    report = moderation.make_report(world.otto, kind="call", reason="spam", call=world.lenas_coffee)
    remove_board_presence(world.lena)
    coffee = Call.objects.get(pk=world.lenas_coffee.pk)
    assert coffee.organiser is None and coffee.status == "cancelled"
    assert Report.objects.get(pk=report.pk).call == coffee


@override_settings(WAGTAIL_MEETINGS_ERASE_MESSAGES=True)
def test_erasing_the_messages_keeps_a_reported_one_for_the_moderators(world):
    reported = Message.objects.get(body="Lena to Otto directly: hello")
    report = moderation.make_report(world.otto, kind="message", reason="unsafe", message=reported)
    remove_board_presence(world.lena)
    kept = Message.objects.get(pk=reported.pk)
    assert kept.sender is None
    assert Report.objects.get(pk=report.pk).message == kept
    assert not Message.objects.filter(body="Lena in the walk: see you at the gate").exists()


@pytest.mark.parametrize("about", ["call", "message"])
def test_purge_waits_for_the_moderators_to_close_a_report(history, about):
    old = history.calls["old"]
    message = Message.objects.get(body="Reply in Old walk")
    report = moderation.make_report(
        history.organiser,
        kind=about,
        reason="unsafe",
        **({"call": old} if about == "call" else {"message": message}),
    )
    purge()
    assert Message.objects.filter(pk=message.pk).exists()
    assert Registration.objects.filter(call=old).exists()
    # Meetings nobody reported are purged as ever.
    assert not Registration.objects.filter(call=history.calls["short"]).exists()
    moderation.dismiss(report, moderator=make_member("moderator", "Mo"))
    purge()
    assert not Message.objects.filter(pk=message.pk).exists()
    assert not Registration.objects.filter(call=old).exists()
