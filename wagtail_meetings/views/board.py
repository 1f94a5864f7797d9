"""Reading the board: the list of calls and a call's own page."""

from django.core.paginator import Paginator
from django.db.models import Prefetch

from ..conf import app_settings
from ..forms import SignUpForm
from ..messaging import visible_to
from ..models import Call, ConversationMember, Registration, RegistrationStatus
from ..rules import sign_up_refusal
from .common import call_for_member, page_url


def call_list(request, board):
    calls = visible_to(Call.objects.listed(), request.user).for_cards().soonest_first()
    page_obj = Paginator(calls, app_settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return board.render(
        request,
        template="wagtail_meetings/board.html",
        context_overrides={"page_obj": page_obj, "calls": page_obj.object_list},
    )


def conversation_url(request, board, call):
    """The meeting's conversation in the inbox, for those in it; else ``""``."""
    inbox = board.find_inbox()
    membership = ConversationMember.objects.filter(
        conversation__call=call, member=request.user, left_at__isnull=True
    ).first()
    if inbox is None or membership is None:
        return ""
    return page_url(request, inbox, "conversation", membership.conversation_id)


def call_detail(request, board, call_id, sign_up_form=None, status=200):
    user = request.user
    call = call_for_member(
        user,
        call_id,
        Call.objects.for_cards().prefetch_related(
            Prefetch(
                "registrations",
                queryset=Registration.objects.select_related("member__meetings_profile"),
            )
        ),
    )
    registrations = list(call.registrations.all())
    mine = next((r for r in registrations if r.member_id == user.pk), None)
    is_organiser = call.organiser_id == user.pk
    is_participant = mine is not None and mine.status == RegistrationStatus.ACCEPTED
    signed_up = mine is not None and mine.status in (
        RegistrationStatus.PENDING,
        RegistrationStatus.ACCEPTED,
    )
    refusal = None if is_organiser or signed_up else sign_up_refusal(call, user)
    if mine is not None and mine.status == RegistrationStatus.DECLINED:
        refusal = None
    context = {
        "call": call,
        "my_registration": mine,
        "is_organiser": is_organiser,
        # Guarantee 3: the meeting point and who is coming, only for those in it.
        "sees_details": is_organiser or is_participant,
        "participants": [r for r in registrations if r.status == RegistrationStatus.ACCEPTED],
        "registrations": registrations if is_organiser else [],
        "pending": [r for r in registrations if r.status == RegistrationStatus.PENDING],
        "places_left": max(call.capacity - call.accepted_count, 0),
        "sign_up_refusal": refusal,
        "can_sign_up": not is_organiser
        and not signed_up
        and refusal is None
        and (mine is None or mine.status == RegistrationStatus.WITHDRAWN),
        "sign_up_form": sign_up_form or SignUpForm(),
    }
    if context["sees_details"]:
        context["conversation_url"] = conversation_url(request, board, call)
    response = board.render(
        request, template="wagtail_meetings/call_detail.html", context_overrides=context
    )
    response.status_code = status
    return response
