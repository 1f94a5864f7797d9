"""The member's own pages: my meetings, the welcome step and the profile."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import F, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import messaging
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
from .common import page_url, profile_of, safe_next

EARLIER_SHOWN = 20
LATEST_MESSAGES = 3


def my_meetings(request, board):
    user = request.user
    now = timezone.now()
    mine = Call.objects.filter(organiser=user)
    coming = mine.upcoming(now).exclude(status=CallStatus.CANCELLED)
    sign_ups = (
        Registration.objects.filter(member=user, call__hidden=False)
        .exclude(status=RegistrationStatus.WITHDRAWN)
        .select_related("call__place")
    )
    ahead = Q(call__starts_at__isnull=True) | Q(call__starts_at__gte=now)
    latest = Prefetch(
        "call__conversation__messages",
        queryset=Message.objects.select_related("sender__meetings_profile").order_by(
            "-created_at", "-pk"
        )[:LATEST_MESSAGES],
        to_attr="latest_messages",
    )
    coming_to = Prefetch(
        "call__registrations",
        queryset=Registration.objects.filter(status=RegistrationStatus.ACCEPTED).select_related(
            "member__meetings_profile"
        ),
        to_attr="participants",
    )
    context = {
        "my_calls": coming.for_cards()
        .select_related("conversation")
        .prefetch_related(
            Prefetch(
                "registrations",
                queryset=Registration.objects.exclude(
                    status=RegistrationStatus.WITHDRAWN
                ).select_related("member__meetings_profile"),
            ),
            Prefetch(
                "conversation__messages",
                queryset=Message.objects.select_related("sender__meetings_profile").order_by(
                    "-created_at", "-pk"
                )[:LATEST_MESSAGES],
                to_attr="latest_messages",
            ),
        )
        .soonest_first(),
        "my_sign_ups": sign_ups.filter(ahead)
        .select_related("call__conversation", "call__organiser__meetings_profile")
        .prefetch_related(latest, coming_to)
        .order_by(F("call__starts_at").asc(nulls_last=True), "pk"),
        "earlier_calls": mine.exclude(pk__in=coming.values("pk"))
        .select_related("place")
        .order_by("-created_at")[:EARLIER_SHOWN],
        "earlier_sign_ups": sign_ups.exclude(ahead).order_by("-call__starts_at")[:EARLIER_SHOWN],
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
    if profile is None:
        return redirect(safe_next(request, board, "welcome"))
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect(safe_next(request, board, "profile"))
    blocks = Block.objects.filter(blocker=request.user).select_related("blocked__meetings_profile")
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
