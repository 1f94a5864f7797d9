from django.core.handlers.exception import response_for_exception
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from .. import ratelimit
from ..access import gate, log_refusal, make_private
from ..conf import app_settings
from ..geo import RADIUS_CHOICES
from .calls import Approval, MeetingPointReveal


class MembersOnlyPageMixin(RoutablePageMixin, models.Model):
    """A routable page whose every route is for members only.

    :meth:`serve` lets members in and gives everyone else a login redirect or
    an explanation; all responses are private and kept out of search engines.
    """

    non_member_message = RichTextField(
        _("message for logged-in non-members"),
        blank=True,
        help_text=_("Explains why this is for members only and how to become one."),
    )

    # Page privacy may narrow the page to some groups; the membership gate
    # always applies as well, so password and "any logged-in user" add nothing.
    private_page_options = ["groups"]

    class Meta:
        abstract = True

    def serve(self, request, *args, **kwargs):
        refused = gate(request, self)
        if refused is not None:
            return make_private(refused)
        if request.method == "POST" and not ratelimit.allow(request.user, "post"):
            # Far more than a person clicks: a runaway script or a flood. The
            # actions' own limits (calls, sign-ups, messages) are much lower.
            return make_private(self.render_too_many(request))
        try:
            response = super().serve(request, *args, **kwargs)
        except Http404 as exc:
            # Someone else's, hidden or unknown: logged with ids only. Whether
            # something exists differs per member: "not found" stays private too.
            log_refusal(request, self, "not found")
            response = response_for_exception(request, exc)
        return make_private(response)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["meetings_base_template"] = app_settings.BASE_TEMPLATE
        context["board"] = self.find_board()
        context["inbox"] = self.find_inbox()
        # Views and template tags ask again during the request: answer from here.
        request._meetings_inbox = context["inbox"]
        context.update(views.common.moderation_context(request))
        return context

    def find_board(self):
        """The board the navigation links to; override where a site has several."""
        return MeetingsBoardPage.objects.live().first()

    def find_inbox(self):
        """The inbox the navigation and "send a message" links go to."""
        return InboxPage.objects.live().first()

    def render_not_member(self, request):
        context = self.get_context(request)
        return TemplateResponse(request, "wagtail_meetings/not_member.html", context, status=403)

    def render_too_many(self, request):
        context = self.get_context(request)
        return TemplateResponse(request, "wagtail_meetings/too_many.html", context, status=429)

    def serve_preview(self, request, mode_name):
        # RoutablePageMixin would preview the "" route, with member content:
        # render the preview template instead (Page's own preview, no routing).
        return make_private(super(RoutablePageMixin, self).serve_preview(request, mode_name))

    def get_sitemap_urls(self, request=None):
        return []


