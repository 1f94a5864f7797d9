"""The example site as in production, for measuring: DEBUG off, templates cached.

The development settings with DEBUG=False. Django caches compiled templates with
or without DEBUG (the cached loader is used whenever TEMPLATES sets no ``loaders``,
as here), so the difference that matters is DEBUG itself: with DEBUG on, every
query's SQL is kept in memory and the debug context processor does extra work.
The database is the example site's: EXAMPLE_SITE_DATABASE_URL or EXAMPLE_SITE_DB.
"""

from example_site.settings.dev import *  # noqa: F403

DEBUG = False
# The test client's host, and whatever host the site's default Site names.
ALLOWED_HOSTS = ["*"]
