"""The admin side: editors see and moderate calls and sign-ups, never create them;
moderators handle members' reports. No view here shows members' messages at large.
"""

import django_filters
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, BulkActionsCheckboxColumn, Column, DateColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log
from wagtail.permissions import policy_registry
from wagtail.snippets.views.snippets import EditView, IndexView, SnippetViewSet, SnippetViewSetGroup

from . import moderation, rules
from .models import Call, Place, Registration, Report
from .models.calls import STORED_STATUSES
from .panels import ApprovalPanel, RegistrationsPanel
from .templatetags.wagtail_meetings_tags import meeting_when
from .views.moderation import REPORTS, ReportDetailView, ReportIndexView

# Other viewsets (the reports) join the "Meetings" menu through this hook.
MEETINGS_MENU_HOOK = "register_wagtail_meetings_menu_item"

APPROVE_ACTION = "wagtail_meetings.approve"
HIDE_ACTION = "wagtail_meetings.hide"


def _read_only(*names):
    return [FieldPanel(name, read_only=True) for name in names]


class CallFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STORED_STATUSES)
    hidden = django_filters.BooleanFilter(label=_("Hidden by a moderator"))
    awaiting_approval = django_filters.BooleanFilter(label=_("Waiting for approval"))
    place = django_filters.ModelChoiceFilter(
        label=_("Town"), queryset=Place.objects.filter(calls__isnull=False).distinct()
    )
    starts_after = django_filters.DateFilter(
        label=_("On or after"), field_name="starts_at", lookup_expr="date__gte"
    )
    starts_before = django_filters.DateFilter(
        label=_("On or before"), field_name="starts_at", lookup_expr="date__lte"
    )

    class Meta:
        model = Call
        fields = []


