"""Production settings of the example site: HTTPS only, secrets from the environment.

Environment:
- ``DJANGO_SECRET_KEY`` (required): a long random string.
- ``DJANGO_ALLOWED_HOSTS``: the site's host names, comma-separated.
- ``DJANGO_REDIS_URL``: a Redis server for the cache (``redis://host:6379/0``); the rate
  limits need a cache that all web processes share (needs the ``redis`` package).
- ``DJANGO_BEHIND_TLS_PROXY=1``: a reverse proxy ends TLS and sets
  ``X-Forwarded-Proto``; only when that proxy overwrites the header in every request.
- ``EXAMPLE_SITE_DB``: the SQLite file (see base.py).
"""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = [host for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if host]

# HTTPS only: redirect plain HTTP, secure cookies, and tell browsers to stay on HTTPS
# (HSTS) for a year, sub-domains included.
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
if os.environ.get("DJANGO_BEHIND_TLS_PROXY") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if os.environ.get("DJANGO_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["DJANGO_REDIS_URL"],
        }
    }
