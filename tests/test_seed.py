import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from wagtail_meetings.models import (
    Call,
    CheckIn,
    MeetingsBoardPage,
    MemberProfile,
    Registration,
    Report,
)

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", stdout=io.StringIO())


def test_seed_demo_builds_every_state_and_runs_twice():
    seed()
    counts = (Call.objects.count(), Registration.objects.count(), MemberProfile.objects.count())
    seed()
    assert (Call.objects.count(), Registration.objects.count(), MemberProfile.objects.count()) == (
        counts
    )
    assert counts[0] >= 20
    assert MemberProfile.objects.count() >= 6
    states = {call.display_status for call in Call.objects.all()}
    assert {"open", "full", "past", "cancelled", "closed"} <= states
    assert Call.objects.filter(starts_at__isnull=True).exists()
    assert Call.objects.filter(hidden=True).exists()
    assert Call.objects.filter(repeat_of__isnull=False).exists()
    assert set(Registration.objects.values_list("status", flat=True)) == {
        "pending",
        "accepted",
        "declined",
        "withdrawn",
    }
    for call in Call.objects.all():
        accepted = call.registrations.filter(status="accepted").count()
        assert accepted <= call.capacity
        if call.status == "full":
            assert accepted == call.capacity
    assert len({c.place.province for c in Call.objects.select_related("place")}) >= 6


def test_seeded_site_serves_the_board_to_a_member_only():
    seed()
    board = MeetingsBoardPage.objects.get()
    member, guest = Client(), Client()
    # Through the login form, as people do (django-axes checks every login's request).
    for client, username in ((member, "anna"), (guest, "gast")):
        response = client.post(
            "/accounts/login/", {"username": username, "password": f"demo-{username}"}
        )
        assert response.status_code == 302, username
    listed = Call.objects.listed().first()
    response = member.get(board.url)
    assert response.status_code == 200
    assert listed.title in response.content.decode()
    response = guest.get(board.url)
    assert response.status_code == 403
    assert listed.title not in response.content.decode()


def log_in(client, username):
    """The demo password works; logged in without the login form (axes wants a request)."""
    user = get_user_model().objects.get(username=username)
    assert user.check_password(f"demo-{username}")
    client.force_login(user)


def test_seeded_moderator_finds_open_reports():
    seed()
    seed()
    assert Report.objects.filter(status="open").count() == 2
    handled = Report.objects.get(status="closed")
    assert handled.call.hidden
    assert [a.action for a in handled.actions.all()] == ["hide_call", "warn"]
    assert CheckIn.objects.filter(answer="reported").exists()
    moderator = Client()
    log_in(moderator, "moderator")
    assert moderator.get(reverse("wagtail_meetings_reports:index")).status_code == 200
    home = moderator.get(reverse("wagtailadmin_home")).content.decode()
    assert "2 open reports are waiting for a moderator." in home
    member = Client()
    log_in(member, "anna")
    assert member.get(reverse("wagtail_meetings_reports:index")).status_code == 302


def test_seed_demo_prints_the_logins_and_the_address_it_is_served_at():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    assert "anna / demo-anna" in printed
    assert "Board: http://127.0.0.1:8000/leden/prikbord/" in printed
    out = io.StringIO()
    call_command("seed_demo", "--address", "127.0.0.1:8011", stdout=out)
    printed = out.getvalue()
    assert "Board: http://127.0.0.1:8011/leden/prikbord/" in printed
    assert "Inbox: http://127.0.0.1:8011/leden/berichten/" in printed
