import re

from django import template
from django.utils import formats, timezone
from django.utils.html import urlize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..models import display_name_of

register = template.Library()


@register.filter
def member_name(user):
    """The name other members see for ``user`` (a pseudonym, never the username).

    A message whose sender left the board shows "former member".
    """
    if user is None:
        return _("former member")
    return display_name_of(user)


@register.filter
def meeting_when(call):
    """The date written out, as in "zaterdag 12 december 2026, 14:00"."""
    if call.starts_at is None:
        return _("Date and time to be agreed")
    local = timezone.localtime(call.starts_at)
    return formats.date_format(local, _("l j F Y, H:i"))


_ANCHOR = re.compile(r'<a href="')


@register.filter
def message_text(text):
    """Plain text for display: escaped, line breaks kept, web addresses as links."""
    linked = urlize(text, nofollow=False, autoescape=True)
    linked = _ANCHOR.sub('<a rel="nofollow noopener ugc" href="', linked)
    return mark_safe(linked.replace("\n", "<br>"))  # noqa: S308 (escaped by urlize)


@register.simple_tag(takes_context=True)
def meetings_unread_count(context):
    """How many unread messages the member has, for the site's own menu.

    ``{% meetings_unread_count as unread %}``; 0 for anyone who is not a member.
    Counted once per request.
    """
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    if not hasattr(request, "_meetings_unread"):
        from ..access import is_member
        from ..messaging import unread_total

        request._meetings_unread = unread_total(request.user) if is_member(request.user) else 0
    return request._meetings_unread


@register.simple_tag(takes_context=True)
def meetings_write_url(context, user):
    """Where to write a message to ``user``: the inbox's "write" route, or ``""``."""
    inbox = context.get("inbox")
    request = context.get("request")
    if inbox is None or user is None or request is None or user.pk == request.user.pk:
        return ""
    base = inbox.get_url(request)
    return (base if base.endswith("/") else base + "/") + inbox.reverse_subpage(
        "write", args=[user.pk]
    )
