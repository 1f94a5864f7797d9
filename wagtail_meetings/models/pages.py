from django.core.handlers.exception import response_for_exception
from django.core.validators import MinValueValidator
from django.db import models
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from ..access import gate, make_private
from ..conf import app_settings


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
        try:
            response = super().serve(request, *args, **kwargs)
        except Http404 as exc:
            # Whether something exists differs per member: "not found" stays private too.
            response = response_for_exception(request, exc)
        return make_private(response)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["meetings_base_template"] = app_settings.BASE_TEMPLATE
        context["board"] = self.find_board()
        context["inbox"] = self.find_inbox()
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
    default_capacity = models.PositiveSmallIntegerField(
        _("default number of places"), default=4, validators=[MinValueValidator(2)]
    )

    class Meta:
        abstract = True

    def find_board(self):
        return self

    @property
    def activity_suggestions(self):
        return [line.strip() for line in self.suggested_activities.splitlines() if line.strip()]

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

    @path("mine/", name="mine")
    def my_meetings(self, request):
        return views.members.my_meetings(request, self)

    @path("welcome/", name="welcome")
    def welcome(self, request):
        return views.members.welcome(request, self)

    @path("profile/", name="profile")
    def profile(self, request):
        return views.members.profile(request, self)

    @path("member/<int:member_id>/block/", name="block")
    def block(self, request, member_id):
        return views.members.block(request, self, member_id)

    @path("member/<int:member_id>/unblock/", name="unblock")
    def unblock(self, request, member_id):
        return views.members.unblock(request, self, member_id)


class MeetingsBoardPage(MeetingsBoardMixin, Page):  # noqa: DJ008 (Page has __str__)
    """The members-only meetings board."""

    template = "wagtail_meetings/board.html"
    subpage_types = []

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("house_rules"),
        FieldPanel("safety_tips"),
        FieldPanel("non_member_message"),
        MultiFieldPanel(
            [FieldPanel("suggested_activities"), FieldPanel("default_capacity")],
            heading=_("Defaults for new calls"),
        ),
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
