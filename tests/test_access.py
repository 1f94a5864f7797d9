"""Who may use which route of the board (design §3, guarantees 1, 3, 6 and 7).

The role × route matrix: anonymous visitors go to the login page, logged-in
non-members (the superuser editor included) get the explanation with 403,
members get what their relation to the call allows, and someone else's or
unknown ids are a plain 404.
"""

from types import SimpleNamespace
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from wagtail import hooks
from wagtail.models import PageViewRestriction

from wagtail_meetings.models import (
    Call,
    CheckIn,
    MeetingsBoardPage,
    MemberProfile,
    Registration,
    Report,
)

from .utils import board_url, make_call, make_member, register

pytestmark = pytest.mark.django_db


def everyone_named_mira(user):
    """A membership check for the settings test: members are those called Mira."""
    profile = getattr(user, "meetings_profile", None)
    return profile is not None and profile.display_name == "Mira"


# --------------------------------------------------------------------------
# The cast: a call with a registrant in every status.
# --------------------------------------------------------------------------

MEETING_POINT = "Bench by the Wilhelminapark fountain"
ACCEPTED_NAME = "Adelheid"
FELLOW_NAME = "Berendina"
PENDING_NAME = "Pietronella"
DECLINED_NAME = "Dirkjan"
WITHDRAWN_NAME = "Willemijn"
NOTES = {
    "accepted": "Adelheid note: I walk slowly",
    "fellow": "Berendina note: first time",
    "pending": "Pietronella note: bringing an umbrella",
    "declined": "Dirkjan note: maybe late",
    "withdrawn": "Willemijn note: not sure yet",
}


@pytest.fixture
def cast(board, call, member, organiser, outsider, editor):
    call.meeting_point = MEETING_POINT
    call.capacity = 4
    call.save()
    people = {
        "anonymous": None,
        "outsider": outsider,
        "editor": editor,
        "member": member,
        "organiser": organiser,
        "accepted": make_member("accepted", ACCEPTED_NAME),
        "fellow": make_member("fellow", FELLOW_NAME),
        "pending": make_member("pending", PENDING_NAME),
        "declined": make_member("declined", DECLINED_NAME),
        "withdrawn": make_member("withdrawn", WITHDRAWN_NAME),
    }
    registrations = {
        status_role: register(
            call,
            people[status_role],
            status="accepted" if status_role == "fellow" else status_role,
            note=NOTES[status_role],
        )
        for status_role in ("accepted", "fellow", "pending", "declined", "withdrawn")
    }
    return SimpleNamespace(board=board, call=call, people=people, registrations=registrations)


def client_for(cast, role, client_class=Client):
    client = client_class()
    user = cast.people[role]
    if user is not None:
        client.force_login(user)
    return client


CALL_ROUTES = [
    "call",
    "calendar",
    "edit",
    "again",
    "cancel",
    "close",
    "reopen",
    "sign_up",
    "withdraw",
    "report_call",
    "report_meeting",
    "check_in",
]
REGISTRATION_ROUTES = ["accept", "decline"]
# Reporting the organiser; marking a moderator's notice as read (id 1: nobody's).
OTHER_ID_ROUTES = ["report_member", "notice_read"]
PLAIN_ROUTES = [
    "list",
    "towns",
    "post",
    "mine",
    "welcome",
    "profile",
    "my_data",
    "my_data_download",
    "leave_board",
]
ALL_ROUTES = PLAIN_ROUTES + CALL_ROUTES + REGISTRATION_ROUTES + OTHER_ID_ROUTES
STATE_CHANGING = ["sign_up", "withdraw", "accept", "decline", "close", "reopen"]
ORGANISER_ONLY = ["edit", "again", "cancel", "close", "reopen", "accept", "decline"]
MEMBER_ROLES = ["member", "organiser", "accepted", "pending", "declined", "withdrawn"]


def route_url(cast, name, call=None, registration=None):
    if name in CALL_ROUTES:
        return board_url(cast.board, name, (call or cast.call).pk)
    if name in REGISTRATION_ROUTES:
        return board_url(cast.board, name, (registration or cast.registrations["pending"]).pk)
    if name == "report_member":
        return board_url(cast.board, name, cast.people["organiser"].pk)
    if name == "notice_read":
        return board_url(cast.board, name, 1)
    return board_url(cast.board, name)


