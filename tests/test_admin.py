"""The admin side: editors moderate calls and sign-ups, never create or delete them.

Notes to the organiser and meeting points stay out of the admin (guarantee 3);
hiding a call takes it off the board for members but not for its organiser.
"""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import ModelLogEntry

from wagtail_meetings.messaging import sync_call_conversation
from wagtail_meetings.models import Call, Conversation, Place, Registration

from .utils import board_url, make_call, make_member, register

pytestmark = pytest.mark.django_db

MEETING_POINT = "Under the big clock at Utrecht Centraal"
NOTE = "Please know that I get anxious in crowds"
PARTICIPANT = "Gerdientje"
WAITING = "Hendrikje"


@pytest.fixture
def calls(organiser, utrecht):
    amersfoort = Place.objects.get(name="Amersfoort")
    walk = make_call(
        organiser=organiser,
        place=utrecht,
        title="Walk around the Maliebaan",
        meeting_point=MEETING_POINT,
    )
    museum = make_call(
        organiser=organiser, place=amersfoort, title="Museum Flehite together", status="closed"
    )
    coffee = make_call(
        organiser=organiser, place=utrecht, title="Coffee near the Dom", status="cancelled"
    )
    register(walk, make_member("gerdientje", PARTICIPANT), status="accepted", note=NOTE)
    register(walk, make_member("hendrikje", WAITING), status="pending", note=NOTE + " too")
    return {"walk": walk, "museum": museum, "coffee": coffee}


@pytest.fixture
def admin_client(client, editor):
    client.force_login(editor)
    return client


def content_of(response):
    return response.content.decode()


def listing(admin_client, **query):
    response = admin_client.get(reverse("wagtail_meetings_calls:list"), query)
    assert response.status_code == 200
    return content_of(response)


def test_the_editor_is_not_a_member(editor):
    assert editor.is_superuser
    assert not editor.groups.filter(name="Members").exists()


def test_call_listing_shows_all_calls(admin_client, calls):
    content = listing(admin_client)
    for call in calls.values():
        assert call.title in content
    assert "Amersfoort" in content
    assert MEETING_POINT not in content
    assert NOTE not in content


def test_call_listing_writes_out_the_meeting_date(admin_client, calls):
    from wagtail_meetings.templatetags.wagtail_meetings_tags import meeting_when

    content = listing(admin_client)
    for call in calls.values():
        assert str(meeting_when(call)) in content
    assert "just now" not in content


def test_admin_url_finder_points_to_the_call_editor(editor, calls):
    url = AdminURLFinder(editor).get_edit_url(calls["walk"])
    assert url == reverse("wagtail_meetings_calls:edit", args=[calls["walk"].pk])


@pytest.mark.parametrize(
    ("status", "shown", "not_shown"),
    [
        ("open", "walk", ("museum", "coffee")),
        ("closed", "museum", ("walk", "coffee")),
        ("cancelled", "coffee", ("walk", "museum")),
    ],
)
def test_filter_by_status(admin_client, calls, status, shown, not_shown):
    content = listing(admin_client, status=status)
    assert calls[shown].title in content
    for name in not_shown:
        assert calls[name].title not in content


def test_filter_by_town(admin_client, calls):
    amersfoort = calls["museum"].place
    content = listing(admin_client, place=amersfoort.pk)
    assert calls["museum"].title in content
    assert calls["walk"].title not in content
    assert calls["coffee"].title not in content
    content = listing(admin_client, place=calls["walk"].place.pk)
    assert calls["walk"].title in content
    assert calls["coffee"].title in content
    assert calls["museum"].title not in content


def test_filter_by_hidden(admin_client, calls):
    Call.objects.filter(pk=calls["coffee"].pk).update(hidden=True)
    content = listing(admin_client, hidden="true")
    assert calls["coffee"].title in content
    assert calls["walk"].title not in content


def test_search_by_title(admin_client, calls):
    content = listing(admin_client, q="Flehite")
    assert calls["museum"].title in content
    assert calls["walk"].title not in content
    assert calls["coffee"].title not in content


def test_edit_view_shows_sign_ups_without_notes_or_meeting_point(admin_client, calls):
    walk = calls["walk"]
    response = admin_client.get(reverse("wagtail_meetings_calls:edit", args=[walk.pk]))
    assert response.status_code == 200
    content = content_of(response)
    assert walk.title in content
    assert PARTICIPANT in content
    assert WAITING in content
    assert "You&#x27;re in" in content or "You're in" in content
    assert "Waiting for the organiser" in content
    assert 'name="hidden"' in content
    assert NOTE not in content
    assert MEETING_POINT not in content
    # The members' account names are not shown either, only their display names.
    assert "gerdientje" not in content
    assert "hendrikje" not in content


