from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel


class RegistrationsPanel(Panel):
    """The sign-ups of a call, read-only, without the notes meant for the organiser."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("Sign-ups"))
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "wagtail_meetings/admin/registrations_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["registrations"] = (
                self.instance.registrations.select_related("member__meetings_profile")
                if self.instance.pk
                else []
            )
            return context
