"""The number of queries a page makes does not grow with the data on it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail_meetings import messaging
from wagtail_meetings.rules import accept

from .utils import board_url, make_call, make_member, register

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
