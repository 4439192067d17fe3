"""Excel ledgers (台账) as the DRC keeps them by hand: merged title row, unit and date line,
two-row headers, 万元 formats, sections by level or stage with subtotals and a grand total,
frozen panes, column widths, A3 landscape with the header rows repeated on every page.

Written with xlsxwriter in constant_memory mode (rows stream to disk in order), and every
read goes through the scoped selectors. Text beginning with = + - @ is written as a string
with Excel's quote prefix, so it is never evaluated, and reads back unchanged.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diaodu.core import clock
from diaodu.core.money import CENT
from diaodu.investment import selectors as investment_selectors
from diaodu.investment.models import ProgressReport, ReportStatus
from diaodu.projects.models import Level, Stage
from diaodu.projects.selectors import project_list

MONEY_FORMAT = "#,##0.00"
SECTION_NUMBERS = "一二三四五六七八九十"
A3 = 8


@dataclass(frozen=True)
class Col:
    label: str
    width: float
    kind: str = "text"       # text, money, date, int, wrap
    group: str = ""


class LedgerWriter:
    """One worksheet laid out as a ledger. Rows must be written top to bottom (constant
    memory)."""

    def __init__(self, title: str, unit_line: str, columns: list[Col], *,
                 memory: bool = True, sheet: str = "台账"):
        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(self.buffer, {
            "constant_memory": memory, "in_memory": not memory,
            "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False})
        self.ws = self.book.add_worksheet(sheet)
        self.columns = columns
        self.row = 0
        b = self.book
        base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter"}
        self.f = {
            "title": b.add_format({"font_name": "方正小标宋简体", "font_size": 18,
                                   "align": "center", "valign": "vcenter"}),
            "unit": b.add_format({"font_name": "宋体", "font_size": 10}),
            "head": b.add_format({**base, "bold": True, "align": "center", "text_wrap": True,
                                  "bg_color": "#F2F2F2"}),
            "text": b.add_format(base),
            "wrap": b.add_format({**base, "text_wrap": True}),
            "safe": b.add_format({**base, "quote_prefix": True}),
            "money": b.add_format({**base, "num_format": MONEY_FORMAT}),
            "date": b.add_format({**base, "num_format": "yyyy-mm-dd", "align": "center"}),
            "int": b.add_format({**base, "align": "center"}),
            "section": b.add_format({**base, "bold": True}),
            "sub_text": b.add_format({**base, "bold": True, "bg_color": "#FAFAFA"}),
            "sub_money": b.add_format({**base, "bold": True, "bg_color": "#FAFAFA",
                                       "num_format": MONEY_FORMAT}),
        }
        self.formats = [self.f["wrap"] if c.kind == "wrap" else self.f["text"] for c in columns]
        last = len(columns) - 1
        for index, col in enumerate(columns):
            self.ws.set_column(index, index, col.width)
        self.ws.set_row(0, 36)
        self.ws.merge_range(0, 0, 0, last, title, self.f["title"])
        self.ws.merge_range(1, 0, 1, last, unit_line, self.f["unit"])
        self._headers()
        self.ws.freeze_panes(self.row, 3 if len(columns) > 3 else 0)
        self.ws.set_paper(A3)
        self.ws.set_landscape()
        self.ws.repeat_rows(2, self.row - 1)
        self.ws.fit_to_pages(1, 0)
        self.ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        self.ws.set_footer("&C第 &P 页，共 &N 页")
        self.ws.hide_gridlines(0)

    def _headers(self) -> None:
        """One or two header rows. constant_memory flushes a row once the next is written,
        so the top row is written completely before the row below it."""
        two_rows = any(c.group for c in self.columns)
        top, bottom = 2, 3 if two_rows else 2
        head = self.f["head"]
        index = 0
        while index < len(self.columns):
            col = self.columns[index]
            end = index
            while col.group and end + 1 < len(self.columns) \
                    and self.columns[end + 1].group == col.group:
                end += 1
            text = col.group or col.label
            if end > index:
                self.ws.merge_range(top, index, top, end, text, head)
            else:
                self.ws.write_string(top, index, text, head)
            index = end + 1
        if two_rows:
            for index, col in enumerate(self.columns):
                if col.group:
                    self.ws.write_string(bottom, index, col.label, head)
                else:  # the label written above; the range records the vertical merge
                    self.ws.merge_range(top, index, bottom, index, col.label, head)
        self.row = bottom + 1

    def cell(self, col: int, value: Any, style: str | None = None) -> None:
        kind = style or self.columns[col].kind
        ws, r, f = self.ws, self.row, self.f
        if value is None or value == "":
            ws.write_blank(r, col, None, f.get(kind, f["text"]))
        elif isinstance(value, str):
            fmt = f["safe"] if value[0] in "=+-@" else f.get(kind, f["text"])
            ws.write_string(r, col, value, fmt)
        elif isinstance(value, Decimal):
            ws.write_number(r, col, float(value), f["sub_money" if kind == "sub_money"
                                                     else "money"])
        elif isinstance(value, date):
            ws.write_datetime(r, col, value, f["date"])
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            ws.write_number(r, col, value, f["int"])
        else:
            text = str(value)
            fmt = f["safe"] if text[:1] in ("=", "+", "-", "@") else f.get(kind, f["text"])
            ws.write_string(r, col, text, fmt)

    def write(self, values: list[Any]) -> None:
        """A data row: strings, Decimals (万元), dates and counts in the columns' formats."""
        ws, r, f = self.ws, self.row, self.f
        for col, value in enumerate(values):
            if value is None or value == "":
                ws.write_blank(r, col, None, self.formats[col])  # keeps the cell's border
            elif isinstance(value, str):
                ws.write_string(r, col, value, f["safe"] if value[0] in "=+-@"
                                else self.formats[col])
            elif isinstance(value, Decimal):
                ws.write_number(r, col, float(value), f["money"])
            elif isinstance(value, date):
                ws.write_datetime(r, col, value, f["date"])
            else:
                self.cell(col, value)
        self.row += 1

    def section(self, text: str) -> None:
        last = len(self.columns) - 1
        self.ws.merge_range(self.row, 0, self.row, last, text, self.f["section"])
        self.row += 1

    def subtotal(self, label: str, values: dict[int, Any]) -> None:
        """A bold line: the label in the name column, sums in theirs."""
        for col in range(len(self.columns)):
            if col in values:
                value = values[col]
                self.cell(col, value, "sub_money" if isinstance(value, Decimal) else "sub_text")
            else:
                self.cell(col, label if col == 1 else None, "sub_text")
        self.row += 1

    def close(self) -> bytes:
        self.book.close()
        return self.buffer.getvalue()


