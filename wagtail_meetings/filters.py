"""Finding a meeting: the board's filters, read from the query string.

Every filter lives in the query string, so a search can be bookmarked and the
form works without JavaScript. A key that is missing takes the board's
default; a value that cannot be used is left out and explained next to its
field, never a server error.
"""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.db import models
from django.db.models import F, Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .forms import PlaceField
from .geo import RADIUS_CHOICES, bounding_box, distance_km
from .models import Audience, CallActivity, CallStatus, Role
from .text import clean_plain_text

MAX_ACTIVITIES = 10

# Dates a search can name: wide enough for any meeting, narrow enough that a day
# later or midnight in Amsterdam is still a date every database can hold.
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2199, 12, 31)

# Which calls fit a member's own role when the audience is left at its default.
AUDIENCES_FOR_ROLE = {
    Role.PEER: [Audience.PEERS, Audience.EVERYONE],
    Role.RELATIVE: [Audience.RELATIVES, Audience.EVERYONE],
    Role.BOTH: [Audience.PEERS, Audience.RELATIVES, Audience.EVERYONE],
}


class AudienceFilter(models.TextChoices):
    MINE = "mine", _("Calls that fit me")
    PEERS = "peers", _("Open to peers")
    RELATIVES = "relatives", _("Open to relatives")
    TOGETHER = "together", _("For peers and relatives together")
    ALL = "all", _("All calls")


# The calls' audiences that each choice of the audience filter finds.
AUDIENCES_FOR_FILTER = {
    AudienceFilter.PEERS: [Audience.PEERS, Audience.EVERYONE],
    AudienceFilter.RELATIVES: [Audience.RELATIVES, Audience.EVERYONE],
    AudienceFilter.TOGETHER: [Audience.EVERYONE],
}


class When(models.TextChoices):
    ANY = "", _("Any time")
    WEEK = "week", _("This week")
    MONTH = "month", _("This month")
    RANGE = "range", _("Between two dates")
    LATER = "later", _("Date still to be agreed")


class Sort(models.TextChoices):
    DATE = "date", _("Soonest first")
    DISTANCE = "distance", _("Nearest first")


def _invalid_choice():
    return {"invalid_choice": _("“%(value)s” is not one of the choices, so it was left out.")}


class ActivityField(forms.MultipleChoiceField):
    """Activities as checkboxes; a name from a bookmark or a link is kept even if not offered."""

    def valid_value(self, value):
        try:
            value = clean_plain_text(value, multiline=False)
        except forms.ValidationError:
            return False
        return bool(value) and len(value) <= 100

    def clean(self, value):
        return list(dict.fromkeys(v.strip() for v in super().clean(value)))[:MAX_ACTIVITIES]


class SearchDateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    default_error_messages = {
        "invalid": _("Enter the date as year-month-day, e.g. 2027-03-31."),
        "out_of_range": _("Choose a date between 2000 and 2199; this one was left out."),
    }

    def validate(self, value):
        super().validate(value)
        if value and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range")


