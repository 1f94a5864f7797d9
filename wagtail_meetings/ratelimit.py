"""Per-member rate limits, counted in Django's cache so that they hold across processes."""

import time

from django.core.cache import cache

from .conf import DEFAULTS, app_settings


def limit_for(action):
    """``(how many, per how many seconds)`` for ``action``: the site's or the default."""
    limits = {**DEFAULTS["RATE_LIMITS"], **app_settings.RATE_LIMITS}
    return limits[action]


def allow(user, action):
    """Count one ``action`` for ``user``; ``False`` once the limit for the period is reached.

    The count lives in a fixed time window, with an atomic ``add`` and ``incr``
    (atomic in Redis and Memcached), so several web processes share one count.
    """
    limit, period = limit_for(action)
    window = int(time.time() // period)
    key = f"wagtail_meetings:rate:{action}:{user.pk}:{window}"
    if cache.add(key, 1, timeout=period):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period)
        count = 1
    return count <= limit
