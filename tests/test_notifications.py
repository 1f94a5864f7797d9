"""E-mail about new activity, background tasks, and the limits on messaging.

Design §3: guarantee 2 (e-mails carry no message text, call details or health
words), 8 (stored before any notification; enqueued on commit; a failing mail
server loses nothing) and 9 (per-member rate limits).
"""

import datetime
import logging
import smtplib
from types import SimpleNamespace
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.test import override_settings
from django.utils import formats, timezone
from django_tasks import default_task_backend
from django_tasks.signals import task_finished

from wagtail_meetings import messaging, notifications, rules
from wagtail_meetings.models import (
    Call,
    Conversation,
    ConversationMember,
    MemberProfile,
    Message,
    Notify,
    Place,
    Registration,
)
from wagtail_meetings.notifications import (
    next_digest_time,
    notify_member,
    remind_meeting,
    schedule_reminder,
    send_digest,
)

from .utils import (
    board_url,
    call_form_data,
    client_for,
    inbox_url,
    make_call,
    make_member,
    register,
    with_email,
)

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
INBOX_LINK = "http://testserver/members/messages/"
MINE_LINK = "http://testserver/members/board/mine/"


class FailingMailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("421 mail server unavailable")


FAILING_BACKEND = f"{__name__}.FailingMailBackend"


def queued():
    """What the dummy backend holds of this app's tasks (Wagtail queues its own too)."""
    return [
        result
        for result in default_task_backend.results
        if result.task.module_path.startswith("wagtail_meetings.")
    ]


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def set_notify(user, value):
    MemberProfile.objects.filter(user=user).update(notify=value)


@pytest.fixture
def people(board, inbox, call, member, organiser):
    """Otto's call; Mira accepted; both with an e-mail address."""
    with_email(member)
    with_email(organiser)
    rules.accept(register(call, member))
    conversation = Conversation.objects.get(call=call)
    mail.outbox = []
    return SimpleNamespace(
        board=board, inbox=inbox, call=call, mira=member, otto=organiser, conversation=conversation
    )


# --------------------------------------------------------------------------
# Nothing private in any e-mail.
# --------------------------------------------------------------------------


def values_of(obj, skip=()):
    """Every stored value of ``obj`` as text, with the labels of its choices."""
    values = set()
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.is_relation or field.name in skip:
            continue
        value = field.value_from_object(obj)
        if value in (None, "") or isinstance(value, (bool, int, float)):
            continue
        if isinstance(value, datetime.datetime):
            local = timezone.localtime(value)
            values |= {
                value.isoformat(),
                formats.date_format(local, "j F Y"),
                formats.date_format(local, "j F"),
                local.strftime("%d-%m-%Y"),
                local.strftime("%Y-%m-%d"),
            }
            continue
        values.add(str(value))
        if field.choices:
            values.add(str(dict(field.flatchoices)[value]))
    return values


@pytest.fixture
def private_world(board, inbox, utrecht):
    """Members, a call, a sign-up note and messages, each full of telling details."""
    amersfoort = Place.objects.get(name="Amersfoort")
    otto = with_email(make_member("otto_h", "Otto Dissociatie"), "otto.hendriks@example.org")
    otto.first_name, otto.last_name = "Ottokar", "Hendriks"
    otto.save()
    pia = with_email(make_member("pia_v", "Pia Traumagroep", role="relative"), "pia.v@example.org")
    pia.first_name, pia.last_name = "Pieternella", "Visser"
    pia.save()
    MemberProfile.objects.filter(user__in=[otto, pia]).update(home_place=amersfoort)
    call = make_call(
        organiser=otto,
        place=utrecht,
        title="Wandeling voor lotgenoten met DIS",
        description="Rustig tempo. Ik ben zelf in traumatherapie en praat er graag over.",
        meeting_point="Bankje bij de Weerdsluis",
        recognition="Rode sjaal en een wandelstok",
        accessibility_notes="Het pad is verhard",
        venue_kind="nature",
        audience="peers",
        duration_minutes=90,
        activities=["wandelen", "dissociatie-lotgenoten"],
    )
    return SimpleNamespace(board=board, inbox=inbox, call=call, otto=otto, pia=pia)


