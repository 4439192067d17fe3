"""The monthly 重点项目建设简报 (.docx) in the DRC's own layout: red masthead with issue number,
issuer and date over a red rule, the headline paragraph, figures by level and street, 三个一批,
whitelist, the red list of projects behind time progress, problems and approvals, and the
distribution lines at the foot. Every figure comes from the selectors behind the dashboard
pages (year_kpis, case_kpis, approval_kpis), scoped to the user."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.shared import Cm, Pt, RGBColor

from diaodu.core import clock, wordfmt
from diaodu.core.money import wan_to_yi
from diaodu.core.scoping import scope_for
from diaodu.core.text import strip_control_characters
from diaodu.dashboard.kpis import Expected, pace_ratio
from diaodu.dashboard.selectors import Period, completion_rule, expected_in_district
from diaodu.investment import kpis
from diaodu.investment.models import AnnualPlan, ProgressReport, ReportStatus
from diaodu.investment.selectors import year_kpis
from diaodu.projects.models import Batch, CampaignEntry, Level, Project

RED = RGBColor(0xC0, 0x00, 0x00)
NUMERALS = "一二三四五六七八九十"



def _run(paragraph, text: str):
    # Names and titles can come from an imported ledger, which no form checked: XML cannot
    # hold a control character, so one would break the whole briefing.
    return paragraph.add_run(strip_control_characters(text))

def _para(doc, text: str = "", *, font: str = "仿宋_GB2312", size: float = 16,
          bold: bool = False, align=None, indent: bool = True, color=None, space_after=0,
          space_before=0):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing = Pt(28)   # 固定值 28 磅, as in 党政机关公文格式
    fmt.space_after = Pt(space_after)
    fmt.space_before = Pt(space_before)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    if text:
        wordfmt.font(_run(p, text), font, Pt(size), bold=bold, color=color, latin=False)
    return p


def _heading(doc, number: int, text: str) -> None:
    _para(doc, f"{NUMERALS[number - 1]}、{text}", font="黑体", size=16)


def _table(doc, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        wordfmt.font(_run(cell.paragraphs[0], text), "黑体", Pt(11), latin=False)
    for values in rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
            cell.paragraphs[0].alignment = (WD_ALIGN_PARAGRAPH.LEFT if index == 0
                                            else WD_ALIGN_PARAGRAPH.RIGHT)
            wordfmt.font(_run(cell.paragraphs[0], text), "仿宋_GB2312", Pt(11), latin=False)
    doc.add_paragraph()


def _yi(wan: Decimal) -> str:
    return f"{wan_to_yi(wan):,.2f}"


def _pct(value) -> str:
    return "—" if value is None else f"{value}%"


def _months(month: int) -> str:
    return f"1~{month}月份" if month > 1 else "1月份"


@dataclass(frozen=True)
class Behind:
    name: str
    unit: str
    planned: Decimal
    done: Decimal
    rate: Decimal | None


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def behind_time(*, user, year: int, month: int, limit: int = 10
                ) -> tuple[list[Behind], Expected, Decimal]:
    """Red list: projects whose approved annual completion is behind the share of the plan
    expected by the month, by the dashboard's completion rule (below its amber threshold, 95%
    by default; the expected share is seasonal from earlier years, time progress without
    them). Projects whose report for the month is not approved yet are not judged. Returns
    the list, the expected share and the threshold."""
    expected = expected_in_district(Period(year, month))
    rule = completion_rule()
    threshold = (rule.amber if rule.amber is not None else rule.red) if rule else None
    threshold = threshold if threshold is not None else Decimal(95)
    done = {pid: ytd for pid, ytd in scope_for(user, ProgressReport).filter(
        round__cadence="monthly", round__period_end__year=year,
        round__period_end__month=month, status=ReportStatus.APPROVED,
    ).values_list("project_id", "ytd_completed")}
    rows = []
    for plan in scope_for(user, AnnualPlan).filter(year=year, status="approved") \
            .select_related("project", "project__responsible_unit"):
        if plan.project_id not in done:
            continue
        ytd = done[plan.project_id]
        ratio = pace_ratio(ytd, plan.planned_investment, expected)
        if ratio is not None and ratio < threshold:
            rows.append(Behind(plan.project.name, plan.project.responsible_unit.name,
                               plan.planned_investment, ytd,
                               kpis.annual_completion_rate(ytd, plan.planned_investment)))
    rows.sort(key=lambda b: (b.rate, b.name))
    return rows[:limit], expected, threshold


def briefing_docx(*, user, year: int, month: int, issue: int | None = None) -> tuple[bytes, str]:
    """The month's briefing as .docx bytes and its file name."""
    from diaodu.cases.selectors import ApprovalFilters, approval_kpis, approval_list, case_kpis

    today = clock.today()
    key = year_kpis(user=user, year=year, month=month, levels=(Level.PROVINCE, Level.CITY))
    whole = year_kpis(user=user, year=year, month=month)
    issue = issue or month
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    _para(doc, _("重点项目建设简报"), font="方正小标宋简体", size=36, color=RED,
          align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, space_after=12)
    _para(doc, _("第%(n)s期") % {"n": issue}, size=16, align=WD_ALIGN_PARAGRAPH.CENTER,
          indent=False)
    unit = getattr(user, "unit", None)
    issuer = _("中原区发展和改革委员会") if unit is None or unit.kind != "department" \
        else unit.name
    line = _para(doc, "", indent=False)
    line.paragraph_format.tab_stops.add_tab_stop(wordfmt.text_width(doc), WD_TAB_ALIGNMENT.RIGHT)
    for text in (issuer, f"\t{today:%Y年%-m月%-d日}"):
        wordfmt.font(_run(line, text), "仿宋_GB2312", Pt(14), latin=False)
    wordfmt.rule(line, color="C00000", size=18)

    _para(doc, _("%(y)s年%(m)s全区重点项目建设情况") % {"y": year, "m": _months(month)},
          font="方正小标宋简体", size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
          space_before=24, space_after=12)
    gap = (key.completion_rate - key.time_progress) if key.completion_rate is not None else None
    headline = _("%(m)s全区省市重点项目累计完成投资%(done)s亿元，占年度计划的%(rate)s")\
        % {"m": _months(month), "done": _yi(key.completed_ytd), "rate": _pct(key.completion_rate)}
    if gap is not None:
        headline += (_("，高于时序进度%(g)s个百分点") if gap >= 0
                     else _("，低于时序进度%(g)s个百分点")) \
            % {"g": abs(gap)}
    headline += _("；全部重点项目年度计划%(plan)s亿元，累计完成%(done)s亿元，完成率%(rate)s。") % {
        "plan": _yi(whole.planned_annual), "done": _yi(whole.completed_ytd),
        "rate": _pct(whole.completion_rate)}
    _heading(doc, 1, _("总体情况"))
    _para(doc, headline)

    _heading(doc, 2, _("分级别推进情况"))
    counts = dict(scope_for(user, Project).order_by().values_list("level")
                  .annotate(n=Count("id")))
    _table(doc, [_("级别"), _("项目数"), _("年度计划（亿元）"), _("累计完成（亿元）"),
                 _("完成率")],
           [[row.label, str(counts.get(_level_value(row.label), "")), _yi(row.planned_annual),
             _yi(row.completed_ytd), _pct(row.completion_rate)] for row in whole.by_level])

    _heading(doc, 3, _("分街道推进情况"))
    streets = [row for row in whole.by_street if row.label != "—"]
    _table(doc, [_("属地街道"), _("年度计划（亿元）"), _("累计完成（亿元）"), _("完成率")],
           [[row.label, _yi(row.planned_annual), _yi(row.completed_ytd),
             _pct(row.completion_rate)] for row in streets])

    _heading(doc, 4, _("“三个一批”项目推进情况"))
    entries = scope_for(user, CampaignEntry).select_related("campaign", "project")
    by_batch = {b: [e for e in entries if e.batch == b] for b in Batch.values}
    started = sum(1 for e in by_batch[Batch.START] if e.project.actual_start)
    produced = sum(1 for e in by_batch[Batch.PRODUCE] if e.project.actual_completion)
    signed = sum(1 for e in by_batch[Batch.SIGN] if e.project.fulfilled_on)
    _para(doc, _("全区纳入“三个一批”签约项目%(s)s个（已履约%(sf)s个）、开工项目%(k)s个"
                 "（已开工%(kf)s个，开工率%(kr)s）、投产项目%(p)s个（已投产%(pf)s个）。") % {
        "s": len(by_batch[Batch.SIGN]), "sf": signed, "k": len(by_batch[Batch.START]),
        "kf": started, "kr": _pct(kpis.rate(started, len(by_batch[Batch.START]))),
        "p": len(by_batch[Batch.PRODUCE]), "pf": produced})

    _heading(doc, 5, _("白名单项目"))
    whitelist = list(scope_for(user, Project).filter(on_whitelist=True).order_by("name"))
    _para(doc, _("列入白名单项目%(n)s个：%(names)s。") % {
        "n": len(whitelist), "names": "、".join(p.name for p in whitelist) or _("无")})

    _heading(doc, 6, _("进度滞后项目（红榜）"))
    behind, expected, threshold = behind_time(user=user, year=year, month=month)
    if behind:
        words = {"e": expected.percent, "p": _plain(threshold), "n": len(behind)}
        _para(doc, (_("年度投资完成率低于应完成进度（往年同期完成%(e)s%%）%(p)s%%的项目%(n)s个，"
                      "名单如下：") if expected.method == "seasonal" else
                    _("年度投资完成率低于时序进度（%(e)s%%）%(p)s%%的项目%(n)s个，名单如下："))
              % words)
        _table(doc, [_("项目名称"), _("责任单位"), _("年度计划（万元）"), _("累计完成（万元）"),
                     _("完成率")],
               [[b.name, b.unit, f"{b.planned:,.2f}", f"{b.done:,.2f}", _pct(b.rate)]
                for b in behind])
    else:
        _para(doc, _("本期没有年度投资完成率低于时序进度95%的项目。"))

    _heading(doc, 7, _("问题协调解决情况"))
    cases = case_kpis(user=user)["overall"]
    _para(doc, _("累计收集项目建设难点、堵点问题%(t)s个，已销号%(c)s个，销号率%(r)s；"
                 "正在办理%(o)s个，其中逾期%(d)s个。") % {
        "t": cases.total, "c": cases.closed, "r": _pct(cases.closure_rate),
        "o": cases.total - cases.closed, "d": cases.overdue})

    _heading(doc, 8, _("审批服务情况"))
    approvals = approval_kpis(approval_list(user=user, filters=ApprovalFilters(year=year)))
    _para(doc, _("%(y)s年以来共办理审批服务事项%(t)s件，其中审批、核准%(a)s件，备案%(f)s件；"
                 "已办结%(c)s件，按时办结%(o)s件，按时办结率%(r)s。") % {
        "y": year, "t": approvals["total"], "a": approvals["approvals"],
        "f": approvals["filings"], "c": approvals["completed"], "o": approvals["on_time"],
        "r": _pct(approvals["rate"])})

    # The distribution lines at the foot of the last page, between two rules.
    submitted = _para(doc, _("报：区委、区人大、区政府、区政协领导"), size=14, indent=False)
    wordfmt.rule(submitted, color="000000", size=8, where="top")
    sent = _para(doc, _("发：各街道办事处，区直各有关部门"), size=14, indent=False)
    printed = _para(doc, issuer + "\t" + _("%(d)s印发") % {"d": f"{today:%Y年%-m月%-d日}"},
                    size=14, indent=False)
    printed.paragraph_format.tab_stops.add_tab_stop(wordfmt.text_width(doc),
                                                    WD_TAB_ALIGNMENT.RIGHT)
    wordfmt.rule(printed, color="000000", size=8)
    wordfmt.pin_to_foot(doc, [submitted, sent, printed])

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue(), _("重点项目建设简报_%(y)s年%(m)s月.docx") % {"y": year, "m": month}


def _level_value(label: str) -> str:
    for value, text in Level.choices:
        if str(text) == label:
            return value
    return ""
