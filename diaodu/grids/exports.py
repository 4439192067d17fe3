"""The grid register (网格台账) as .xlsx in the layout a street office keeps: title, one
section row per community with its subtotal, grid rows, a 合计 row. Text starting with
= + - @ is written as a string, never a formula."""

import io

import xlsxwriter
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diaodu.core import clock

from .selectors import GridRow

HEADERS = [(gettext_noop("序号"), 6), (gettext_noop("街道"), 14), (gettext_noop("社区"), 16),
           (gettext_noop("网格"), 20), (gettext_noop("户数"), 9), (gettext_noop("人口"), 9),
           (gettext_noop("面积（平方公里）"), 12), (gettext_noop("微网格数"), 9),
           (gettext_noop("网格员数"), 9), (gettext_noop("网格长"), 10),
           (gettext_noop("规模"), 10)]
NUMERALS = "一二三四五六七八九十"


def _numeral(n: int) -> str:
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def register_xlsx(rows: list[GridRow], status_labels: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    ws = book.add_worksheet(_("网格台账"))
    base = {"font_name": "宋体", "font_size": 11, "border": 1, "valign": "vcenter"}
    title = book.add_format({"font_name": "方正小标宋简体", "font_size": 18, "align": "center"})
    head = book.add_format({**base, "bold": True, "align": "center", "bg_color": "#F2F2F2",
                            "text_wrap": True})
    text = book.add_format({**base, "quote_prefix": True})
    number = book.add_format({**base, "num_format": "#,##0"})
    area = book.add_format({**base, "num_format": "0.0000"})
    section = book.add_format({**base, "bold": True, "quote_prefix": True})
    section_n = book.add_format({**base, "bold": True, "num_format": "#,##0"})
    last = len(HEADERS) - 1
    for col, (_label, width) in enumerate(HEADERS):
        ws.set_column(col, col, width)
    ws.merge_range(0, 0, 0, last, _("网格台账（%(d)s）") % {"d": clock.today().isoformat()},
                   title)
    for col, (label, _width) in enumerate(HEADERS):
        ws.write_string(1, col, _(label), head)
    r = 2
    groups: dict[tuple[str, str], list[GridRow]] = {}
    for row in rows:
        groups.setdefault((str(row.street or ""), str(row.community or "")), []).append(row)
    total_h = total_p = 0
    for g, ((street, community), members) in enumerate(groups.items(), start=1):
        h = sum(m.profile.households for m in members)
        p = sum(m.profile.population for m in members)
        total_h, total_p = total_h + h, total_p + p
        ws.write_string(r, 0, "", section)
        ws.write_string(r, 1, street, section)
        ws.write_string(r, 2, f"{_numeral(g)}、{community}", section)
        ws.write_string(r, 3, _("%(n)s 个网格") % {"n": len(members)}, section)
        ws.write_number(r, 4, h, section_n)
        ws.write_number(r, 5, p, section_n)
        for col in range(6, last + 1):
            ws.write_string(r, col, "", section)
        r += 1
        for i, m in enumerate(members, start=1):
            ws.write_number(r, 0, i, number)
            ws.write_string(r, 1, street, text)
            ws.write_string(r, 2, community, text)
            ws.write_string(r, 3, str(m.unit.name), text)
            ws.write_number(r, 4, m.profile.households, number)
            ws.write_number(r, 5, m.profile.population, number)
            if m.profile.area_km2 is not None:
                ws.write_number(r, 6, float(m.profile.area_km2), area)
            else:
                ws.write_string(r, 6, "", text)
            ws.write_number(r, 7, m.micro_grids, number)
            ws.write_number(r, 8, m.workers, number)
            ws.write_string(r, 9, m.head, text)
            ws.write_string(r, 10, status_labels[m.status], text)
            r += 1
    ws.merge_range(r, 0, r, 3, _("合计"), section)
    ws.write_number(r, 4, total_h, section_n)
    ws.write_number(r, 5, total_p, section_n)
    ws.freeze_panes(2, 0)
    ws.repeat_rows(1)
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    book.close()
    return buffer.getvalue()
