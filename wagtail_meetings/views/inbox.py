"""The inbox: conversations, one conversation, writing to a member."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import messaging
from ..errors import RuleError
from ..forms import MessageForm
from ..models import ConversationKind, ConversationMember, Message
from .common import page_url

CONVERSATIONS_PER_PAGE = 20
MESSAGES_SHOWN = 200


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
    unread = (
        Message.objects.filter(
            conversation=OuterRef("conversation"),
            created_at__gt=Coalesce(OuterRef("last_read_at"), OuterRef("joined_at")),
        )
        .exclude(sender=request.user)
        .exclude(
            conversation__kind=ConversationKind.CALL,
            sender__in=messaging.blocked_ids(request.user),
        )
        .values("conversation")
        .annotate(count=Count("pk"))
        .values("count")
    )
    memberships = (
        ConversationMember.objects.filter(
            member=request.user, left_at__isnull=True, archived_at__isnull=not archived
        )
        .select_related("conversation__call")
        .annotate(unread=Subquery(unread))
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


def conversation(request, inbox, conversation_id, form=None):
    membership = _membership(request, conversation_id)
    thread = membership.conversation
    # A meeting's conversation may hold someone on the other side of a block:
    # their messages stay out of sight (guarantee 5). A direct conversation is
    # closed by the block instead, and keeps what was said before it.
    shown_messages = Message.objects.filter(conversation=thread)
    if thread.kind == ConversationKind.CALL:
        shown_messages = messaging.visible_to(shown_messages, request.user, "sender")
    recent = shown_messages.select_related("sender__meetings_profile").order_by(
        "-created_at", "-pk"
    )[:MESSAGES_SHOWN]
    shown = list(reversed(recent))
    new_since = membership.last_read_at or membership.joined_at
    messaging.mark_read(membership)
    others = list(
        ConversationMember.objects.filter(conversation=thread, left_at__isnull=True)
        .exclude(member=request.user)
        .select_related("member__meetings_profile")
    )
    return inbox.render(
        request,
        template="wagtail_meetings/inbox/conversation.html",
        context_overrides={
            "membership": membership,
            "conversation": thread,
            "thread_messages": shown,
            "new_since": new_since,
            "others": [row.member for row in others],
            "write_refusal": messaging.write_refusal(thread, request.user, membership),
            "form": form or MessageForm(),
        },
    )


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
        return conversation(request, inbox, conversation_id, form=form)
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
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread, _message = messaging.start_direct(
                request.user, recipient, form.cleaned_data["body"]
            )
        except RuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your message is sent."))
            return redirect(page_url(request, inbox, "conversation", thread.pk) + "#latest")
    return inbox.render(
        request,
        template="wagtail_meetings/inbox/write.html",
        context_overrides={"recipient": recipient, "form": form},
    )
