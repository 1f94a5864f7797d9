"""Reports and moderation, in one place: what members report and what moderators do.

The member views (the report form, the check-in) and the admin's report page
call these functions. Every moderator action is logged as a
:class:`~wagtail_meetings.models.ModerationAction` on its report. Members who
are affected hear about it through the usual content-free e-mail; the member
who was reported is never told who reported them.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from . import ratelimit
from .errors import RateLimited, RuleError
from .models import (
    Call,
    CallStatus,
    CheckIn,
    CheckInAnswer,
    Conversation,
    MemberProfile,
    Message,
    ModerationAction,
    ModerationActionKind,
    Registration,
    RegistrationStatus,
    Report,
    ReportKind,
    ReportStatus,
)
from .notifications import notify_later

Act = ModerationActionKind

# How long after a meeting "did it go well?" is asked on "my meetings".
CHECK_IN_DAYS = 30


# Suspension -----------------------------------------------------------------


def suspension_of(user):
    """The member's profile if they are suspended now, else ``None``."""
    if user is None or not user.is_authenticated:
        return None
    profile = MemberProfile.objects.filter(user_id=user.pk).first()
    return profile if profile is not None and profile.is_suspended else None


def suspension_message(profile):
    if profile.suspended_for_good:
        return _(
            "Your account is suspended, so you cannot post calls, sign up or send "
            "messages. You can still read your meetings and messages."
        )
    until = formats.date_format(timezone.localtime(profile.suspended_until), "j F Y, H:i")
    return _(
        "Your account is suspended until %(until)s, so until then you cannot post calls, "
        "sign up or send messages. You can still read your meetings and messages."
    ) % {"until": until}


def suspension_refusal(user):
    """Why ``user`` may not post, sign up or write now, or ``None`` if they may."""
    profile = suspension_of(user)
    return suspension_message(profile) if profile is not None else None


def refuse_if_suspended(user):
    refusal = suspension_refusal(user)
    if refusal:
        raise RuleError(refusal)


# What members do --------------------------------------------------------------


@transaction.atomic
def make_report(reporter, *, kind, reason, details="", call=None, message=None, member=None):
    """Store a member's report for the moderators; a double click stores it once.

    The views decide what the member may report (what they can see); this
    records it, counts it against the rate limit, and for a meeting marks the
    after-meeting question as answered.
    """
    # One report at a time per member, so that a double click cannot store two.
    get_user_model().objects.select_for_update().filter(pk=reporter.pk).first()
    target = {"call": call, "message": message, "reported_member": member}
    same = Report.objects.filter(
        reporter=reporter,
        kind=kind,
        status=ReportStatus.OPEN,
        reason=reason,
        details=details,
        **target,
    ).first()
    if same is not None:
        return same
    if not ratelimit.allow(reporter, "report"):
        raise RateLimited(
            _(
                "You have sent many reports today. Please try again tomorrow, or contact "
                "the association directly."
            )
        )
    made = Report.objects.create(
        reporter=reporter, kind=kind, reason=reason, details=details, **target
    )
    if kind == ReportKind.MEETING and call is not None:
        made.meeting_members.set(who_took_part(call))
        CheckIn.objects.update_or_create(
            member=reporter, call=call, defaults={"answer": CheckInAnswer.REPORTED}
        )
    return made


def who_took_part(call):
    """The organiser and the accepted members of ``call``: the people a report about the
    meeting is about."""
    accepted = call.registrations.filter(status=RegistrationStatus.ACCEPTED)
    ids = [call.organiser_id, *accepted.values_list("member_id", flat=True)]
    return [pk for pk in ids if pk is not None]


def meetings_taken_part_in(user):
    """Calls ``user`` organised with someone accepted, or was accepted for."""
    accepted = Registration.objects.filter(status=RegistrationStatus.ACCEPTED).order_by()
    # A union of two indexed look-ups: an OR of the two would read every call.
    organised = accepted.filter(call__organiser=user).values("call")
    joined = accepted.filter(member=user).values("call")
    return Call.objects.filter(pk__in=organised.union(joined)).exclude(status=CallStatus.CANCELLED)


def meetings_to_check_in(user, now=None):
    """Meetings of the last weeks that ``user`` was in and has not answered about."""
    now = now or timezone.now()
    return (
        meetings_taken_part_in(user)
        .filter(
            hidden=False,
            starts_at__lt=now,
            starts_at__gte=now - datetime.timedelta(days=CHECK_IN_DAYS),
        )
        .exclude(check_ins__member=user)
        .select_related("place")
        .order_by("-starts_at", "-pk")
    )


def check_in_fine(member, call):
    """ "It went fine": stored once, a second click changes nothing."""
    check_in, _created = CheckIn.objects.get_or_create(
        member=member, call=call, defaults={"answer": CheckInAnswer.FINE}
    )
    return check_in


def notices_for(user):
    """The warnings a member has not yet marked as read."""
    return ModerationAction.objects.filter(
        member=user, action=Act.WARN, seen_at__isnull=True
    ).order_by("created_at", "pk")


