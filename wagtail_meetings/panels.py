from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel
from wagtail.admin.ui.components import Component


class ApprovalPanel(Panel):
    """For a call waiting for approval: who sees it, and the way to approve it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("Waiting for approval"))
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "wagtail_meetings/admin/approval_panel.html"

        def is_shown(self):
            return bool(self.instance.pk and self.instance.awaiting_approval)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["approve_url"] = reverse(
                "wagtail_meetings_calls:approve", args=[quote(self.instance.pk)]
            )
            return context


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


class OpenReportsPanel(Component):
    """On the admin dashboard: the open reports for moderators, and the calls waiting
    for approval for those who may approve them."""

    name = "meetings_open_reports"
    template_name = "wagtail_meetings/admin/open_reports_panel.html"
    order = 50

    def __init__(self, user):
        self.user = user
        self.may_moderate = user.has_perm("wagtail_meetings.moderate")
        self.may_approve = user.has_perm("wagtail_meetings.change_call")

    def get_context_data(self, parent_context=None):
        from .models import Call, Report

        context = super().get_context_data(parent_context)
        if self.may_moderate:
            context["open_count"] = Report.objects.open().not_about(self.user).count()
            context["reports_url"] = reverse("wagtail_meetings_reports:index") + "?status=open"
        if self.may_approve:
            context["waiting_count"] = Call.objects.filter(awaiting_approval=True).count()
            context["calls_url"] = (
                reverse("wagtail_meetings_calls:list") + "?awaiting_approval=true"
            )
        return context