def _unit_line(user, unit_word: str = "万元") -> str:
    unit = getattr(user, "unit", None)
    today = clock.today()
    return _("填报单位：%(unit)s        日期：%(date)s        单位：%(word)s") % {
        "unit": unit.name if unit else _("中原区"), "date": f"{today:%Y年%m月%d日}",
        "word": unit_word}


def _sum(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0)).quantize(CENT)


# ---------------------------------------------------------------- 重点项目台账

PROJECT_COLUMNS = [
    Col("序号", 6, "int"), Col("项目名称", 34, "wrap"), Col("项目代码", 26),
    Col("级别", 8), Col("类别", 10), Col("项目阶段", 9), Col("建设单位", 22, "wrap"),
    Col("责任单位", 14), Col("属地街道", 12), Col("包联领导", 10),
    Col("总投资（万元）", 14, "money"), Col("建设内容及规模", 40, "wrap"),
    Col("计划开工时间", 12, "date", "时间节点"), Col("计划竣工时间", 12, "date", "时间节点"),
    Col("实际开工时间", 12, "date", "时间节点"), Col("实际竣工时间", 12, "date", "时间节点"),
    Col("建设地点", 20, "wrap"), Col("入库时间", 12, "date"), Col("白名单", 7),
]
MONEY_COL = 10


def _project_row(n: int, p) -> list[Any]:
    return [n, p.name, p.code or "", p.get_level_display(), p.category.name,
            p.get_stage_display(), p.owner_name, p.responsible_unit.name,
            p.street.name if p.street else "",
            (p.leader.display_name or p.leader.username) if p.leader else "",
            p.total_investment, p.scope, p.planned_start, p.planned_completion,
            p.actual_start, p.actual_completion, p.location, p.stats_registered_on,
            _("是") if p.on_whitelist else _("否")]