class ApproveView(PermissionCheckedMixin, BaseObjectMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET asks the moderator to confirm; the POST approves and tells the organiser."""

    permission_required = "change"
    template_name = "wagtail_meetings/admin/approve.html"
    page_title = _("Approve call")
    header_icon = "check"
    edit_url_name = None
    approve_url_name = None

    def get_page_subtitle(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            call=self.object,
            approve_url=reverse(self.approve_url_name, args=[quote(self.object.pk)]),
            back_url=self.get_success_url(),
        )
        return context

    def get_success_url(self):
        return get_valid_next_url_from_request(self.request) or reverse(
            self.edit_url_name, args=[quote(self.object.pk)]
        )

    def post(self, request, *args, **kwargs):
        if self.object.awaiting_approval:
            rules.approve(self.object)
            log(instance=self.object, action=APPROVE_ACTION, user=request.user)
            messages.success(
                request, _("The call is approved: members see it now, and its organiser is told.")
            )
        return redirect(self.get_success_url())


class ApproveButtonsMixin:
    """The "Approve" button beside a call that waits for approval."""

    approve_url_name = None

    def approve_url(self, call):
        if not call.awaiting_approval or not self.user_has_permission("change"):
            return None
        return reverse(self.approve_url_name, args=[quote(call.pk)])


class NoBulkActionsIndexView(IndexView):
    """A listing without Wagtail's bulk actions: for calls and sign-ups the only one would be
    "Delete", which the admin refuses (members own them), so it is not offered at all."""

    @cached_property
    def columns(self):
        return [c for c in super().columns if not isinstance(c, BulkActionsCheckboxColumn)]


class CallIndexView(ApproveButtonsMixin, NoBulkActionsIndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if url := self.approve_url(instance):
            url += "?" + urlencode({"next": self.index_url})
            buttons.append(MenuItem(_("Approve"), url=url, icon_name="check", priority=5))
        return buttons


class CallEditView(ApproveButtonsMixin, EditView):
    def save_instance(self):
        # Hiding here works as hiding from a report: the members signed up are told
        # and the meeting's conversation closes. The edit itself is logged as usual.
        hiding = "hidden" in self.form.changed_data and self.form.cleaned_data["hidden"]
        if hiding:
            self.form.instance.hidden = False
        instance = super().save_instance()
        if hiding:
            moderation.hide_calls(Call.objects.filter(pk=instance.pk))
            instance.refresh_from_db()
            log(instance=instance, action=HIDE_ACTION, user=self.request.user)
        return instance

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if url := self.approve_url(self.object):
            buttons.append(Button(_("Approve"), url=url, icon_name="check", priority=5))
        return buttons


class CallViewSet(SnippetViewSet):
    model = Call
    icon = "group"
    menu_label = _("Calls")
    url_namespace = "wagtail_meetings_calls"
    base_url_path = "meetings/calls"
    index_view_class = CallIndexView
    index_template_name = "wagtail_meetings/admin/index_without_bulk_actions.html"
    edit_view_class = CallEditView
    copy_view_enabled = False
    inspect_view_enabled = True
    filterset_class = CallFilterSet
    search_fields = ["title"]
    search_backend_name = None
    ordering = ["-created_at"]
    list_display = [
        "title",
        Column("place", label=_("Town")),
        # The meeting's own date, written out: relative times ("just now") suit
        # the past, not a meeting ahead.
        Column("starts_at", label=_("Date"), accessor=meeting_when, sort_key="starts_at"),
        Column("get_status_display", label=_("Status"), sort_key="status"),
        BooleanColumn("hidden", label=_("Hidden")),
        BooleanColumn("awaiting_approval", label=_("Waiting for approval")),
        DateColumn("created_at", label=_("Posted")),
    ]
    # The meeting point stays with the organiser and participants (guarantee 3).
    inspect_view_fields = [
        "title",
        "description",
        "audience",
        "place",
        "venue_kind",
        "starts_at",
        "capacity",
        "status",
        "hidden",
        "awaiting_approval",
        "created_at",
    ]
    edit_handler = ObjectList(
        [
            ApprovalPanel(),
            FieldPanel(
                "hidden",
                help_text=_("Hide a call that breaks the house rules; members no longer see it."),
            ),
            MultiFieldPanel(
                _read_only("title", "description", "audience", "place", "venue_kind"),
                heading=_("The call"),
            ),
            MultiFieldPanel(
                _read_only("starts_at", "capacity", "status", "created_at"),
                heading=_("Date and places"),
            ),
            RegistrationsPanel(),
        ]
    )

    def get_queryset(self, request):
        return Call.objects.select_related("place")

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            approve_url_name=self.get_url_name("approve"), **kwargs
        )

    @property
    def approve_view(self):
        return self.construct_view(ApproveView)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(f"approve/<{self.pk_path_converter}:pk>/", self.approve_view, name="approve"),
        ]


class RegistrationViewSet(SnippetViewSet):
    model = Registration
    icon = "user"
    menu_label = _("Sign-ups")
    url_namespace = "wagtail_meetings_registrations"
    base_url_path = "meetings/sign-ups"
    index_view_class = NoBulkActionsIndexView
    index_template_name = "wagtail_meetings/admin/index_without_bulk_actions.html"
    copy_view_enabled = False
    inspect_view_enabled = True
    list_filter = ["status"]
    ordering = ["-created_at"]
    list_display = [
        Column("call", label=_("Call")),
        Column("member_name", label=_("Member")),
        Column("get_status_display", label=_("Status"), sort_key="status"),
        DateColumn("created_at", label=_("Signed up")),
        DateColumn("updated_at", label=_("Changed")),
    ]
    # No note: it is for the organiser alone.
    inspect_view_fields = ["call", "member_name", "status", "created_at", "updated_at"]
    edit_handler = ObjectList(_read_only("call", "status", "created_at", "updated_at"))

    def get_queryset(self, request):
        return Registration.objects.select_related("call", "member__meetings_profile")


class MeetingsViewSetGroup(SnippetViewSetGroup):
    items = (CallViewSet, RegistrationViewSet)
    menu_icon = "group"
    menu_label = _("Meetings")
    menu_name = "meetings"
    submenu_hook = MEETINGS_MENU_HOOK


class ReportURLFinder(ModelAdminURLFinder):
    """A report's admin URL is its page, for moderators only."""

    edit_url_name = "wagtail_meetings_reports:inspect"

    def get_edit_url(self, instance):
        policy = policy_registry.get(instance)
        if self.user and not policy.user_has_permission(self.user, "view"):
            return None
        return self.construct_edit_url(instance)


class ReportViewSet(ModelViewSet):
    """The moderators' queue of reports and each report's page, under "Meetings".

    Only users with the ``wagtail_meetings.moderate`` permission see the menu
    item and the pages. There is no add, edit, delete or history view.
    """

    model = Report
    icon = "warning"
    menu_label = REPORTS
    menu_name = "meetings-reports"
    menu_hook = MEETINGS_MENU_HOOK
    menu_order = 300
    name = "wagtail_meetings_reports"
    url_prefix = "meetings/reports"
    index_view_class = ReportIndexView
    inspect_view_class = ReportDetailView
    inspect_view_enabled = True
    add_to_reference_index = False
    url_finder_class = ReportURLFinder
    list_per_page = 50
    list_filter = ["status", "kind", "reason"]
    list_display = [
        "reason",
        Column("get_kind_display", label=_("Kind"), sort_key="kind"),
        DateColumn("created_at", label=_("Reported")),
        Column("get_status_display", label=_("Status"), sort_key="status"),
    ]

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", self.inspect_view, name="inspect"),
        ]
