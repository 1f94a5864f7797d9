"""A member's own data: the download, leaving the board, and purging old meetings.

- :func:`export_data` gathers what the board holds of one member, one function per
  section (``SECTIONS``). Of other members it holds display names only: of the
  others in the member's conversations, of the members they accepted for their
  calls, and of the members they blocked. Never e-mail addresses, user names, user
  ids, other members' messages or the notes others wrote, nor the words of other
  members' calls (those appear by id and date only). Of the member's reports
  only what they wrote themselves; never whom or what they reported, nor what the
  moderators noted. Of warnings and suspensions only what the member was told.
- :func:`remove_board_presence` takes a member off the board; it also runs before
  a user account is deleted.
- :func:`purge_ended_meetings` removes what meetings that ended long ago leave
  behind (``manage.py meetings_purge``).
"""

import contextlib
import datetime
import json
import logging

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from . import rules
from .conf import app_settings
from .errors import RuleError
from .models import (
    Block,
    Call,
    CallStatus,
    CheckIn,
    Conversation,
    ConversationKind,
    ConversationMember,
    MemberProfile,
    Message,
    ModerationAction,
    ModerationActionKind,
    Notify,
    Registration,
    RegistrationStatus,
    Report,
    display_name_of,
)
from .models.calls import DURATION_CHOICES
from .notifications import site_name

logger = logging.getLogger("wagtail_meetings.privacy")

# Raised when the file's structure changes in a way a reader would notice.
EXPORT_FORMAT = 1
EXPORT_FILENAME = "my-meetings-data.json"


# --- The download -------------------------------------------------------------------


def profile_section(user):
    profile = MemberProfile.objects.select_related("home_place").filter(user=user).first()
    if profile is None:
        return None
    return {
        "display_name": profile.display_name,
        "role": profile.role,
        "home_town": profile.home_place.name if profile.home_place else None,
        "notify": profile.notify,
        "house_rules_accepted_at": profile.house_rules_accepted_at,
        "created_at": profile.created_at,
    }


def calls_section(user):
    """The member's calls as they wrote them; of the sign-ups only counts and the
    names of the accepted members (the notes are the registrants' own)."""
    calls = (
        Call.objects.filter(organiser=user)
        .select_related("place")
        .prefetch_related(
            "activities",
            Prefetch(
                "registrations",
                queryset=Registration.objects.select_related("member__meetings_profile"),
            ),
        )
        .order_by("created_at", "pk")
    )
    rows = []
    for call in calls:
        sign_ups = list(call.registrations.all())
        rows.append(
            {
                "id": call.pk,
                "title": call.title,
                "description": call.description,
                "activities": sorted(tag.name for tag in call.activities.all()),
                "audience": call.audience,
                "town": call.place.name,
                "venue_kind": call.venue_kind,
                "public_place_confirmed": call.public_place_confirmed,
                "meeting_point": call.meeting_point,
                "starts_at": call.starts_at,
                "duration_minutes": call.duration_minutes,
                "recognition": call.recognition,
                "step_free": call.step_free,
                "quiet_place": call.quiet_place,
                "accessibility_notes": call.accessibility_notes,
                "may_leave_early": call.may_leave_early,
                "capacity": call.capacity,
                "status": call.display_status,
                "hidden_by_moderator": call.hidden,
                "waiting_for_approval": call.awaiting_approval,
                "organised_again_from": call.repeat_of_id,
                "created_at": call.created_at,
                "updated_at": call.updated_at,
                "cancelled_at": call.cancelled_at,
                "sign_ups": {
                    status: sum(1 for r in sign_ups if r.status == status)
                    for status in RegistrationStatus.values
                },
                "participants": [
                    display_name_of(r.member)
                    for r in sign_ups
                    if r.status == RegistrationStatus.ACCEPTED
                ],
            }
        )
    return rows


def sign_ups_section(user):
    """The member's sign-ups and notes. The calls are other members' words, so of
    those only the id, the date and how the meeting stands."""
    registrations = (
        Registration.objects.filter(member=user).select_related("call").order_by("created_at", "pk")
    )
    return [
        {
            "call_id": registration.call_id,
            "starts_at": registration.call.starts_at,
            "call_status": registration.call.display_status,
            "status": registration.status,
            "note": registration.note,
            "created_at": registration.created_at,
            "updated_at": registration.updated_at,
        }
        for registration in registrations
    ]