def write_projects(user, projects: Iterable, *, title: str | None = None,
                   memory: bool = True) -> bytes:
    """重点项目台账: a section per level (省、市、区重点) with its subtotal, then the total."""
    writer = LedgerWriter(title or _("中原区重点项目台账"), _unit_line(user), PROJECT_COLUMNS,
                          memory=memory)
    grand, count, n = Decimal(0), 0, 0
    current, sub, sub_count = None, Decimal(0), 0
    for project in projects:
        if project.level != current:
            if current is not None:
                writer.subtotal(_("小计（%(n)s个）") % {"n": sub_count}, {MONEY_COL: sub})
            current, sub, sub_count = project.level, Decimal(0), 0
            writer.section(f"{SECTION_NUMBERS[list(Level.values).index(current)]}、"
                           f"{Level(current).label}项目")
        n += 1
        writer.write(_project_row(n, project))
        sub += project.total_investment
        grand += project.total_investment
        sub_count += 1
        count += 1
    if current is not None:
        writer.subtotal(_("小计（%(n)s个）") % {"n": sub_count}, {MONEY_COL: sub})
    writer.subtotal(_("合计（%(n)s个）") % {"n": count}, {MONEY_COL: grand})
    return writer.close()


def export_projects(user, year: int, month: int) -> bytes:
    return write_projects(user, project_list(user=user).iterator(chunk_size=2000))


# ---------------------------------------------------------------- 投资目标台账

def export_targets(user, year: int, month: int) -> bytes:
    """投资目标台账: each project's annual plan, cumulative monthly targets and the approved
    year-to-date completion month by month up to `month`."""
    from diaodu.core.scoping import scope_for
    from diaodu.investment.models import AnnualPlan

    months = range(1, month + 1)
    columns = [Col("序号", 6, "int"), Col("项目名称", 34, "wrap"), Col("项目代码", 26),
               Col("责任单位", 14), Col("年度", 7, "int"), Col("年度计划投资", 14, "money")]
    columns += [Col(f"{m}月", 11, "money", "月度累计目标") for m in months]
    columns += [Col(f"{m}月完成", 11, "money", "年度累计完成") for m in months]
    columns += [Col("完成率%", 9, "text")]
    plans = (scope_for(user, AnnualPlan).filter(year=year)
             .select_related("project", "project__responsible_unit")
             .order_by("project__responsible_unit__path", "project__name", "project_id"))
    actual: dict[tuple[int, int], Decimal] = {}
    reports = (scope_for(user, ProgressReport)
               .filter(round__cadence="monthly", round__period_end__year=year,
                       status=ReportStatus.APPROVED, round__period_end__month__lte=month)
               .values_list("project_id", "round__period_end", "ytd_completed"))
    for project_id, end, ytd in reports:
        actual[(project_id, end.month)] = ytd
    writer = LedgerWriter(_("%(y)s年重点项目投资目标台账") % {"y": year}, _unit_line(user),
                          columns)
    totals = [Decimal(0)] * (1 + 2 * len(months))
    n = 0
    for plan in plans.iterator(chunk_size=2000):
        n += 1
        targets = [Decimal(plan.monthly_targets[m - 1]) if plan.monthly_targets else None
                   for m in months]
        done = [actual.get((plan.project_id, m)) for m in months]
        last = next((d for d in reversed(done) if d is not None), None)
        rate = f"{(last * 100 / plan.planned_investment):.1f}" \
            if last is not None and plan.planned_investment else ""
        writer.write([n, plan.project.name, plan.project.code or "",
                      plan.project.responsible_unit.name, year, plan.planned_investment,
                      *targets, *done, rate])
        for i, value in enumerate([plan.planned_investment, *targets, *done]):
            totals[i] += value or 0
    writer.subtotal(_("合计（%(n)s个）") % {"n": n},
                    {5 + i: total.quantize(CENT) for i, total in enumerate(totals)})
    return writer.close()


# ---------------------------------------------------------------- 梯次推进台账

