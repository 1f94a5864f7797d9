import io

import pytest
from django.core.management import call_command
from django.test import Client

from wagtail_meetings.models import Call, MeetingsBoardPage, MemberProfile, Registration

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
    assert member.login(username="anna", password="demo-anna")
    assert guest.login(username="gast", password="demo-gast")
    listed = Call.objects.listed().first()
    response = member.get(board.url)
    assert response.status_code == 200
    assert listed.title in response.content.decode()
    response = guest.get(board.url)
    assert response.status_code == 403
    assert listed.title not in response.content.decode()
