"""The number of queries a page makes does not grow with the data on it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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


def test_my_meetings_queries_do_not_grow(client, board, organiser, member):
    client.force_login(organiser)
    register(make_call(organiser=organiser), member)
    few = count_queries(client, board_url(board, "mine"))
    for index in range(8):
        call = make_call(organiser=organiser, title=f"Walk {index}")
        register(call, make_member(f"walker-{index}"), status="accepted")
        register(make_call(title=f"Their walk {index}"), organiser, status="pending")
    assert count_queries(client, board_url(board, "mine")) == few
