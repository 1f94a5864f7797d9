"""Abuse is limited (design §3, guarantee 9): calls and sign-ups per member per day.

A member over a limit gets a calm explanation with status 429, on the same page and
with the form as they filled it in: nothing they wrote is lost, and nothing is stored.
"""

from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone

from wagtail_meetings import ratelimit
from wagtail_meetings.conf import DEFAULTS, app_settings
from wagtail_meetings.models import Call, Registration

from .utils import board_url, call_form_data, client_for, make_call, make_member, register

pytestmark = pytest.mark.django_db

CALLS_REFUSED = "You have posted many calls today. Please try again tomorrow."
SIGN_UPS_REFUSED = "You have signed up for many meetings today. Please try again tomorrow."


def tomorrow():
    """The clock a day later: the next window of a daily limit."""
    return mock.patch(
        "wagtail_meetings.ratelimit.time.time",
        return_value=timezone.now().timestamp() + 86400,
    )


def test_the_defaults():
    limits = DEFAULTS["RATE_LIMITS"]
    assert limits["call"] == (5, 86400)
    assert limits["sign_up"] == (20, 86400)
    assert limits["message"] == (30, 3600)
    assert limits["conversation"] == (10, 86400)


@override_settings(WAGTAIL_MEETINGS_RATE_LIMITS={"message": (2, 60)})
def test_a_site_may_set_some_limits_only():
    assert app_settings.RATE_LIMITS == {"message": (2, 60)}
    assert ratelimit.limit_for("message") == (2, 60)
    assert ratelimit.limit_for("call") == DEFAULTS["RATE_LIMITS"]["call"]
    assert ratelimit.limit_for("sign_up") == DEFAULTS["RATE_LIMITS"]["sign_up"]


def test_the_count_is_per_member_and_per_window(member, organiser):
    with override_settings(WAGTAIL_MEETINGS_RATE_LIMITS={"call": (2, 86400)}):
        assert ratelimit.allow(member, "call")
        assert ratelimit.allow(member, "call")
        assert not ratelimit.allow(member, "call")
        # Another member and another action count on their own.
        assert ratelimit.allow(organiser, "call")
        assert ratelimit.allow(member, "sign_up")
        with tomorrow():
            assert ratelimit.allow(member, "call")


def test_the_count_uses_the_caches_atomic_add_and_incr(member):
    with mock.patch("wagtail_meetings.ratelimit.cache") as cache:
        cache.add.return_value = False
        cache.incr.return_value = 6
        assert not ratelimit.allow(member, "call")
    key = cache.add.call_args.args[0]
    assert key.startswith(f"wagtail_meetings:rate:call:{member.pk}:")
    cache.incr.assert_called_once_with(key)
    cache.get.assert_not_called()
    cache.set.assert_not_called()


# --------------------------------------------------------------------------
# Posting calls, and organising one again.
# --------------------------------------------------------------------------


@pytest.mark.parametrize("route", ["post", "again"])
@override_settings(WAGTAIL_MEETINGS_RATE_LIMITS={"call": (2, 86400)})
def test_calls_per_day(board, organiser, route):
    source = make_call(organiser=organiser, title="The first walk")
    url = board_url(board, "again", source.pk) if route == "again" else board_url(board, "post")
    client = client_for(organiser)
    for number in range(2):
        response = client.post(url, call_form_data(title=f"Walk number {number}"))
        assert response.status_code == 302, response.content.decode()
    before = list(Call.objects.values_list("pk", flat=True))

    data = call_form_data(
        title="Bird watching by the lake",
        description="Binoculars welcome.\nWe walk slowly.",
        meeting_point="The bench by the boathouse",
    )
    response = client.post(url, data)
    assert response.status_code == 429
    content = response.content.decode()
    assert CALLS_REFUSED in content
    assert "There is a problem" in content
    assert "<title>Error:" in content
    # Nothing is lost: the form comes back as the member filled it in.
    form = response.context["form"]
    assert form.data["title"] == "Bird watching by the lake"
    assert "Bird watching by the lake" in content
    assert "Binoculars welcome." in content
    assert "The bench by the boathouse" in content
    assert list(Call.objects.values_list("pk", flat=True)) == before
    assert "no-store" in response["Cache-Control"]

    # Posting the call and organising one again share the daily count.
    other = board_url(board, "post") if route == "again" else board_url(board, "again", source.pk)
    assert client.post(other, call_form_data()).status_code == 429
    # Another member is not affected; the next day the member may post again.
    nadia = client_for(make_member("nadia"))
    assert nadia.post(board_url(board, "post"), call_form_data()).status_code == 302
    with tomorrow():
        assert client.post(url, data).status_code == 302
    assert Call.objects.filter(title="Bird watching by the lake").count() == 1


@override_settings(WAGTAIL_MEETINGS_RATE_LIMITS={"call": (1, 86400)})
def test_an_invalid_form_does_not_count(board, organiser):
    client = client_for(organiser)
    for _attempt in range(3):
        response = client.post(board_url(board, "post"), call_form_data(title=""))
        assert response.status_code == 200
    assert client.post(board_url(board, "post"), call_form_data()).status_code == 302