class MeetingsBoardMixin(MembersOnlyPageMixin):
    """The board's behaviour, for a page type of the host site's own if it needs one.

    Subclasses add routes with ``@path`` that call the view functions in
    ``wagtail_meetings.views``; every route is for members only.
    """

    intro = RichTextField(_("introduction"), blank=True)
    house_rules = RichTextField(
        _("house rules"),
        help_text=_("Members accept these before they post or sign up for the first time."),
    )
    safety_tips = RichTextField(
        _("safety tips"),
        blank=True,
        help_text=_("Shown beside the call form and on every call."),
    )
    suggested_activities = models.TextField(
        _("suggested activities"),
        blank=True,
        help_text=_("One per line, for example “walk”, “coffee”, “museum”."),
    )
    extra_home_words = models.TextField(
        _("more words for a home"),
        blank=True,
        help_text=_(
            "One word or phrase per line, for example a local way of saying “at my place”. "
            "The call form already refuses common Dutch and English words for a home and "
            "street addresses without a venue’s name; it refuses these too. This is a guard, "
            "not a guarantee: members’ reports remain the safety net."
        ),
    )
    approval = models.CharField(
        _("approval of new calls"),
        max_length=10,
        choices=Approval.choices,
        default=Approval.NONE,
        help_text=_(
            "A call that waits for approval is seen only by its organiser, until a "
            "moderator approves it under Meetings → Calls."
        ),
    )
    reveal_meeting_point = models.CharField(
        _("accepted members see the meeting point"),
        max_length=10,
        choices=MeetingPointReveal.choices,
        default=MeetingPointReveal.AT_ACCEPTANCE,
        help_text=_(
            "The organiser always sees it. Calls whose date is still to be agreed show it "
            "at acceptance."
        ),
    )
    reveal_hours_before = models.PositiveSmallIntegerField(
        _("hours before the meeting"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
        help_text=_("Between 1 and 168 (a week); used when the meeting point is shared later."),
    )
    default_capacity = models.PositiveSmallIntegerField(
        _("default number of places"), default=4, validators=[MinValueValidator(2)]
    )
    default_radius = models.PositiveSmallIntegerField(
        _("default search distance"),
        choices=RADIUS_CHOICES,
        null=True,
        blank=True,
        default=25,
        help_text=_(
            "Members who set a home town first see the calls within this distance. "
            "Empty: calls from everywhere."
        ),
    )

    class Meta:
        abstract = True

    def find_board(self):
        return self

    @property
    def activity_suggestions(self):
        return [line.strip() for line in self.suggested_activities.splitlines() if line.strip()]

    @property
    def home_words(self):
        """The editors' own words for a home, added to the guard's defaults."""
        return [line.strip() for line in self.extra_home_words.splitlines() if line.strip()]

    def get_preview_template(self, request, mode_name):
        # Editors preview their own texts; member content is never rendered here.
        return "wagtail_meetings/board_preview.html"

    # Routes: thin delegates to the view functions, one per member action.

    @path("", name="list")
    def board(self, request):
        return views.board.call_list(request, self)

    @path("call/<int:call_id>/", name="call")
    def call(self, request, call_id):
        return views.board.call_detail(request, self, call_id)

    @path("new/", name="post")
    def post_call(self, request):
        return views.calls.post_call(request, self)

    # Wagtail serves page URLs of word characters ending in "/" only (no ".ics"):
    # the file name comes with the response instead.
    @path("call/<int:call_id>/calendar/", name="calendar")
    def call_calendar(self, request, call_id):
        return views.calendar.call_calendar(request, self, call_id)

    @path("call/<int:call_id>/edit/", name="edit")
    def edit_call(self, request, call_id):
        return views.calls.edit_call(request, self, call_id)

    @path("call/<int:call_id>/again/", name="again")
    def organise_again(self, request, call_id):
        return views.calls.organise_again(request, self, call_id)

    @path("call/<int:call_id>/cancel/", name="cancel")
    def cancel_call(self, request, call_id):
        return views.calls.cancel_call(request, self, call_id)

    @path("call/<int:call_id>/close/", name="close")
    def close_call(self, request, call_id):
        return views.calls.close_call(request, self, call_id)

    @path("call/<int:call_id>/reopen/", name="reopen")
    def reopen_call(self, request, call_id):
        return views.calls.reopen_call(request, self, call_id)

    @path("call/<int:call_id>/sign-up/", name="sign_up")
    def sign_up(self, request, call_id):
        return views.registrations.sign_up(request, self, call_id)

    @path("call/<int:call_id>/withdraw/", name="withdraw")
    def withdraw(self, request, call_id):
        return views.registrations.withdraw(request, self, call_id)

    @path("sign-up/<int:registration_id>/accept/", name="accept")
    def accept(self, request, registration_id):
        return views.registrations.accept(request, self, registration_id)

    @path("sign-up/<int:registration_id>/decline/", name="decline")
    def decline(self, request, registration_id):
        return views.registrations.decline(request, self, registration_id)

    @path("towns/", name="towns")
    def towns(self, request):
        return views.board.town_suggestions(request, self)

    @path("mine/", name="mine")
    def my_meetings(self, request):
        return views.members.my_meetings(request, self)

    @path("welcome/", name="welcome")
    def welcome(self, request):
        return views.members.welcome(request, self)

    @path("profile/", name="profile")
    def profile(self, request):
        return views.members.profile(request, self)

    @path("my-data/", name="my_data")
    def my_data(self, request):
        return views.privacy.my_data(request, self)

    @path("my-data/download/", name="my_data_download")
    def my_data_download(self, request):
        return views.privacy.my_data_download(request, self)

    @path("leave-board/", name="leave_board")
    def leave_board(self, request):
        return views.privacy.leave_board(request, self)

    @path("member/<int:member_id>/block/", name="block")
    def block(self, request, member_id):
        return views.members.block(request, self, member_id)

    @path("member/<int:member_id>/unblock/", name="unblock")
    def unblock(self, request, member_id):
        return views.members.unblock(request, self, member_id)

    @path("report/call/<int:call_id>/", name="report_call")
    def report_call(self, request, call_id):
        return views.reports.report_call(request, self, call_id)

    @path("report/member/<int:member_id>/", name="report_member")
    def report_member(self, request, member_id):
        return views.reports.report_member(request, self, member_id)

    @path("report/meeting/<int:call_id>/", name="report_meeting")
    def report_meeting(self, request, call_id):
        return views.reports.report_meeting(request, self, call_id)

    @path("call/<int:call_id>/check-in/", name="check_in")
    def check_in(self, request, call_id):
        return views.reports.check_in(request, self, call_id)

    @path("notice/<int:notice_id>/read/", name="notice_read")
    def notice_read(self, request, notice_id):
        return views.reports.notice_read(request, self, notice_id)


class MeetingsBoardPage(MeetingsBoardMixin, Page):  # noqa: DJ008 (Page has __str__)
    """The members-only meetings board."""

    template = "wagtail_meetings/board.html"
    subpage_types = []

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("house_rules"),
        FieldPanel("non_member_message"),
        MultiFieldPanel(
            [
                FieldPanel("safety_tips"),
                FieldPanel("extra_home_words"),
                FieldPanel("approval"),
                FieldPanel("reveal_meeting_point"),
                FieldPanel("reveal_hours_before"),
            ],
            heading=_("Safety"),
        ),
        MultiFieldPanel(
            [FieldPanel("suggested_activities"), FieldPanel("default_capacity")],
            heading=_("Defaults for new calls"),
        ),
        FieldPanel("default_radius"),
    ]

    class Meta:
        verbose_name = _("meetings board")
        verbose_name_plural = _("meetings boards")


