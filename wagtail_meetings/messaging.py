"""The rules of messaging, in one place: who is in a conversation, who may write, blocks.

Views call these functions; the sign-up rules call :func:`sync_call_conversation`
whenever a sign-up or a call changes, so that the meeting's conversation always
holds the organiser and the accepted members.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import ratelimit
from .errors import RateLimited, RuleError
from .models import (
    Block,
    CallStatus,
    Conversation,
    ConversationKind,
    ConversationMember,
    Message,
    RegistrationStatus,
)
from .moderation import refuse_if_suspended, suspension_refusal
from .notifications import notify_later


def _join(conversation, member_id, now):
    membership, created = ConversationMember.objects.get_or_create(
        conversation=conversation, member_id=member_id, defaults={"joined_at": now}
    )
    if not created and membership.left_at is not None and not membership.left_by_choice:
        membership.left_at = None
        membership.save(update_fields=["left_at"])
    return membership


def sync_call_conversation(call):
    """Make the meeting's conversation hold exactly the organiser and accepted members.

    The conversation exists from the first accepted member on. Members who
    withdraw or are declined leave it; a cancelled meeting's conversation closes.
    """
    conversation = Conversation.objects.filter(call=call).first()
    accepted = list(
        call.registrations.filter(status=RegistrationStatus.ACCEPTED).values_list(
            "member_id", flat=True
        )
    )
    if conversation is None:
        if not accepted:
            return None
        conversation = Conversation.objects.create(kind=ConversationKind.CALL, call=call)
    now = timezone.now()
    wanted = set(accepted)
    # A call whose organiser left the board keeps its members, without them.
    if call.organiser_id is not None:
        wanted.add(call.organiser_id)
    for member_id in wanted:
        _join(conversation, member_id, now)
    conversation.memberships.filter(left_at__isnull=True).exclude(member_id__in=wanted).update(
        left_at=now
    )
    if call.status == CallStatus.CANCELLED and conversation.closed_at is None:
        conversation.closed_at = now
        conversation.save(update_fields=["closed_at"])
    return conversation


def direct_conversation(first, second):
    """The one conversation between two members, made on first use."""
    key = Conversation.key_for(first, second)
    conversation = Conversation.objects.filter(pair_key=key).first()
    if conversation is None:
        try:
            with transaction.atomic():
                conversation = Conversation.objects.create(
                    kind=ConversationKind.DIRECT, pair_key=key
                )
        except IntegrityError:  # the other tab made it first
            conversation = Conversation.objects.get(pair_key=key)
    now = timezone.now()
    for member in (first, second):
        _join(conversation, member.pk, now)
    return conversation


def is_blocked(first, second):
    return Block.between(first, second)


def write_refusal(conversation, user, membership=None):
    """Why ``user`` cannot write in ``conversation`` now, or ``None`` if they can."""
    if membership is None or membership.left_at is not None:
        return _("You are no longer in this conversation.")
    suspended = suspension_refusal(user)
    if suspended:
        return suspended
    if conversation.closed_at is not None:
        return _("This conversation is closed.")
    call = conversation.call
    if call is not None and (call.status == CallStatus.CANCELLED or call.is_past):
        return _("This meeting is over, so the conversation is closed.")
    return None


@transaction.atomic
def send(conversation, sender, body):
    """Store a message and tell the other members, once it is safely stored."""
    membership = (
        ConversationMember.objects.select_for_update()
        .filter(conversation=conversation, member=sender)
        .first()
    )
    refusal = write_refusal(conversation, sender, membership)
    if refusal:
        raise RuleError(refusal)
    if not ratelimit.allow(sender, "message"):
        raise RateLimited(
            _("You have sent many messages in a short time. Please wait a while and try again.")
        )
    now = timezone.now()
    message = Message.objects.create(
        conversation=conversation, sender=sender, body=body, created_at=now
    )
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
    others = conversation.memberships.filter(left_at__isnull=True).exclude(member=sender)
    # A new message brings an archived conversation back to the inbox.
    others.update(archived_at=None)
    membership.last_read_at = now
    membership.save(update_fields=["last_read_at"])
    notify_later(list(others.values_list("member_id", flat=True)))
    return message


@transaction.atomic
def start_direct(sender, recipient, body):
    """Write to a member: the existing conversation of the pair, or a new one.

    One transaction: a first message that is refused leaves no empty conversation.
    """
    if sender.pk == recipient.pk:
        raise RuleError(_("You cannot send a message to yourself."))
    refuse_if_suspended(sender)
    if is_blocked(sender, recipient):
        raise RuleError(_("You cannot send messages to this member."))
    key = Conversation.key_for(sender, recipient)
    if not Conversation.objects.filter(pair_key=key).exists() and not ratelimit.allow(
        sender, "conversation"
    ):
        raise RateLimited(
            _("You have started many conversations today. Please try again tomorrow.")
        )
    conversation = direct_conversation(sender, recipient)
    if conversation.closed_at is not None:
        raise RuleError(_("You cannot send messages to this member."))
    return conversation, send(conversation, sender, body)


def mark_read(membership):
    membership.last_read_at = timezone.now()
    membership.save(update_fields=["last_read_at"])


def set_archived(membership, archived):
    membership.archived_at = timezone.now() if archived else None
    membership.save(update_fields=["archived_at"])


def leave(membership):
    """Leave a meeting's conversation (direct ones are archived instead)."""
    if membership.conversation.kind != ConversationKind.CALL:
        raise RuleError(_("You can archive this conversation instead."))
    membership.left_at = membership.left_at or timezone.now()
    membership.left_by_choice = True
    membership.save(update_fields=["left_at", "left_by_choice"])


def unread_total(user):
    # Counted per conversation, so that only the unread messages are read (not every
    # message of every conversation the member is in).
    return ConversationMember.objects.unread_total(user)


@transaction.atomic
def block(blocker, blocked):
    """Block silently: the blocked member is told nothing."""
    if blocker.pk == blocked.pk:
        raise RuleError(_("You cannot block yourself."))
    Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    Conversation.objects.filter(
        pair_key=Conversation.key_for(blocker, blocked), closed_at__isnull=True
    ).update(closed_at=timezone.now())


@transaction.atomic
def unblock(blocker, blocked):
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    if not Block.between(blocker, blocked):
        Conversation.objects.filter(pair_key=Conversation.key_for(blocker, blocked)).update(
            closed_at=None
        )


def blocked_ids(user):
    """Members hidden from ``user`` and from whom ``user`` is hidden (a subquery)."""
    return Block.hidden_from(user)


def visible_to(queryset, user, field="organiser"):
    """Leave out what members on either side of a block wrote."""
    return queryset.exclude(**{f"{field}__in": blocked_ids(user)})