class BoardFilterForm(forms.Form):
    town = PlaceField(
        label=_("Near"),
        required=False,
        help_text=_("A town. Leave empty to use your home town."),
    )
    radius = forms.TypedChoiceField(
        label=_("Distance"),
        choices=[("", _("Anywhere"))] + [(str(km), label) for km, label in RADIUS_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages=_invalid_choice(),
    )
    activity = ActivityField(
        label=_("Activities"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("An activity could not be read, so the activities were left out.")
        },
    )
    audience = forms.ChoiceField(
        label=_("For whom"),
        choices=AudienceFilter.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages=_invalid_choice(),
    )
    when = forms.ChoiceField(
        label=_("When"),
        choices=When.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages=_invalid_choice(),
    )
    start = SearchDateField(label=_("From"), required=False)
    end = SearchDateField(label=_("Until"), required=False)
    room = forms.BooleanField(label=_("Only calls that still have room"), required=False)
    sort = forms.ChoiceField(
        label=_("Order"),
        choices=Sort.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages=_invalid_choice(),
    )

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        for bound in self.fields.values():
            bound.optional_label = False  # every filter is optional: no need to say so
        offered = list(activities)
        if self.is_bound:
            # Only as many as a search uses: a long query string adds no more checkboxes.
            offered += self.data.getlist("activity")[:MAX_ACTIVITIES]
        activity = self.fields["activity"]
        names = list(dict.fromkeys(n.strip() for n in offered if activity.valid_value(n)))
        activity.choices = [(name, name) for name in names]

    CHOICE_FIELDS = ("sort", "when", "audience", "activity")

    @property
    def options(self):
        """(value, label, checked) of each radio or checkbox field, for the form's template."""
        options = {}
        for name in self.CHOICE_FIELDS:
            bound = self[name]
            value = bound.value()
            chosen = {str(v) for v in value} if isinstance(value, list) else {str(value or "")}
            options[name] = [(str(v), text, str(v) in chosen) for v, text in bound.field.choices]
        return options

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date is before the start date, so it was left out."))
        return cleaned


@dataclass
class BoardSearch:
    """What the member asked for, with the board's defaults filled in, ready to apply."""

    form: BoardFilterForm
    values: dict
    origin: object = None  # the Place distances are measured from
    role: str = None
    notes: list = field(default_factory=list)

    @classmethod
    def from_query(cls, query, *, board, profile):
        data = QueryDict(mutable=True)
        data.update(defaults(board))
        for key in query:
            if key != "page":
                data.setlist(key, query.getlist(key))
        form = BoardFilterForm(data, activities=board.activity_suggestions)
        form.is_valid()
        # A field that cannot be used falls back to its default; its error explains why.
        values = {
            name: form.cleaned_data.get(name) if name not in form.errors else None
            for name in form.fields
        }
        search = cls(form=form, values=values)
        search.origin = values["town"] or (profile.home_place if profile else None)
        search.role = profile.role if profile else None
        search._explain()
        return search

    def _explain(self):
        if self.origin is None and (self.values["radius"] or self.values["sort"] == Sort.DISTANCE):
            self.notes.append(
                _(
                    "To search near you, enter a town or add your home town to your profile. "
                    "Until then, calls from everywhere are shown."
                )
            )
        when, dated = self.values["when"], self.values["start"] or self.values["end"]
        if when == When.RANGE and not dated:
            self.notes.append(_("Choose a start or an end date to search between two dates."))
        if when in (When.WEEK, When.MONTH, When.LATER) and dated:
            self.notes.append(
                _("The dates were left out: choose “Between two dates” to search between them.")
            )

    @property
    def radius(self):
        return self.values["radius"] if self.origin is not None else None

    @property
    def by_distance(self):
        return self.origin is not None and self.values["sort"] == Sort.DISTANCE

    def apply(self, calls, now=None):
        """Narrow and order a queryset of calls (already the listed ones)."""
        now = now or timezone.now()
        values = self.values
        if self.origin is not None:
            lat, lon = self.origin.latitude, self.origin.longitude
            if self.radius:
                calls = calls.filter(bounding_box(lat, lon, self.radius, prefix="place__"))
            calls = calls.annotate(distance_km=distance_km(lat, lon, prefix="place__"))
            if self.radius:
                calls = calls.filter(distance_km__lte=self.radius)
        if values["activity"]:
            wanted = Q()
            for name in values["activity"]:
                wanted |= Q(tag__name__iexact=name)
            tagged = CallActivity.objects.filter(wanted).values("content_object_id")
            calls = calls.filter(pk__in=tagged)
        calls = calls.filter(self._audience())
        calls = calls.filter(self._dates(now))
        if values["room"]:
            calls = calls.filter(status=CallStatus.OPEN)
        if self.by_distance:
            return calls.order_by("distance_km", F("starts_at").asc(nulls_last=True), "pk")
        return calls.soonest_first()

    def _audience(self):
        choice = self.values["audience"] or AudienceFilter.MINE
        if choice == AudienceFilter.MINE:
            wanted = AUDIENCES_FOR_ROLE.get(self.role)
        else:
            wanted = AUDIENCES_FOR_FILTER.get(choice)
        return Q(audience__in=wanted) if wanted else Q()

    def _dates(self, now):
        when = self.values["when"]
        start, end = self.values["start"], self.values["end"]
        if when == When.LATER:
            return Q(starts_at__isnull=True)
        today = timezone.localdate(now)
        if when == When.WEEK:
            return Q(starts_at__lt=_midnight(today + datetime.timedelta(days=7 - today.weekday())))
        if when == When.MONTH:
            first_of_next = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
            return Q(starts_at__lt=_midnight(first_of_next))
        if start or end:
            dates = Q(starts_at__isnull=False)
            if start:
                dates &= Q(starts_at__gte=_midnight(start))
            if end:
                dates &= Q(starts_at__lt=_midnight(end + datetime.timedelta(days=1)))
            return dates
        return Q()


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def defaults(board):
    return {
        "radius": str(board.default_radius or ""),
        "audience": AudienceFilter.MINE,
        "when": When.ANY,
        "sort": Sort.DATE,
    }
