"""Member-written text is plain text: cleaned here, escaped on output."""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Characters that reorder or hide text (bidirectional overrides and isolates):
# they can make a message read differently from what was written.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_plain_text(value, *, multiline):
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    allowed = {"\n", "\t"} if multiline else {"\t"}
    for char in value:
        if char in allowed:
            continue
        if unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS:
            raise ValidationError(
                _(
                    "The text contains invisible control characters. "
                    "Please type it again or paste it as plain text."
                ),
                code="control_characters",
            )
    if not multiline:
        value = " ".join(value.split())
    return value.strip()


class PlainTextField(forms.CharField):
    """A ``CharField`` that refuses control characters and trims the text."""

    def __init__(self, *, multiline=False, **kwargs):
        self.multiline = multiline
        kwargs.setdefault("strip", False)
        if multiline:
            kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 6}))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        # No ``maxlength``: browsers silently cut pasted text at the limit, and a
        # member should see the length message instead of losing words.
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return ""
        return clean_plain_text(value, multiline=self.multiline)