def blocks_section(user):
    blocks = (
        Block.objects.filter(blocker=user)
        .select_related("blocked__meetings_profile")
        .order_by("created_at", "pk")
    )
    return [
        {"member": display_name_of(block.blocked), "created_at": block.created_at}
        for block in blocks
    ]


def _own_title(call, user):
    """A call's title where the member wrote it; another organiser's words stay theirs."""
    return call.title if call is not None and call.organiser_id == user.pk else None


def _companions(user):
    """``{conversation id: display names}`` of those who were in each of the member's
    conversations while they were, in one query: whoever joined after the member
    left is none of their business."""
    memberships = ConversationMember.objects.filter(member=user)
    own = {m.conversation_id: m for m in memberships}
    now = timezone.now()
    others = (
        ConversationMember.objects.filter(conversation_id__in=memberships.values("conversation_id"))
        .exclude(member=user)
        .select_related("member__meetings_profile")
        .order_by("pk")
    )
    names = {}
    for other in others:
        mine = own[other.conversation_id]
        if other.joined_at <= (mine.left_at or now) and (
            other.left_at is None or other.left_at >= mine.joined_at
        ):
            names.setdefault(other.conversation_id, []).append(display_name_of(other.member))
    return names


def conversations_section(user):
    memberships = (
        ConversationMember.objects.filter(member=user)
        .select_related("conversation__call")
        .order_by("conversation_id")
    )
    companions = _companions(user)
    return [
        {
            "id": membership.conversation_id,
            "kind": membership.conversation.kind,
            "call_id": membership.conversation.call_id,
            "meeting": _own_title(membership.conversation.call, user),
            "with": companions.get(membership.conversation_id, []),
            "joined_at": membership.joined_at,
            "left_at": membership.left_at,
            "archived_at": membership.archived_at,
        }
        for membership in memberships
    ]


def messages_section(user):
    """What the member wrote; the label is what their inbox calls the conversation."""
    sent = (
        Message.objects.filter(sender=user)
        .select_related("conversation__call")
        .order_by("created_at", "pk")
    )
    companions = _companions(user)
    return [
        {
            "conversation_id": message.conversation_id,
            "conversation": _own_title(message.conversation.call, user)
            or ", ".join(str(name) for name in companions.get(message.conversation_id, [])),
            "sent_at": message.created_at,
            "text": message.body,
        }
        for message in sent
    ]


def reports_section(user):
    """The member's own reports: what they chose and wrote, and whether it is still open.

    Nothing of the member or the call they reported (that is other members' data),
    and nothing of what the moderators noted or did.
    """
    reports = Report.objects.filter(reporter=user).order_by("created_at", "pk")
    return [
        {
            "kind": report.kind,
            "reason": report.reason,
            "details": report.details,
            "created_at": report.created_at,
            "status": report.status,
        }
        for report in reports
    ]


def check_ins_section(user):
    """The member's answers to "did it go well?" after a meeting."""
    check_ins = (
        CheckIn.objects.filter(member=user).select_related("call").order_by("created_at", "pk")
    )
    return [
        {
            "call_id": check_in.call_id,
            "meeting": _own_title(check_in.call, user),
            "starts_at": check_in.call.starts_at,
            "answer": check_in.answer,
            "created_at": check_in.created_at,
        }
        for check_in in check_ins
    ]


def moderation_notices_section(user):
    """The warnings and suspensions the member received, as the member read them.

    What the moderator wrote to the member, when, until when, and when the member
    read it. Not the moderators' own note, who acted, or the report behind it: those
    could tell who reported the member.
    """
    received = ModerationAction.objects.filter(
        member=user,
        action__in=[
            ModerationActionKind.WARN,
            ModerationActionKind.SUSPEND,
            ModerationActionKind.LIFT,
        ],
    ).order_by("created_at", "pk")
    return [
        {
            "action": action.action,
            "at": action.created_at,
            "message": action.notice,
            "suspended_until": action.until,
            "read_at": action.seen_at,
        }
        for action in received
    ]


