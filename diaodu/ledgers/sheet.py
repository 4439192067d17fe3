"""The job's file read again with its confirmed mapping: the data rows of every chosen sheet as
Lines, with what the section rows above them set (level, stage), the table's end at its 合计
or notes, and the totals the file states checked against the rows."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diaodu.core.errors import UserError
from diaodu.core.imports import PLANNERS, Line

from . import mapping as m
from . import sections as sec
from .models import ImportJob
from .readers import Table, read_book

CELL_MESSAGES = {
    "money.invalid": gettext_lazy("不是有效金额：%(value)s"),
    "money.negative": gettext_lazy("金额不能为负数：%(value)s"),
    "money.precision": gettext_lazy(
        "金额折合万元后超过两位小数（%(value)s → %(wan)s万元），请核实；系统不做四舍五入。"),
    "date.invalid": gettext_lazy(
        "不是有效日期：%(value)s（可写作 2022-03-15、2022.3 或 2022年3月）"),
    "int.invalid": gettext_lazy("不是有效整数：%(value)s"),
    "level.invalid": gettext_lazy("级别应为省重点、市重点或区重点：%(value)s"),
    "stage.invalid": gettext_lazy("阶段应为谋划、在谈、签约、前期、在建或竣工投产：%(value)s"),
    "bool.invalid": gettext_lazy("应填写“是”或“否”：%(value)s"),
}
# Headers that give a date without saying planned or actual: which one it is depends on
# whether the project has started (projects/imports.py).
UNDECIDED_DATES = {"开工时间", "开工日期", "开工年月", "竣工时间", "竣工日期", "竣工年月"}


@dataclass
class Part:
    """One sheet of the job with its own header and mapping."""

    table: Table
    name: str
    fields: dict[str, int]
    factors: dict[int, Decimal]
    start: int
    labels: list[str]
    unit: str = ""  # the sheet's name, used as the responsible unit when no column gives it
    undecided: frozenset[str] = frozenset()


@dataclass
class Total:
    """A sum the file states (a section row, 小计 or 合计) and the rows it covers."""

    where: str
    row: int
    sheet: str
    stated: dict[str, Decimal]
    sums: dict[str, Decimal] = field(default_factory=dict)
    as_text: dict[str, Decimal] = field(default_factory=dict)
    text_rows: dict[str, list[int]] = field(default_factory=dict)

    def add(self, key: str, amount: Decimal, row: int, is_text: bool) -> None:
        self.sums[key] = self.sums.get(key, Decimal(0)) + amount
        if is_text:
            self.as_text[key] = self.as_text.get(key, Decimal(0)) + amount
            self.text_rows.setdefault(key, []).append(row)


def parts_of(mapping: dict[str, Any]) -> list[dict[str, Any]]:
    """The sheets of a job's mapping (jobs made before several sheets: the top level)."""
    return mapping.get("sheets") or [mapping]


