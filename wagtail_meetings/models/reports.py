from django.conf import settings
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    CALL = "call", _("A call")
    MESSAGE = "message", _("A message")
    MEMBER = "member", _("A member")
    MEETING = "meeting", _("A meeting that took place")


class ReportReason(models.TextChoices):
    UNSAFE = "unsafe", _("Unsafe or unpleasant behaviour")
    NOT_PUBLIC = "not_public", _("A meeting at someone’s home, or not in a public place")
    SPAM = "spam", _("Spam, advertising or selling something")
    NOT_WHO_THEY_SAY = "identity", _("Someone is not who they say they are")
    OTHER = "other", _("Something else")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ReportStatus.OPEN)

    def queue(self):
        """The moderators' order: open reports first, then the newest."""
        return self.annotate(
            queue_rank=Case(
                When(status=ReportStatus.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ).order_by("queue_rank", "-created_at", "-pk")

    def not_about(self, user):
        """Leave out the reports that are ``user``'s own case: about their calls, their
        messages, themselves or a meeting they took part in, and those they made.

        Moderators are often members too. One who is reported must not judge their
        own case, nor read who reported them; one who reported must not judge it either.
        """
        took_part = Report.meeting_members.through.objects.filter(user=user).values("report")
        return self.exclude(
            Q(reporter=user)
            | Q(reported_member=user)
            | Q(call__organiser=user)
            | Q(message__sender=user)
            | Q(pk__in=took_part)
        )


class Report(models.Model):
    """A member tells the moderators about a call, a message, a member or a meeting.

    The reported member never learns who reported them: only moderators see
    the reporter.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="meetings_reports_made",
    )
    reported_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings_reports_received",
    )
    call = models.ForeignKey(
        "wagtail_meetings.Call",
        verbose_name=_("call"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    message = models.ForeignKey(
        "wagtail_meetings.Message",
        verbose_name=_("message"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    # For a meeting: its organiser and accepted members when it was reported, so that
    # leaving the board or the meeting afterwards takes nobody out of the report.
    meeting_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who took part"),
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=12, choices=ReportReason.choices)
    details = models.TextField(_("details"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        # Only moderating: members make reports on the site, nobody edits them.
        default_permissions = ()
        permissions = [("moderate", _("Can moderate the meetings board"))]
        indexes = [
            models.Index(fields=["status", "created_at"], name="meetings_report_queue"),
            models.Index(fields=["reported_member", "created_at"], name="meetings_report_member"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.get_reason_display()}"

    @property
    def is_open(self):
        return self.status == ReportStatus.OPEN


class ModerationActionKind(models.TextChoices):
    DISMISS = "dismiss", _("Dismissed")
    HIDE_CALL = "hide_call", _("Call hidden")
    REMOVE_MESSAGE = "remove_message", _("Message removed")
    WARN = "warn", _("Member warned")
    SUSPEND = "suspend", _("Member suspended")
    LIFT = "lift", _("Suspension lifted")


class ModerationAction(models.Model):
    """What a moderator did about a report: the log that the report page shows."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="actions"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=ModerationActionKind.choices)
    # The member a warning, a suspension or its lifting was about.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings_moderation_notices",
    )
    note = models.TextField(_("note for the moderators"), blank=True)
    # What the member reads on the board (a warning or a suspension); never the reporter.
    notice = models.TextField(_("message to the member"), blank=True)
    until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    seen_at = models.DateTimeField(_("read by the member at"), null=True, blank=True)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["member", "action", "seen_at"], name="meetings_action_notice"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} ({self.report_id})"


class CheckInAnswer(models.TextChoices):
    FINE = "fine", _("It went fine")
    REPORTED = "reported", _("Something was reported")


class CheckIn(models.Model):
    """A participant's answer to "did it go well?" after a meeting; one per meeting."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meetings_check_ins"
    )
    call = models.ForeignKey(
        "wagtail_meetings.Call", on_delete=models.CASCADE, related_name="check_ins"
    )
    answer = models.CharField(max_length=10, choices=CheckInAnswer.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.UniqueConstraint(fields=["member", "call"], name="meetings_one_check_in"),
        ]

    def __str__(self):
        return f"{self.member_id} on {self.call_id}: {self.answer}"
