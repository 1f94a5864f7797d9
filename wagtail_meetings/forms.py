import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import guard
from .conf import app_settings
from .models import Call, MemberProfile, Place, Registration, ReportReason, display_name_of
from .models.places import normalise_name
from .text import PlainTextField


class PlaceField(forms.CharField):
    """A town typed as text and matched on the server (no JavaScript needed).

    Diacritics, case and alternate names do not matter; where several towns
    share a name, the member adds the province in brackets.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 120)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Place):
            return value.label
        if isinstance(value, int):
            place = Place.objects.filter(pk=value).first()
            return place.label if place else ""
        return value

    def has_changed(self, initial, data):
        # The initial value is a Place (or its id), the data a typed name.
        try:
            chosen = self.clean(data)
        except ValidationError:
            return True
        before = initial.pk if isinstance(initial, Place) else initial
        return (chosen.pk if chosen else None) != (before or None)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        name, _sep, province = text.partition("(")
        places = list(Place.objects.matching(name))
        if len(places) > 1 and province:
            wanted = normalise_name(province.rstrip(")"))
            places = [p for p in places if normalise_name(p.province) == wanted] or places
        if len(places) > 1:
            # "Hoorn" means Hoorn, not Den Hoorn, whose alternate names include it.
            named = [p for p in places if normalise_name(p.name) == normalise_name(name)]
            places = named or places
        if not places:
            raise ValidationError(
                _(
                    "We do not know a town called “%(name)s”. Check the spelling, "
                    "or choose a larger town nearby."
                ),
                params={"name": text},
                code="unknown_place",
            )
        if len(places) > 1:
            raise ValidationError(
                _(
                    "There is more than one town called “%(name)s”. Add the province, "
                    "for example “%(example)s”."
                ),
                params={"name": name.strip(), "example": places[0].label},
                code="ambiguous_place",
            )
        return places[0]


class CallForm(forms.ModelForm):
    """Posting, editing and organising again a call.

    The public-place guard (:mod:`wagtail_meetings.guard`) refuses a meeting point or
    a title that reads as a home; ``home_words`` adds the board's own words to it.
    """

    DATE_FIXED = "fixed"
    DATE_LATER = "later"
    REQUIRED_MESSAGES = {
        "title": _("Enter a title for your call."),
        "description": _("Describe what you have in mind."),
        "audience": _("Choose who the meeting is for."),
        "place": _("Enter the town where you will meet."),
        "venue_kind": _("Choose the kind of place."),
        "meeting_point": _("Enter the meeting point."),
        "date_mode": _("Choose a set date or “to be agreed”."),
        "capacity": _("Enter how many members can join you."),
        # The field is required, so this is the message an unticked box gets.
        "public_place_confirmed": _(
            "Meetings always take place in a neutral, public place. Please confirm this."
        ),
    }

    title = PlainTextField(label=_("Title"), max_length=100)
    description = PlainTextField(
        label=_("What do you have in mind?"),
        multiline=True,
        help_text=_("Plain text. Members see this on the board."),
    )
    activities = forms.MultipleChoiceField(
        label=_("Activities"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_activities = PlainTextField(
        label=_("Another activity"),
        required=False,
        max_length=100,
        help_text=_("Separate several activities with commas."),
    )
    place = PlaceField(label=_("Town"), help_text=_("A town, not an address."))
    meeting_point = PlainTextField(
        label=_("Meeting point"),
        max_length=200,
        help_text=_(
            "The exact spot, for example “at the entrance of the Centraal Museum”. "
            "Only members you accept see it."
        ),
    )
    date_mode = forms.ChoiceField(
        label=_("When"),
        choices=[
            (DATE_FIXED, _("On a set date and time")),
            (DATE_LATER, _("To be agreed with the members who sign up")),
        ],
        initial=DATE_FIXED,
        widget=forms.RadioSelect,
    )
    # Date and time inputs take ISO values whatever the language; Django would
    # otherwise render the Dutch "31-12-2026", which the browser shows as empty.
    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    time = forms.TimeField(
        label=_("Time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    recognition = PlainTextField(
        label=_("How will the group recognise each other?"),
        required=False,
        max_length=200,
        help_text=_("For example “I will wear a yellow scarf”."),
    )
    accessibility_notes = PlainTextField(
        label=_("Accessibility notes"), required=False, max_length=300
    )
    capacity = forms.IntegerField(
        label=_("How many members can join you?"),
        min_value=2,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = Call
        fields = [
            "title",
            "description",
            "audience",
            "place",
            "venue_kind",
            "public_place_confirmed",
            "meeting_point",
            "duration_minutes",
            "recognition",
            "step_free",
            "quiet_place",
            "accessibility_notes",
            "may_leave_early",
            "capacity",
        ]
        widgets = {
            "audience": forms.RadioSelect,
            "venue_kind": forms.RadioSelect,
        }
        labels = {
            "audience": _("Who is it for?"),
            "venue_kind": _("What kind of place?"),
            "public_place_confirmed": _(
                "I confirm that we meet in a neutral, public place — not at someone’s home."
            ),
            "duration_minutes": _("Expected duration"),
            "step_free": _("Step-free access"),
            "quiet_place": _("A quiet place"),
            "may_leave_early": _("Members may leave early without explaining"),
        }

    HOME_MESSAGES = {
        "home": _(
            "Meetings always take place in a neutral, public place, such as a café, a park "
            "or a museum — never at someone’s home. Please choose a public meeting point."
        ),
        "address": _(
            "This looks like a street address. Meetings always take place in a neutral, "
            "public place, such as a café, a park or a museum — never at someone’s home. "
            "If it is a public place, add its name, for example “Café De Zaak, Kerkstraat 12”."
        ),
        "title": _(
            "Your title reads as if the meeting is at someone’s home. Meetings always take "
            "place in a neutral, public place, such as a café, a park or a museum."
        ),
    }

    def __init__(self, *args, suggested_activities=(), home_words=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.home_words = list(home_words)
        maximum = app_settings.MAX_CAPACITY
        capacity = self.fields["capacity"]
        capacity.max_value = maximum
        capacity.validators.append(
            MaxValueValidator(
                maximum, message=_("At most %(limit_value)s members can join a meeting.")
            )
        )
        capacity.widget.attrs.update({"min": 2, "max": maximum})
        capacity.help_text = _("Between 2 and %(max)s.") % {"max": maximum}
        self.fields["description"].validators.append(
            MaxLengthValidator(app_settings.MAX_DESCRIPTION_LENGTH)
        )
        self.fields["audience"].choices = self.fields["audience"].choices[1:]
        self.fields["venue_kind"].choices = self.fields["venue_kind"].choices[1:]
        self.fields["duration_minutes"].choices = [("", _("I don’t know yet"))] + list(
            self.fields["duration_minutes"].choices
        )[1:]
        self.fields["public_place_confirmed"].required = True
        # Chosen from the list or typed in "another activity": one is needed.
        self.fields["activities"].optional_label = False
        # Needed for a set date (see clean()), so not "(optional)" either.
        self.fields["date"].optional_label = False
        self.fields["time"].optional_label = False
        for name, message in self.REQUIRED_MESSAGES.items():
            self.fields[name].error_messages["required"] = message
        current = []
        if self.instance.pk or kwargs.get("initial", {}).get("activities"):
            current = self.initial.get("activities") or [
                tag.name for tag in self.instance.activities.all()
            ]
        names = list(dict.fromkeys([*suggested_activities, *current]))
        self.fields["activities"].choices = [(name, name) for name in names]
        if self.instance.pk:
            self.initial["activities"] = current
            starts_at = self.instance.starts_at
            if starts_at:
                local = timezone.localtime(starts_at)
                self.initial.update(date=local.date(), time=local.time().replace(second=0))
            else:
                self.initial["date_mode"] = self.DATE_LATER

    def clean(self):
        cleaned = super().clean()
        names = list(cleaned.get("activities") or [])
        for extra in (cleaned.get("other_activities") or "").split(","):
            extra = " ".join(extra.split())[:100]
            if extra and extra.casefold() not in {n.casefold() for n in names}:
                names.append(extra)
        if not names and "activities" not in self.errors:
            self.add_error(
                "activities", ValidationError(_("Choose or type at least one activity."))
            )
        cleaned["activity_names"] = names
        cleaned["starts_at"] = self._clean_starts_at(cleaned)
        self._guard_public_place(cleaned)
        return cleaned

    def _guard_public_place(self, cleaned):
        """Refuse a meeting point or title that reads as someone's home.

        The description is left alone: members tell there about their lives ("I am
        at home a lot"), and a word list would refuse honest texts.
        """
        place = cleaned.get("place")
        meeting_point = cleaned.get("meeting_point")
        if meeting_point:
            problem = guard.meeting_point_problem(
                meeting_point, self.home_words, towns=[place.name] if place else ()
            )
            if problem:
                self.add_error(
                    "meeting_point",
                    ValidationError(self.HOME_MESSAGES[problem], code=f"{problem}_meeting_point"),
                )
        title = cleaned.get("title")
        if title and guard.title_reads_as_home(title, self.home_words):
            self.add_error("title", ValidationError(self.HOME_MESSAGES["title"], code="home_title"))

    def _clean_starts_at(self, cleaned):
        if cleaned.get("date_mode") != self.DATE_FIXED:
            return None
        date, time = cleaned.get("date"), cleaned.get("time")
        if "date" in self.errors or "time" in self.errors:
            return None
        if date is None:
            self.add_error("date", _("Enter the date, or choose “to be agreed”."))
        if time is None:
            self.add_error("time", _("Enter the time, or choose “to be agreed”."))
        if date is None or time is None:
            return None
        starts_at = timezone.make_aware(datetime.datetime.combine(date, time))
        if starts_at <= timezone.now():
            self.add_error("date", _("Choose a date and time in the future."))
            return None
        return starts_at

    def save(self, commit=True):
        call = super().save(commit=False)
        call.starts_at = self.cleaned_data["starts_at"]
        call.activities.set(self.cleaned_data["activity_names"])
        if commit:
            call.save()
        return call


class SignUpForm(forms.ModelForm):
    note = PlainTextField(
        label=_("A short note to the organiser"),
        multiline=True,
        required=False,
        help_text=_("Only the organiser reads this. You don’t have to explain anything."),
    )

    class Meta:
        model = Registration
        fields = ["note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].max_length = app_settings.MAX_NOTE_LENGTH
        self.fields["note"].validators.append(MaxLengthValidator(app_settings.MAX_NOTE_LENGTH))
        self.fields["note"].widget.attrs["rows"] = 3


class ProfileForm(forms.ModelForm):
    display_name = PlainTextField(
        label=_("Your name on the board"),
        max_length=60,
        help_text=_("How other members see you. A first name or a pseudonym is fine."),
    )
    home_place = PlaceField(
        label=_("Home town"),
        required=False,
        help_text=_("A town, never an address. Used to show meetings near you."),
    )

    class Meta:
        model = MemberProfile
        fields = ["display_name", "role", "home_place", "notify"]
        widgets = {"role": forms.RadioSelect, "notify": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = self.fields["role"].choices[1:]
        if "notify" in self.fields:
            # The field has a default, so Django offers no empty choice to drop:
            # keep every real choice ("at once" included).
            self.fields["notify"].choices = [
                choice for choice in self.fields["notify"].choices if choice[0]
            ]
            self.fields["notify"].required = False
        self.fields["display_name"].error_messages["required"] = _(
            "Enter the name other members will see."
        )
        self.fields["role"].error_messages["required"] = _(
            "Choose whether you take part as a peer, a relative or both."
        )

    def clean_notify(self):
        # Left out of the submitted form: keep what the member chose before.
        return self.cleaned_data.get("notify") or self.instance.notify


class WelcomeForm(ProfileForm):
    """The first visit: a name, a role, and the house rules accepted."""

    # Not asked here: the welcome step does not save it (the profile page does).
    home_place = None
    accept_house_rules = forms.BooleanField(
        label=_("I have read the house rules and I will keep to them."),
        error_messages={"required": _("Please accept the house rules to take part.")},
    )

    class Meta(ProfileForm.Meta):
        fields = ["display_name", "role"]


class MessageForm(forms.Form):
    body = PlainTextField(
        label=_("Your message"),
        multiline=True,
        help_text=_("Plain text. Web addresses become links."),
        error_messages={"required": _("Write a message first.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].validators.append(MaxLengthValidator(app_settings.MAX_MESSAGE_LENGTH))
        self.fields["body"].widget.attrs["rows"] = 4


class LeaveBoardForm(forms.Form):
    """The confirmation before a member's board presence is removed."""

    understood = forms.BooleanField(
        label=_("I understand what happens, and that it cannot be undone."),
        error_messages={"required": _("Tick the box if you want to go ahead.")},
    )


class ReportForm(forms.Form):
    """A member's report to the moderators: a reason, and in their own words if they like."""

    reason = forms.ChoiceField(
        label=_("What is the matter?"),
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what your report is about.")},
    )
    details = PlainTextField(
        label=_("Tell the moderators more"),
        multiline=True,
        required=False,
        help_text=_("What happened, and when? Only the moderators read this."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["details"].validators.append(MaxLengthValidator(app_settings.MAX_REPORT_LENGTH))
        self.fields["details"].widget.attrs["rows"] = 5


# The moderators' forms in the admin, one per action on a report.


class MemberChoiceField(forms.ModelChoiceField):
    """One of the members a report is about, shown by the name members see.

    The form sets the users to choose from; the queryset declared on the field
    is only a placeholder (the user model is not ready when this module loads).
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Member"))
        kwargs.setdefault("queryset", MemberProfile.objects.none())
        kwargs.setdefault("widget", forms.RadioSelect)
        kwargs.setdefault("empty_label", None)
        kwargs.setdefault("error_messages", {"required": _("Choose the member.")})
        super().__init__(**kwargs)

    def label_from_instance(self, obj):
        return display_name_of(obj)


class ModerationForm(forms.Form):
    """What every moderator action asks: a note for the log."""

    action = None

    note = PlainTextField(
        label=_("Note for the moderators"),
        multiline=True,
        required=False,
        max_length=2000,
        help_text=_("Kept in the report's log. The member does not see it."),
    )

    def __init__(self, *args, members=(), **kwargs):
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.fields["note"].widget.attrs["rows"] = 2
        if "member" in self.fields:
            members = list(members)
            field = self.fields["member"]
            field.queryset = get_user_model().objects.filter(pk__in=[m.pk for m in members])
            if len(members) == 1:
                field.initial = members[0].pk


class ClosingModerationForm(ModerationForm):
    close = forms.BooleanField(label=_("Close the report"), required=False, initial=True)


class DismissForm(ModerationForm):
    action = "dismiss"


class HideCallForm(ClosingModerationForm):
    action = "hide_call"


class RemoveMessageForm(ClosingModerationForm):
    action = "remove_message"


class MemberNoticeForm(ClosingModerationForm):
    member = MemberChoiceField()
    notice = PlainTextField(
        label=_("Message to the member"),
        multiline=True,
        required=False,
        max_length=1000,
        help_text=_(
            "The member reads this on the board. Keep it calm, and never say who reported."
        ),
    )

    field_order = ["member", "notice", "note", "close"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notice"].widget.attrs["rows"] = 3


class WarnForm(MemberNoticeForm):
    action = "warn"


class SuspendForm(MemberNoticeForm):
    action = "suspend"
    FOR_DAYS = "days"
    FOR_GOOD = "for_good"

    length = forms.ChoiceField(
        label=_("For how long?"),
        choices=[(FOR_DAYS, _("For a number of days")), (FOR_GOOD, _("For good"))],
        initial=FOR_DAYS,
        widget=forms.RadioSelect,
    )
    days = forms.IntegerField(
        label=_("Number of days"),
        required=False,
        min_value=1,
        max_value=3650,
        initial=7,
    )

    field_order = ["member", "length", "days", "notice", "note", "close"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("length") == self.FOR_DAYS and cleaned.get("days") is None:
            if "days" not in self.errors:
                self.add_error("days", _("Enter the number of days, or choose “for good”."))
            return cleaned
        if cleaned.get("length") == self.FOR_DAYS:
            cleaned["until"] = timezone.now() + datetime.timedelta(days=cleaned["days"])
        else:
            cleaned["until"] = None
        return cleaned


class LiftSuspensionForm(ModerationForm):
    action = "lift"

    member = MemberChoiceField()

    field_order = ["member", "note"]
