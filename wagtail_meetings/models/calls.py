from django.conf import settings
from django.db import models
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase

from .indexes import CoveringIndex


class Audience(models.TextChoices):
    PEERS = "peers", _("Peers")
    RELATIVES = "relatives", _("Relatives")
    EVERYONE = "everyone", _("Peers and relatives")


class VenueKind(models.TextChoices):
    CAFE = "cafe", _("Café or restaurant")
    NATURE = "nature", _("Park or nature")
    MUSEUM = "museum", _("Museum")
    LIBRARY = "library", _("Library")
    OTHER = "other", _("Other public place")


class CallStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FULL = "full", _("Full")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")
    # Never stored: a call whose date has gone by is past by itself.
    PAST = "past", _("Past")


class Approval(models.TextChoices):
    """Which new calls wait for a moderator before other members see them."""

    NONE = "none", _("No approval: calls appear at once")
    FIRST = "first", _("The first call of each member")
    EVERY = "every", _("Every call")


class MeetingPointReveal(models.TextChoices):
    """When accepted members see the meeting point (the organiser always does)."""

    AT_ACCEPTANCE = "acceptance", _("As soon as the organiser accepts them")
    HOURS_BEFORE = "before", _("Only from a number of hours before the meeting")


STORED_STATUSES = [c for c in CallStatus.choices if c[0] != CallStatus.PAST]

DURATION_CHOICES = [
    (30, _("About half an hour")),
    (60, _("About an hour")),
    (90, _("About an hour and a half")),
    (120, _("About two hours")),
    (180, _("About three hours")),
    (240, _("Half a day")),
]


class CallActivity(TaggedItemBase):
    content_object = ParentalKey(
        "wagtail_meetings.Call", on_delete=models.CASCADE, related_name="tagged_activities"
    )


class CallQuerySet(models.QuerySet):
    def visible(self):
        """Calls a moderator has not hidden."""
        return self.filter(hidden=False)

    def upcoming(self, now=None):
        """Calls whose date is still to come or still to be agreed."""
        now = now or timezone.now()
        return self.filter(Q(starts_at__isnull=True) | Q(starts_at__gte=now))

    def past(self, now=None):
        return self.filter(starts_at__lt=now or timezone.now())

    def without_suspended_organisers(self, now=None):
        """Leave out the calls of members whom a moderator has suspended for now."""
        from .profiles import MemberProfile

        now = now or timezone.now()
        # A subquery on a handful of rows, not a join through every organiser's profile.
        suspended = MemberProfile.objects.filter(
            Q(suspended_for_good=True) | Q(suspended_until__gt=now)
        ).values("user_id")
        return self.exclude(organiser_id__in=suspended)

    def approved(self):
        """Calls no longer waiting for a moderator's approval."""
        return self.filter(awaiting_approval=False)

    def waiting_for(self, organiser, now=None):
        """``organiser``'s own coming calls that wait for a moderator's approval."""
        return (
            self.visible()
            .filter(organiser=organiser, awaiting_approval=True)
            .upcoming(now)
            .exclude(status=CallStatus.CANCELLED)
        )

    def listed(self, now=None):
        """What the board lists: visible, approved, upcoming calls that are open or full.

        A call waiting for approval is not listed; the board shows it to its organiser
        apart (:meth:`waiting_for`), which keeps this filter to what the listing index
        holds. Calls of suspended organisers are left out while the suspension lasts.
        A call whose organiser has left the board is cancelled as they leave; should
        one still be open, nobody would answer it, so it is not listed.
        """
        now = now or timezone.now()
        return (
            self.visible()
            .approved()
            .without_suspended_organisers(now)
            .upcoming(now)
            .filter(status__in=[CallStatus.OPEN, CallStatus.FULL], organiser__isnull=False)
        )

    def soonest_first(self):
        return self.order_by(F("starts_at").asc(nulls_last=True), "-created_at", "pk")

    def with_counts(self):
        """The accepted and pending sign-ups of each call.

        Counted in a subquery per call rather than a join grouped over all calls:
        the database then counts only for the rows a page shows, and counting the
        calls for the paginator needs no join at all.
        """
        from .registrations import RegistrationStatus

        return self.annotate(
            accepted_count=_sign_ups(RegistrationStatus.ACCEPTED),
            pending_count=_sign_ups(RegistrationStatus.PENDING),
        )

    def for_cards(self):
        """Everything a call card shows, in a fixed number of queries.

        The town comes in the same query (a small table, joined for the distance
        anyway); the organisers with their profiles in one more, and the activities.
        """
        from django.contrib.auth import get_user_model

        organisers = get_user_model().objects.select_related("meetings_profile")
        activities = CallActivity.objects.select_related("tag").order_by("pk")
        return (
            self.with_counts()
            .select_related("place")
            .prefetch_related(
                Prefetch("organiser", queryset=organisers),
                # Read as call.activity_list: the tags without a manager per card.
                Prefetch("tagged_activities", queryset=activities, to_attr="card_activities"),
            )
        )


