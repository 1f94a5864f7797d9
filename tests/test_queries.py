"""The number of queries a page makes does not grow with the data on it."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail_meetings import messaging
from wagtail_meetings.rules import accept

from .utils import board_url, inbox_url, make_call, make_member, register

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_board_list_queries_do_not_grow_with_calls(client, board, member, organiser):
    client.force_login(member)
    make_call(organiser=organiser, activities=["walk", "coffee"])
    few = count_queries(client, board_url(board))
    for index in range(15):
        other = make_member(f"organiser-{index}")
        call = make_call(organiser=other, activities=["walk", f"tag{index}"])
        register(call, make_member(f"guest-{index}"), status="accepted")
    assert count_queries(client, board_url(board)) == few


def test_call_page_queries_do_not_grow_with_sign_ups(client, board, organiser):
    call = make_call(organiser=organiser, capacity=8)
    register(call, make_member("first"), status="accepted", note="hello")
    client.force_login(organiser)
    few = count_queries(client, board_url(board, "call", call.pk))
    for index in range(10):
        register(call, make_member(f"late-{index}"), status="pending" if index % 2 else "accepted")
    assert count_queries(client, board_url(board, "call", call.pk)) == few


def test_my_meetings_queries_do_not_grow(client, board, organiser):
    def add_meetings(start, count):
        for index in range(start, start + count):
            call = make_call(organiser=organiser, title=f"Walk {index}")
            accept(register(call, make_member(f"walker-{index}")))
            other = make_call(title=f"Their walk {index}")
            accept(register(other, organiser))
            messaging.send(other.conversation, other.organiser, f"See you at ten ({index})")

    client.force_login(organiser)
    add_meetings(0, 1)
    few = count_queries(client, board_url(board, "mine"))
    add_meetings(1, 6)
    assert count_queries(client, board_url(board, "mine")) == few


def test_inbox_queries_do_not_grow_with_conversations(client, board, inbox, member):
    cache.clear()  # the rate limits

    def add_conversations(start, count):
        for index in range(start, start + count):
            other = make_member(f"writer-{index}")
            messaging.start_direct(other, member, f"Hello ({index})")
            call = make_call(organiser=other, title=f"Walk {index}")
            accept(register(call, member))
            accept(register(call, make_member(f"walker-{index}")))
            messaging.send(call.conversation, other, f"See you at ten ({index})")
            messaging.send(call.conversation, other, "Bring a coat")

    client.force_login(member)
    add_conversations(0, 1)
    few = count_queries(client, inbox_url(inbox))
    add_conversations(1, 6)
    messaging.block(member, make_member("blocked"))
    assert count_queries(client, inbox_url(inbox)) == few


@pytest.mark.parametrize("kind", ["call", "direct"])
def test_conversation_page_queries_do_not_grow(client, board, inbox, organiser, kind):
    cache.clear()  # the rate limits
    first = make_member("first")
    if kind == "call":
        call = make_call(organiser=organiser, capacity=8)
        accept(register(call, first))
        conversation = call.conversation
        messaging.send(conversation, organiser, "Welcome")
    else:
        conversation, _message = messaging.start_direct(first, organiser, "Hello")
    url = inbox_url(inbox, "conversation", conversation.pk)
    client.force_login(organiser)
    few = count_queries(client, url)
    for index in range(6):
        writer = first
        if kind == "call":
            writer = make_member(f"late-{index}")
            accept(register(call, writer))
        messaging.send(conversation, writer, f"Hello from {index}, see https://example.org")
        messaging.send(conversation, organiser, f"Welcome ({index})")
    assert count_queries(client, url) == few