class InboxMixin(MembersOnlyPageMixin):
    """The member's conversations; for a page type of the host site's own."""

    intro = RichTextField(_("introduction"), blank=True)

    class Meta:
        abstract = True

    def find_inbox(self):
        return self

    def get_preview_template(self, request, mode_name):
        return "wagtail_meetings/inbox/preview.html"

    @path("", name="inbox")
    def conversations(self, request):
        return views.inbox.conversation_list(request, self)

    @path("archived/", name="archived")
    def archived(self, request):
        return views.inbox.conversation_list(request, self, archived=True)

    @path("conversation/<int:conversation_id>/", name="conversation")
    def conversation(self, request, conversation_id):
        return views.inbox.conversation(request, self, conversation_id)

    @path("conversation/<int:conversation_id>/reply/", name="reply")
    def reply(self, request, conversation_id):
        return views.inbox.reply(request, self, conversation_id)

    @path("conversation/<int:conversation_id>/archive/", name="archive")
    def archive(self, request, conversation_id):
        return views.inbox.archive(request, self, conversation_id, archived=True)

    @path("conversation/<int:conversation_id>/unarchive/", name="unarchive")
    def unarchive(self, request, conversation_id):
        return views.inbox.archive(request, self, conversation_id, archived=False)

    @path("conversation/<int:conversation_id>/leave/", name="leave")
    def leave(self, request, conversation_id):
        return views.inbox.leave(request, self, conversation_id)

    @path("write/<int:member_id>/", name="write")
    def write(self, request, member_id):
        return views.inbox.write(request, self, member_id)

    @path("conversation/<int:conversation_id>/report/<int:message_id>/", name="report_message")
    def report_message(self, request, conversation_id, message_id):
        return views.reports.report_message(request, self, conversation_id, message_id)


class InboxPage(InboxMixin, Page):  # noqa: DJ008 (Page has __str__)
    """Members' messages: a conversation per meeting and between two members."""

    template = "wagtail_meetings/inbox/conversations.html"
    subpage_types = []
    max_count_per_parent = 1

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("non_member_message"),
    ]

    class Meta:
        verbose_name = _("member inbox")
        verbose_name_plural = _("member inboxes")


from .. import views  # noqa: E402  (the views import the models)
