"""Who may use the board: the membership check and the gate around member routes."""

import logging

from django.contrib.auth.views import redirect_to_login
from django.utils.cache import add_never_cache_headers, patch_cache_control

from .conf import app_settings

logger = logging.getLogger("wagtail_meetings.access")


def in_members_group(user):
    """The default membership check: the user is in the ``MEMBERS_GROUP`` group."""
    if not (user.is_authenticated and user.is_active):
        return False
    cache = getattr(user, "_wagtail_meetings_is_member", None)
    if cache is None:
        cache = user.groups.filter(name=app_settings.MEMBERS_GROUP).exists()
        # Per request only: the user object does not outlive the request, so a
        # member removed from the group loses access on their next request.
        user._wagtail_meetings_is_member = cache
    return cache


def is_member(user):
    return bool(user.is_authenticated and user.is_active and app_settings.membership_check(user))


def make_private(response):
    """Keep member responses out of shared caches and search engines."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True, no_store=True)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def gate(request, page):
    """Return a response that stops a non-member, or ``None`` to let a member in.

    Anonymous visitors go to the login page and come back afterwards; a logged-in
    user who is not a member gets the board's explanation with status 403.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_member(request.user):
        logger.info("Board access refused to a non-member (user id %s).", request.user.pk)
        return page.render_not_member(request)
    return None
