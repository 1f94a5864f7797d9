import re

from django import template
from django.utils import formats, timezone
from django.utils.html import escape, urlize
from django.utils.safestring import SafeData, mark_safe
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
    return written_out(call.starts_at)


@register.filter
def written_out(moment):
    """A moment written out in the site's time zone, as :func:`meeting_when` does."""
    return formats.date_format(timezone.localtime(moment), _("l j F Y, H:i"))


@register.filter
def meeting_distance(call):
    """ "± 12 km" from the town searched from; empty where no distance was computed."""
    km = getattr(call, "distance_km", None)
    if km is None:
        return ""
    if km < 1:
        return _("less than 1 km")
    return _("± %(km)s km") % {"km": formats.number_format(round(km))}


_ANCHOR = re.compile(r'<a href="')
# urlize only links words like these (http(s)://, www., a .com-like ending, an e-mail
# address); most messages have none, and escaping them is all urlize would do.
_LINKABLE = re.compile(r"https?://|www\.|@|\.(?:com|edu|gov|int|mil|net|org)", re.IGNORECASE)


@register.filter
def message_text(text):
    """Plain text for display: escaped, line breaks kept, web addresses as links."""
    if not isinstance(text, SafeData) and not _LINKABLE.search(str(text)):
        linked = escape(text)
    else:
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
    return _route_url(request, inbox, "write", user.pk)


@register.simple_tag(takes_context=True)
def meetings_url(context, page, name, *args):
    """``{% routablepageurl %}`` for lists: the page's own URL is worked out once a request."""
    return _route_url(context["request"], page, name, *args)


def _route_url(request, page, name, *args):
    bases = getattr(request, "_meetings_page_urls", None)
    if bases is None:
        bases = request._meetings_page_urls = {}
    if page.pk not in bases:
        base = page.get_url(request)
        bases[page.pk] = base if base.endswith("/") else base + "/"
    return bases[page.pk] + page.reverse_subpage(name, args=args)