def _latest_reports(user, year: int, month: int) -> dict[int, ProgressReport]:
    """Each project's latest submitted-or-later monthly report up to the month."""
    qs = (investment_selectors.report_list(user=user)
          .filter(round__cadence="monthly", round__period_end__year=year,
                  round__period_end__month__lte=month)
          .exclude(status=ReportStatus.DRAFT))
    latest = {row["project_id"]: row["end"] for row in
              qs.order_by().values("project_id").annotate(end=Max("round__period_end"))}
    found = {}
    for report in qs.filter(round__period_end__in=set(latest.values())):
        if latest.get(report.project_id) == report.round.period_end:
            found[report.project_id] = report
    return found


def export_stages(user, year: int, month: int) -> bytes:
    """梯次推进台账: projects by stage (谋划 → 竣工投产) with the latest progress."""
    columns = [Col("序号", 6, "int"), Col("项目名称", 34, "wrap"), Col("级别", 8),
               Col("责任单位", 14), Col("属地街道", 12), Col("总投资（万元）", 14, "money"),
               Col("计划开工时间", 12, "date"), Col("实际开工时间", 12, "date"),
               Col("计划竣工时间", 12, "date"),
               Col("年度累计完成", 13, "money", "投资完成（万元）"),
               Col("开工累计完成", 13, "money", "投资完成（万元）"),
               Col("形象进度", 40, "wrap")]
    reports = _latest_reports(user, year, month)
    projects = sorted(project_list(user=user), key=lambda p: (
        list(Stage.values).index(p.stage), list(Level.values).index(p.level),
        -p.total_investment, p.pk))
    writer = LedgerWriter(_("中原区重点项目梯次推进台账（截至%(y)s年%(m)s月）")
                          % {"y": year, "m": month}, _unit_line(user), columns)
    n, current, sub, count, grand = 0, None, Decimal(0), 0, Decimal(0)
    for p in projects:
        if p.stage != current:
            if current is not None:
                writer.subtotal(_("小计（%(n)s个）") % {"n": count}, {5: sub})
            current, sub, count = p.stage, Decimal(0), 0
            writer.section(f"{SECTION_NUMBERS[list(Stage.values).index(current)]}、"
                           f"{Stage(current).label}项目")
        n += 1
        count += 1
        sub += p.total_investment
        grand += p.total_investment
        r = reports.get(p.pk)
        writer.write([n, p.name, p.get_level_display(), p.responsible_unit.name,
                      p.street.name if p.street else "", p.total_investment, p.planned_start,
                      p.actual_start, p.planned_completion,
                      r.ytd_completed if r else None, r.cumulative_completed if r else None,
                      r.physical_progress if r else ""])
    if current is not None:
        writer.subtotal(_("小计（%(n)s个）") % {"n": count}, {5: sub})
    writer.subtotal(_("合计（%(n)s个）") % {"n": n}, {5: grand})
    return writer.close()


# ---------------------------------------------------------------- 入库台账

def export_registration(user, year: int, month: int) -> bytes:
    """入库台账: started projects of 500万元 or more, registered or not, with 拟入库 months."""
    columns = [Col("序号", 6, "int"), Col("项目名称", 34, "wrap"), Col("项目代码", 26),
               Col("责任单位", 14), Col("属地街道", 12), Col("总投资（万元）", 14, "money"),
               Col("实际开工时间", 12, "date"), Col("入库时间", 12, "date"),
               Col("入库状态", 10), Col("拟入库月份", 11), Col("备注", 24, "wrap")]
    plans = {p.project_id: p for p in investment_selectors.registration_plans(user=user)}
    writer = LedgerWriter(_("中原区重点项目统计入库台账"), _unit_line(user), columns)
    n, registered = 0, 0
    for p in investment_selectors.must_register(user=user).order_by(
            "stats_registered_on", "actual_start", "id"):
        n += 1
        plan = plans.get(p.pk)
        registered += bool(p.stats_registered_on)
        writer.write([n, p.name, p.code or "", p.responsible_unit.name,
                      p.street.name if p.street else "", p.total_investment, p.actual_start,
                      p.stats_registered_on, _("已入库") if p.stats_registered_on else _("未入库"),
                      f"{plan.due_month:%Y-%m}" if plan else "", plan.note if plan else ""])
    writer.subtotal(_("合计：应入库 %(n)s 个，已入库 %(d)s 个") % {"n": n, "d": registered}, {})
    return writer.close()


# ---------------------------------------------------------------- 问题台账 / 审批台账