def snapshot():
    """Everything a state-changing route could touch."""
    return (
        list(
            Call.objects.order_by("pk").values_list(
                "pk", "status", "hidden", "cancelled_at", "title", "capacity", "organiser_id"
            )
        ),
        list(
            Registration.objects.order_by("pk").values_list(
                "pk", "call_id", "member_id", "status", "note"
            )
        ),
        list(Report.objects.values_list("pk", "kind", "reporter_id")),
        list(CheckIn.objects.values_list("pk", "member_id", "call_id")),
    )


def assert_private(response):
    cache_control = response.get("Cache-Control", "")
    assert "private" in cache_control, cache_control
    assert "no-store" in cache_control, cache_control
    assert "noindex" in response.get("X-Robots-Tag", ""), response.headers


def assert_login_redirect(response, path):
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.path == resolve_url(settings.LOGIN_URL)
    assert parse_qs(location.query)["next"] == [path]


def text_of(response):
    return response.content.decode()


def assert_no_call_content(content, call):
    for secret in (call.title, call.description, call.meeting_point):
        assert secret not in content


# --------------------------------------------------------------------------
# Anonymous visitors and logged-in non-members.
# --------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("route", ALL_ROUTES)
def test_anonymous_goes_to_login_with_next(cast, route, method):
    client = client_for(cast, "anonymous")
    url = route_url(cast, route)
    before = snapshot()
    response = getattr(client, method)(url)
    assert_login_redirect(response, url)
    assert_private(response)
    assert_no_call_content(text_of(response), cast.call)
    assert snapshot() == before


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("route", ALL_ROUTES)
@pytest.mark.parametrize("role", ["outsider", "editor"])
def test_non_member_gets_explanation(cast, role, route, method):
    client = client_for(cast, role)
    before = snapshot()
    response = getattr(client, method)(route_url(cast, route))
    assert response.status_code == 403
    content = text_of(response)
    assert "For members only" in content
    assert "only open to members of the association" in content
    assert_no_call_content(content, cast.call)
    assert_private(response)
    assert snapshot() == before


@pytest.mark.parametrize("role", ["outsider", "editor"])
def test_non_member_sees_the_editors_message(cast, role):
    cast.board.non_member_message = "<p>Ask the secretary of Vereniging Voorbeeld.</p>"
    cast.board.save()
    response = client_for(cast, role).get(route_url(cast, "call"))
    assert response.status_code == 403
    content = text_of(response)
    assert "For members only" in content
    assert "Ask the secretary of Vereniging Voorbeeld." in content
    # The editor's text replaces the default explanation.
    assert "only open to members of the association" not in content
    assert_no_call_content(content, cast.call)


def test_the_editor_is_no_member_on_the_site(cast):
    editor = cast.people["editor"]
    assert editor.is_superuser
    response = client_for(cast, "editor").get(route_url(cast, "list"))
    assert response.status_code == 403
    assert cast.call.title not in text_of(response)


# --------------------------------------------------------------------------
# Members: the matrix of statuses.
# --------------------------------------------------------------------------


def expected_get(role, route):
    if route in STATE_CHANGING or route in ("check_in", "notice_read"):
        return 405
    if route in ("edit", "again", "cancel"):
        return 200 if role == "organiser" else 404
    if route == "calendar":
        return 200 if role in ("organiser", "accepted") else 404
    if route in ("report_call", "report_member"):
        # Nobody reports their own call, or themselves.
        return 404 if role == "organiser" else 200
    if route == "report_meeting":
        return 404  # the meeting is still ahead
    return 200


GET_MATRIX = [
    (role, route, expected_get(role, route)) for role in MEMBER_ROLES for route in ALL_ROUTES
]


