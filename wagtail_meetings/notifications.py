"""Content-free e-mail about new activity, sent by background tasks.

An e-mail never holds message text, a call's title or town, a member's name
or a health word: only that there is something new on the site, and a link.
Everything is enqueued when the transaction commits, so what the e-mail is
about is stored first, and a failing mail server loses nothing.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import default_task_backend, task

from .access import is_member
from .conf import app_settings

logger = logging.getLogger("wagtail_meetings.notifications")

# What a notice is about. "activity" (messages, sign-ups and answers), "notice"
# (news from the moderators) and "approved" (a moderator approved the member's call)
# follow the member's choice of at once or daily; "reminder" (the day before a
# meeting) goes out at once.
FOLLOW_PREFERENCE = {"activity", "notice", "approved"}


def notify_later(member_ids, kind="activity"):
    """Queue a notification for each member once the current transaction commits."""
    # Nobody to tell where a member has left the board (a call without organiser).
    member_ids = [member_id for member_id in member_ids if member_id is not None]
    if not member_ids:
        return

    def enqueue():
        for member_id in member_ids:
            notify_member.enqueue(member_id, kind)

    transaction.on_commit(enqueue, robust=True)


def schedule(task_obj, run_after, *args):
    """Enqueue ``task_obj`` for later, where the task backend can defer work."""
    if not default_task_backend.supports_defer:
        logger.warning("The task backend cannot defer work: %s not scheduled.", task_obj.name)
        return None
    return task_obj.using(run_after=run_after).enqueue(*args)


def site_name():
    if app_settings.EMAIL_SITE_NAME:
        return app_settings.EMAIL_SITE_NAME
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    return (site.site_name or site.hostname) if site else "the website"


def activity_url(kind):
    """Where the e-mail's link goes: the inbox, or "my meetings" for the member's calls,
    reminders and notices.

    A notice is news from the moderators: a warning, a suspension, or a meeting
    that is no longer on the board.
    """
    from .models import InboxPage, MeetingsBoardPage

    if kind == "activity":
        page = InboxPage.objects.live().first()
        if page is not None:
            return page.get_full_url()
    board = MeetingsBoardPage.objects.live().first()
    if board is None:
        return ""
    return board.get_full_url() + board.reverse_subpage("mine")


def send_notice(user, kind):
    """Send the one e-mail there is: "something new for you", or a reminder."""
    if not user.email:
        return False
    context = {"site_name": site_name(), "url": activity_url(kind), "kind": kind}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("wagtail_meetings/email/notice_subject.txt", context)
        body = render_to_string("wagtail_meetings/email/notice_message.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])
    return True


def next_digest_time(now):
    local = timezone.localtime(now)
    due = local.replace(hour=app_settings.DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if due <= local:
        due += datetime.timedelta(days=1)
    return due


@task()
def notify_member(member_id, kind="activity"):
    from .models import MemberProfile, Notify

    profile = MemberProfile.objects.select_related("user").filter(user_id=member_id).first()
    if profile is None or profile.notify == Notify.NEVER or not is_member(profile.user):
        return "skipped"
    now = timezone.now()
    if profile.notify == Notify.DAILY and kind in FOLLOW_PREFERENCE:
        if profile.digest_due_at is None:
            due = next_digest_time(now)
            MemberProfile.objects.filter(pk=profile.pk).update(digest_due_at=due)
            schedule(send_digest, due, member_id)
        return "digest"
    quiet = datetime.timedelta(minutes=app_settings.NOTIFY_QUIET_MINUTES)
    if (
        kind in FOLLOW_PREFERENCE
        and profile.last_notified_at
        and now - profile.last_notified_at < quiet
    ):
        return "quiet"
    if send_notice(profile.user, kind):
        MemberProfile.objects.filter(pk=profile.pk).update(last_notified_at=now)
        return "sent"
    return "no address"


@task()
def send_digest(member_id):
    from .models import MemberProfile

    profile = MemberProfile.objects.select_related("user").filter(user_id=member_id).first()
    if profile is None or profile.digest_due_at is None:
        return "nothing due"
    MemberProfile.objects.filter(pk=profile.pk).update(
        digest_due_at=None, last_notified_at=timezone.now()
    )
    return "sent" if send_notice(profile.user, "activity") else "no address"


@task()
def remind_meeting(call_id, starts_at_iso):
    """The day before a meeting: remind the organiser and the accepted members."""
    from .models import Call, CallStatus, Notify, RegistrationStatus

    call = Call.objects.filter(pk=call_id).first()
    if (
        call is None
        or call.starts_at is None
        # Compared as moments: the database may give the time in another time zone.
        or call.starts_at != datetime.datetime.fromisoformat(starts_at_iso)
        or call.status == CallStatus.CANCELLED
        or call.hidden
        or call.awaiting_approval
    ):
        return "not due"
    members = [
        call.organiser_id,
        *call.registrations.filter(status=RegistrationStatus.ACCEPTED).values_list(
            "member_id", flat=True
        ),
    ]
    # "Never" means no e-mail at all; who is no longer a member gets none either.
    users = [
        user
        for user in get_user_model()
        .objects.filter(pk__in=members, is_active=True)
        .exclude(meetings_profile__notify=Notify.NEVER)
        if is_member(user)
    ]
    for user in users:
        send_notice(user, "reminder")
    return f"reminded {len(users)}"


def schedule_reminder(call):
    """Plan the reminder for the day before; a changed date plans a new one."""
    if call.starts_at is None:
        return None
    run_after = call.starts_at - datetime.timedelta(days=1)
    if run_after <= timezone.now():
        return None
    starts_at = call.starts_at.isoformat()
    transaction.on_commit(
        lambda: schedule(remind_meeting, run_after, call.pk, starts_at), robust=True
    )
    return run_after
