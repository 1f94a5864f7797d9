"""Reading the board: the list of calls and a call's own page."""

from django.db.models import Prefetch
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from ..conf import app_settings
from ..filters import BoardSearch
from ..forms import SignUpForm
from ..messaging import visible_to
from ..models import Approval, Call, ConversationMember, Place, Registration, RegistrationStatus
from ..paging import CountingPaginator
from ..reveal import meeting_point_access
from ..rules import sign_up_refusal
from .common import call_for_member, page_url, profile_of, suggest_towns


@require_GET
def call_list(request, board):
    search = BoardSearch.from_query(request.GET, board=board, profile=profile_of(request))
    suggest_towns(request, board, search.form)
    calls = search.apply(visible_to(Call.objects.listed(), request.user).for_cards())
    page_obj = CountingPaginator(calls, app_settings.PAGE_SIZE).get_page(request.GET.get("page"))
    # The member's own calls that wait for a moderator, shown apart from the list. Without
    # pre-approval no new call waits (one left from before shows on "my meetings").
    waiting = []
    if board.approval != Approval.NONE:
        waiting = Call.objects.waiting_for(request.user).for_cards().soonest_first()
    return board.render(
        request,
        template="wagtail_meetings/board.html",
        context_overrides={
            "search": search,
            "filters": search.form,
            "page_obj": page_obj,
            "calls": page_obj.object_list,
            "waiting_calls": waiting,
        },
    )


@require_GET
def town_suggestions(request, board):
    """Towns for the town fields' suggestion list; an enhancement, the server matches anyway."""
    towns = Place.objects.suggestions(request.GET.get("q", ""))
    return JsonResponse({"towns": [town.label for town in towns]})


def conversation_url(request, board, call):
    """The meeting's conversation in the inbox, for those in it; else ``""``."""
    inbox = getattr(request, "_meetings_inbox", None) or board.find_inbox()
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
        # Guarantee 3: the meeting point and who is coming, only for those in it;
        # the meeting point perhaps only from some hours before the meeting.
        "sees_details": is_organiser or is_participant,
        "meeting_point_access": meeting_point_access(
            call, board, is_organiser=is_organiser, is_participant=is_participant
        ),
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