def export_cases(user, year: int, month: int) -> bytes:
    """问题台账: every problem, instruction and event the user may see, with its status."""
    from diaodu.cases.selectors import case_list

    columns = [Col("序号", 6, "int"), Col("编号", 13), Col("项目名称", 30, "wrap"),
               Col("问题", 30, "wrap"), Col("具体内容", 40, "wrap"), Col("问题类别", 10),
               Col("牵头单位", 14), Col("配合单位", 18, "wrap"), Col("提出日期", 12, "date"),
               Col("办结期限", 12, "date"), Col("办理状态", 10), Col("办结日期", 12, "date")]
    writer = LedgerWriter(_("中原区重点项目问题台账"), _unit_line(user), columns)
    n = 0
    for case in case_list(user=user).order_by("year", "serial"):
        n += 1
        writer.write([n, case.number, case.project.name if case.project else "", case.title,
                      case.detail, case.get_category_display(),
                      # A case a reporter raised waits for the dispatcher to name a lead unit.
                      case.lead_unit.name if case.lead_unit else _("待交办"),
                      "、".join(u.name for u in case.co_units.all()), case.raised_on,
                      case.due_on, case.get_status_display(), case.resolved_on])
    writer.subtotal(_("合计（%(n)s件）") % {"n": n}, {})
    return writer.close()


def export_approvals(user, year: int, month: int) -> bytes:
    """审批台账: the year's approval items against their legal time limits."""
    from diaodu.cases.selectors import ApprovalFilters, approval_list

    columns = [Col("序号", 6, "int"), Col("项目名称", 30, "wrap"), Col("审批事项", 30, "wrap"),
               Col("审批类型", 10), Col("申请单位", 20, "wrap"), Col("受理时间", 12, "date"),
               Col("法定时限（工作日）", 10, "int"), Col("办结期限", 12, "date"),
               Col("办结时间", 12, "date"), Col("用时（工作日）", 10, "int"),
               Col("按时办结", 9), Col("办理结果", 9), Col("批复文号", 22)]
    writer = LedgerWriter(_("%(y)s年重点项目审批台账") % {"y": year}, _unit_line(user), columns)
    n, on_time = 0, 0
    for a in approval_list(user=user, filters=ApprovalFilters(year=year)).order_by(
            "received_on", "id"):
        n += 1
        on_time += bool(a.on_time)
        writer.write([n, a.project.name if a.project else "", a.item, a.get_kind_display(),
                      a.applicant, a.received_on, a.time_limit, a.due_on, a.completed_on,
                      a.workdays_used,
                      "" if a.on_time is None else (_("是") if a.on_time else _("否")),
                      a.get_result_display() if a.result else "", a.document_no])
    writer.subtotal(_("合计：%(n)s 件，按时办结 %(t)s 件") % {"n": n, "t": on_time}, {})
    return writer.close()


@dataclass(frozen=True)
class Ledger:
    slug: str
    title: Any
    build: Any
    description: Any


LEDGERS: dict[str, Ledger] = {ledger.slug: ledger for ledger in (
    Ledger("projects", gettext_lazy("重点项目台账"), export_projects,
           gettext_lazy("按省、市、区重点分节，含小计与合计；可原样导回。")),
    Ledger("targets", gettext_lazy("投资目标台账"), export_targets,
           gettext_lazy("年度计划、月度累计目标与审定完成。")),
    Ledger("stages", gettext_lazy("梯次推进台账"), export_stages,
           gettext_lazy("按谋划、在谈、签约、前期、在建、竣工投产分节，含最新形象进度。")),
    Ledger("registration", gettext_lazy("入库台账"), export_registration,
           gettext_lazy("已开工且总投资 500 万元及以上项目的入库情况与拟入库月份。")),
    Ledger("cases", gettext_lazy("问题台账"), export_cases,
           gettext_lazy("督办事项及办理状态。")),
    Ledger("approvals", gettext_lazy("审批台账"), export_approvals,
           gettext_lazy("审批、核准、备案事项与法定时限。")),
)}


def export_ledger(slug: str, *, user, year: int, month: int) -> tuple[bytes, str]:
    ledger = LEDGERS[slug]
    content = ledger.build(user, year, month)
    stamp = clock.today().strftime("%Y%m%d")
    return content, f"{ledger.title}_{stamp}.xlsx"
