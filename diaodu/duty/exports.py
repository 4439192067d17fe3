"""The public-holiday duty table (节假日值班表) in the layout offices send up before each
holiday: title, unit line, one row per unit and day with the leader on duty and the staff and
their phones; the unit cell spans its days. Excel through xlsxwriter (as ledgers/exports.py),
Word through python-docx with the shared Chinese formatting (core/wordfmt.py). Text starting
with = + - @ is written as a string, never as a formula."""

import io
from dataclasses import dataclass
from datetime import date

import xlsxwriter
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diaodu.core import clock
from diaodu.core.models import OrgUnit

from . import selectors
from .models import DutyAssignment, DutyShift

WEEKDAYS = [gettext_noop("星期一"), gettext_noop("星期二"), gettext_noop("星期三"),
            gettext_noop("星期四"), gettext_noop("星期五"), gettext_noop("星期六"),
            gettext_noop("星期日")]


@dataclass(frozen=True)
class Row:
    unit: str
    day: date
    weekday: str
    leader: str
    leader_phone: str
    staff: str
    staff_phones: str


@dataclass(frozen=True)
class Table:
    title: str
    unit_line: str
    rows: list[Row]


def _title(start: date, end: date) -> str:
    for period in selectors.holiday_periods(year=start.year):
        if period.start <= start <= period.end or start <= period.start <= end:
            if period.name:
                return _("%(year)s年%(name)s假期值班表") % {"year": period.start.year,
                                                             "name": period.name}
    return _("值班表（%(start)s至%(end)s）") % {"start": start, "end": end}


def _row(shift: DutyShift) -> Row:
    staff = [a.person for a in shift.assignments.all() if a.role == DutyAssignment.Role.STAFF]
    return Row(str(shift.unit), shift.date, _(WEEKDAYS[shift.date.weekday()]),
               shift.leader.name, shift.leader.phone, "、".join(p.name for p in staff),
               "、".join(p.phone for p in staff if p.phone))


def holiday_table(*, user, start: date, end: date, unit: OrgUnit | None = None) -> Table:
    shifts = selectors.holiday_table(user=user, start=start, end=end, unit=unit)
    unit_line = _("填报单位：%(unit)s　　　　填报日期：%(day)s") % {
        "unit": unit or (user.unit if user.unit_id else ""), "day": clock.today()}
    return Table(_title(start, end), unit_line, [_row(s) for s in shifts])


HEADERS = [(gettext_noop("序号"), 6), (gettext_noop("单位"), 18), (gettext_noop("日期"), 12),
           (gettext_noop("星期"), 8), (gettext_noop("带班领导"), 12),
           (gettext_noop("联系电话"), 14), (gettext_noop("值班人员"), 22),
           (gettext_noop("联系电话"), 26)]


def _cells(number: int, row: Row) -> list[str]:
    return [str(number), row.unit, f"{row.day:%Y-%m-%d}", row.weekday, row.leader,
            row.leader_phone, row.staff, row.staff_phones]


def _spans(rows: list[Row]) -> list[tuple[int, int]]:
    """(first, last) row indices of each unit's run of days."""
    spans: list[tuple[int, int]] = []
    for index, row in enumerate(rows):
        if spans and rows[spans[-1][0]].unit == row.unit:
            spans[-1] = (spans[-1][0], index)
        else:
            spans.append((index, index))
    return spans


def holiday_xlsx(table: Table) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    ws = book.add_worksheet(_("值班表"))
    base = {"font_name": "宋体", "font_size": 11, "border": 1, "valign": "vcenter",
            "align": "center", "text_wrap": True}
    title = book.add_format({"font_name": "方正小标宋简体", "font_size": 20, "align": "center",
                             "valign": "vcenter"})
    plain = book.add_format({"font_name": "宋体", "font_size": 11})
    head = book.add_format({**base, "bold": True, "bg_color": "#F2F2F2"})
    cell = book.add_format({**base, "quote_prefix": True})
    last = len(HEADERS) - 1
    for col, (_label, width) in enumerate(HEADERS):
        ws.set_column(col, col, width)
    ws.set_row(0, 40)
    ws.merge_range(0, 0, 0, last, table.title, title)
    ws.merge_range(1, 0, 1, last, table.unit_line, plain)
    for col, (label, _width) in enumerate(HEADERS):
        ws.write_string(2, col, _(label), head)
    first_row = 3
    for index, row in enumerate(table.rows):
        for col, value in enumerate(_cells(index + 1, row)):
            ws.write_string(first_row + index, col, value, cell)
    for start, end in _spans(table.rows):
        if end > start:
            ws.merge_range(first_row + start, 1, first_row + end, 1, table.rows[start].unit, cell)
    ws.freeze_panes(first_row, 0)
    ws.repeat_rows(2)
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_footer("&C第 &P 页，共 &N 页")
    book.close()
    return buffer.getvalue()


def holiday_docx(table: Table) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    from diaodu.core.wordfmt import font

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin = section.bottom_margin = Cm(2.0)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    font(heading.add_run(table.title), "方正小标宋简体", Pt(22))  # 二号
    line = document.add_paragraph()
    font(line.add_run(table.unit_line), "仿宋_GB2312", Pt(14))
    grid = document.add_table(rows=1, cols=len(HEADERS))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = grid.rows[0]
    # The header row repeats on every page of a long table.
    header_props = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
    for cell, (label, _width) in zip(header.cells, HEADERS, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        font(cell.paragraphs[0].add_run(_(label)), "黑体", Pt(12))
    for index, row in enumerate(table.rows):
        cells = grid.add_row().cells
        for cell, value in zip(cells, _cells(index + 1, row), strict=True):
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            font(cell.paragraphs[0].add_run(value), "仿宋_GB2312", Pt(12))
    for start, end in _spans(table.rows):
        if end > start:
            top = grid.cell(start + 1, 1)
            merged = top.merge(grid.cell(end + 1, 1))
            # merge() joins the texts of every cell; the unit's name is written once.
            for paragraph in merged.paragraphs[1:]:
                paragraph._p.getparent().remove(paragraph._p)
    for row in grid.rows:
        for cell, (_label, width) in zip(row.cells, HEADERS, strict=True):
            cell.width = Cm(width * 0.26)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