@pytest.mark.parametrize(("role", "route", "expected"), GET_MATRIX)
def test_member_get_matrix(cast, role, route, expected):
    before = snapshot()
    response = client_for(cast, role).get(route_url(cast, route))
    assert response.status_code == expected
    assert snapshot() == before
    content = text_of(response)
    if expected == 200:
        assert_private(response)
        if route in ("call", "list", "edit", "again", "cancel"):
            assert cast.call.title in content
        if route == "call":
            assert (
                f"Organised by {cast.people['organiser'].meetings_profile.display_name}" in content
            )
    elif expected == 405:
        assert_private(response)
        assert response["Allow"] == "POST"
    else:
        assert cast.call.title not in content
        assert cast.call.meeting_point not in content


def expected_post(role, route):
    if route in ("close", "reopen", "cancel", "accept", "decline"):
        return 302 if role == "organiser" else 404
    return 302  # sign_up, withdraw: the rules answer with a message


POST_MATRIX = [
    (role, route, expected_post(role, route))
    for role in MEMBER_ROLES
    for route in ["sign_up", "withdraw", "accept", "decline", "close", "reopen", "cancel"]
]


@pytest.mark.parametrize(("role", "route", "expected"), POST_MATRIX)
def test_member_post_matrix(cast, role, route, expected):
    before = snapshot()
    response = client_for(cast, role).post(route_url(cast, route))
    assert response.status_code == expected
    if expected == 302:
        assert_private(response)
        assert urlparse(response["Location"]).path == route_url(cast, "call")
    else:
        # Someone else's call: nothing happens and nothing is told.
        assert snapshot() == before
        content = text_of(response)
        assert cast.call.title not in content
        assert cast.call.meeting_point not in content


def test_post_effects_per_role(cast):
    call, regs = cast.call, cast.registrations
    client_for(cast, "member").post(route_url(cast, "sign_up"), {"note": "Hello"})
    assert Registration.objects.get(call=call, member=cast.people["member"]).status == "pending"
    client_for(cast, "organiser").post(route_url(cast, "sign_up"))
    assert not Registration.objects.filter(call=call, member=cast.people["organiser"]).exists()
    client_for(cast, "declined").post(route_url(cast, "sign_up"))
    regs["declined"].refresh_from_db()
    assert regs["declined"].status == "declined"
    client_for(cast, "withdrawn").post(route_url(cast, "sign_up"))
    regs["withdrawn"].refresh_from_db()
    assert regs["withdrawn"].status == "pending"
    client_for(cast, "accepted").post(route_url(cast, "withdraw"))
    regs["accepted"].refresh_from_db()
    assert regs["accepted"].status == "withdrawn"


# --------------------------------------------------------------------------
# Someone else's ids and unknown ids: 404.
# --------------------------------------------------------------------------


@pytest.fixture
def others(cast):
    """A call of the plain member, with a pending sign-up of the fellow member."""
    other_call = make_call(organiser=cast.people["member"], title="Museum visit of Mira")
    other_registration = register(other_call, cast.people["fellow"], note="Fellow note for Mira")
    return SimpleNamespace(call=other_call, registration=other_registration)


@pytest.mark.parametrize(
    ("route", "method"),
    [
        ("edit", "get"),
        ("edit", "post"),
        ("again", "get"),
        ("again", "post"),
        ("cancel", "get"),
        ("cancel", "post"),
        ("close", "post"),
        ("reopen", "post"),
        ("accept", "post"),
        ("decline", "post"),
    ],
)
def test_someone_elses_ids_are_404(cast, others, route, method):
    # The organiser of one call acts on the plain member's call and sign-up.
    client = client_for(cast, "organiser")
    others.call.status = "closed" if route == "reopen" else "open"
    others.call.save()
    before = snapshot()
    url = route_url(cast, route, call=others.call, registration=others.registration)
    response = getattr(client, method)(url)
    assert response.status_code == 404
    assert snapshot() == before
    assert others.call.title not in text_of(response)
    # The same route on the organiser's own call works.
    own = client.get(route_url(cast, "call"))
    assert own.status_code == 200
    # ... and the owner reaches their own call's route.
    owner_client = client_for(cast, "member")
    owner_response = getattr(owner_client, method)(url)
    assert owner_response.status_code in (200, 302)


UNKNOWN = 987654