def all_private_values(world, typed=()):
    """Every field of the call, the profiles, the sign-ups and the messages, and what was typed."""
    call = Call.objects.get(pk=world.call.pk)
    secrets = values_of(call, skip={"status"}) | set(call.activities.names())
    secrets |= {call.place.name, call.place.province}
    for user in (world.otto, world.pia):
        user.refresh_from_db()
        profile = MemberProfile.objects.get(user=user)
        secrets |= values_of(profile, skip={"notify"})
        secrets |= {user.username, user.first_name, user.last_name, user.email}
        secrets.add(profile.home_place.name)
    for registration in Registration.objects.filter(call=call):
        secrets |= values_of(registration, skip={"status"})
    for message in Message.objects.all():
        secrets |= values_of(message)
    # Words that say something about health, whatever the fields held.
    secrets |= {"DIS", "dissociat", "Dissociat", "trauma", "Trauma", "lotgeno", "peer", "Peer"}
    secrets |= set(typed)
    return {secret for secret in secrets if secret and len(secret) >= 3}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_no_private_content_in_any_email(private_world, on_commit, language):
    world = private_world
    board, inbox, call, otto, pia = world.board, world.inbox, world.call, world.otto, world.pia
    first_note = "Ik ben nerveus, mijn therapeut raadde dit aan"
    mail.outbox = []
    with override_settings(LANGUAGE_CODE=language, WAGTAIL_MEETINGS_NOTIFY_QUIET_MINUTES=0):
        with on_commit():
            client_for(pia).post(board_url(board, "sign_up", call.pk), {"note": first_note})
        registration = Registration.objects.get(call=call, member=pia)
        with on_commit():
            client_for(otto).post(board_url(board, "accept", registration.pk))
        conversation = Conversation.objects.get(call=call)
        with on_commit():
            client_for(otto).post(
                inbox_url(inbox, "reply", conversation.pk),
                {"body": "Welkom Pia! Mijn alter neemt soms over, schrik niet."},
            )
        with on_commit():
            client_for(pia).post(
                inbox_url(inbox, "write", otto.pk), {"body": "Dank je, mijn psychiater weet ervan."}
            )
        remind_meeting.call(call.pk, call.starts_at.isoformat())
        with on_commit():
            client_for(pia).post(board_url(board, "withdraw", call.pk))
        with on_commit():
            client_for(pia).post(
                board_url(board, "sign_up", call.pk), {"note": "Toch weer aangemeld"}
            )
        with on_commit():
            client_for(otto).post(board_url(board, "cancel", call.pk))

    # Every step that concerns someone else told them, by e-mail.
    assert recipients() == sorted(
        [otto.email] * 5  # sign-up, message, reminder, withdrawal, second sign-up
        + [pia.email] * 4  # accepted, message, reminder, cancelled
    )
    secrets = all_private_values(world, typed=[first_note])
    assert "Welkom Pia! Mijn alter neemt soms over, schrik niet." in secrets
    assert "Dank je, mijn psychiater weet ervan." in secrets
    assert "Bankje bij de Weerdsluis" in secrets
    assert "Toch weer aangemeld" in secrets
    assert "Pia Traumagroep" in secrets and "pia.v@example.org" in secrets
    assert "Amersfoort" in secrets and "Utrecht" in secrets
    for sent in mail.outbox:
        parts = [sent.subject, sent.body] + [
            content for content, _type in getattr(sent, "alternatives", [])
        ]
        for header, value in sent.extra_headers.items():
            parts.append(f"{header}: {value}")
        for part in parts:
            for secret in secrets:
                assert secret not in part, (secret, part)
        assert sent.subject.strip() and "\n" not in sent.subject
        assert "testserver" in sent.body
        assert INBOX_LINK in sent.body or MINE_LINK in sent.body


