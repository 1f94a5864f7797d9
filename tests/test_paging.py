"""The board's paginator: the same pages as Django's, the total in the page's own query."""

import pytest
from django.core.paginator import Paginator

from wagtail_meetings.models import Call
from wagtail_meetings.paging import CountingPaginator

from .utils import make_call

pytestmark = pytest.mark.django_db

REQUESTS = [None, "", "abc", "1.5", 1.0, "0", "-1", "1", "2", "3", "4", "99"]


def shown(page):
    return (page.number, page.paginator.count, page.paginator.num_pages, [c.pk for c in page])


@pytest.fixture
def calls(organiser):
    for number in range(7):
        make_call(organiser=organiser, title=f"Walk {number}")
    return Call.objects.order_by("pk")


@pytest.mark.parametrize("number", REQUESTS)
def test_the_same_page_as_djangos_paginator(calls, number):
    assert shown(CountingPaginator(calls, 3).get_page(number)) == shown(
        Paginator(calls, 3).get_page(number)
    )


@pytest.mark.parametrize("number", REQUESTS)
def test_an_empty_list_too(db, number):
    empty = Call.objects.order_by("pk")
    assert shown(CountingPaginator(empty, 3).get_page(number)) == shown(
        Paginator(empty, 3).get_page(number)
    )


@pytest.mark.parametrize("number", [None, "abc", "1", "2", "3"])
def test_a_page_and_its_total_in_one_query(calls, number, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = CountingPaginator(calls, 3).get_page(number)
        assert page.paginator.count == 7
        assert page.paginator.num_pages == 3
        assert page.has_next() == (number != "3")
        list(page)


def test_with_orphans_it_is_djangos_paginator(calls):
    page = CountingPaginator(calls, 3, orphans=1).get_page("2")
    assert shown(page) == shown(Paginator(calls, 3, orphans=1).get_page("2"))
