from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _


class WagtailMeetingsConfig(AppConfig):
    name = "wagtail_meetings"
    label = "wagtail_meetings"
    verbose_name = _("Meetings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from . import checks  # noqa: F401  (registers the system checks)
        from .models import Call, Registration, Report
        from .permissions import MemberContentPermissionPolicy, ModeratePermissionPolicy
        from .privacy import remove_presence_of_deleted_user

        # Calls and sign-ups are written by members on the site; editors may
        # moderate them but not create or delete them in the admin.
        register_permission_policy(Call, MemberContentPermissionPolicy(Call), exact_class=True)
        register_permission_policy(
            Registration, MemberContentPermissionPolicy(Registration), exact_class=True
        )
        # A deleted account first leaves the board as a member would: calls
        # cancelled with notice, other members' conversations and sign-ups kept.
        pre_delete.connect(
            remove_presence_of_deleted_user,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="wagtail_meetings_remove_presence_of_deleted_user",
        )
        # Reports are for moderators only, and only the reported item is shown.
        register_permission_policy(Report, ModeratePermissionPolicy(Report), exact_class=True)