# One entry per part of the file, in this order; a new kind of data adds a line here.
SECTIONS = [
    ("profile", profile_section),
    ("calls_organised", calls_section),
    ("sign_ups", sign_ups_section),
    ("blocks", blocks_section),
    ("conversations", conversations_section),
    ("messages_sent", messages_section),
    ("reports_made", reports_section),
    ("check_ins", check_ins_section),
    ("moderation_notices", moderation_notices_section),
]


def export_data(user):
    """Everything the board holds of ``user``, as a dict ready for JSON."""
    data = {"format": EXPORT_FORMAT, "generated_at": timezone.now(), "site": site_name()}
    for key, section in SECTIONS:
        data[key] = section(user)
    return data


def export_json(user):
    return json.dumps(export_data(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


# --- Leaving the board --------------------------------------------------------------


@transaction.atomic
def remove_board_presence(user):
    """Take ``user`` off the board, leaving other members' data as it is.

    Calls still ahead are cancelled and sign-ups still ahead withdrawn, through the
    rules, so that the others hear there is news (content-free, as always). Then the
    member's sign-ups, conversation places, blocks, check-ins and profile go. Reports
    the member made stay for the moderators, without reporter. Calls that others
    signed up for stay, without organiser ("former member"); calls nobody signed up
    for go. Sent messages stay for the others from "former member", or are deleted
    with ``WAGTAIL_MEETINGS_ERASE_MESSAGES``. Blocks that others made against the
    member stay: that was their choice. What a report points at (a call, a message)
    stays for the moderators, without the member's name. A suspension in force stays
    too, on an otherwise empty profile. Running it twice changes nothing more.
    """
    now = timezone.now()
    ahead = Call.objects.filter(organiser=user).exclude(status=CallStatus.CANCELLED).upcoming(now)
    for call in ahead:
        # A meeting that began in the meantime is no longer cancelled: it stays as it is.
        with contextlib.suppress(RuleError):
            rules.cancel(call)
    still_to_come = Q(call__starts_at__isnull=True) | Q(call__starts_at__gte=now)
    sign_ups = (
        Registration.objects.filter(still_to_come, member=user)
        .filter(status__in=[RegistrationStatus.PENDING, RegistrationStatus.ACCEPTED])
        .exclude(call__status=CallStatus.CANCELLED)
        .select_related("call")
    )
    for registration in sign_ups:
        with contextlib.suppress(RuleError):
            rules.withdraw(registration.call, user)
    Registration.objects.filter(member=user).delete()

    calls = Call.objects.filter(organiser=user)
    calls.exclude(Exists(Registration.objects.filter(call=OuterRef("pk")))).exclude(
        Exists(Report.objects.filter(call=OuterRef("pk")))
    ).delete()
    calls.update(organiser=None)

    sent = Message.objects.filter(sender=user)
    if app_settings.ERASE_MESSAGES:
        touched = list(sent.values_list("conversation_id", flat=True).distinct())
        # A reported message is the moderators' record: it stays, from "former member".
        reported = Exists(Report.objects.filter(message=OuterRef("pk")))
        sent.filter(reported).update(sender=None)
        sent.exclude(reported).delete()
        latest = Message.objects.filter(conversation=OuterRef("pk")).order_by("-created_at")
        Conversation.objects.filter(pk__in=touched).update(
            last_message_at=Subquery(latest.values("created_at")[:1])
        )
    else:
        sent.update(sender=None)

    conversation_ids = list(
        ConversationMember.objects.filter(member=user).values_list("conversation_id", flat=True)
    )
    # Nobody can answer a former member; should they come back, they start a new one.
    direct = Conversation.objects.filter(pk__in=conversation_ids, kind=ConversationKind.DIRECT)
    direct.filter(closed_at__isnull=True).update(closed_at=now)
    direct.update(pair_key=None)
    ConversationMember.objects.filter(member=user).delete()
    Conversation.objects.filter(pk__in=conversation_ids, memberships__isnull=True).delete()

    # A report is the moderators' record (and may be about a risk to others): it
    # stays, no longer linked to the member. Their "did it go well?" answers go.
    Report.objects.filter(reporter=user).update(reporter=None)
    CheckIn.objects.filter(member=user).delete()

    Block.objects.filter(blocker=user).delete()
    profile = MemberProfile.objects.filter(user=user).first()
    if profile is not None and profile.is_suspended:
        # Leaving is no way around a suspension: only the moderators' decision stays,
        # so that a member who comes back is still suspended until it ends.
        MemberProfile.objects.filter(pk=profile.pk).update(
            display_name="",
            role="",
            home_place=None,
            house_rules_accepted_at=None,
            notify=Notify.NEVER,
            digest_due_at=None,
            last_notified_at=None,
        )
    elif profile is not None:
        profile.delete()
    logger.info("Board presence removed (user id %s).", user.pk)


def remove_presence_of_deleted_user(sender, instance, **kwargs):
    """``pre_delete`` of the user model: the same clean-up before the account goes."""
    remove_board_presence(instance)


# --- Purging ended meetings ---------------------------------------------------------

PURGED = ["sign_ups", "conversations", "messages", "check_ins", "calls"]


def _ended_before(cutoff):
    """Meetings whose start plus expected duration (or just the start) is before ``cutoff``."""
    known = [minutes for minutes, _label in DURATION_CHOICES]
    ended = ~Q(duration_minutes__in=known) & Q(starts_at__lt=cutoff)
    for minutes in known:
        ended |= Q(
            duration_minutes=minutes, starts_at__lt=cutoff - datetime.timedelta(minutes=minutes)
        )
    return ended


def purgeable_calls(now=None):
    """Calls over for longer than ``RETENTION_DAYS`` that still hold something to purge.

    Over: the meeting ended, or it was cancelled, that long ago. A call whose date
    is still to be agreed is never over unless it was cancelled. A meeting that an
    open report is about waits until the moderators have closed it.
    """
    cutoff = (now or timezone.now()) - datetime.timedelta(days=app_settings.RETENTION_DAYS)
    cancelled = Q(status=CallStatus.CANCELLED) & (
        Q(cancelled_at__lt=cutoff) | Q(cancelled_at__isnull=True, updated_at__lt=cutoff)
    )
    ended = ~Q(status=CallStatus.CANCELLED) & _ended_before(cutoff)
    something_left = (
        Exists(Registration.objects.filter(call=OuterRef("pk")))
        | Exists(Conversation.objects.filter(call=OuterRef("pk")))
        | Exists(CheckIn.objects.filter(call=OuterRef("pk")))
        | Q(organiser__isnull=True)
    )
    under_review = Exists(
        Report.objects.open().filter(
            Q(call=OuterRef("pk")) | Q(message__conversation__call=OuterRef("pk"))
        )
    )
    return Call.objects.filter(cancelled | ended).filter(something_left).exclude(under_review)


def purge_ended_meetings(now=None, dry_run=False, batch_size=500):
    """Remove the sign-ups, conversations, messages and check-ins of meetings long over.

    The call itself stays for its organiser (to organise it again); a call whose
    organiser left the board goes too. Direct conversations are not touched.
    Returns ``{kind: how many}``; ``dry_run`` counts the same without removing.
    """
    calls = purgeable_calls(now)
    if dry_run:
        ids = calls.values("pk")
        return {
            "sign_ups": Registration.objects.filter(call__in=ids).count(),
            "conversations": Conversation.objects.filter(call__in=ids).count(),
            "messages": Message.objects.filter(conversation__call__in=ids).count(),
            "check_ins": CheckIn.objects.filter(call__in=ids).count(),
            "calls": calls.filter(organiser__isnull=True).count(),
        }
    counts = dict.fromkeys(PURGED, 0)
    last = 0
    while True:
        ids = list(
            calls.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return counts
        last = ids[-1]
        with transaction.atomic():
            counts["messages"] += Message.objects.filter(conversation__call_id__in=ids).delete()[0]
            _total, removed = Conversation.objects.filter(call_id__in=ids).delete()
            counts["conversations"] += removed.get(Conversation._meta.label, 0)
            counts["sign_ups"] += Registration.objects.filter(call_id__in=ids).delete()[0]
            counts["check_ins"] += CheckIn.objects.filter(call_id__in=ids).delete()[0]
            _total, removed = Call.objects.filter(pk__in=ids, organiser__isnull=True).delete()
            counts["calls"] += removed.get(Call._meta.label, 0)
