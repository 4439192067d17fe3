"""The duty app's own English catalogue (diaodu/duty/locale) is complete, compiled and used."""

import gettext
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from diaodu.core.errors import UserError
from diaodu.duty import services
from tests.core.test_i18n import HAN, PLACEHOLDER, QUOTED, po_entries, translations_of

LC_MESSAGES = Path(services.__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES"
ENTRIES = po_entries(LC_MESSAGES / "django.po")
MESSAGES = [e for e in ENTRIES if e["msgid"]]


def test_every_entry_is_translated_keeps_placeholders_and_none_is_fuzzy():
    assert len(MESSAGES) > 250
    assert [e["msgid"] for e in ENTRIES if "fuzzy" in e["flags"]] == []
    for entry in MESSAGES:
        wanted = set(PLACEHOLDER.findall(entry["msgid"]))
        for text in translations_of(entry):
            assert text.strip(), entry["msgid"]
            assert set(PLACEHOLDER.findall(text)) == wanted, entry["msgid"]
            assert not HAN.search(QUOTED.sub("", text)), entry["msgid"]


def test_compiled_catalogue_matches_the_po():
    with (LC_MESSAGES / "django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for entry in MESSAGES:
        if "msgid_plural" in entry:
            assert catalogue.ngettext(entry["msgid"], entry["msgid_plural"], 2) == \
                entry["msgstr[1]"]
        else:
            assert catalogue.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]


@pytest.mark.django_db
def test_board_and_errors_in_english(client, dispatcher, street_a):
    client.cookies["django_language"] = "en"
    client.force_login(dispatcher)
    assert "Duty board" in client.get(reverse("duty:board")).content.decode()
    with translation.override("en"), pytest.raises(UserError) as error:
        services.roster_generate(actor=None, unit=street_a, start=date(2022, 3, 2),
                                 end=date(2022, 3, 1))
    assert error.value.message == "The end date 2022-03-01 is before the start date 2022-03-02."
