from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .panels import OpenReportsPanel
from .viewsets import APPROVE_ACTION, HIDE_ACTION, MeetingsViewSetGroup, ReportViewSet

register_snippet(MeetingsViewSetGroup)


@hooks.register("register_admin_viewset")
def register_report_viewset():
    return ReportViewSet()


@hooks.register("construct_homepage_panels")
def add_open_reports_panel(request, panels):
    panel = OpenReportsPanel(request.user)
    if panel.may_moderate or panel.may_approve:
        panels.insert(0, panel)


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(APPROVE_ACTION, _("Approve"), _("Approved"))
    actions.register_action(HIDE_ACTION, _("Hide"), _("Hidden from the board"))
