"""Test settings: the example site, fast hashing, tasks run at once, SQLite or PostgreSQL."""

import os
from urllib.parse import unquote, urlparse

from example_site.settings.base import *  # noqa: F403

SECRET_KEY = "tests-only"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
WAGTAILADMIN_BASE_URL = "http://testserver"
LANGUAGE_CODE = "en"

# MEETINGS_TEST_POSTGRES=postgresql://user:password@127.0.0.1:5432/name runs the
# suite on PostgreSQL; otherwise it runs on SQLite (in memory, or in a file for
# the tests that need several connections).
_postgres = os.environ.get("MEETINGS_TEST_POSTGRES")
if _postgres:
    _url = urlparse(_postgres)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": _url.path.lstrip("/") or "meetings",
            "USER": unquote(_url.username or ""),
            "PASSWORD": unquote(_url.password or ""),
            "HOST": _url.hostname or "127.0.0.1",
            "PORT": str(_url.port or 5432),
            "TEST": {"NAME": (_url.path.lstrip("/") or "meetings") + "_test"},
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ":memory:",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
            "TEST": {"NAME": os.environ.get("MEETINGS_TEST_SQLITE_FILE") or None},
        }
    }
