"""The inbox: conversations, one conversation, writing to a member."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import messaging, moderation
from ..errors import RuleError
from ..forms import MessageForm
from ..models import ConversationKind, ConversationMember, Message
from .common import page_url

CONVERSATIONS_PER_PAGE = 20
MESSAGES_SHOWN = 50


def _membership(request, conversation_id, include_left=False):
    """The member's place in a conversation; anyone else gets 404, the staff included.

    Who left (withdrew, was declined, or left on their own) no longer reads along;
    ``include_left`` is for "leave" only, so that a double click does no harm.
    """
    membership = (
        ConversationMember.objects.select_related("conversation__call__place")
        .filter(conversation_id=conversation_id, member=request.user)
        .first()
    )
    if membership is None or (membership.left_at is not None and not include_left):
        raise Http404
    return membership


def conversation_list(request, inbox, archived=False):
    memberships = (
        ConversationMember.objects.filter(
            member=request.user, left_at__isnull=True, archived_at__isnull=not archived
        )
        .select_related("conversation__call")
        .with_unread(request.user)
        .order_by(F("conversation__last_message_at").desc(nulls_last=True), "-pk")
    )
    page_obj = Paginator(memberships, CONVERSATIONS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page_obj.object_list)
    _attach_other_members(rows, request.user)
    return inbox.render(
        request,
        template="wagtail_meetings/inbox/conversations.html",
        context_overrides={"page_obj": page_obj, "memberships": rows, "archived": archived},
    )


def _attach_other_members(memberships, user):
    """Give each row the names of the others in it, in one query for the page."""
    ids = [m.conversation_id for m in memberships]
    others = {}
    for row in (
        ConversationMember.objects.filter(conversation_id__in=ids, left_at__isnull=True)
        .exclude(member=user)
        .select_related("member__meetings_profile")
    ):
        others.setdefault(row.conversation_id, []).append(row.member)
    for membership in memberships:
        membership.others = others.get(membership.conversation_id, [])


def _earlier_page(request):
    """How many pages of messages back the member looks; anything odd is the latest."""
    try:
        return max(int(request.GET.get("earlier", 0)), 0)
    except ValueError:
        return 0


def conversation(request, inbox, conversation_id, form=None, status=200):
    membership = _membership(request, conversation_id)
    thread = membership.conversation
    # A meeting's conversation may hold someone on the other side of a block:
    # their messages stay out of sight (guarantee 5). A direct conversation is
    # closed by the block instead, and keeps what was said before it.
    shown_messages = Message.objects.filter(conversation=thread)
    if thread.kind == ConversationKind.CALL:
        shown_messages = messaging.visible_to(shown_messages, request.user, "sender")
    # The latest messages first; "earlier messages" pages back through the rest.
    earlier = _earlier_page(request)
    start = earlier * MESSAGES_SHOWN
    recent = list(
        shown_messages.select_related("sender__meetings_profile").order_by("-created_at", "-pk")[
            start : start + MESSAGES_SHOWN + 1
        ]
    )
    shown = list(reversed(recent[:MESSAGES_SHOWN]))
    new_since = membership.last_read_at or membership.joined_at
    messaging.mark_read(membership)
    others = list(
        ConversationMember.objects.filter(conversation=thread, left_at__isnull=True)
        .exclude(member=request.user)
        .select_related("member__meetings_profile")
    )
    response = inbox.render(
        request,
        template="wagtail_meetings/inbox/conversation.html",
        context_overrides={
            "membership": membership,
            "conversation": thread,
            "thread_messages": shown,
            "earlier_page": earlier + 1 if len(recent) > MESSAGES_SHOWN else None,
            "later_page": earlier - 1 if earlier else None,
            "new_since": new_since,
            "others": [row.member for row in others],
            "write_refusal": messaging.write_refusal(thread, request.user, membership),
            "form": form or MessageForm(),
        },
    )
    response.status_code = status
    return response


@require_POST
def reply(request, inbox, conversation_id):
    membership = _membership(request, conversation_id)
    form = MessageForm(request.POST)
    if not form.is_valid():
        return conversation(request, inbox, conversation_id, form=form)
    try:
        messaging.send(membership.conversation, request.user, form.cleaned_data["body"])
    except RuleError as error:
        form.add_error(None, error.message)
        status = getattr(error, "status", 200)
        return conversation(request, inbox, conversation_id, form=form, status=status)
    return redirect(page_url(request, inbox, "conversation", conversation_id) + "#latest")


@require_POST
def archive(request, inbox, conversation_id, archived):
    membership = _membership(request, conversation_id)
    messaging.set_archived(membership, archived)
    if archived:
        messages.success(request, _("The conversation is archived."))
        return redirect(page_url(request, inbox, "inbox"))
    messages.success(request, _("The conversation is back in your inbox."))
    return redirect(page_url(request, inbox, "conversation", conversation_id))


@require_POST
def leave(request, inbox, conversation_id):
    membership = _membership(request, conversation_id, include_left=True)
    try:
        messaging.leave(membership)
    except RuleError as error:
        messages.error(request, error.message)
        return redirect(page_url(request, inbox, "conversation", conversation_id))
    messages.success(request, _("You have left the conversation."))
    return redirect(page_url(request, inbox, "inbox"))


@require_http_methods(["GET", "POST"])
def write(request, inbox, member_id):
    """Write to a member: opens the pair's conversation, or starts it."""
    recipient = (
        get_user_model()
        .objects.filter(pk=member_id, is_active=True, meetings_profile__isnull=False)
        .select_related("meetings_profile")
        .first()
    )
    # Members who blocked each other do not find each other: 404, as for anyone unknown.
    if (
        recipient is None
        or recipient.pk == request.user.pk
        or messaging.is_blocked(request.user, recipient)
    ):
        raise Http404
    refusal = moderation.suspension_refusal(request.user)
    form = MessageForm(request.POST or None)
    status = 200
    if refusal and request.method == "POST":
        messages.error(request, refusal)
    elif request.method == "POST" and form.is_valid():
        try:
            thread, _message = messaging.start_direct(
                request.user, recipient, form.cleaned_data["body"]
            )
        except RuleError as error:
            form.add_error(None, error.message)
            status = getattr(error, "status", 200)
        else:
            messages.success(request, _("Your message is sent."))
            return redirect(page_url(request, inbox, "conversation", thread.pk) + "#latest")
    response = inbox.render(
        request,
        template="wagtail_meetings/inbox/write.html",
        context_overrides={"recipient": recipient, "form": form, "write_refusal": refusal},
    )
    response.status_code = status
    return response
