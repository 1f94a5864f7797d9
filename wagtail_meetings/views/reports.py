"""Telling the moderators: reporting a call, a member, a message or a meeting, and
the "did it go well?" question after a meeting.

A member reports only what they can see; anything else is a 404. The reported
member is never told who reported them.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from .. import messaging, moderation
from ..errors import RuleError
from ..forms import ReportForm
from ..models import Call, ConversationKind, Message, ReportKind
from .common import call_for_member, page_url, safe_next
from .inbox import _membership

THANKS = {
    ReportKind.CALL: gettext_lazy(
        "Thank you for telling us. The moderators will look at the call. "
        "The organiser is not told who reported it."
    ),
    ReportKind.MESSAGE: gettext_lazy(
        "Thank you for telling us. The moderators will look at the message. "
        "The sender is not told who reported it."
    ),
    ReportKind.MEMBER: gettext_lazy(
        "Thank you for telling us. The moderators will look into it. "
        "The member is not told who reported them."
    ),
    ReportKind.MEETING: gettext_lazy(
        "Thank you for telling us. The moderators will look into it. "
        "Nobody from the meeting is told who reported it."
    ),
}


def _report(request, page, *, kind, back, call=None, message=None, member=None, **context):
    """The report form: GET shows it, a valid POST stores the report and goes back."""
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            moderation.make_report(
                request.user,
                kind=kind,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
                call=call,
                message=message,
                member=member,
            )
        except RuleError as error:
            # A rate limit answers 429; what the member wrote stays in the form.
            form.add_error(None, error.message)
            status = getattr(error, "status", 200)
        else:
            messages.success(request, str(THANKS[kind]))
            return redirect(back)
    response = page.render(
        request,
        template="wagtail_meetings/report_form.html",
        context_overrides={
            "form": form,
            "report_kind": kind,
            "reported_call": call,
            "reported_message": message,
            "reported_member": member,
            "back": back,
            **context,
        },
    )
    response.status_code = status
    return response


@require_http_methods(["GET", "POST"])
def report_call(request, board, call_id):
    call = call_for_member(
        request.user, call_id, Call.objects.select_related("organiser__meetings_profile")
    )
    if call.organiser_id == request.user.pk:
        raise Http404
    return _report(
        request,
        board,
        kind=ReportKind.CALL,
        back=page_url(request, board, "call", call.pk),
        call=call,
        member=call.organiser,
    )


@require_http_methods(["GET", "POST"])
def report_member(request, board, member_id):
    member = (
        get_user_model()
        .objects.filter(pk=member_id, meetings_profile__isnull=False)
        .exclude(pk=request.user.pk)
        .select_related("meetings_profile")
        .first()
    )
    if member is None:
        raise Http404
    back = safe_next(request, board)
    return _report(request, board, kind=ReportKind.MEMBER, back=back, member=member, next=back)


def _meeting_of(request, call_id):
    """A meeting that has taken place and that the member was in; else 404."""
    call = (
        moderation.meetings_taken_part_in(request.user)
        .filter(pk=call_id, starts_at__lt=timezone.now())
        .select_related("place")
        .first()
    )
    if call is None:
        raise Http404
    return call


@require_http_methods(["GET", "POST"])
def report_meeting(request, board, call_id):
    call = _meeting_of(request, call_id)
    return _report(
        request,
        board,
        kind=ReportKind.MEETING,
        back=page_url(request, board, "mine"),
        call=call,
    )


@require_POST
def check_in(request, board, call_id):
    """ "It went fine", with one click; a second click changes nothing."""
    call = _meeting_of(request, call_id)
    moderation.check_in_fine(request.user, call)
    messages.success(request, _("Thank you. Good to hear it went well."))
    return redirect(page_url(request, board, "mine"))


@require_POST
def notice_read(request, board, notice_id):
    moderation.mark_notice_read(request.user, notice_id)
    return redirect(safe_next(request, board, "mine"))


@require_http_methods(["GET", "POST"])
def report_message(request, inbox, conversation_id, message_id):
    """Report a message of someone else that the member can read in the conversation."""
    membership = _membership(request, conversation_id)
    conversation = membership.conversation
    shown = Message.objects.filter(conversation=conversation, removed_at__isnull=True).exclude(
        sender=request.user
    )
    if conversation.kind == ConversationKind.CALL:
        shown = messaging.visible_to(shown, request.user, "sender")
    message = shown.filter(pk=message_id).select_related("sender__meetings_profile").first()
    if message is None:
        raise Http404
    back = page_url(request, inbox, "conversation", conversation.pk) + f"#message-{message.pk}"
    return _report(
        request,
        inbox,
        kind=ReportKind.MESSAGE,
        back=back,
        message=message,
        member=message.sender,
        conversation=conversation,
    )
