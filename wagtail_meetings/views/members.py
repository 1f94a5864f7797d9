"""The member's own pages: my meetings, the welcome step and the profile."""

from django.contrib import messages
from django.db.models import F, Prefetch, Q
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..forms import ProfileForm, WelcomeForm
from ..models import Call, CallStatus, MemberProfile, Registration, RegistrationStatus
from .common import profile_of, safe_next

EARLIER_SHOWN = 20


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
    context = {
        "my_calls": coming.for_cards()
        .prefetch_related(
            Prefetch(
                "registrations",
                queryset=Registration.objects.exclude(
                    status=RegistrationStatus.WITHDRAWN
                ).select_related("member__meetings_profile"),
            )
        )
        .soonest_first(),
        "my_sign_ups": sign_ups.filter(ahead).order_by(
            F("call__starts_at").asc(nulls_last=True), "pk"
        ),
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
    return board.render(
        request, template="wagtail_meetings/profile.html", context_overrides={"form": form}
    )