@pytest.mark.parametrize("role", ["member", "organiser"])
@pytest.mark.parametrize(
    ("route", "method"),
    [
        ("call", "get"),
        ("edit", "get"),
        ("again", "get"),
        ("cancel", "get"),
        ("cancel", "post"),
        ("close", "post"),
        ("reopen", "post"),
        ("sign_up", "post"),
        ("withdraw", "post"),
        ("accept", "post"),
        ("decline", "post"),
        ("report_call", "get"),
        ("report_call", "post"),
        ("report_member", "get"),
        ("report_member", "post"),
        ("report_meeting", "get"),
        ("check_in", "post"),
    ],
)
def test_unknown_ids_are_404(cast, role, route, method):
    before = snapshot()
    response = getattr(client_for(cast, role), method)(board_url(cast.board, route, UNKNOWN))
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("role", ["member", "accepted", "pending", "withdrawn"])
@pytest.mark.parametrize(
    ("route", "method"), [("call", "get"), ("sign_up", "post"), ("withdraw", "post")]
)
def test_hidden_call_is_404_for_everyone_but_the_organiser(cast, role, route, method):
    cast.call.hidden = True
    cast.call.save()
    before = snapshot()
    response = getattr(client_for(cast, role), method)(route_url(cast, route))
    assert response.status_code == 404
    assert snapshot() == before
    assert cast.call.title not in text_of(response)
    listing = client_for(cast, role).get(route_url(cast, "list"))
    assert cast.call.title not in text_of(listing)


def test_hidden_call_stays_visible_to_its_organiser(cast):
    cast.call.hidden = True
    cast.call.save()
    response = client_for(cast, "organiser").get(route_url(cast, "call"))
    assert response.status_code == 200
    content = text_of(response)
    assert cast.call.title in content
    assert "A moderator has hidden this call" in content


# --------------------------------------------------------------------------
# State changes are POST with CSRF (guarantee 6).
# --------------------------------------------------------------------------

ACTIONS = {
    # route: (actor, effect check)
    "sign_up": (
        "member",
        lambda c: c.call.registrations.filter(member=c.people["member"]).exists(),
    ),
    "withdraw": ("pending", lambda c: _status(c.registrations["pending"]) == "withdrawn"),
    "accept": ("organiser", lambda c: _status(c.registrations["pending"]) == "accepted"),
    "decline": ("organiser", lambda c: _status(c.registrations["pending"]) == "declined"),
    "close": ("organiser", lambda c: Call.objects.get(pk=c.call.pk).status == "closed"),
    "reopen": ("organiser", lambda c: Call.objects.get(pk=c.call.pk).status == "open"),
    "cancel": ("organiser", lambda c: Call.objects.get(pk=c.call.pk).status == "cancelled"),
}


def _status(registration):
    return Registration.objects.get(pk=registration.pk).status


def prepare(cast, route):
    if route == "reopen":
        cast.call.status = "closed"
        cast.call.save()


@pytest.mark.parametrize("route", STATE_CHANGING)
def test_get_is_refused_and_changes_nothing(cast, route):
    prepare(cast, route)
    actor, effect = ACTIONS[route]
    client = client_for(cast, actor)
    before = snapshot()
    response = client.get(route_url(cast, route))
    assert response.status_code == 405
    assert snapshot() == before
    assert not effect(cast)
    # The same request as a POST does change the state.
    assert client.post(route_url(cast, route)).status_code == 302
    assert effect(cast)


def test_get_on_cancel_only_asks(cast):
    client = client_for(cast, "organiser")
    before = snapshot()
    response = client.get(route_url(cast, "cancel"))
    assert response.status_code == 200
    assert "Cancel this meeting?" in text_of(response)
    assert snapshot() == before


