from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils.module_loading import import_string

from .conf import app_settings

REQUIRED_APPS = [
    "wagtail",
    "wagtail.contrib.routable_page",
    "wagtail.snippets",
    "modelcluster",
    "taggit",
    "django.contrib.messages",
]


@register(Tags.compatibility)
def check_required_apps(app_configs, **kwargs):
    return [
        Error(
            f"wagtail_meetings needs '{name}' in INSTALLED_APPS.",
            id="wagtail_meetings.E001",
        )
        for name in REQUIRED_APPS
        if not apps.is_installed(name)
    ]


@register()
def check_settings(app_configs, **kwargs):
    errors = []
    check = app_settings.MEMBERSHIP_CHECK
    if isinstance(check, str):
        try:
            import_string(check)
        except ImportError:
            errors.append(
                Error(
                    f"WAGTAIL_MEETINGS_MEMBERSHIP_CHECK is '{check}', which cannot be imported.",
                    id="wagtail_meetings.E002",
                )
            )
    maximum = app_settings.MAX_CAPACITY
    if not isinstance(maximum, int) or maximum < 2:
        errors.append(
            Error(
                "WAGTAIL_MEETINGS_MAX_CAPACITY must be a whole number of 2 or more.",
                id="wagtail_meetings.E003",
            )
        )
    retention = app_settings.RETENTION_DAYS
    if not isinstance(retention, int) or isinstance(retention, bool) or retention < 1:
        errors.append(
            Error(
                "WAGTAIL_MEETINGS_RETENTION_DAYS must be a whole number of days, 1 or more.",
                id="wagtail_meetings.E004",
            )
        )
    if not getattr(settings, "LOGIN_URL", None):
        errors.append(
            Warning(
                "LOGIN_URL is not set: anonymous visitors cannot be sent to a login page.",
                id="wagtail_meetings.W001",
            )
        )
    return errors


@register()
def check_task_backend(app_configs, **kwargs):
    from django_tasks import default_task_backend

    if default_task_backend.supports_defer:
        return []
    return [
        Warning(
            "The default task backend cannot defer tasks: meeting reminders and daily "
            "digests are not sent.",
            hint="Use a backend with a worker, such as django-tasks-db or django-tasks-rq.",
            id="wagtail_meetings.W002",
        )
    ]


# Caches that each web process keeps for itself, or that cannot add up atomically.
UNSHARED_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
    "django.core.cache.backends.db.DatabaseCache",
}


@register(Tags.caches, deploy=True)
def check_rate_limit_cache(app_configs, **kwargs):
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in UNSHARED_CACHES:
        return []
    return [
        Warning(
            f"The default cache ({backend.rsplit('.', 1)[-1]}) is not shared between web "
            "processes with atomic counts, so every process counts the members' rate "
            "limits on its own.",
            hint="Use Redis or Memcached as the default cache; silence this check only "
            "for a site that runs a single web process.",
            id="wagtail_meetings.W003",
        )
    ]