def test_the_email_says_there_is_activity_and_links_to_the_inbox(people, on_commit):
    with on_commit():
        messaging.send(people.conversation, people.otto, "See you at ten")
    (sent,) = mail.outbox
    assert sent.to == [people.mira.email]
    assert sent.subject == "New activity for you on testserver"
    assert "There is new activity for you on testserver" in sent.body
    assert INBOX_LINK in sent.body
    assert "See you at ten" not in sent.body


@override_settings(WAGTAIL_MEETINGS_EMAIL_SITE_NAME="Vereniging Voorbeeld")
def test_the_site_name_in_emails_is_a_setting(people, on_commit):
    with on_commit():
        messaging.send(people.conversation, people.otto, "Hello")
    (sent,) = mail.outbox
    assert sent.subject == "New activity for you on Vereniging Voorbeeld"


def test_the_reminder_links_to_my_meetings(people):
    remind_meeting.call(people.call.pk, people.call.starts_at.isoformat())
    assert recipients() == sorted([people.mira.email, people.otto.email])
    for sent in mail.outbox:
        assert sent.subject == "A reminder from testserver"
        assert MINE_LINK in sent.body
        assert people.call.title not in sent.body
        assert people.call.meeting_point not in sent.body


# --------------------------------------------------------------------------
# Enqueued on commit; nothing on rollback; a failing mail server loses nothing.
# --------------------------------------------------------------------------


def test_notifications_are_enqueued_on_commit(people, django_capture_on_commit_callbacks):
    ada = with_email(make_member("ada", "Ada"))
    rules.accept(register(people.call, ada))
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        messaging.send(people.conversation, people.otto, "Hello both")
        # Stored, but nobody is told before the commit.
        assert Message.objects.filter(body="Hello both").exists()
        assert mail.outbox == []
    assert len(callbacks) == 1
    # The sender is not told about their own message.
    assert recipients() == sorted([people.mira.email, ada.email])


