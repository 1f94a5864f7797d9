from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the organiser")
    ACCEPTED = "accepted", _("You're in")
    DECLINED = "declined", _("Not this time")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RegistrationQuerySet(models.QuerySet):
    def accepted(self):
        return self.filter(status=RegistrationStatus.ACCEPTED)

    def pending(self):
        return self.filter(status=RegistrationStatus.PENDING)

    def of_member(self, user):
        return self.filter(member=user)


class Registration(models.Model):
    """A member's sign-up with the organiser of a call."""

    call = ParentalKey(
        "wagtail_meetings.Call",
        verbose_name=_("call"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    # The member's own record: withdrawn and removed when they leave the board
    # (``privacy.remove_board_presence``, which also runs before a user is deleted).
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="meetings_registrations",
    )
    note = models.TextField(
        _("note to the organiser"),
        blank=True,
        help_text=_("Only the organiser reads this."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
    )
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "member"], name="meetings_one_registration_per_member"
            )
        ]
        indexes = [
            models.Index(fields=["member", "status"], name="meetings_registration_member"),
            models.Index(fields=["call", "status"], name="meetings_registration_call"),
        ]

    def __str__(self):
        return f"{self.call} – {self.get_status_display()}"

    @property
    def member_name(self):
        from .profiles import display_name_of

        return display_name_of(self.member)

    @property
    def is_accepted(self):
        return self.status == RegistrationStatus.ACCEPTED