def test_inspect_views_leave_out_notes_and_meeting_point(admin_client, calls):
    walk = calls["walk"]
    response = admin_client.get(reverse("wagtail_meetings_calls:inspect", args=[walk.pk]))
    assert response.status_code == 200
    content = content_of(response)
    assert walk.title in content
    assert MEETING_POINT not in content
    registration = walk.registrations.get(status="accepted")
    response = admin_client.get(
        reverse("wagtail_meetings_registrations:inspect", args=[registration.pk])
    )
    assert response.status_code == 200
    content = content_of(response)
    assert PARTICIPANT in content
    assert NOTE not in content


def test_registration_edit_view_has_no_note(admin_client, calls):
    registration = calls["walk"].registrations.get(status="accepted")
    response = admin_client.get(
        reverse("wagtail_meetings_registrations:edit", args=[registration.pk])
    )
    assert response.status_code == 200
    content = content_of(response)
    assert calls["walk"].title in content
    assert NOTE not in content
    assert 'name="note"' not in content


def test_hiding_a_call(admin_client, board, calls, member, organiser):
    walk = calls["walk"]
    call_url = board_url(board, "call", walk.pk)
    member_client = Client()
    member_client.force_login(member)
    assert walk.title in content_of(member_client.get(board_url(board)))
    assert member_client.get(call_url).status_code == 200

    edit_url = reverse("wagtail_meetings_calls:edit", args=[walk.pk])
    response = admin_client.post(edit_url, {"hidden": "on"})
    assert response.status_code == 302, content_of(response)[:3000]
    walk.refresh_from_db()
    assert walk.hidden
    # Read-only fields and the sign-ups are untouched by the moderator's save.
    assert walk.title == "Walk around the Maliebaan"
    assert walk.meeting_point == MEETING_POINT
    assert walk.registrations.count() == 2
    assert walk.registrations.get(status="accepted").note == NOTE

    response = member_client.get(call_url)
    assert response.status_code == 404
    assert walk.title not in content_of(response)
    assert walk.title not in content_of(member_client.get(board_url(board)))

    organiser_client = Client()
    organiser_client.force_login(organiser)
    response = organiser_client.get(call_url)
    assert response.status_code == 200
    content = content_of(response)
    assert walk.title in content
    assert "A moderator has hidden this call" in content

    # Unhiding brings it back.
    response = admin_client.post(edit_url, {})
    assert response.status_code == 302
    assert member_client.get(call_url).status_code == 200


def test_hiding_in_the_editor_tells_who_signed_up_closes_the_talk_and_is_logged(
    admin_client, calls, editor, on_commit
):
    walk = calls["walk"]
    for registration in walk.registrations.select_related("member"):
        registration.member.email = f"{registration.member.username}@example.org"
        registration.member.save()
    sync_call_conversation(walk)
    conversation = Conversation.objects.get(call=walk)
    mail.outbox.clear()
    edit_url = reverse("wagtail_meetings_calls:edit", args=[walk.pk])
    with on_commit():
        assert admin_client.post(edit_url, {"hidden": "on"}).status_code == 302
    # The accepted and the waiting member hear there is news, and nothing more.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "gerdientje@example.org",
        "hendrikje@example.org",
    ]
    assert all(walk.title not in m.subject + m.body for m in mail.outbox)
    conversation.refresh_from_db()
    assert conversation.closed_at is not None
    entry = ModelLogEntry.objects.filter(action="wagtail_meetings.hide").get()
    assert (entry.object_id, entry.user_id) == (str(walk.pk), editor.pk)
    # Saving again while hidden tells nobody twice.
    mail.outbox.clear()
    with on_commit():
        admin_client.post(edit_url, {"hidden": "on"})
    assert mail.outbox == []
    assert ModelLogEntry.objects.filter(action="wagtail_meetings.hide").count() == 1


def test_the_moderator_cannot_change_the_calls_text(admin_client, calls):
    walk = calls["walk"]
    edit_url = reverse("wagtail_meetings_calls:edit", args=[walk.pk])
    admin_client.post(
        edit_url, {"hidden": "", "title": "Changed by editor", "meeting_point": "Elsewhere"}
    )
    walk.refresh_from_db()
    assert walk.title == "Walk around the Maliebaan"
    assert walk.meeting_point == MEETING_POINT


