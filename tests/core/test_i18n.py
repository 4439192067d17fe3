"""The UI speaks Chinese by default and English when asked: the English catalogue is complete,
the committed .mo matches the .po, pages and service errors switch language."""

import ast
import gettext
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from diaodu.core.errors import UserError
from diaodu.core.money import parse_wan
from diaodu.projects import rules

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"
LIST = reverse("projects:list")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
HAN = re.compile(r"[\u4e00-\u9fff]")
QUOTED = re.compile(r"“[^”]*”")
HEADERS = {
    "项目名称": "Project name",
    "级别": "Level",
    "阶段": "Stage",
    "责任单位": "Responsible unit",
    "属地街道": "Street",
    "总投资（万元）": "Total investment (10k yuan)",
    "白名单": "Whitelist",
}


def po_entries(path: Path = PO) -> list[dict]:
    """The entries of a .po file: flags, msgid, msgid_plural and msgstr / msgstr[n].

    Obsolete entries (#~) are skipped. Strings are C-quoted, which Python literals read the same.
    """
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        flags: set[str] = set()
        fields: dict[str, list[str]] = {}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif match := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$',
                                   line):
                key = match.group(1)
                fields[key] = [match.group(2)]
            elif line.startswith('"') and key:
                fields[key].append(line)
        if "msgid" in fields:
            entries.append({"flags": flags, **{k: "".join(ast.literal_eval(part) for part in v)
                                               for k, v in fields.items()}})
    return entries


def translations_of(entry: dict) -> list[str]:
    return [v for k, v in entry.items() if k.startswith("msgstr")]


ENTRIES = po_entries()
MESSAGES = [e for e in ENTRIES if e["msgid"]]


def test_catalogue_is_not_empty_and_header_is_english():
    header = next(e for e in ENTRIES if e["msgid"] == "")
    assert "fuzzy" not in header["flags"]
    assert "Language: en\n" in header["msgstr"]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"]
    assert len(MESSAGES) > 100


def test_every_entry_is_translated_and_none_is_fuzzy():
    fuzzy = [e["msgid"] for e in ENTRIES if "fuzzy" in e["flags"]]
    empty = [e["msgid"] for e in MESSAGES if not all(s.strip() for s in translations_of(e))]
    assert fuzzy == []
    assert empty == []


def test_plural_entries_have_both_forms():
    for entry in MESSAGES:
        if "msgid_plural" in entry:
            assert set(translations_of(entry)) and {"msgstr[0]", "msgstr[1]"} <= set(entry)


def test_translations_keep_every_placeholder_and_contain_no_chinese():
    for entry in MESSAGES:
        wanted = set(PLACEHOLDER.findall(entry["msgid"]))
        for text in translations_of(entry):
            assert set(PLACEHOLDER.findall(text)) == wanted, entry["msgid"]
            # English text has no Han characters (a leftover Chinese word is untranslated),
            # except quoted literals users must type in Chinese, e.g. an import file's “年度”.
            assert not HAN.search(QUOTED.sub("", text)), entry["msgid"]


def test_compiled_catalogue_matches_the_po():
    """The .mo is committed (the demo runs without gettext); it must not be stale."""
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for entry in MESSAGES:
        if "msgid_plural" in entry:
            assert catalogue.ngettext(entry["msgid"], entry["msgid_plural"], 1) == \
                entry["msgstr[0]"], entry["msgid"]
            assert catalogue.ngettext(entry["msgid"], entry["msgid_plural"], 2) == \
                entry["msgstr[1]"], entry["msgid"]
        else:
            assert catalogue.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]


@pytest.mark.django_db
def test_project_list_is_chinese_by_default(client, street_a_reporter, project_a):
    client.force_login(street_a_reporter)
    body = client.get(LIST).content.decode()
    for chinese in HEADERS:
        assert f">{chinese}</th>" in body
    assert "Project name" not in body
    assert "共 1 个项目" in body


@pytest.mark.django_db
def test_project_list_is_english_with_the_language_cookie(client, street_a_reporter,
                                                          project_a):
    client.force_login(street_a_reporter)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(LIST).content.decode()
    for chinese, english in HEADERS.items():
        assert f">{english}</th>" in body
        assert f">{chinese}</th>" not in body
    assert "1 project, total investment" in body
    assert "共 1 个项目" not in body
    # Data stays as entered.
    assert "林山寨更新项目" in body


@pytest.mark.django_db
def test_switching_language_through_setlang(client, street_a_reporter, project_a, project_b):
    client.force_login(street_a_reporter)
    response = client.post(reverse("set_language"), {"language": "en", "next": LIST})
    assert response.status_code == 302
    body = client.get(LIST).content.decode()
    assert ">Project name</th>" in body and ">Responsible unit</th>" in body
    client.post(reverse("set_language"), {"language": "zh-hans", "next": LIST})
    body = client.get(LIST).content.decode()
    assert ">项目名称</th>" in body and "Project name" not in body


@pytest.mark.django_db
def test_empty_list_message_is_translated(client, street_b_reporter, project_a):
    client.force_login(street_b_reporter)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(LIST).content.decode()
    assert "No projects match the filters." in body
    assert "0 projects, total investment" in body


def raised_by(call, *args, **kwargs) -> UserError:
    with pytest.raises(UserError) as caught:
        call(*args, **kwargs)
    return caught.value


def test_money_error_is_chinese_by_default():
    with translation.override("zh-hans"):
        error = raised_by(parse_wan, "-1", field="x", label="总投资")
    assert error.code == "money.negative"
    assert error.message == "总投资不能为负数。"


def test_money_error_is_english_when_english_is_active():
    with translation.override("en"):
        error = raised_by(parse_wan, "-1", field="x", label="总投资")
        assert error.message.endswith("cannot be negative.")
        assert not HAN.search(error.message.replace("总投资", ""))
        # Callers pass a translated label; then the whole message is English.
        labelled = raised_by(parse_wan, "-1", field="x", label=translation.gettext("总投资"))
        invalid = raised_by(parse_wan, "abc", field="x", label=translation.gettext("总投资"))
    assert error.code == labelled.code == "money.negative"
    assert error.field == "x"
    assert labelled.message == "Total investment cannot be negative."
    assert invalid.message == "Total investment is not a valid amount: abc"


def test_rule_error_is_english_when_english_is_active():
    with translation.override("en"):
        error = raised_by(rules.check_dates, planned_start=date(2026, 5, 1),
                          planned_completion=date(2026, 4, 1), actual_start=None,
                          actual_completion=None, today=date(2026, 6, 1))
    assert error.code == "project.planned_dates_order"
    assert error.message == "The planned completion date cannot be before the planned start date."
