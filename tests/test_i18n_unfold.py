"""The admin pages are in Chinese too: django-unfold ships no translations, so its own English
strings (the search box's "Type to search", "Filters", the command palette …) would show on
every list page; locale/zh_Hans holds them (its header says how to refresh the list)."""

import re
from pathlib import Path

import pytest
import unfold
from django.utils import translation
from django.utils.translation import gettext

UNFOLD = Path(unfold.__file__).parent
# The templates of unfold itself and of the two contrib apps Diaodu installs (settings.py).
TEMPLATES = [UNFOLD / "templates", UNFOLD / "contrib" / "filters",
             UNFOLD / "contrib" / "simple_history"]
TAG = re.compile(r"""\{%\s*trans(?:late)?\s+(["'])(.+?)\1""")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z_]*\}")


def unfold_msgids() -> set[str]:
    found = set()
    for root in TEMPLATES:
        for path in root.rglob("*.html"):
            if "unfold_crispy" in path.parts:  # crispy forms are not installed
                continue
            found.update(match[1] for match in TAG.findall(path.read_text("utf-8")))
    return found


def test_every_string_unfold_shows_has_a_chinese_translation():
    msgids = unfold_msgids()
    assert len(msgids) > 50  # the scan found unfold's templates
    with translation.override("zh-hans"):
        missing = sorted(m for m in msgids
                         if re.search("[A-Za-z]", PLACEHOLDER.sub("", m))
                         and gettext(m) == m)
    assert missing == []


@pytest.mark.django_db
def test_an_admin_list_page_searches_in_chinese(client, sysadmin):
    client.force_login(sysadmin)
    page = client.get("/admin/core/user/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "输入以搜索" in html and "Type to search" not in html
