from django.conf import settings
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConversationKind(models.TextChoices):
    DIRECT = "direct", _("Between two members")
    CALL = "call", _("About a meeting")


class ConversationQuerySet(models.QuerySet):
    def of_member(self, user):
        """Conversations ``user`` is still in (not left)."""
        return self.filter(memberships__member=user, memberships__left_at__isnull=True)


class Conversation(models.Model):
    """Messages between members: two members directly, or the people of one meeting."""

    kind = models.CharField(max_length=10, choices=ConversationKind.choices)
    call = models.OneToOneField(
        "wagtail_meetings.Call",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="conversation",
    )
    # "<smaller user id>:<larger user id>": one direct conversation per pair.
    pair_key = models.CharField(max_length=50, null=True, blank=True, unique=True)
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("No new messages after this (a block, a cancellation).")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @staticmethod
    def key_for(first, second):
        low, high = sorted([first.pk, second.pk])
        return f"{low}:{high}"


class ConversationMemberQuerySet(models.QuerySet):
    def with_unread(self, user):
        """Annotate ``unread``: the messages of each row's conversation ``user`` has not read.

        A subquery per row that the index on (conversation, created_at) answers with
        the unread messages only, however long the conversation is.
        """
        return self.annotate(unread=Coalesce(Subquery(Message.objects.unread_in_row(user)), 0))

    def unread_total(self, user):
        """The unread messages of ``user`` over all the conversations they are still in."""
        rows = self.filter(member=user, left_at__isnull=True)
        total = rows.aggregate(
            total=Sum(Coalesce(Subquery(Message.objects.unread_in_row(user)), 0))
        )["total"]
        return total or 0


class ConversationMember(models.Model):
    """One member's place in a conversation: their read state, archive and leaving."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="memberships"
    )
    # The member's own read state: gone when they leave; the conversation stays.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meetings_conversations",
    )
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    # Left on their own: sign-up changes do not bring them back in.
    left_by_choice = models.BooleanField(default=False)
    last_read_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = ConversationMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("conversation member")
        verbose_name_plural = _("conversation members")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "member"], name="meetings_one_membership_per_member"
            )
        ]
        indexes = [
            models.Index(fields=["member", "left_at", "archived_at"], name="meetings_inbox_member"),
        ]

    def __str__(self):
        return f"{self.member_id} in {self.conversation_id}"


class MessageQuerySet(models.QuerySet):
    def unread_by(self, user):
        """Messages others sent in ``user``'s conversations after they last read them."""
        return (
            self.filter(
                conversation__memberships__member=user,
                conversation__memberships__left_at__isnull=True,
                created_at__gt=Coalesce(
                    F("conversation__memberships__last_read_at"),
                    F("conversation__memberships__joined_at"),
                ),
            )
            .exclude(sender=user)
            # In a meeting's conversation, the other side of a block stays out of
            # sight; a direct conversation is closed by the block instead.
            .exclude(conversation__kind=ConversationKind.CALL, sender__in=Block.hidden_from(user))
        )

    def unread_in_row(self, user):
        """How many messages are unread in the conversation of a ConversationMember row.

        For a subquery on ``ConversationMember`` rows of ``user`` (the outer query):
        the same messages as :meth:`unread_by`, counted per row.
        """
        return (
            self.filter(
                conversation=OuterRef("conversation"),
                created_at__gt=Coalesce(OuterRef("last_read_at"), OuterRef("joined_at")),
            )
            .exclude(sender=user)
            .exclude(conversation__kind=ConversationKind.CALL, sender__in=Block.hidden_from(user))
            .order_by()
            .values("conversation")
            .annotate(count=Count("pk"))
            .values("count")
        )


class Message(models.Model):
    # No index of its own: "meetings_message_thread" (conversation, created_at)
    # serves every lookup by conversation, and a single-column index tempts the
    # planner into reading whole threads to count the unread messages.
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    # Kept when the sender leaves the board: shown as "former member".
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="meetings_messages",
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)
    # A moderator's removal blanks the text for good; the thread says "removed".
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("removed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="meetings_message_thread"),
        ]

    def __str__(self):
        return f"#{self.pk}"

    @property
    def is_removed(self):
        return self.removed_at is not None


class Block(models.Model):
    """A member blocks another: no messages, no sign-ups, each other's calls hidden."""

    # A block goes with either member's account. Leaving the board removes the
    # blocks a member made, not those others made against them (their choice).
    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meetings_blocks"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meetings_blocked_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="meetings_one_block"),
        ]

    def __str__(self):
        return f"{self.blocker_id} blocks {self.blocked_id}"

    @classmethod
    def between(cls, first, second):
        """Whether either of the two members blocked the other."""
        return cls.objects.filter(
            Q(blocker=first, blocked=second) | Q(blocker=second, blocked=first)
        ).exists()

    @classmethod
    def hidden_from(cls, user):
        """Ids of members whose content ``user`` does not see, in both directions."""
        return (
            cls.objects.filter(Q(blocker=user) | Q(blocked=user))
            .annotate(
                other=models.Case(
                    models.When(blocker=user, then=F("blocked")), default=F("blocker")
                )
            )
            .values("other")
        )
