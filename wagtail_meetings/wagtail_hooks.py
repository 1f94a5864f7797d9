from wagtail.snippets.models import register_snippet

from .viewsets import MeetingsViewSetGroup

register_snippet(MeetingsViewSetGroup)
