"""Settings of wagtail-meetings, read at access time so ``override_settings`` works.

Every setting is ``WAGTAIL_MEETINGS_<NAME>`` in the Django settings; the README
documents each one.
"""

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULTS = {
    # Dotted path to a callable ``(user) -> bool`` that decides membership.
    "MEMBERSHIP_CHECK": "wagtail_meetings.access.in_members_group",
    # The group that the default membership check looks for.
    "MEMBERS_GROUP": "Members",
    # The template that the app's templates extend.
    "BASE_TEMPLATE": "base.html",
    # The most places a call may offer to members joining the organiser.
    "MAX_CAPACITY": 8,
    # Calls per page on the board.
    "PAGE_SIZE": 12,
    # ISO country code of the towns that ``meetings_load_places`` imports.
    "COUNTRY": "NL",
    # Maximum length of member-written texts.
    "MAX_DESCRIPTION_LENGTH": 2000,
    "MAX_NOTE_LENGTH": 500,
    "MAX_MESSAGE_LENGTH": 5000,
    "MAX_REPORT_LENGTH": 2000,
    # (how many, per how many seconds) for each member; counted in Django's cache,
    # which must be shared (Redis, Memcached) when several web processes run. A
    # site's own dict may name some actions only: the others keep these defaults.
    "RATE_LIMITS": {
        "message": (30, 3600),
        "conversation": (10, 86400),
        "call": (5, 86400),
        "sign_up": (20, 86400),
        "report": (10, 86400),
        # Any change at all on the board and inbox pages: a flood guard.
        "post": (120, 3600),
    },
    # Shortest time between two "new activity" e-mails to the same member.
    "NOTIFY_QUIET_MINUTES": 15,
    # Hour (local time) at which daily digests go out.
    "DIGEST_HOUR": 8,
    # The site name used in e-mails; keep it free of health words. Default: the
    # Wagtail Site's name, else the host name.
    "EMAIL_SITE_NAME": None,
    # Days after a meeting ended (or was cancelled) before ``meetings_purge``
    # removes its sign-ups, conversation and messages.
    "RETENTION_DAYS": 180,
    # What happens to a member's messages when they remove their board presence:
    # False keeps them for the others, from "former member"; True deletes them.
    "ERASE_MESSAGES": False,
}


class AppSettings:
    prefix = "WAGTAIL_MEETINGS_"

    def __getattr__(self, name):
        if name not in DEFAULTS:
            raise AttributeError(name)
        return getattr(settings, self.prefix + name, DEFAULTS[name])

    @property
    def membership_check(self):
        check = self.MEMBERSHIP_CHECK
        return import_string(check) if isinstance(check, str) else check


app_settings = AppSettings()