def test_editing_a_call_does_not_count(board, organiser):
    call = make_call(organiser=organiser)
    client = client_for(organiser)
    with override_settings(WAGTAIL_MEETINGS_RATE_LIMITS={"call": (1, 86400)}):
        assert client.post(board_url(board, "post"), call_form_data()).status_code == 302
        for number in range(3):
            response = client.post(
                board_url(board, "edit", call.pk), call_form_data(title=f"Changed {number}")
            )
            assert response.status_code == 302


# --------------------------------------------------------------------------
# Signing up.
# --------------------------------------------------------------------------


@override_settings(WAGTAIL_MEETINGS_RATE_LIMITS={"sign_up": (2, 86400)})
def test_sign_ups_per_day(board, member, organiser):
    calls = [make_call(organiser=organiser, title=f"Walk {number}") for number in range(4)]
    client = client_for(member)
    for call in calls[:2]:
        response = client.post(board_url(board, "sign_up", call.pk), {"note": "Hello"})
        assert response.status_code == 302
    before = list(Registration.objects.values_list("pk", "status"))

    note = "I walk slowly, is that all right?"
    response = client.post(board_url(board, "sign_up", calls[2].pk), {"note": note})
    assert response.status_code == 429
    content = response.content.decode()
    assert SIGN_UPS_REFUSED in content
    assert "There is a problem" in content
    # The call's own page, with the note still in the form.
    assert calls[2].title in content
    assert response.context["sign_up_form"].data["note"] == note
    assert note.replace("'", "&#x27;") in content
    assert list(Registration.objects.values_list("pk", "status")) == before
    assert "no-store" in response["Cache-Control"]

    with tomorrow():
        response = client.post(board_url(board, "sign_up", calls[2].pk), {"note": note})
    assert response.status_code == 302
    assert Registration.objects.get(call=calls[2], member=member).note == note


@override_settings(WAGTAIL_MEETINGS_RATE_LIMITS={"sign_up": (1, 86400)})
def test_a_double_click_on_sign_up_counts_once(board, member, call):
    client = client_for(member)
    url = board_url(board, "sign_up", call.pk)
    for _click in range(3):
        assert client.post(url, {"note": ""}).status_code == 302
    assert Registration.objects.filter(call=call, member=member).count() == 1


@override_settings(WAGTAIL_MEETINGS_RATE_LIMITS={"sign_up": (2, 86400)})
def test_signing_up_again_after_withdrawing_counts(board, member, call):
    register(call, member, status="withdrawn")
    client = client_for(member)
    url = board_url(board, "sign_up", call.pk)
    assert client.post(url, {"note": "Back again"}).status_code == 302
    assert client.post(board_url(board, "withdraw", call.pk)).status_code == 302
    assert client.post(url, {"note": "And again"}).status_code == 302
    assert client.post(board_url(board, "withdraw", call.pk)).status_code == 302
    response = client.post(url, {"note": "Once more"})
    assert response.status_code == 429
    assert Registration.objects.get(call=call, member=member).status == "withdrawn"


@override_settings(WAGTAIL_MEETINGS_RATE_LIMITS={"sign_up": (1, 86400)})
def test_a_refused_sign_up_still_explains_other_refusals_first(board, member, organiser):
    """The limit never hides a plainer reason, such as the member's own call."""
    own = make_call(organiser=member)
    client = client_for(member)
    response = client.post(board_url(board, "sign_up", own.pk), follow=True)
    assert "This is your own call." in response.content.decode()


# --- the flood guard: every change on the member pages ------------------------------


@override_settings(WAGTAIL_MEETINGS_RATE_LIMITS={"post": (3, 3600)})
def test_a_flood_of_changes_is_stopped_calmly_and_changes_nothing(board, inbox, organiser, member):
    call = make_call(organiser=organiser, title="Walk", capacity=8)
    as_member = client_for(member)
    for route in ("sign_up", "withdraw", "sign_up"):
        assert as_member.post(board_url(board, route, call.pk)).status_code == 302
    assert Registration.objects.get(call=call, member=member).status == "pending"
    # The fourth change of the hour and every one after it: refused, whatever route.
    response = as_member.post(board_url(board, "withdraw", call.pk))
    assert response.status_code == 429
    page = response.content.decode()
    assert "this one was not carried out. Nothing has changed." in page
    assert "no-store" in response["Cache-Control"]
    assert Registration.objects.get(call=call, member=member).status == "pending"
    write = inbox.url + inbox.reverse_subpage("write", args=[organiser.pk])
    assert as_member.post(write, {"body": "Hello"}).status_code == 429
    # Reading goes on, and other members are not affected.
    assert as_member.get(board_url(board, "call", call.pk)).status_code == 200
    other = make_member("other")
    assert client_for(other).post(board_url(board, "sign_up", call.pk)).status_code == 302
    assert Registration.objects.filter(call=call, member=other).exists()
    with mock.patch(
        "wagtail_meetings.ratelimit.time.time",
        return_value=timezone.now().timestamp() + 3600,
    ):
        assert as_member.post(board_url(board, "withdraw", call.pk)).status_code == 302
    assert Registration.objects.get(call=call, member=member).status == "withdrawn"


def test_the_flood_guard_leaves_room_for_a_busy_organiser():
    limit, period = DEFAULTS["RATE_LIMITS"]["post"]
    assert (limit, period) == (120, 3600)
