"""Texts the system writes into records — an inbox title, a reminder line in a case's log — kept
as the phrase (its msgid) with its values and put into words when someone reads them, in the
reader's language. Written out at once, an English-speaking dispatcher's step left English in a
street reporter's inbox. The record's text column still gets the words in the site's language,
for the admin and anything that reads the column directly."""

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

TRANSLATED = "_translated"


def phrase(msgid: str, *, translated: tuple[str, ...] = (), **values: Any) -> dict:
    """A phrase to store as JSON. Mark `msgid` with gettext_noop where it is written, so it
    is extracted; values named in `translated` are msgids too (a role's title)."""
    stored = {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
    if translated:
        stored[TRANSLATED] = list(translated)
    return {"msgid": msgid, "values": stored}


def say(stored: dict) -> str:
    """The stored phrase in the active language."""
    values = dict(stored.get("values") or {})
    for key in values.pop(TRANSLATED, []):
        values[key] = gettext(values[key])
    return gettext(stored["msgid"]) % values


def in_site_language(stored: dict) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return say(stored)


def words(text: "str | dict") -> tuple[str, dict | None]:
    """What to store for `text`: the words for its column (a phrase in the site's language, a
    person's words as written) and the phrase to keep, None for a person's words."""
    if isinstance(text, dict):
        return in_site_language(text), text
    return text, None


class Phrased(models.Model):
    """A record whose text fields may have been written by the system as phrases."""

    phrases = models.JSONField(_("系统措辞"), default=dict, blank=True,
                               help_text=_("系统生成的文字：按阅读者的语言显示。"))

    class Meta:
        abstract = True

    def shown(self, field: str) -> str:
        stored = self.phrases.get(field)
        return say(stored) if stored else getattr(self, field)

    def write(self, field: str, text: "str | dict") -> None:
        """Set `field` from plain text (a person's words, kept as written) or a phrase."""
        text, stored = words(text)
        if stored is not None:
            self.phrases[field] = stored
        setattr(self, field, text)
