from django import template

from wagtail_meetings.models import InboxPage

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_url(context):
    """The members' inbox page, for the site's menu; ``""`` while there is none."""
    # Member pages have it in their context already.
    inbox = context.get("inbox") or InboxPage.objects.live().first()
    if inbox is None:
        return ""
    return inbox.get_url(request=context.get("request")) or ""
