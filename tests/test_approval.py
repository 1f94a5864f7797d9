"""Pre-approval: on boards that ask for it, a new call waits for a moderator.

Until a moderator approves it in the admin, only its organiser sees the call (with
"waiting for approval"); for everyone else it does not exist: not on the board, a
404 on its page, its calendar file and its sign-up, no sign-up through the rules.
Approving tells the organiser through the content-free e-mail.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse
from wagtail.models import ModelLogEntry

from wagtail_meetings import rules
from wagtail_meetings.errors import RuleError
from wagtail_meetings.forms import CallForm
from wagtail_meetings.models import Approval, Call, CallStatus, Registration

from .test_calls import listed_titles, messages_of, redirect_target, text
from .utils import board_url, call_form_data, client_for, make_call, make_member, register

pytestmark = pytest.mark.django_db

WAITING = (
    "Waiting for approval: other members will see your call once a moderator has looked at it."
)
SAVED = "Your call is saved. Other members will see it once a moderator has looked at it."
MEETING_POINT = "Under the clock in the station hall"


def set_approval(board, approval):
    board.approval = approval
    board.save()


def post_call(client, board, **overrides):
    data = call_form_data(meeting_point=MEETING_POINT, **overrides)
    return client.post(board_url(board, "post"), data)


# --- the rule --------------------------------------------------------------------------


def test_by_default_no_call_waits(organiser):
    assert Call._meta.get_field("awaiting_approval").default is False
    assert not rules.needs_approval(organiser, Approval.NONE)


def test_every_call_waits_under_every(organiser):
    make_call(organiser=organiser)
    assert rules.needs_approval(organiser, Approval.EVERY)


def test_the_first_call_of_a_new_member_waits(organiser):
    assert rules.needs_approval(organiser, Approval.FIRST)
    waiting = make_call(organiser=organiser, awaiting_approval=True)
    # Still no approved call: the second waits as well.
    assert rules.needs_approval(organiser, Approval.FIRST)
    Call.objects.filter(pk=waiting.pk).update(awaiting_approval=False)
    assert not rules.needs_approval(organiser, Approval.FIRST)


def test_a_call_from_before_the_policy_counts_as_approved(organiser):
    make_call(organiser=organiser, status="cancelled")
    assert not rules.needs_approval(organiser, Approval.FIRST)


def test_another_members_calls_do_not_count(organiser, member):
    make_call(organiser=member)
    assert rules.needs_approval(organiser, Approval.FIRST)


@pytest.mark.parametrize(
    ("approval", "expected"),
    [(Approval.NONE, False), (Approval.FIRST, True), (Approval.EVERY, True)],
)
def test_rules_post_follows_the_policy(board, member, approval, expected):
    form = CallForm(call_form_data(), suggested_activities=["coffee"])
    assert form.is_valid(), form.errors
    call = rules.post(form, member, approval=approval)
    assert call.awaiting_approval is expected


def test_nobody_can_sign_up_for_a_waiting_call(organiser, member):
    call = make_call(organiser=organiser, awaiting_approval=True)
    assert str(rules.sign_up_refusal(call, member)) == "This call is not available."
    with pytest.raises(RuleError):
        rules.sign_up(call, member)
    assert not Registration.objects.exists()


def test_approving(board, organiser, on_commit):
    organiser.email = "organiser@example.org"
    organiser.save()
    call = make_call(organiser=organiser, awaiting_approval=True)
    with on_commit():
        approved = rules.approve(call)
    assert approved.awaiting_approval is False
    assert Call.objects.get(pk=call.pk).awaiting_approval is False
    (sent,) = mail.outbox
    assert sent.to == ["organiser@example.org"]
    # Content-free: no title, no town; a link to "my meetings".
    assert call.title not in sent.body + sent.subject
    assert "Utrecht" not in sent.body + sent.subject
    assert "http://testserver/members/board/mine/" in sent.body
    # Approving again changes nothing and sends nothing.
    with on_commit():
        rules.approve(call)
    assert len(mail.outbox) == 1


def test_a_waiting_call_gets_no_reminder(organiser):
    from wagtail_meetings.notifications import remind_meeting

    call = make_call(organiser=organiser, awaiting_approval=True)
    assert remind_meeting.call(call.pk, call.starts_at.isoformat()) == "not due"


def test_the_listing_leaves_out_waiting_calls_the_organiser_sees_them_apart(organiser, member):
    waiting = make_call(organiser=organiser, title="Waiting", awaiting_approval=True)
    shown = make_call(organiser=organiser, title="Shown")
    assert list(Call.objects.listed()) == [shown]
    assert list(Call.objects.waiting_for(organiser)) == [waiting]
    assert list(Call.objects.waiting_for(member)) == []
    waiting.status = CallStatus.CANCELLED
    waiting.save()
    assert list(Call.objects.waiting_for(organiser)) == []


# --- members on the board ----------------------------------------------------------------


@pytest.mark.parametrize("approval", [Approval.FIRST, Approval.EVERY])
def test_a_waiting_call_is_only_for_its_organiser(board, organiser, member, approval):
    set_approval(board, approval)
    as_organiser = client_for(organiser)
    response = post_call(as_organiser, board, title="Coffee at the station")
    call = Call.objects.get()
    assert call.awaiting_approval
    target = redirect_target(response)
    assert target == board_url(board, "call", call.pk)

    page = text(as_organiser.get(target))
    assert SAVED in messages_of(page)
    assert WAITING in page
    assert MEETING_POINT in page
    assert "Coffee at the station" in listed_titles(as_organiser, board)
    board_page = text(as_organiser.get(board_url(board)))
    assert "Waiting for approval" in board_page
    waiting_section, listing = board_page.split('<h2 id="meetings-calls-title">')
    assert "Your calls waiting for approval" in waiting_section
    assert "Coffee at the station" in waiting_section
    assert "Coffee at the station" not in listing
    mine = text(as_organiser.get(board_url(board, "mine")))
    assert WAITING in mine
    assert as_organiser.get(board_url(board, "calendar", call.pk)).status_code == 200

    as_member = client_for(member)
    assert "Coffee at the station" not in listed_titles(as_member, board)
    for route in ("call", "calendar"):
        response = as_member.get(board_url(board, route, call.pk))
        assert response.status_code == 404, route
        assert "Coffee at the station" not in text(response)
    response = as_member.post(board_url(board, "sign_up", call.pk), {"note": "hi"})
    assert response.status_code == 404
    assert not Registration.objects.exists()


def test_a_call_left_waiting_after_approval_is_switched_off_stays_with_its_organiser(
    board, organiser
):
    set_approval(board, Approval.EVERY)
    as_organiser = client_for(organiser)
    post_call(as_organiser, board, title="Coffee at the station")
    set_approval(board, Approval.NONE)
    board_page = text(as_organiser.get(board_url(board)))
    assert "Coffee at the station" not in board_page
    assert "Your calls waiting for approval" not in board_page
    mine = text(as_organiser.get(board_url(board, "mine")))
    assert "Coffee at the station" in mine
    assert WAITING in mine


def test_without_approval_calls_appear_at_once(board, organiser, member):
    response = post_call(client_for(organiser), board, title="Coffee at the station")
    call = Call.objects.get()
    assert not call.awaiting_approval
    page = text(client_for(organiser).get(redirect_target(response)))
    assert WAITING not in page
    assert "Coffee at the station" in listed_titles(client_for(member), board)


def test_only_a_members_first_call_waits(board, organiser, member):
    set_approval(board, Approval.FIRST)
    as_organiser = client_for(organiser)
    post_call(as_organiser, board, title="First walk")
    first = Call.objects.get()
    assert first.awaiting_approval
    rules.approve(first)

    response = post_call(as_organiser, board, title="Second walk")
    second = Call.objects.exclude(pk=first.pk).get()
    assert not second.awaiting_approval
    page = text(as_organiser.get(redirect_target(response)))
    assert "Your call is on the board." in messages_of(page)
    assert WAITING not in page

    # Organising again counts as a new call too: approved members go straight on.
    data = call_form_data(title="Third walk", meeting_point=MEETING_POINT)
    as_organiser.post(board_url(board, "again", second.pk), data)
    assert not Call.objects.get(title="Third walk").awaiting_approval
    assert set(listed_titles(client_for(member), board)) == {
        "First walk",
        "Second walk",
        "Third walk",
    }


def test_organising_again_waits_under_every(board, organiser):
    set_approval(board, Approval.EVERY)
    source = make_call(organiser=organiser, title="Old walk")
    as_organiser = client_for(organiser)
    response = as_organiser.post(
        board_url(board, "again", source.pk),
        call_form_data(title="New walk", meeting_point=MEETING_POINT),
    )
    new = Call.objects.get(title="New walk")
    assert new.awaiting_approval
    assert SAVED in messages_of(text(as_organiser.get(redirect_target(response))))


def test_editing_a_waiting_call_keeps_it_waiting(board, organiser):
    call = make_call(organiser=organiser, title="Walk", awaiting_approval=True)
    client_for(organiser).post(
        board_url(board, "edit", call.pk),
        call_form_data(title="Longer walk", meeting_point=MEETING_POINT),
    )
    call.refresh_from_db()
    assert call.title == "Longer walk"
    assert call.awaiting_approval


@pytest.mark.parametrize(
    ("change", "waits"),
    [
        ({"title": "A walk, and more"}, True),
        ({"description": "Something else entirely"}, True),
        ({"meeting_point": "By the fountain"}, True),
        ({"other_activities": "karaoke"}, True),
        ({"capacity": "6"}, False),
        ({}, False),
    ],
)
def test_under_every_new_words_go_back_to_a_moderator(board, organiser, member, change, waits):
    set_approval(board, Approval.EVERY)
    as_organiser = client_for(organiser)
    post_call(as_organiser, board, title="Walk")
    call = rules.approve(Call.objects.get(title="Walk"))
    response = as_organiser.post(
        board_url(board, "edit", call.pk),
        call_form_data(**{"title": "Walk", "meeting_point": MEETING_POINT, **change}),
    )
    call.refresh_from_db()
    assert call.awaiting_approval is waits
    page = messages_of(text(as_organiser.get(redirect_target(response))))
    assert ("A moderator looks at them before the call is back on the board" in page) is waits
    assert (call.title in listed_titles(client_for(member), board)) is not waits


@pytest.mark.parametrize("approval", [Approval.NONE, Approval.FIRST])
def test_other_policies_let_an_approved_calls_edits_through(board, organiser, approval):
    set_approval(board, approval)
    call = make_call(organiser=organiser, title="Walk")
    client_for(organiser).post(
        board_url(board, "edit", call.pk),
        call_form_data(title="Another walk", meeting_point=MEETING_POINT),
    )
    call.refresh_from_db()
    assert call.title == "Another walk"
    assert not call.awaiting_approval


def test_an_edit_waiting_for_approval_stays_with_the_members_signed_up(board, organiser, member):
    set_approval(board, Approval.EVERY)
    call = make_call(organiser=organiser, title="Walk", meeting_point=MEETING_POINT)
    register(call, member, status="accepted")
    stranger = make_member("stranger", "Stranger")
    client_for(organiser).post(
        board_url(board, "edit", call.pk),
        call_form_data(title="Walk and talk", meeting_point="By the fountain"),
    )
    assert Call.objects.get(pk=call.pk).awaiting_approval
    as_member = client_for(member)
    page = text(as_member.get(board_url(board, "call", call.pk)))
    assert "Walk and talk" in page and "By the fountain" in page
    assert "Walk and talk" in text(as_member.get(board_url(board, "mine")))
    assert as_member.get(board_url(board, "calendar", call.pk)).status_code == 200
    # Nobody else finds it, nor can anyone new sign up, until a moderator has looked.
    as_stranger = client_for(stranger)
    assert as_stranger.get(board_url(board, "call", call.pk)).status_code == 404
    assert as_stranger.post(board_url(board, "sign_up", call.pk)).status_code == 404
    assert "Walk and talk" not in listed_titles(as_stranger, board)


# --- moderators in the admin ---------------------------------------------------------------


@pytest.fixture
def admin_client(editor):
    return client_for(editor)


@pytest.fixture
def waiting(organiser):
    return make_call(
        organiser=organiser,
        title="Museum morning",
        meeting_point=MEETING_POINT,
        awaiting_approval=True,
    )


@pytest.fixture
def approved(organiser):
    return make_call(organiser=organiser, title="Walk in the park")


def listing(admin_client, **query):
    response = admin_client.get(reverse("wagtail_meetings_calls:list"), query)
    assert response.status_code == 200
    return text(response)


def test_the_listing_filters_waiting_calls(admin_client, waiting, approved):
    content = listing(admin_client, awaiting_approval="true")
    assert waiting.title in content
    assert approved.title not in content
    content = listing(admin_client, awaiting_approval="false")
    assert approved.title in content
    assert waiting.title not in content
    assert "Waiting for approval" in listing(admin_client)


def test_the_listing_offers_approve_for_waiting_calls_only(admin_client, waiting, approved):
    content = listing(admin_client)
    assert reverse("wagtail_meetings_calls:approve", args=[waiting.pk]) in content
    assert reverse("wagtail_meetings_calls:approve", args=[approved.pk]) not in content


def test_the_edit_view_shows_the_waiting_call_and_the_way_to_approve(
    admin_client, waiting, approved
):
    approve_url = reverse("wagtail_meetings_calls:approve", args=[waiting.pk])
    content = text(admin_client.get(reverse("wagtail_meetings_calls:edit", args=[waiting.pk])))
    assert "Only its organiser sees this call until a moderator approves it." in content
    assert approve_url in content
    assert MEETING_POINT not in content
    content = text(admin_client.get(reverse("wagtail_meetings_calls:edit", args=[approved.pk])))
    assert "Only its organiser sees this call" not in content
    assert reverse("wagtail_meetings_calls:approve", args=[approved.pk]) not in content


def test_approving_in_the_admin(admin_client, board, waiting, organiser, member, on_commit):
    organiser.email = "organiser@example.org"
    organiser.save()
    url = reverse("wagtail_meetings_calls:approve", args=[waiting.pk])
    # GET asks; nothing changes.
    response = admin_client.get(url)
    assert response.status_code == 200
    content = text(response)
    assert waiting.title in content
    assert waiting.description in content
    assert MEETING_POINT not in content
    assert Call.objects.get(pk=waiting.pk).awaiting_approval

    with on_commit():
        response = admin_client.post(url)
    assert redirect_target(response) == reverse("wagtail_meetings_calls:edit", args=[waiting.pk])
    assert not Call.objects.get(pk=waiting.pk).awaiting_approval
    assert [sent.to for sent in mail.outbox] == [["organiser@example.org"]]
    assert ModelLogEntry.objects.filter(
        action="wagtail_meetings.approve", object_id=str(waiting.pk)
    ).exists()
    history = text(admin_client.get(reverse("wagtail_meetings_calls:history", args=[waiting.pk])))
    assert "Approved" in history

    # Members see it now.
    assert client_for(member).get(board_url(board, "call", waiting.pk)).status_code == 200
    assert waiting.title in listed_titles(client_for(member), board)

    # A second POST (a double click) changes nothing and sends nothing.
    with on_commit():
        response = admin_client.post(url)
    assert response.status_code == 302
    assert len(mail.outbox) == 1


def test_approving_from_the_listing_returns_to_it(admin_client, waiting):
    url = reverse("wagtail_meetings_calls:approve", args=[waiting.pk])
    index = reverse("wagtail_meetings_calls:list")
    response = admin_client.post(url, {"next": index})
    assert redirect_target(response) == index
    assert not Call.objects.get(pk=waiting.pk).awaiting_approval


def test_approving_needs_the_change_permission(waiting, members_group):
    moderators = Group.objects.create(name="Readers")
    moderators.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_call"),
    )
    reader = make_member("reader", "Reader")
    reader.groups.add(moderators)
    client = client_for(reader)
    # They may look at calls in the admin, but approving needs "change".
    assert client.get(reverse("wagtail_meetings_calls:list")).status_code == 200
    url = reverse("wagtail_meetings_calls:approve", args=[waiting.pk])
    assert url not in listing(client)
    assert client.get(url).status_code in (302, 403)
    assert client.post(url).status_code in (302, 403)
    assert Call.objects.get(pk=waiting.pk).awaiting_approval


def test_members_cannot_approve(waiting, organiser, member):
    url = reverse("wagtail_meetings_calls:approve", args=[waiting.pk])
    for user in (organiser, member):
        response = client_for(user).post(url)
        assert response.status_code in (302, 403)
    assert Call.objects.get(pk=waiting.pk).awaiting_approval


def test_a_sign_up_exists_only_after_approval(board, waiting, member):
    as_member = client_for(member)
    assert as_member.post(board_url(board, "sign_up", waiting.pk)).status_code == 404
    rules.approve(waiting)
    assert as_member.post(board_url(board, "sign_up", waiting.pk)).status_code == 302
    assert Registration.objects.get().member == member


def test_my_meetings_lists_sign_ups_of_approved_calls(board, approved, member):
    register(approved, member, status="accepted")
    page = text(client_for(member).get(board_url(board, "mine")))
    assert approved.title in page