def _sign_ups(status):
    from .registrations import Registration

    counted = (
        Registration.objects.filter(call=OuterRef("pk"), status=status)
        .order_by()
        .values("call")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class Call(ClusterableModel):
    """A member's invitation to a small, one-off meeting in a public place."""

    # Empty once the organiser has left the board (shown as "former member"): the
    # call stays for those who signed up, with their sign-ups and conversation.
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="meetings_calls",
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"))
    activities = ClusterTaggableManager(
        verbose_name=_("activities"), through=CallActivity, blank=False
    )
    audience = models.CharField(_("for whom"), max_length=10, choices=Audience.choices)
    place = models.ForeignKey(
        "wagtail_meetings.Place",
        verbose_name=_("town"),
        on_delete=models.PROTECT,
        related_name="calls",
    )
    venue_kind = models.CharField(_("kind of place"), max_length=10, choices=VenueKind.choices)
    public_place_confirmed = models.BooleanField(_("neutral public place confirmed"), default=False)
    meeting_point = models.CharField(_("meeting point"), max_length=200)
    starts_at = models.DateTimeField(
        _("date and time"), null=True, blank=True, help_text=_("Empty: still to be agreed.")
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("expected duration"), null=True, blank=True, choices=DURATION_CHOICES
    )
    recognition = models.CharField(_("how to recognise the group"), max_length=200, blank=True)
    step_free = models.BooleanField(_("step-free access"), default=False)
    quiet_place = models.BooleanField(_("quiet place"), default=False)
    accessibility_notes = models.CharField(_("accessibility notes"), max_length=300, blank=True)
    may_leave_early = models.BooleanField(_("you may leave early"), default=True)
    capacity = models.PositiveSmallIntegerField(
        _("places"), help_text=_("How many members can join you.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=STORED_STATUSES, default=CallStatus.OPEN
    )
    hidden = models.BooleanField(
        _("hidden by a moderator"),
        default=False,
        help_text=_("A hidden call is gone for members; the organiser keeps seeing it."),
    )
    awaiting_approval = models.BooleanField(
        _("waiting for approval"),
        default=False,
        help_text=_("Until a moderator approves it, only the organiser sees the call."),
    )
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("organised again from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeats",
    )
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        indexes = [
            # The board's listing and its filters: the columns they test ride along
            # (PostgreSQL), so counting the calls found reads the index alone.
            CoveringIndex(
                fields=["hidden", "awaiting_approval", "status", "starts_at"],
                covering=["audience", "place", "organiser"],
                name="meetings_call_listing",
            ),
            models.Index(fields=["organiser", "created_at"], name="meetings_call_organiser"),
            # The moderators' queue: few rows, so a partial index.
            models.Index(
                fields=["created_at"],
                condition=Q(awaiting_approval=True),
                name="meetings_call_awaiting",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_past(self):
        return self.starts_at is not None and self.starts_at < timezone.now()

    @property
    def display_status(self):
        """The status a member sees: a stored status, or past once the date has gone by."""
        if self.status != CallStatus.CANCELLED and self.is_past:
            return CallStatus.PAST
        return self.status

    def get_display_status_display(self):
        return CallStatus(self.display_status).label

    @property
    def activity_list(self):
        """The call's activities: from the cards' prefetch where it ran, else the tags."""
        prefetched = self.__dict__.get("card_activities")
        if prefetched is not None:
            return [tagged.tag for tagged in prefetched]
        return list(self.activities.all())

    @property
    def to_be_agreed(self):
        return self.starts_at is None

    @property
    def is_active(self):
        """Still taking part in the board's life: not cancelled, closed or past."""
        return self.display_status in (CallStatus.OPEN, CallStatus.FULL)