@pytest.mark.parametrize("route", STATE_CHANGING + ["cancel"])
def test_post_without_csrf_token_is_refused(cast, route):
    prepare(cast, route)
    actor, effect = ACTIONS[route]
    client = client_for(cast, actor, client_class=lambda: Client(enforce_csrf_checks=True))
    before = snapshot()
    response = client.post(route_url(cast, route), {"note": "no token"})
    assert response.status_code == 403
    assert snapshot() == before
    assert not effect(cast)
    # With the token from a page of the board, the same POST goes through.
    assert client.get(route_url(cast, "call")).status_code == 200
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        route_url(cast, route), {"note": "with token", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert effect(cast)


# --------------------------------------------------------------------------
# Only who needs it sees it (guarantee 3).
# --------------------------------------------------------------------------

SEES_DETAILS = {
    "organiser": True,
    "accepted": True,
    "member": False,
    "pending": False,
    "declined": False,
    "withdrawn": False,
}


@pytest.mark.parametrize(("role", "sees"), SEES_DETAILS.items())
def test_meeting_point_and_participants_only_for_those_in_it(cast, role, sees):
    response = client_for(cast, role).get(route_url(cast, "call"))
    assert response.status_code == 200
    content = text_of(response)
    assert cast.call.title in content
    assert (MEETING_POINT in content) is sees
    assert (FELLOW_NAME in content) is sees
    if role != "accepted":
        assert (ACCEPTED_NAME in content) is sees
    if not sees:
        assert "shares the exact meeting point with the members they accept" in content


@pytest.mark.parametrize("role", SEES_DETAILS)
def test_notes_only_for_the_organiser(cast, role):
    content = text_of(client_for(cast, role).get(route_url(cast, "call")))
    for owner, note in NOTES.items():
        if role == "organiser":
            assert note in content
        elif owner != role:
            assert note not in content
    # Pending, declined and withdrawn names are the organiser's business too.
    for owner, name in (
        ("pending", PENDING_NAME),
        ("declined", DECLINED_NAME),
        ("withdrawn", WITHDRAWN_NAME),
    ):
        if owner != role:
            assert (name in content) is (role == "organiser")


@pytest.mark.parametrize(("role", "sees"), SEES_DETAILS.items())
def test_my_meetings_shows_the_meeting_point_only_to_those_in_it(cast, role, sees):
    response = client_for(cast, role).get(route_url(cast, "mine"))
    assert response.status_code == 200
    content = text_of(response)
    assert (MEETING_POINT in content) is sees
    if role in ("organiser", "accepted", "pending", "declined"):
        assert cast.call.title in content
    for note in NOTES.values():
        if role != "organiser":
            assert note not in content


def test_meeting_point_follows_the_registration_status(cast):
    client = client_for(cast, "pending")
    assert MEETING_POINT not in text_of(client.get(route_url(cast, "call")))
    client_for(cast, "organiser").post(route_url(cast, "accept"))
    assert MEETING_POINT in text_of(client.get(route_url(cast, "call")))
    client.post(route_url(cast, "withdraw"))
    assert MEETING_POINT not in text_of(client.get(route_url(cast, "call")))


# --------------------------------------------------------------------------
# Headers on every member response.
# --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "outsider", "editor", *MEMBER_ROLES])
@pytest.mark.parametrize("route", ALL_ROUTES)
def test_every_response_is_private_and_noindex(cast, role, route):
    response = client_for(cast, role).get(route_url(cast, route))
    assert response.status_code in (200, 302, 403, 404, 405)
    assert_private(response)


@pytest.mark.parametrize("role", ["member", "organiser"])
def test_not_found_is_private_too(cast, role):
    cast.call.hidden = True
    cast.call.save()
    response = client_for(cast, "member").get(route_url(cast, "call"))
    assert response.status_code == 404
    assert_private(response)
    response = client_for(cast, role).get(board_url(cast.board, "edit", UNKNOWN))
    assert response.status_code == 404
    assert_private(response)


# --------------------------------------------------------------------------
# Membership: decided per request, by a setting.
# --------------------------------------------------------------------------


def test_leaving_the_members_group_cuts_access_at_once(cast, members_group):
    client = client_for(cast, "member")
    response = client.get(route_url(cast, "call"))
    assert response.status_code == 200
    assert cast.call.title in text_of(response)
    cast.people["member"].groups.remove(members_group)
    response = client.get(route_url(cast, "call"))
    assert response.status_code == 403
    assert cast.call.title not in text_of(response)
    assert "For members only" in text_of(response)


def test_inactive_member_is_refused(cast):
    user = cast.people["member"]
    client = client_for(cast, "member")
    user.is_active = False
    user.save()
    response = client.get(route_url(cast, "list"))
    assert response.status_code in (302, 403)
    assert cast.call.title not in text_of(response)


@override_settings(WAGTAIL_MEETINGS_MEMBERSHIP_CHECK="tests.test_access.everyone_named_mira")
def test_membership_follows_the_setting(cast):
    # Mira is the plain member; the organiser is in the Members group but not Mira.
    response = client_for(cast, "member").get(route_url(cast, "call"))
    assert response.status_code == 200
    assert cast.call.title in text_of(response)
    response = client_for(cast, "organiser").get(route_url(cast, "call"))
    assert response.status_code == 403
    assert cast.call.title not in text_of(response)
    # An outsider with a profile named Mira is a member by this check.
    MemberProfile.objects.create(user=cast.people["outsider"], display_name="Mira", role="peer")
    response = client_for(cast, "outsider").get(route_url(cast, "list"))
    assert response.status_code == 200
    assert cast.call.title in text_of(response)


def test_default_membership_is_the_members_group(cast):
    response = client_for(cast, "outsider").get(route_url(cast, "list"))
    assert response.status_code == 403
    cast.people["outsider"].groups.add(Group.objects.get(name="Members"))
    response = client_for(cast, "outsider").get(route_url(cast, "list"))
    assert response.status_code == 200
    assert cast.call.title in text_of(response)


# --------------------------------------------------------------------------
# Wagtail's own page privacy on top.
# --------------------------------------------------------------------------


def test_private_page_options_only_offer_groups():
    assert MeetingsBoardPage.private_page_options == ["groups"]


@pytest.fixture
def circle(cast):
    group = Group.objects.create(name="Board circle")
    restriction = PageViewRestriction.objects.create(page=cast.board, restriction_type="groups")
    restriction.groups.add(group)
    return group


@pytest.mark.parametrize("route", ["list", "call", "mine"])
def test_group_restriction_still_applies_to_members(cast, circle, route):
    url = route_url(cast, route)
    client = client_for(cast, "member")
    response = client.get(url)
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.path == resolve_url(settings.WAGTAIL_FRONTEND_LOGIN_URL)
    assert parse_qs(location.query)["next"] == [url]
    assert cast.call.title not in text_of(response)
    # In the group as well: in.
    cast.people["member"].groups.add(circle)
    response = client.get(url)
    assert response.status_code == 200
    if route != "mine":
        assert cast.call.title in text_of(response)


def test_group_restriction_does_not_replace_membership(cast, circle):
    cast.people["outsider"].groups.add(circle)
    response = client_for(cast, "outsider").get(route_url(cast, "call"))
    assert response.status_code == 403
    assert cast.call.title not in text_of(response)


def test_anonymous_with_group_restriction_goes_to_login(cast, circle):
    url = route_url(cast, "call")
    response = client_for(cast, "anonymous").get(url)
    assert_login_redirect(response, url)


def test_app_registers_no_before_serve_page_hook_that_answers():
    ours = [
        fn
        for fn in hooks.get_hooks("before_serve_page")
        if getattr(fn, "__module__", "").startswith("wagtail_meetings")
    ]
    assert ours == []


# --------------------------------------------------------------------------
# Refusals are logged, with ids only.
# --------------------------------------------------------------------------

ACCESS_LOGGER = "wagtail_meetings.access"


def refusals(caplog):
    return [record for record in caplog.records if record.name == ACCESS_LOGGER]


def assert_no_member_content(record, cast):
    call = cast.call
    text = " ".join(
        [record.getMessage(), repr(record.args), repr(record.__dict__.get("meetings_objects"))]
    )
    secrets = [call.title, call.description, call.meeting_point, call.place.name, *NOTES.values()]
    # Names of the cast (their usernames are plain words such as "member").
    secrets += [ACCEPTED_NAME, FELLOW_NAME, PENDING_NAME, DECLINED_NAME, WITHDRAWN_NAME]
    secrets += [cast.people[role].meetings_profile.display_name for role in ("member", "organiser")]
    for secret in secrets:
        assert secret not in text, secret
    assert "/" not in record.getMessage()  # no paths, no query strings


@pytest.mark.parametrize("route", ["list", "call", "edit", "accept"])
def test_anonymous_refusal_is_logged(cast, caplog, route):
    caplog.set_level("INFO", logger=ACCESS_LOGGER)
    client_for(cast, "anonymous").get(route_url(cast, route) + "?town=Utrecht&q=Maarssen")
    [record] = refusals(caplog)
    assert record.levelname == "INFO"
    assert record.meetings_reason == "login required"
    assert record.meetings_user_id is None
    assert record.meetings_route == route
    assert record.meetings_page_id == cast.board.pk
    message = record.getMessage()
    assert "user=anonymous" in message
    assert f"route={route} page={cast.board.pk}" in message
    if route in CALL_ROUTES:
        assert f"object=call_id={cast.call.pk}" in message
        assert record.meetings_objects == {"call_id": cast.call.pk}
    elif route in REGISTRATION_ROUTES:
        assert f"registration_id={cast.registrations['pending'].pk}" in message
    else:
        assert message.endswith("object=-")
    assert_no_member_content(record, cast)
    assert "Maarssen" not in message


@pytest.mark.parametrize("role", ["outsider", "editor"])
def test_non_member_refusal_is_logged_as_a_warning(cast, caplog, role):
    caplog.set_level("INFO", logger=ACCESS_LOGGER)
    client_for(cast, role).post(route_url(cast, "sign_up"), {"note": "Let me in"})
    [record] = refusals(caplog)
    assert record.levelname == "WARNING"
    assert record.meetings_reason == "not a member"
    assert record.meetings_user_id == cast.people[role].pk
    assert f"user={cast.people[role].pk} route=sign_up" in record.getMessage()
    assert "Let me in" not in record.getMessage()
    assert_no_member_content(record, cast)


def test_someone_elses_object_is_logged(cast, others, caplog):
    caplog.set_level("INFO", logger=ACCESS_LOGGER)
    organiser = cast.people["organiser"]
    response = client_for(cast, "organiser").get(
        route_url(cast, "edit", call=others.call, registration=others.registration)
    )
    assert response.status_code == 404
    [record] = refusals(caplog)
    assert record.levelname == "INFO"
    assert record.meetings_reason == "not found"
    assert record.meetings_user_id == organiser.pk
    assert record.meetings_route == "edit"
    assert record.meetings_objects == {"call_id": others.call.pk}
    assert f"object=call_id={others.call.pk}" in record.getMessage()
    assert others.call.title not in record.getMessage()
    assert_no_member_content(record, cast)


def test_a_hidden_call_is_logged_as_not_found(cast, caplog):
    cast.call.hidden = True
    cast.call.save()
    caplog.set_level("INFO", logger=ACCESS_LOGGER)
    assert client_for(cast, "member").get(route_url(cast, "call")).status_code == 404
    [record] = refusals(caplog)
    assert record.meetings_reason == "not found"
    assert record.meetings_user_id == cast.people["member"].pk
    assert_no_member_content(record, cast)


def test_someone_elses_conversation_is_logged(cast, caplog, inbox):
    from wagtail_meetings.messaging import start_direct

    from .utils import inbox_url

    thread, _message = start_direct(
        cast.people["accepted"], cast.people["fellow"], "Shall we walk together? I live nearby."
    )
    caplog.set_level("INFO", logger=ACCESS_LOGGER)
    response = client_for(cast, "member").get(inbox_url(inbox, "conversation", thread.pk))
    assert response.status_code == 404
    [record] = refusals(caplog)
    assert record.meetings_page_id == inbox.pk
    assert record.meetings_route == "conversation"
    assert record.meetings_objects == {"conversation_id": thread.pk}
    assert "walk together" not in record.getMessage()
    assert_no_member_content(record, cast)


@pytest.mark.parametrize("role", MEMBER_ROLES)
def test_members_who_get_in_are_not_logged(cast, caplog, role):
    caplog.set_level("DEBUG", logger=ACCESS_LOGGER)
    assert client_for(cast, role).get(route_url(cast, "list")).status_code == 200
    assert refusals(caplog) == []
