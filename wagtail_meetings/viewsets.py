"""The admin side: editors see and moderate calls and sign-ups, never create them."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Call, Place, Registration
from .models.calls import STORED_STATUSES
from .panels import RegistrationsPanel
from .templatetags.wagtail_meetings_tags import meeting_when


def _read_only(*names):
    return [FieldPanel(name, read_only=True) for name in names]


class CallFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STORED_STATUSES)
    hidden = django_filters.BooleanFilter(label=_("Hidden by a moderator"))
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


class CallViewSet(SnippetViewSet):
    model = Call
    icon = "group"
    menu_label = _("Calls")
    url_namespace = "wagtail_meetings_calls"
    base_url_path = "meetings/calls"
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
        "created_at",
    ]
    edit_handler = ObjectList(
        [
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


class RegistrationViewSet(SnippetViewSet):
    model = Registration
    icon = "user"
    menu_label = _("Sign-ups")
    url_namespace = "wagtail_meetings_registrations"
    base_url_path = "meetings/sign-ups"
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
