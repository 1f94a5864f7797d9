"""The moderators' side in the Wagtail admin: the queue of reports and one report.

A report page shows the reported item with just enough around it to judge it
(a call; a message and the one before it; a member's name and how often they
were reported), the log of what moderators did, and a form per action.
Nothing here lists members' messages or conversations.
"""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.utils import get_user_display_name
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from .. import messaging, moderation
from ..errors import RuleError
from ..forms import (
    DismissForm,
    HideCallForm,
    LiftSuspensionForm,
    RemoveMessageForm,
    SuspendForm,
    WarnForm,
)
from ..models import (
    MemberProfile,
    Message,
    ModerationActionKind,
    Report,
    ReportKind,
    display_name_of,
)

# With a context: Wagtail's own "Reports" menu keeps its own translation.
REPORTS = pgettext_lazy("members' reports to the moderators", "Reports")

ACTION_FORMS = {
    form.action: form
    for form in (DismissForm, HideCallForm, RemoveMessageForm, WarnForm, SuspendForm)
}
ACTION_FORMS[LiftSuspensionForm.action] = LiftSuspensionForm


class ReportIndexView(IndexView):
    """The queue: open reports first, then the newest."""

    page_title = REPORTS

    def get_base_queryset(self):
        return Report.objects.queue().not_about(self.request.user)


def took_part(report):
    """For a meeting report, the people who took part when it was made; else nobody."""
    if report.kind != ReportKind.MEETING:
        return []
    return list(report.meeting_members.select_related("meetings_profile").order_by("pk"))


def members_involved(report, took_part):
    """Whom a warning or a suspension can be about: the reported member, or for a
    meeting the people who took part (``took_part``), never the reporter."""
    people = took_part if report.kind == ReportKind.MEETING else [report.reported_member]
    return [p for p in people if p is not None and p.pk != report.reporter_id]


def message_and_the_one_before(message, reporter=None):
    """The reported message and the one before it that the reporter could read.

    What members on the other side of a block wrote was out of the reporter's sight
    in the conversation, so it is no part of what they reported.
    """
    earlier = Message.objects.filter(conversation_id=message.conversation_id)
    if reporter is not None:
        earlier = messaging.visible_to(earlier, reporter, "sender")
    before = (
        earlier.filter(
            Q(created_at__lt=message.created_at)
            | Q(created_at=message.created_at, pk__lt=message.pk)
        )
        .select_related("sender__meetings_profile")
        .order_by("-created_at", "-pk")
        .first()
    )
    return [m for m in (before, message) if m is not None]


class ReportDetailView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """One report: the reported item in context, the log, and the actions (POST)."""

    model = Report
    any_permission_required = ["view"]
    template_name = "wagtail_meetings/admin/report.html"
    header_icon = "warning"
    index_url_name = None
    inspect_url_name = None
    pk_url_kwarg = "pk"

    @cached_property
    def object(self):
        # Looked up only after the permission check in dispatch(): to someone who may
        # not moderate, a report about them must look like any other refused page.
        return get_object_or_404(
            Report.objects.not_about(self.request.user).select_related(
                "reporter__meetings_profile",
                "reported_member__meetings_profile",
                "call__place",
                "call__organiser__meetings_profile",
                "message__sender__meetings_profile",
                "message__conversation",
            ),
            pk=self.kwargs[self.pk_url_kwarg],
        )

    def get_page_title(self):
        return _("Report")

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": REPORTS},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    @cached_property
    def participants(self):
        return took_part(self.object)

    @cached_property
    def members(self):
        return members_involved(self.object, self.participants)

    @cached_property
    def suspended(self):
        ids = [m.pk for m in self.members]
        profiles = MemberProfile.objects.filter(user_id__in=ids)
        return [p.user for p in profiles.select_related("user__meetings_profile") if p.is_suspended]

    def available(self):
        """The actions that make sense for this report now, with their forms."""
        report = self.object
        actions = []
        if report.is_open:
            actions.append("dismiss")
        if report.kind == ReportKind.CALL and report.call is not None and not report.call.hidden:
            actions.append("hide_call")
        if report.message is not None and not report.message.is_removed:
            actions.append("remove_message")
        if self.members:
            actions += ["warn", "suspend"]
        if self.suspended:
            actions.append("lift")
        return actions

    def make_form(self, action, data=None):
        members = self.suspended if action == "lift" else self.members
        return ACTION_FORMS[action](data, members=members)

    def get_context_data(self, forms=None, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        forms = forms or {}
        context.update(
            {
                "report": report,
                # For the moderators only: never shown on the member side.
                "reporter_name": display_name_of(report.reporter)
                if report.reporter is not None
                else _("a former member"),
                "members": [
                    {
                        "user": member,
                        "reports": Report.objects.filter(reported_member=member).count(),
                        "profile": getattr(member, "meetings_profile", None),
                    }
                    for member in self.members
                ],
                "thread": message_and_the_one_before(report.message, report.reporter)
                if report.message
                else [],
                "participants": self.participants,
                "log": [
                    {"action": action, "moderator": get_user_display_name(action.moderator)}
                    for action in report.actions.select_related(
                        "moderator", "member__meetings_profile"
                    )
                ],
                "action_forms": [
                    (action, ACTION_BUTTONS[action], forms.get(action) or self.make_form(action))
                    for action in self.available()
                ],
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action not in self.available():
            messages.error(request, _("That is not possible for this report (any more)."))
            return redirect(self.request.path)
        form = self.make_form(action, request.POST)
        if not form.is_valid():
            messages.error(request, _("The action could not be done. Please check the form."))
            return self.render_to_response(self.get_context_data(forms={action: form}))
        try:
            self.act(action, form.cleaned_data)
        except RuleError as error:
            messages.error(request, error.message)
            return redirect(self.request.path)
        messages.success(request, _("Done: %(action)s.") % {"action": ACTION_DONE[action]})
        return redirect(self.request.path)

    def act(self, action, data):
        report, moderator, note = self.object, self.request.user, data["note"]
        close = data.get("close", False)
        if action == "dismiss":
            moderation.dismiss(report, moderator=moderator, note=note)
        elif action == "hide_call":
            moderation.hide_call(report, moderator=moderator, note=note, close=close)
        elif action == "remove_message":
            moderation.remove_message(report, moderator=moderator, note=note, close=close)
        elif action == "warn":
            moderation.warn(
                report,
                data["member"],
                moderator=moderator,
                note=note,
                notice=data["notice"],
                close=close,
            )
        elif action == "suspend":
            moderation.suspend(
                data["member"],
                until=data["until"],
                note=note,
                notice=data["notice"],
                moderator=moderator,
                report=report,
                close=close,
            )
        elif action == "lift":
            moderation.lift_suspension(
                data["member"], moderator=moderator, note=note, report=report
            )


ACTION_BUTTONS = {
    "dismiss": gettext_lazy("Dismiss: nothing needs doing"),
    "hide_call": gettext_lazy("Hide the call"),
    "remove_message": gettext_lazy("Remove the message"),
    "warn": gettext_lazy("Warn the member"),
    "suspend": gettext_lazy("Suspend the member"),
    "lift": gettext_lazy("Lift the suspension"),
}

ACTION_DONE = {
    "dismiss": ModerationActionKind.DISMISS.label,
    "hide_call": ModerationActionKind.HIDE_CALL.label,
    "remove_message": ModerationActionKind.REMOVE_MESSAGE.label,
    "warn": ModerationActionKind.WARN.label,
    "suspend": ModerationActionKind.SUSPEND.label,
    "lift": ModerationActionKind.LIFT.label,
}
