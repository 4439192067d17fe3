"""The apps' own English catalogues (diaodu/<app>/locale) meet the project catalogue's rules:
complete, no fuzzy entry, placeholders kept, no Chinese left, the committed .mo current."""

import gettext
from pathlib import Path

import pytest
from django.conf import settings

from tests.core.test_i18n import HAN, PLACEHOLDER, QUOTED, po_entries, translations_of

APPS = ("mediation", "votes")


def catalogue(app):
    folder = Path(settings.BASE_DIR) / "diaodu" / app / "locale" / "en" / "LC_MESSAGES"
    return folder / "django.po", folder / "django.mo"


@pytest.mark.parametrize("app", APPS)
def test_app_catalogue_is_complete_and_compiled(app):
    po, mo = catalogue(app)
    entries = po_entries(po)
    header = next(e for e in entries if e["msgid"] == "")
    assert "fuzzy" not in header["flags"] and "Language: en\n" in header["msgstr"]
    messages = [e for e in entries if e["msgid"]]
    assert len(messages) > 50
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in messages:
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        texts = translations_of(entry)
        assert texts and all(t.strip() for t in texts), entry["msgid"]
        for text in texts:
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(entry["msgid"]))
            assert not HAN.search(QUOTED.sub("", text)), entry["msgid"]
        if "msgid_plural" in entry:
            assert compiled.ngettext(entry["msgid"], entry["msgid_plural"], 2) == \
                entry["msgstr[1]"]
        else:
            assert compiled.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]


def test_service_errors_speak_english_when_asked():
    from django.utils import translation

    from diaodu.core.errors import UserError
    from diaodu.mediation.services import parse_amount

    with translation.override("en"), pytest.raises(UserError) as error:
        parse_amount("5000.01")
    assert error.value.message.startswith("An amount of 5000.01 (10k yuan) exceeds 5000.00")