def mark_notice_read(user, notice_id):
    ModerationAction.objects.filter(
        pk=notice_id, member=user, action=Act.WARN, seen_at__isnull=True
    ).update(seen_at=timezone.now())


def latest_suspension_notice(user):
    """What the moderator wrote to the member with their latest suspension."""
    action = (
        ModerationAction.objects.filter(member=user, action=Act.SUSPEND)
        .order_by("-created_at", "-pk")
        .first()
    )
    return action.notice if action is not None else ""


# What moderators do -----------------------------------------------------------


def _log(report, action, moderator, **fields):
    return ModerationAction.objects.create(
        report=report, action=action, moderator=moderator, **fields
    )


def _close(report):
    if report.status != ReportStatus.CLOSED:
        report.status = ReportStatus.CLOSED
        report.closed_at = timezone.now()
        report.save(update_fields=["status", "closed_at"])


def _locked(report):
    return Report.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def hide_calls(calls):
    """Hide calls outside a report (an editor ticking "hidden"), with the same effects."""
    return _hide(calls)


def _hide(calls):
    """Hide calls from the board; the members signed up for those still ahead are told."""
    now = timezone.now()
    calls = list(calls.select_for_update())
    if not calls:
        return []
    Call.objects.filter(pk__in=[c.pk for c in calls]).update(hidden=True, updated_at=now)
    # A meeting that is off the board has nothing left to agree on.
    Conversation.objects.filter(call__in=calls, closed_at__isnull=True).update(closed_at=now)
    ahead = [c.pk for c in calls if c.status != CallStatus.CANCELLED and not c.is_past]
    notify_later(
        Registration.objects.filter(
            call_id__in=ahead,
            status__in=[RegistrationStatus.PENDING, RegistrationStatus.ACCEPTED],
        ).values_list("member_id", flat=True),
        kind="notice",
    )
    return calls


@transaction.atomic
def dismiss(report, *, moderator, note=""):
    """Nothing needs doing: close the report."""
    report = _locked(report)
    _close(report)
    return _log(report, Act.DISMISS, moderator, note=note)


@transaction.atomic
def hide_call(report, *, moderator, note="", close=True):
    """Hide the reported call; its organiser keeps seeing it, marked as hidden."""
    report = _locked(report)
    if report.call_id is None:
        raise RuleError(_("This report is not about a call."))
    _hide(Call.objects.filter(pk=report.call_id, hidden=False))
    if close:
        _close(report)
    return _log(report, Act.HIDE_CALL, moderator, member_id=report.reported_member_id, note=note)


@transaction.atomic
def remove_message(report, *, moderator, note="", close=True):
    """Remove the reported message: its text is blanked for good, the thread says so."""
    report = _locked(report)
    if report.message_id is None:
        raise RuleError(_("This report is not about a message."))
    Message.objects.filter(pk=report.message_id, removed_at__isnull=True).update(
        body="", removed_at=timezone.now(), removed_by=moderator
    )
    if close:
        _close(report)
    return _log(
        report, Act.REMOVE_MESSAGE, moderator, member_id=report.reported_member_id, note=note
    )


@transaction.atomic
def warn(report, member, *, moderator, note="", notice="", close=True):
    """Warn a member: a notice on the board and a content-free e-mail."""
    report = _locked(report)
    if close:
        _close(report)
    action = _log(report, Act.WARN, moderator, member=member, note=note, notice=notice)
    notify_later([member.pk], kind="notice")
    return action


@transaction.atomic
def suspend(member, *, until=None, note="", moderator, report, notice="", close=True):
    """Suspend ``member`` until ``until``, or for good when ``until`` is ``None``.

    Their calls still ahead are hidden (for good: lifting the suspension does not
    bring them back) and the members signed up for them are told. The suspended
    member can still log in and read their meetings and messages.
    """
    if until is not None and until <= timezone.now():
        raise RuleError(_("Choose a moment in the future."))
    report = _locked(report)
    profile, _created = MemberProfile.objects.select_for_update().get_or_create(
        user=member, defaults={"display_name": "", "role": ""}
    )
    profile.suspended_until = until
    profile.suspended_for_good = until is None
    profile.save(update_fields=["suspended_until", "suspended_for_good"])
    _hide(
        Call.objects.filter(organiser=member, hidden=False)
        .upcoming()
        .exclude(status=CallStatus.CANCELLED)
    )
    if close:
        _close(report)
    action = _log(
        report, Act.SUSPEND, moderator, member=member, note=note, notice=notice, until=until
    )
    notify_later([member.pk], kind="notice")
    return action


@transaction.atomic
def lift_suspension(member, *, moderator, note="", report):
    """End a suspension before its time; hidden calls stay hidden."""
    report = _locked(report)
    MemberProfile.objects.filter(user=member).update(suspended_until=None, suspended_for_good=False)
    return _log(report, Act.LIFT, moderator, member=member, note=note)
