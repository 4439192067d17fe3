"""The 24-character national investment-project code (项目代码), FACTS.md.

New form (since 2020-11, GB/T 40058-2021): yymm-area-dept-type-5 random + 1 check character.
Old form (2016–2020): yyyy-area-industry-type-6-digit serial, e.g. 2018-410103-44-03-072208.
The check-character algorithm is not public, so it is not verified.
"""

import re

from django.utils.translation import gettext as _

SHAPE = re.compile(r"^(\d{4})-(\d{6})-(\d{2})-(\d{2})-([0-9A-Z]{6})$")


def normalize_code(raw: str) -> str:
    return raw.strip().upper().replace("—", "-").replace("－", "-")


def code_problem(code: str) -> str | None:
    """None when `code` is a valid project code, else a Chinese explanation."""
    match = SHAPE.match(code)
    if not match:
        return _("项目代码应为24位，格式如 2203-410102-04-01-12345X 或 2018-410103-44-03-072208。")
    time_part, area, _dept, _type, serial = match.groups()
    if not 11 <= int(area[:2]) <= 82:
        return _("项目代码中的行政区划代码 %(area)s 无效。") % {"area": area}
    year = int(time_part)
    old_form = 2016 <= year <= 2020 and serial.isdigit()
    yy, mm = int(time_part[:2]), int(time_part[2:])
    new_form = yy >= 20 and 1 <= mm <= 12
    if not (old_form or new_form):
        return _("项目代码的前四位 %(part)s 既不是年份（2016–2020）也不是有效的年月。") % {
            "part": time_part}
    return None