class Sheet:
    """The job's table(s) read again, with the confirmed mapping applied. `cell`, `label`,
    `fields` and `undecided` describe the sheet whose line was yielded last (what the
    planners ask about)."""

    def __init__(self, job: ImportJob):
        with job.file.open("rb") as handle:
            data = handle.read()
        if hashlib.sha256(data).hexdigest() != job.sha256:
            raise UserError("import.file_changed", _("导入文件与上传时不一致，请重新上传。"))
        tables = {t.sheet: t for t in read_book(data, job.filename).tables}
        self.kind = job.kind
        planner = PLANNERS.get(job.kind)
        self.section_field = planner.SECTION_FIELD if planner else ""
        self.parts: list[Part] = []
        for mp in parts_of(job.mapping):
            if mp.get("skip"):
                continue
            table = tables.get(mp.get("sheet", ""), next(iter(tables.values()), None))
            labels = mp.get("labels", [])
            fields = {k: int(v) for k, v in mp.get("fields", {}).items()}
            undecided = frozenset(k for k, i in fields.items()
                                  if i < len(labels)
                                  and m.bare(labels[i].rpartition("/")[2]) in UNDECIDED_DATES)
            self.parts.append(Part(
                table, mp.get("sheet", ""), fields,
                {int(k): Decimal(v) for k, v in mp.get("factors", {}).items()},
                int(mp.get("header_row", 0)) + int(mp.get("header_rows", 1)), labels,
                mp.get("unit", ""), undecided))
        self.several = len(self.parts) > 1
        self.part = self.parts[0]
        self.notes: list[str] = list(job.mapping.get("notes", []))
        self.checks: list[str] = []
        self.totals: list[dict[str, Any]] = []
        self.section_warnings: list[str] = []
        self.height = sum(max(p.table.height - p.start, 1) for p in self.parts)

    # What the planners ask about the sheet of the current line.
    @property
    def fields(self) -> dict[str, int]:
        return self.part.fields

    @property
    def undecided(self) -> frozenset[str]:
        return self.part.undecided

    def cell(self, key: str) -> str:
        return m.column_letter(self.part.fields[key]) if key in self.part.fields else ""

    def label(self, key: str) -> str:
        return m.spec_of(self.kind, key).label

    def lines(self) -> Iterator[Line]:
        """Data rows of every sheet in order; blank rows, section rows, repeated headers and
        (sub)totals are no data, and nothing after a sheet's 合计 or notes is."""
        everything = Total(_("合计"), 0, "", {})
        for part in self.parts:
            self.part = part
            yield from self._lines(part, everything)
        if len(self.parts) > 1:
            self._compare(everything, always=True)

    def _columns(self, part: Part):
        columns = []  # (key, index, spec, parser) looked up once, not per cell
        for key, index in part.fields.items():
            spec = m.spec_of(self.kind, key)
            if spec.kind == m.MONEY:
                parse = functools.partial(m.parse_money, factor=part.factors.get(index))
            else:
                parse = m.PARSERS[spec.kind]
            columns.append((key, index, spec, parse))
        return columns

    def _lines(self, part: Part, everything: Total) -> Iterator[Line]:
        name_col = part.fields.get("name", part.fields.get("code"))
        money = [(k, i) for k, i in part.fields.items()
                 if m.spec_of(self.kind, k).kind == m.MONEY]
        columns = self._columns(part)
        words = sec.header_words(part.labels)
        uncached = part.table.uncached
        sheet_name = part.name if self.several else ""
        stack = sec.Sections()
        open_totals: dict[int, Total] = {}  # id(Open) → its stated subtotal
        table_total = Total(_("本表各行"), 0, sheet_name, {})
        since_sub = Total(_("小计"), 0, sheet_name, {})
        seen_data = False
        for offset, row in enumerate(part.table.iter_rows(part.start)):
            excel_row = part.start + offset + 1
            what = m.classify(row, name_col)
            if what == m.BLANK:
                continue
            if what == m.SECTION:
                self._enter(stack, open_totals, row, excel_row, name_col, money, part,
                            sheet_name)
                since_sub = Total(_("小计"), 0, sheet_name, {})
                continue
            if what == m.SUBTOTAL:
                since_sub.row, since_sub.stated = excel_row, self._stated(row, money, part)
                self._compare(since_sub)
                since_sub = Total(_("小计"), 0, sheet_name, {})
                continue
            if what == m.TOTAL:
                stated = self._stated(row, money, part)
                table_total.row, table_total.stated = excel_row, stated
                table_total.where = _("合计")
                if seen_data:  # a 合计 under the rows ends the table; one above them does not
                    break
                continue
            if sec.is_end(row):
                break
            if sec.is_header_repeat(row, words):
                continue
            seen_data = True
            line = self._line(part, row, excel_row, columns, uncached, sheet_name)
            self._inherit(line, stack, part)
            stack.count_row()
            for key, index in money:
                amount = line.values.get(key)
                if isinstance(amount, Decimal):
                    raw = row[index] if index < len(row) else None
                    is_text = isinstance(raw, str)
                    for total in (table_total, since_sub, everything,
                                  *(open_totals[id(o)] for o in stack.stack
                                    if id(o) in open_totals)):
                        total.add(key, amount, excel_row, is_text)
            yield line
        for closed in stack.close_all():
            self._close(closed, open_totals)
        self._compare(table_total, always=True)

    def _line(self, part, row, excel_row, columns, uncached, sheet_name) -> Line:
        width = len(row)
        raw = {k: row[i] if i < width else None for k, i in part.fields.items()}
        if part.unit and "responsible_unit" not in part.fields:
            raw["responsible_unit"] = part.unit
        line = Line(row=excel_row, raw=raw, sheet=sheet_name)
        if part.unit and "responsible_unit" not in part.fields:
            line.values["responsible_unit"] = part.unit
        for key, index, spec, parse in columns:
            if uncached and (excel_row - 1, index) in uncached:
                line.error(m.column_letter(index), "import.formula_uncached",
                           _("该单元格是公式但没有计算结果（文件未在 Excel 中保存过），"
                             "请在 Excel 中打开并保存后再导入，或填写数值。"))
                continue
            try:
                value = parse(raw[key])
            except m.CellError as problem:
                template = CELL_MESSAGES.get(problem.code)
                message = template % problem.params if template else problem.message
                line.error(m.column_letter(index), problem.code, f"{spec.label}：{message}")
                continue
            if isinstance(value, m.MonthDate):
                line.precision[key] = "month"
                value = date(value.year, value.month, value.day)
            line.values[key] = value
        return line

    def _inherit(self, line: Line, stack: sec.Sections, part: Part) -> None:
        """Level and stage from the sections above the row; a column wins, and one that
        disagrees with its section is a warning naming both. A kind's SECTION_FIELD takes
        the innermost section's title (一、阳光花苑社区 → 阳光花苑社区)."""
        if self.section_field and not line.values.get(self.section_field) and stack.stack:
            line.values[self.section_field] = sec.bare_title(stack.stack[-1].section.title)
        if self.kind != "projects":
            return
        for key in ("level", "stage"):
            value, where = stack.value(key)
            if value is None:
                continue
            given = line.values.get(key)
            if given is None:
                line.values[key] = value
            elif given != value:
                line.warn(self.cell(key), f"import.{key}_section",
                          _("%(f)s“%(v)s”与所在分组“%(s)s”（第 %(r)s 行）不一致，以本行为准。")
                          % {"f": self.label(key), "v": line.raw.get(key),
                             "s": where.section.title, "r": where.row})

    def _enter(self, stack, open_totals, row, excel_row, name_col, money, part, sheet_name):
        text = next((str(v) for i, v in enumerate(row)
                     if v not in (None, "") and m.classify([v], 0) == m.SECTION), "")
        section = sec.parse_section(text)
        if section is None:
            self.section_warnings.append(
                _("%(w)s第 %(r)s 行像分组行，但读不出它的层级：%(t)s（已跳过）")
                % {"w": f"{sheet_name}!" if sheet_name else "", "r": excel_row, "t": text})
            return
        for closed in stack.enter(section, excel_row, sheet_name):
            self._close(closed, open_totals)
        opened = stack.stack[-1]
        stated = self._stated(row, money, part)
        open_totals[id(opened)] = Total(section.title, excel_row, sheet_name, stated)

    def _close(self, closed: sec.Open, open_totals: dict[int, Total]) -> None:
        total = open_totals.pop(id(closed), None)
        if total is not None and total.stated:
            self._compare(total)
        count = closed.section.count
        if count is not None and count != closed.rows:
            self.section_warnings.append(
                _("%(w)s第 %(r)s 行“%(t)s”写明 %(n)s 个，其下实有 %(k)s 行项目。")
                % {"w": f"{closed.sheet}!" if closed.sheet else "", "r": closed.row,
                   "t": closed.section.title, "n": count, "k": closed.rows})

    def _stated(self, row, money, part) -> dict[str, Decimal]:
        stated = {}
        for key, index in money:
            try:
                value = m.parse_money(row[index] if index < len(row) else None,
                                      part.factors.get(index))
            except m.CellError:
                value = None
            if value is not None:
                stated[key] = value
        return stated

    def _compare(self, total: Total, always: bool = False) -> None:
        """One line per money column: the rows' sum, what the file states, the difference
        and its likely cause."""
        keys = total.stated.keys() | (total.sums.keys() if always else set())
        for key in sorted(keys):
            rows_sum = total.sums.get(key, Decimal(0)).quantize(m.CENT)
            stated = total.stated.get(key)
            entry = {"field": self.label(key), "where": str(total.where), "row": total.row,
                     "sheet": total.sheet, "sum": str(rows_sum),
                     "stated": "" if stated is None else str(stated),
                     "diff": "" if stated is None else str(stated - rows_sum), "cause": ""}
            if stated is not None and stated != rows_sum:
                text = total.as_text.get(key, Decimal(0))
                if text and stated + text == rows_sum:
                    rows = "、".join(str(r) for r in total.text_rows[key][:10])
                    entry["cause"] = str(_(
                        "差额正好是以文本形式存储的数字之和（第 %(rows)s 行）：Excel 的 SUM/"
                        "SUBTOTAL 不计文本格式的数字。请把这些单元格转为数字。")
                        % {"rows": rows})
                else:
                    entry["cause"] = str(_("文件中的合计与各行之和不一致，请核对公式范围或"
                                           "各行金额。"))
                self.checks.append(
                    _("%(w)s第 %(r)s 行%(t)s“%(f)s”为 %(v)s 万元，但各行之和为 %(s)s 万元，"
                      "相差 %(d)s 万元。")
                    % {"w": f"{total.sheet}!" if total.sheet else "", "r": total.row,
                       "t": total.where, "f": entry["field"], "v": stated, "s": rows_sum,
                       "d": stated - rows_sum})
            elif stated is not None:
                self.checks.append(
                    _("%(w)s第 %(r)s 行%(t)s“%(f)s” %(v)s 万元与各行之和一致。")
                    % {"w": f"{total.sheet}!" if total.sheet else "", "r": total.row,
                       "t": total.where, "f": entry["field"], "v": stated})
            self.totals.append(entry)
