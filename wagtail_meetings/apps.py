from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailMeetingsConfig(AppConfig):
    name = "wagtail_meetings"
    label = "wagtail_meetings"
    verbose_name = _("Meetings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from . import checks  # noqa: F401  (registers the system checks)
        from .models import Call, Registration
        from .permissions import MemberContentPermissionPolicy

        # Calls and sign-ups are written by members on the site; editors may
        # moderate them but not create or delete them in the admin.
        register_permission_policy(Call, MemberContentPermissionPolicy(Call), exact_class=True)
        register_permission_policy(
            Registration, MemberContentPermissionPolicy(Registration), exact_class=True
        )
