"""The member's own pages: my meetings, the welcome step and the profile."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import F, Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import messaging, moderation
from ..forms import ProfileForm, WelcomeForm
from ..models import (
    Block,
    Call,
    CallStatus,
    MemberProfile,
    Message,
    Registration,
    RegistrationStatus,
    display_name_of,
)
from ..reveal import meeting_point_access
from .common import page_url, profile_of, safe_next, suggest_towns

# Earlier meetings: the latest few, or with ``?earlier=all`` up to EARLIER_ALL of each.
EARLIER_SHOWN = 5
EARLIER_ALL = 100
LATEST_MESSAGES = 3


def _account_fields(path):
    """The user model's own fields at ``path``, but its key: whatever the site's user
    model holds, none of it shows on "my meetings" (a member's name is on the profile)."""
    fields = get_user_model()._meta.concrete_fields
    return [f"{path}__{field.name}" for field in fields if not field.primary_key]


def _named(registrations):
    """Sign-ups with just what showing them and their member's name needs."""
    return registrations.select_related("member__meetings_profile").only(
        "id",
        "call_id",
        "member_id",
        "status",
        "member__id",
        "member__meetings_profile__id",
        "member__meetings_profile__user_id",
        "member__meetings_profile__display_name",
    )


def _latest_messages(user):
    """The last few messages of each meeting's conversation that ``user`` may see.

    As in the conversation itself, what members on the other side of a block wrote
    stays out of sight (guarantee 5).
    """
    return Prefetch(
        "messages",
        queryset=messaging.visible_to(Message.objects.all(), user, "sender")
        .select_related("sender__meetings_profile")
        .only(
            "id",
            "conversation_id",
            "sender_id",
            "body",
            "created_at",
            "removed_at",
            "sender__id",
            "sender__meetings_profile__id",
            "sender__meetings_profile__user_id",
            "sender__meetings_profile__display_name",
        )
        .order_by("-created_at", "-pk")[:LATEST_MESSAGES],
        to_attr="latest_messages",
    )


def _with_people_and_messages(user, own_calls, other_calls):
    """Give every call shown its people and its conversation's latest messages.

    One query for the sign-ups and one for the messages of all the calls together,
    whichever list they are in. The member's own calls get ``call.sign_ups`` (all but
    withdrawn) and ``call.pending_count``; every call gets ``call.participants``
    (accepted) and ``call.conversation.latest_messages``. Of other members' calls only
    the accepted sign-ups are read: the rest is the organiser's business.
    """
    calls = own_calls + other_calls
    by_call = {}
    sign_ups = _named(
        Registration.objects.filter(
            Q(call__in=[call.pk for call in own_calls])
            | Q(call__in=[call.pk for call in other_calls], status=RegistrationStatus.ACCEPTED)
        ).exclude(status=RegistrationStatus.WITHDRAWN)
    ).order_by("created_at", "pk")
    for registration in sign_ups:
        by_call.setdefault(registration.call_id, []).append(registration)
    for call in calls:
        call.sign_ups = by_call.get(call.pk, [])
        call.participants = [r for r in call.sign_ups if r.status == RegistrationStatus.ACCEPTED]
        call.pending_count = sum(r.status == RegistrationStatus.PENDING for r in call.sign_ups)
    # A reverse one-to-one that is missing raises an AttributeError: no conversation yet.
    conversations = [c for c in (getattr(call, "conversation", None) for call in calls) if c]
    prefetch_related_objects(conversations, _latest_messages(user))


def my_meetings(request, board):
    user = request.user
    now = timezone.now()
    mine = Call.objects.filter(organiser=user)
    coming = mine.upcoming(now).exclude(status=CallStatus.CANCELLED)
    # Only what the list shows: no activities or organiser (it is the member); the
    # sign-ups come with the others' below, so no counts are needed.
    my_calls = list(coming.select_related("place", "conversation").soonest_first())
    # Sign-ups for calls a moderator hid stay listed, saying that the meeting is off
    # the board, so that the members who were told about it find out what changed.
    sign_ups = (
        Registration.objects.filter(member=user)
        .exclude(status=RegistrationStatus.WITHDRAWN)
        .select_related("call__place")
    )
    ahead = Q(call__starts_at__isnull=True) | Q(call__starts_at__gte=now)
    coming_sign_ups = list(
        sign_ups.filter(ahead)
        .select_related("call__conversation", "call__organiser__meetings_profile")
        # Of the organiser only the name shows (on the profile); of the call not its
        # description.
        .defer("call__description", *_account_fields("call__organiser"))
        .order_by(F("call__starts_at").asc(nulls_last=True), "pk")
    )
    # Who is coming and what they wrote only for the meetings the member is in.
    meetings_in = [
        registration.call
        for registration in coming_sign_ups
        if registration.status == RegistrationStatus.ACCEPTED
        and not registration.call.hidden
        and registration.call.status != CallStatus.CANCELLED
    ]
    _with_people_and_messages(user, my_calls, meetings_in)
    for registration in coming_sign_ups:
        registration.meeting_point_access = meeting_point_access(
            registration.call,
            board,
            is_organiser=False,
            is_participant=registration.status == RegistrationStatus.ACCEPTED,
            now=now,
        )
    shown = EARLIER_ALL if request.GET.get("earlier") == "all" else EARLIER_SHOWN
    # One more than shown tells whether there are more, without counting them.
    earlier_calls = list(
        mine.filter(Q(starts_at__lt=now) | Q(status=CallStatus.CANCELLED))
        .select_related("place")
        .order_by("-created_at")[: shown + 1]
    )
    earlier_sign_ups = list(sign_ups.exclude(ahead).order_by("-call__starts_at")[: shown + 1])
    context = {
        "my_calls": my_calls,
        "my_sign_ups": coming_sign_ups,
        "earlier_calls": earlier_calls[:shown],
        "earlier_sign_ups": earlier_sign_ups[:shown],
        "more_earlier": shown == EARLIER_SHOWN
        and (len(earlier_calls) > shown or len(earlier_sign_ups) > shown),
        "check_ins": list(moderation.meetings_to_check_in(user, now)),
    }
    return board.render(
        request, template="wagtail_meetings/my_meetings.html", context_overrides=context
    )


@require_http_methods(["GET", "POST"])
def welcome(request, board):
    profile = profile_of(request) or MemberProfile(user=request.user)
    if profile.pk is None and request.method == "GET":
        profile.display_name = request.user.first_name
    form = WelcomeForm(request.POST or None, instance=profile)
    if profile.is_suspended and profile.display_name:
        # As on the profile: their name stays on what they wrote while suspended.
        form.fields["display_name"].disabled = True
    if request.method == "POST" and form.is_valid():
        profile = form.save(commit=False)
        profile.house_rules_accepted_at = profile.house_rules_accepted_at or timezone.now()
        profile.save()
        messages.success(request, _("Welcome! You can now post calls and sign up."))
        return redirect(safe_next(request, board))
    return board.render(
        request,
        template="wagtail_meetings/welcome.html",
        context_overrides={"form": form, "next": safe_next(request, board)},
    )


@require_http_methods(["GET", "POST"])
def profile(request, board):
    profile = profile_of(request)
    if profile is None or not profile.has_accepted_house_rules:
        return redirect(safe_next(request, board, "welcome"))
    form = ProfileForm(request.POST or None, instance=profile)
    if profile.is_suspended:
        # Their name stays on what they wrote; it does not change while suspended.
        form.fields["display_name"].disabled = True
        form.fields["display_name"].help_text = _(
            "You cannot change your name while your account is suspended."
        )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect(safe_next(request, board, "profile"))
    blocks = Block.objects.filter(blocker=request.user).select_related("blocked__meetings_profile")
    suggest_towns(request, board, form)
    return board.render(
        request,
        template="wagtail_meetings/profile.html",
        context_overrides={"form": form, "blocks": blocks},
    )


def _other_member(request, member_id):
    other = (
        get_user_model()
        .objects.filter(pk=member_id, meetings_profile__isnull=False)
        .exclude(pk=request.user.pk)
        .select_related("meetings_profile")
        .first()
    )
    if other is None:
        raise Http404
    return other


@require_http_methods(["GET", "POST"])
def block(request, board, member_id):
    """GET asks for confirmation; the POST blocks, silently for the other member."""
    other = _other_member(request, member_id)
    if request.method == "POST":
        messaging.block(request.user, other)
        messages.success(
            request,
            _("You have blocked %(name)s. You can undo this on your profile.")
            % {"name": display_name_of(other)},
        )
        return redirect(page_url(request, board, "list"))
    return board.render(
        request,
        template="wagtail_meetings/block_confirm.html",
        context_overrides={"other": other},
    )


@require_POST
def unblock(request, board, member_id):
    other = _other_member(request, member_id)
    messaging.unblock(request.user, other)
    messages.success(request, _("You have unblocked %(name)s.") % {"name": display_name_of(other)})
    return redirect(page_url(request, board, "profile"))
