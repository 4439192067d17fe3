"""Free text as users type it: one rule for every form and the API.

Control characters (U+0000–U+001F except tab, line feed and carriage return, and U+007F) have
no place in a title or a reply; XML 1.0 cannot hold them, so a single one broke the Word notice
of its case. Free text is capped at the same lengths on pages and in the API.
"""

import re
from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 5000

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def validate_plain_text(value) -> None:
    """Refuse text holding a control character, naming where it is."""
    if isinstance(value, str):
        found = CONTROL_CHARACTERS.search(value)
        if found:
            raise ValidationError(
                _("含有不可见的控制字符（U+%(code)04X，第%(pos)s个字符），请删除后重新提交。"),
                code="control_character",
                params={"code": ord(found.group()), "pos": found.start() + 1})


def strip_control_characters(value: str) -> str:
    """For text written where XML cannot hold it (Word, Excel) that came in some other way."""
    return CONTROL_CHARACTERS.sub("", value or "")


def plain_text_fields(form: forms.BaseForm) -> None:
    """Give every text field of `form` the control-character check and a length cap (free
    text without one gets LONG_TEXT_MAX, as the API's)."""
    plain_text(form.fields.values())


def plain_text(fields: Iterable[forms.Field]) -> None:
    """`plain_text_fields` for some fields (a form class's base fields). Idempotent."""
    for field in fields:
        if not isinstance(field, forms.CharField) or \
                isinstance(field.widget, forms.PasswordInput):
            continue
        if validate_plain_text not in field.validators:
            field.validators.append(validate_plain_text)
        if field.max_length is None or field.max_length > LONG_TEXT_MAX:
            field.max_length = LONG_TEXT_MAX
            field.validators.append(MaxLengthValidator(LONG_TEXT_MAX))
            field.widget.attrs["maxlength"] = str(LONG_TEXT_MAX)


class PlainTextMixin:
    """Mix into a Form: its text fields refuse control characters and are capped."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_text_fields(self)
