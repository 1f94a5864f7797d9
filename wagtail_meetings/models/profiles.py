from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PEER = "peer", _("Peer (I have a dissociative disorder myself)")
    RELATIVE = "relative", _("Relative (someone close to me has one)")
    BOTH = "both", _("Both")


class Notify(models.TextChoices):
    AT_ONCE = "at_once", _("At once")
    DAILY = "daily", _("Once a day at most")
    NEVER = "never", _("Never")


class MemberProfile(models.Model):
    """How a member appears on the board; a pseudonym is fine."""

    # Removed with the member's board presence, and with the user.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meetings_profile"
    )
    display_name = models.CharField(
        _("display name"),
        max_length=60,
        help_text=_("How other members see you. A first name or a pseudonym is fine."),
    )
    role = models.CharField(_("I take part as"), max_length=10, choices=Role.choices)
    home_place = models.ForeignKey(
        "wagtail_meetings.Place",
        verbose_name=_("home town"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    house_rules_accepted_at = models.DateTimeField(_("house rules accepted at"), null=True)
    notify = models.CharField(
        _("e-mail me about new activity"),
        max_length=10,
        choices=Notify.choices,
        default=Notify.AT_ONCE,
        help_text=_(
            "The e-mail only says that there is something new for you, never what or from whom."
        ),
    )
    # When a daily digest is on its way; when the last e-mail went out.
    digest_due_at = models.DateTimeField(null=True, blank=True)
    last_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A moderator's suspension: until a moment (it ends by itself), or for good.
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    suspended_for_good = models.BooleanField(_("suspended for good"), default=False)

    class Meta:
        verbose_name = _("member profile")
        verbose_name_plural = _("member profiles")
        indexes = [
            # The board leaves out the calls of suspended members on every page: few
            # rows, so a partial index keeps that look-up small.
            models.Index(
                fields=["user"],
                condition=Q(suspended_for_good=True) | Q(suspended_until__isnull=False),
                name="meetings_profile_suspended",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def has_accepted_house_rules(self):
        return self.house_rules_accepted_at is not None

    @property
    def is_suspended(self):
        if self.suspended_for_good:
            return True
        return self.suspended_until is not None and self.suspended_until > timezone.now()


def display_name_of(user):
    """The name other members see; never the account's username or e-mail address."""
    profile = getattr(user, "meetings_profile", None) if user is not None else None
    if profile is None or not profile.display_name:
        return _("a member")
    return profile.display_name
