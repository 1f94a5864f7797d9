from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ..models import display_name_of

register = template.Library()


@register.filter
def member_name(user):
    """The name other members see for ``user`` (a pseudonym, never the username)."""
    return display_name_of(user)


@register.filter
def meeting_when(call):
    """The date written out, as in "zaterdag 12 december 2026, 14:00"."""
    if call.starts_at is None:
        return _("Date and time to be agreed")
    local = timezone.localtime(call.starts_at)
    return formats.date_format(local, _("l j F Y, H:i"))