def test_no_mail_when_the_transaction_rolls_back(people, django_capture_on_commit_callbacks):
    class Boom(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        messaging.send(people.conversation, people.otto, "Never sent")
        raise Boom
    assert callbacks == []
    assert mail.outbox == []
    assert not Message.objects.filter(body="Never sent").exists()


def test_no_mail_when_a_sign_up_rolls_back(people, django_capture_on_commit_callbacks):
    pia = with_email(make_member("pia", "Pia"))
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        rules.sign_up(people.call, pia)
        raise RuntimeError
    assert callbacks == []
    assert mail.outbox == []
    assert not Registration.objects.filter(member=pia).exists()


def commit_at_once(func, robust=False):
    """What a real commit does at the end of the view's transaction: run the callback now."""
    if robust:
        try:
            func()
        except Exception:  # noqa: BLE001 (as Django does for robust callbacks)
            logging.getLogger(__name__).exception("on_commit callback failed")
    else:
        func()


@pytest.fixture
def task_outcomes():
    outcomes = []

    def record(sender, task_result, **kwargs):
        if task_result.task.module_path.startswith("wagtail_meetings."):
            outcomes.append((task_result.task.name, task_result.status))

    task_finished.connect(record)
    yield outcomes
    task_finished.disconnect(record)


@override_settings(EMAIL_BACKEND=FAILING_BACKEND)
def test_failing_mail_server_loses_no_message_and_breaks_no_page(people, task_outcomes):
    client = client_for(people.mira)
    reply = inbox_url(people.inbox, "reply", people.conversation.pk)
    with mock.patch.object(notifications.transaction, "on_commit", commit_at_once):
        response = client.post(reply, {"body": "Is the café open on Sunday?"})
    assert response.status_code == 302
    assert (
        response["Location"]
        == inbox_url(people.inbox, "conversation", people.conversation.pk) + "#latest"
    )
    message = Message.objects.get(body="Is the café open on Sunday?")
    assert (message.sender, message.conversation) == (people.mira, people.conversation)
    assert task_outcomes == [("notify_member", "FAILED")]
    # Otto reads it; the page works.
    page = client_for(people.otto).get(
        inbox_url(people.inbox, "conversation", people.conversation.pk)
    )
    assert page.status_code == 200
    assert "Is the café open on Sunday?" in page.content.decode()
    # The failed e-mail did not count as sent, so the next one is not held back.
    assert MemberProfile.objects.get(user=people.otto).last_notified_at is None


@override_settings(EMAIL_BACKEND=FAILING_BACKEND)
def test_failing_mail_server_keeps_a_new_conversation_and_a_sign_up(people, task_outcomes):
    nina = with_email(make_member("nina", "Nina"))
    client = client_for(nina)
    with mock.patch.object(notifications.transaction, "on_commit", commit_at_once):
        written = client.post(inbox_url(people.inbox, "write", people.otto.pk), {"body": "Hi Otto"})
        signed_up = client.post(
            board_url(people.board, "sign_up", people.call.pk), {"note": "Hello"}
        )
    assert written.status_code == 302
    assert signed_up.status_code == 302
    assert Message.objects.filter(sender=nina, body="Hi Otto").exists()
    assert Registration.objects.get(member=nina, call=people.call).status == "pending"
    assert task_outcomes == [("notify_member", "FAILED"), ("notify_member", "FAILED")]


@override_settings(EMAIL_BACKEND=FAILING_BACKEND)
def test_failing_mail_server_in_the_task_itself(people):
    with pytest.raises(smtplib.SMTPException):
        notify_member.call(people.mira.pk)
    assert MemberProfile.objects.get(user=people.mira).last_notified_at is None


# --------------------------------------------------------------------------
# Preferences: at once, daily, never; the quiet period.
# --------------------------------------------------------------------------


def test_at_once_sends_one_mail(people, on_commit):
    with on_commit():
        messaging.send(people.conversation, people.otto, "Hi")
    assert recipients() == [people.mira.email]
    assert MemberProfile.objects.get(user=people.mira).last_notified_at is not None


def test_never_sends_nothing(people, on_commit):
    set_notify(people.mira, Notify.NEVER)
    with on_commit():
        messaging.send(people.conversation, people.otto, "Hi")
    assert mail.outbox == []
    assert notify_member.call(people.mira.pk) == "skipped"
    # Nor a reminder.
    remind_meeting.call(people.call.pk, people.call.starts_at.isoformat())
    assert recipients() == [people.otto.email]


def test_no_mail_to_someone_no_longer_a_member(people, on_commit):
    people.mira.groups.remove(Group.objects.get(name="Members"))
    with on_commit():
        messaging.send(people.conversation, people.otto, "Hi")
    assert mail.outbox == []
    assert notify_member.call(people.mira.pk) == "skipped"
    remind_meeting.call(people.call.pk, people.call.starts_at.isoformat())
    assert recipients() == [people.otto.email]


def test_no_address_no_mail(people):
    people.mira.email = ""
    people.mira.save()
    assert notify_member.call(people.mira.pk) == "no address"
    assert mail.outbox == []


@pytest.mark.parametrize(
    "local_now, due",
    [
        (datetime.datetime(2026, 3, 10, 6, 30), datetime.datetime(2026, 3, 10, 8, 0)),
        (datetime.datetime(2026, 3, 10, 8, 0), datetime.datetime(2026, 3, 11, 8, 0)),
        (datetime.datetime(2026, 3, 10, 21, 15), datetime.datetime(2026, 3, 11, 8, 0)),
    ],
)
def test_next_digest_time(local_now, due):
    aware = timezone.make_aware(local_now)
    assert timezone.localtime(next_digest_time(aware)).replace(tzinfo=None) == due


@override_settings(WAGTAIL_MEETINGS_DIGEST_HOUR=19)
def test_the_digest_hour_is_a_setting():
    aware = timezone.make_aware(datetime.datetime(2026, 3, 10, 12, 0))
    assert timezone.localtime(next_digest_time(aware)).hour == 19


def test_daily_digest_with_a_backend_that_cannot_defer(people, on_commit, caplog):
    """The immediate backend cannot run work later: the digest is logged, not sent now."""
    set_notify(people.mira, Notify.DAILY)
    caplog.set_level(logging.WARNING, logger="wagtail_meetings.notifications")
    with on_commit():
        messaging.send(people.conversation, people.otto, "Hi")
    assert mail.outbox == []
    profile = MemberProfile.objects.get(user=people.mira)
    assert profile.digest_due_at == next_digest_time(timezone.now())
    assert "cannot defer" in caplog.text
    assert "send_digest" in caplog.text


@override_settings(TASKS=DUMMY_TASKS)
def test_daily_digest_is_deferred_and_sent_once(people, on_commit):
    set_notify(people.mira, Notify.DAILY)
    with on_commit():
        messaging.send(people.conversation, people.otto, "First")
    # The dummy backend stores tasks without running them: run the notification.
    (job,) = queued()
    assert job.task.name == "notify_member"
    assert job.args == [people.mira.pk, "activity"]
    assert job.task.call(*job.args) == "digest"
    assert mail.outbox == []
    due = MemberProfile.objects.get(user=people.mira).digest_due_at
    assert due is not None
    assert timezone.localtime(due).hour == 8
    digest = queued()[-1]
    assert digest.task.name == "send_digest"
    assert digest.task.run_after == due
    assert digest.args == [people.mira.pk]

    # More activity before the digest goes out plans nothing new.
    default_task_backend.clear()
    with on_commit():
        messaging.send(people.conversation, people.otto, "Second")
    (job,) = queued()
    assert job.task.call(*job.args) == "digest"
    assert [result.task.name for result in queued()] == ["notify_member"]

    assert send_digest.call(people.mira.pk) == "sent"
    (sent,) = mail.outbox
    assert sent.to == [people.mira.email]
    assert "First" not in sent.body and "Second" not in sent.body
    assert MemberProfile.objects.get(user=people.mira).digest_due_at is None
    # Run twice (a retry): no second e-mail.
    assert send_digest.call(people.mira.pk) == "nothing due"
    assert len(mail.outbox) == 1


def test_daily_members_get_reminders_at_once(people):
    set_notify(people.mira, Notify.DAILY)
    remind_meeting.call(people.call.pk, people.call.starts_at.isoformat())
    assert people.mira.email in recipients()


def test_quiet_period_holds_back_a_second_mail(people, on_commit):
    with on_commit():
        messaging.send(people.conversation, people.otto, "One")
    with on_commit():
        messaging.send(people.conversation, people.otto, "Two")
    assert recipients() == [people.mira.email]
    assert notify_member.call(people.mira.pk) == "quiet"
    # After the quiet period, the next message is mailed again.
    MemberProfile.objects.filter(user=people.mira).update(
        last_notified_at=timezone.now() - datetime.timedelta(minutes=16)
    )
    with on_commit():
        messaging.send(people.conversation, people.otto, "Three")
    assert recipients() == [people.mira.email] * 2


@override_settings(WAGTAIL_MEETINGS_NOTIFY_QUIET_MINUTES=0)
def test_quiet_period_is_a_setting(people, on_commit):
    for text in ("One", "Two"):
        with on_commit():
            messaging.send(people.conversation, people.otto, text)
    assert recipients() == [people.mira.email] * 2


def test_the_preference_is_on_the_profile(people):
    client = client_for(people.mira)
    url = board_url(people.board, "profile")
    page = client.get(url).content.decode()
    for value, label in Notify.choices:
        assert f'value="{value}"' in page, value
        assert str(label) in page
    data = {"display_name": "Mira", "role": "peer", "home_place": "", "notify": "never"}
    assert client.post(url, data).status_code == 302
    assert MemberProfile.objects.get(user=people.mira).notify == Notify.NEVER
    # Back to "at once".
    assert client.post(url, {**data, "notify": "at_once"}).status_code == 302
    assert MemberProfile.objects.get(user=people.mira).notify == Notify.AT_ONCE
    # Left out of the form: the choice stays.
    set_notify(people.mira, Notify.DAILY)
    data.pop("notify")
    assert client.post(url, data).status_code == 302
    assert MemberProfile.objects.get(user=people.mira).notify == Notify.DAILY


# --------------------------------------------------------------------------
# Reminders the day before a dated meeting.
# --------------------------------------------------------------------------


def test_posting_a_call_with_the_immediate_backend_logs_and_skips(
    board, organiser, on_commit, caplog
):
    caplog.set_level(logging.WARNING, logger="wagtail_meetings.notifications")
    with on_commit():
        response = client_for(organiser).post(board_url(board, "post"), call_form_data())
    assert response.status_code == 302
    assert Call.objects.filter(organiser=organiser).count() == 1
    assert "cannot defer" in caplog.text
    assert "remind_meeting" in caplog.text
    assert mail.outbox == []


@override_settings(TASKS=DUMMY_TASKS)
def test_posting_a_call_schedules_the_reminder(board, organiser, on_commit):
    with on_commit():
        response = client_for(organiser).post(board_url(board, "post"), call_form_data())
    assert response.status_code == 302
    call = Call.objects.get(organiser=organiser)
    (reminder,) = queued()
    assert reminder.task.name == "remind_meeting"
    assert reminder.task.run_after == call.starts_at - datetime.timedelta(days=1)
    assert reminder.args[0] == call.pk
    assert datetime.datetime.fromisoformat(reminder.args[1]) == call.starts_at
    assert mail.outbox == []
    # When its time comes, the stored task reminds the organiser.
    with_email(organiser)
    assert reminder.task.call(*reminder.args) == "reminded 1"
    assert recipients() == [organiser.email]


@override_settings(TASKS=DUMMY_TASKS)
def test_a_new_date_plans_a_new_reminder_and_the_old_one_does_nothing(board, organiser, on_commit):
    with on_commit():
        client_for(organiser).post(board_url(board, "post"), call_form_data())
    call = Call.objects.get(organiser=organiser)
    old = queued()[0]
    new_date = (timezone.localtime() + datetime.timedelta(days=20)).date().isoformat()
    with on_commit():
        response = client_for(organiser).post(
            board_url(board, "edit", call.pk), call_form_data(date=new_date)
        )
    assert response.status_code == 302
    call.refresh_from_db()
    assert [r.task.name for r in queued()] == ["remind_meeting"] * 2
    new = queued()[1]
    assert new.args[0] == call.pk
    assert datetime.datetime.fromisoformat(new.args[1]) == call.starts_at
    assert new.task.run_after == call.starts_at - datetime.timedelta(days=1)
    assert old.task.call(*old.args) == "not due"
    assert mail.outbox == []
    with_email(organiser)
    assert new.task.call(*new.args) == "reminded 1"
    mail.outbox = []
    # An edit that keeps the date plans nothing more.
    with on_commit():
        client_for(organiser).post(
            board_url(board, "edit", call.pk), call_form_data(date=new_date, title="Coffee at six")
        )
    assert len(queued()) == 2


def test_reminder_goes_to_organiser_and_accepted_only(people):
    pending = with_email(make_member("pending", "Pending"))
    register(people.call, pending)
    declined = with_email(make_member("declined", "Declined"))
    register(people.call, declined, status="declined")
    result = remind_meeting.call(people.call.pk, people.call.starts_at.isoformat())
    assert result == "reminded 2"
    assert recipients() == sorted([people.mira.email, people.otto.email])


@pytest.mark.parametrize("change", ["cancelled", "hidden", "deleted"])
def test_no_reminder_for_a_meeting_that_is_off(people, change):
    iso = people.call.starts_at.isoformat()
    pk = people.call.pk
    if change == "cancelled":
        rules.cancel(people.call)
    elif change == "hidden":
        Call.objects.filter(pk=pk).update(hidden=True)
    else:
        Call.objects.filter(pk=pk).delete()
    assert remind_meeting.call(pk, iso) == "not due"
    assert mail.outbox == []


@override_settings(TASKS=DUMMY_TASKS)
@pytest.mark.parametrize(
    "starts_in",
    [None, datetime.timedelta(hours=20), datetime.timedelta(days=-2)],
    ids=["undated", "tomorrow", "past"],
)
def test_no_reminder_without_a_day_ahead(organiser, utrecht, on_commit, starts_in):
    call = make_call(
        organiser=organiser,
        place=utrecht,
        starts_at=None if starts_in is None else timezone.now() + starts_in,
    )
    with on_commit():
        assert schedule_reminder(call) is None
    assert queued() == []


# --------------------------------------------------------------------------
# Rate limits: per member, in the cache; a clear message, nothing stored.
# --------------------------------------------------------------------------

SMALL_LIMITS = {"message": (3, 3600), "conversation": (2, 86400)}
MANY_MESSAGES = {"message": (100, 3600), "conversation": (2, 86400)}


def stored():
    return (
        list(Message.objects.values_list("pk", flat=True)),
        list(Conversation.objects.values_list("pk", flat=True)),
        list(ConversationMember.objects.values_list("pk", "member_id", "left_at", "archived_at")),
    )


@override_settings(WAGTAIL_MEETINGS_RATE_LIMITS=SMALL_LIMITS)
def test_messages_per_hour(people):
    client = client_for(people.mira)
    reply = inbox_url(people.inbox, "reply", people.conversation.pk)
    for number in range(3):
        assert client.post(reply, {"body": f"Message {number}"}).status_code == 302
    before = stored()
    response = client.post(reply, {"body": "One too many"})
    assert response.status_code == 429
    content = response.content.decode()
    assert (
        "You have sent many messages in a short time. Please wait a while and try again." in content
    )
    assert "There is a problem" in content
    assert stored() == before
    # Another member is not affected.
    assert client_for(people.otto).post(reply, {"body": "Otto writes"}).status_code == 302
    # The next hour, Mira may write again.
    with mock.patch(
        "wagtail_meetings.ratelimit.time.time", return_value=timezone.now().timestamp() + 3600
    ):
        assert client.post(reply, {"body": "An hour later"}).status_code == 302


@override_settings(WAGTAIL_MEETINGS_RATE_LIMITS=MANY_MESSAGES)
def test_new_conversations_per_day(people):
    others = [make_member(f"other{n}", f"Other {n}") for n in range(3)]
    client = client_for(people.mira)
    for other in others[:2]:
        assert (
            client.post(inbox_url(people.inbox, "write", other.pk), {"body": "Hello"}).status_code
            == 302
        )
    before = stored()
    response = client.post(inbox_url(people.inbox, "write", others[2].pk), {"body": "Hello"})
    assert response.status_code == 429
    assert (
        "You have started many conversations today. Please try again tomorrow."
        in response.content.decode()
    )
    assert stored() == before
    assert not Conversation.objects.filter(
        pair_key=Conversation.key_for(people.mira, others[2])
    ).exists()
    # Writing on in a conversation that exists is no new conversation.
    again = client.post(inbox_url(people.inbox, "write", others[0].pk), {"body": "Me again"})
    assert again.status_code == 302
    # The other member may still start one with Mira.
    back = client_for(others[2]).post(
        inbox_url(people.inbox, "write", people.mira.pk), {"body": "Hi Mira"}
    )
    assert back.status_code == 302


@override_settings(WAGTAIL_MEETINGS_RATE_LIMITS={"message": (1, 3600), "conversation": (10, 86400)})
def test_a_refused_first_message_leaves_no_empty_conversation(people):
    nina = make_member("nina", "Nina")
    client = client_for(people.mira)
    assert (
        client.post(
            inbox_url(people.inbox, "write", people.otto.pk), {"body": "Hi Otto"}
        ).status_code
        == 302
    )
    before = stored()
    response = client.post(inbox_url(people.inbox, "write", nina.pk), {"body": "Hi Nina"})
    assert response.status_code == 429
    assert "You have sent many messages in a short time" in response.content.decode()
    assert stored() == before
    # Nina sees nothing from Mira in her inbox.
    assert "Mira" not in client_for(nina).get(inbox_url(people.inbox)).content.decode()


def test_the_default_limits_are_there():
    from wagtail_meetings.conf import app_settings

    assert app_settings.RATE_LIMITS["message"][1] == 3600
    assert app_settings.RATE_LIMITS["conversation"][1] == 86400
    assert all(limit >= 1 for limit, _period in app_settings.RATE_LIMITS.values())
