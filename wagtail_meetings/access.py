"""Who may use the board: the membership check and the gate around member routes."""

import logging

from django.contrib.auth.views import redirect_to_login
from django.utils.cache import add_never_cache_headers, patch_cache_control

from .conf import app_settings

# Refusals are logged here, one line each, with ids only: the user, the route's name,
# the page and the object the route names. Never a path or query string (they may hold
# a town), a title, a name or any text a member wrote.
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


def log_refusal(request, page, reason, level=logging.INFO):
    """Log that ``request`` was refused on ``page``, with ids only.

    ``reason`` is one of ``"login required"``, ``"not a member"`` and ``"not found"``.
    The object ids are the route's own (``call_id``, ``registration_id``, ...), which
    are numbers by construction: every route of the app takes ids only.
    """
    match = getattr(request, "routable_resolver_match", None)
    route = (match.url_name if match else None) or "-"
    objects = ",".join(f"{name}={value}" for name, value in (match.kwargs if match else {}).items())
    user_id = request.user.pk if request.user.is_authenticated else None
    logger.log(
        level,
        "Board access refused (%s): user=%s route=%s page=%s object=%s",
        reason,
        user_id if user_id is not None else "anonymous",
        route,
        page.pk,
        objects or "-",
        extra={
            "meetings_reason": reason,
            "meetings_user_id": user_id,
            "meetings_route": route,
            "meetings_page_id": page.pk,
            "meetings_objects": dict(match.kwargs) if match else {},
        },
    )


def gate(request, page):
    """Return a response that stops a non-member, or ``None`` to let a member in.

    Anonymous visitors go to the login page and come back afterwards; a logged-in
    user who is not a member gets the board's explanation with status 403.
    """
    if not request.user.is_authenticated:
        log_refusal(request, page, "login required")
        return redirect_to_login(request.get_full_path())
    if not is_member(request.user):
        log_refusal(request, page, "not a member", level=logging.WARNING)
        return page.render_not_member(request)
    return None