@pytest.mark.parametrize("namespace", ["wagtail_meetings_calls", "wagtail_meetings_registrations"])
def test_no_add(admin_client, calls, namespace):
    add_url = reverse(f"{namespace}:add")
    calls_before, registrations_before = Call.objects.count(), Registration.objects.count()
    response = admin_client.get(add_url)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"] != add_url
    response = admin_client.post(add_url, {"title": "Sneaky", "hidden": ""})
    assert response.status_code in (302, 403)
    assert (Call.objects.count(), Registration.objects.count()) == (
        calls_before,
        registrations_before,
    )
    response = admin_client.get(reverse(f"{namespace}:list"))
    assert response.status_code == 200
    assert add_url not in content_of(response)


def test_no_delete_of_calls(admin_client, calls):
    walk = calls["walk"]
    delete_url = reverse("wagtail_meetings_calls:delete", args=[walk.pk])
    assert delete_url not in listing(admin_client)
    edit = content_of(admin_client.get(reverse("wagtail_meetings_calls:edit", args=[walk.pk])))
    assert delete_url not in edit
    response = admin_client.get(delete_url)
    assert response.status_code in (302, 403)
    response = admin_client.post(delete_url)
    assert response.status_code in (302, 403)
    assert Call.objects.filter(pk=walk.pk).exists()
    assert walk.registrations.count() == 2


def test_no_delete_of_sign_ups(admin_client, calls):
    registration = calls["walk"].registrations.first()
    delete_url = reverse("wagtail_meetings_registrations:delete", args=[registration.pk])
    content = content_of(admin_client.get(reverse("wagtail_meetings_registrations:list")))
    assert delete_url not in content
    response = admin_client.post(delete_url)
    assert response.status_code in (302, 403)
    assert Registration.objects.filter(pk=registration.pk).exists()


@pytest.mark.parametrize(
    "list_url", ["wagtail_meetings_calls:list", "wagtail_meetings_registrations:list"]
)
def test_listings_offer_no_bulk_actions(admin_client, calls, list_url):
    content = content_of(admin_client.get(reverse(list_url)))
    assert calls["walk"].title in content
    assert "bulk-action" not in content
    assert "data-bulk-action-checkbox" not in content
    assert "/bulk/" not in content


@pytest.mark.parametrize("model", [Call, Registration])
def test_no_bulk_delete(admin_client, calls, model):
    opts = model._meta
    ids = "&".join(f"id={pk}" for pk in model.objects.values_list("pk", flat=True))
    url = reverse("wagtail_bulk_action", args=(opts.app_label, opts.model_name, "delete"))
    url += "?" + ids
    before = model.objects.count()
    response = admin_client.get(url)
    assert response.status_code == 200
    content = content_of(response)
    assert "have permission to delete these" in content
    assert "Yes, delete" not in content
    admin_client.post(url)
    assert model.objects.count() == before
    assert (Call.objects.count(), Registration.objects.count()) == (3, 2)


def test_registrations_listing(admin_client, calls):
    response = admin_client.get(reverse("wagtail_meetings_registrations:list"))
    assert response.status_code == 200
    content = content_of(response)
    assert calls["walk"].title in content
    assert PARTICIPANT in content
    assert WAITING in content
    assert NOTE not in content
    assert MEETING_POINT not in content


def test_registrations_filter_by_status(admin_client, calls):
    response = admin_client.get(
        reverse("wagtail_meetings_registrations:list"), {"status": "pending"}
    )
    content = content_of(response)
    assert WAITING in content
    assert PARTICIPANT not in content


def test_meetings_menu_is_in_the_admin(admin_client, calls):
    response = admin_client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert reverse("wagtail_meetings_calls:list") in content_of(response)


@pytest.mark.parametrize(
    "url_name",
    ["wagtailadmin_home", "wagtail_meetings_calls:list", "wagtail_meetings_registrations:list"],
)
def test_members_cannot_reach_the_admin(client, member, organiser, calls, url_name):
    for user in (member, organiser):
        client.force_login(user)
        response = client.get(reverse(url_name))
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert "/admin/login/" in response["Location"] or response["Location"] == "/"
        content = content_of(response)
        assert calls["walk"].title not in content
        assert PARTICIPANT not in content


def test_members_cannot_edit_a_call_in_the_admin(client, organiser, calls):
    client.force_login(organiser)
    walk = calls["walk"]
    response = client.post(reverse("wagtail_meetings_calls:edit", args=[walk.pk]), {"hidden": "on"})
    assert response.status_code in (302, 403)
    walk.refresh_from_db()
    assert not walk.hidden
