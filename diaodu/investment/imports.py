"""Ledger rows → annual plans (年度投资计划) and monthly progress (月度进度填报), through the
investment services; and the plan and progress columns of a project ledger, imported in the
same job when ticked (`Extra` parts). Registered into the ledger import (core/imports.py)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from diaodu.core.errors import NotFound, UserError
from diaodu.core.imports import Extra, Line, name_key, register, register_extra, show
from diaodu.projects.imports import ProjectRows

from . import services
from .models import AnnualPlan, Cadence, ProgressReport, ReportingRound
from .services.reports import months_before


@register("plans")
class PlanPlanner(ProjectRows):
    FIELD_COLUMNS = {"monthly_targets": "target_12"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = self.job.options.get("year")
        self.default_year = int(year) if year else None
        self.plans = {(p.project_id, p.year): p
                      for p in AnnualPlan.objects.filter(project__in=self.projects)}

    def plan(self, line: Line) -> None:
        project = self.target_project(line)
        year = line.values.get("year") or self.default_year
        if year is None:
            line.error(self.sheet.cell("name"), "import.year_required",
                       _("请在文件中加“年度”列，或在导入时选择年度。"))
        planned = line.values.get("planned_investment")
        if planned is None and "planned_investment" in self.sheet.fields:
            line.error(self.sheet.cell("planned_investment"), "import.planned_required",
                       _("请填写年度计划投资（万元）。"))
        targets = [line.values.get(f"target_{i}") for i in range(1, 13)]
        given = [t for t in targets if t is not None]
        if given and len(given) != 12:
            line.error(self.sheet.cell("target_1"), "import.targets_partial",
                       _("月度累计目标应填满 12 个月，或全部留空（按月平均分解）。"))
        if line.errors or project is None:
            return
        plan = self.plans.get((project.pk, year))
        targets_text = [str(t) for t in targets] if given else None
        line.values = {"project": project, "year": year, "planned": planned,
                       "targets": targets_text, "plan": plan}
        if plan is None:
            line.action = "create"
            line.diff = {str(_("年度计划投资")): ["", show(planned)]}
            return
        diff = {}
        if planned != plan.planned_investment:
            diff[str(_("年度计划投资"))] = [show(plan.planned_investment), show(planned)]
        if targets_text and [str(Decimal(t)) for t in plan.monthly_targets] != targets_text:
            diff[str(_("月度累计目标"))] = ["、".join(plan.monthly_targets),
                                        "、".join(targets_text)]
        line.action = "update" if diff else "unchanged"
        line.diff = diff

    def apply(self, line: Line) -> None:
        v = line.values
        if line.action == "create":
            plan = services.annual_plan_create(
                actor=self.actor, project=v["project"], year=v["year"],
                planned_investment=v["planned"], monthly_targets=v["targets"])
        else:
            plan = services.annual_plan_adjust(
                actor=self.actor, plan=v["plan"], planned_investment=v["planned"],
                monthly_targets=v["targets"] or None, expected_version=v["plan"].version,
                reason=_("台账导入：%(f)s") % {"f": self.job.filename})
        self.plans[(plan.project_id, plan.year)] = plan


@register("reports")
class ReportPlanner(ProjectRows):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rounds = {r.period_start: r for r in ReportingRound.objects.filter(
            cadence=Cadence.MONTHLY)}
        chosen = self.job.options.get("round")
        self.default_round = ReportingRound.objects.filter(pk=chosen).first() if chosen else None
        self.submit = bool(self.job.options.get("submit", True))

    def plan(self, line: Line) -> None:
        project = self.target_project(line)
        period = line.values.get("period")
        round_ = self.rounds.get(period.replace(day=1)) if period else self.default_round
        if round_ is None:
            line.error(self.sheet.cell("period") if period else self.sheet.cell("name"),
                       "import.round_unknown",
                       _("没有 %(m)s 的月度调度轮次。") % {"m": period.strftime("%Y-%m")}
                       if period else _("请选择调度轮次，或在文件中加“填报月份”列。"))
        for key in ("completed_in_period", "cumulative_completed"):
            if line.values.get(key) is None and not any(e["code"].startswith("money")
                                                        for e in line.errors):
                line.error(self.sheet.cell(key) or self.sheet.cell("name"),
                           "import.amount_required",
                           _("请填写%(f)s（万元）。") % {"f": self.sheet.label(key)})
        if line.errors or project is None or round_ is None:
            return
        report = (ProgressReport.objects.select_related("round", "project__responsible_unit")
                  .filter(project=project, round=round_).first())
        if report is None:
            line.error(self.sheet.cell("name"), "import.report_missing",
                       _("“%(r)s”中没有该项目的填报（项目不在本轮调度范围）。") % {"r": round_})
            return
        self._plan_report(line, report)

    def _plan_report(self, line: Line, report: ProgressReport) -> None:
        new = {"completed_in_period": line.values["completed_in_period"],
               "cumulative_completed": line.values["cumulative_completed"],
               "physical_progress": (line.values.get("physical_progress")
                                     if "physical_progress" in self.sheet.fields
                                     else report.physical_progress),
               "issues": (line.values.get("issues") if "issues" in self.sheet.fields
                          else report.issues)}
        diff = {}
        for key, value in new.items():
            old = getattr(report, key)
            if (old or "") != (value or "") if isinstance(old, str) else old != value:
                diff[str(ProgressReport._meta.get_field(key).verbose_name)] = [show(old),
                                                                              show(value)]
        line.values = {"report": report, **new}
        if not diff:
            line.action = "unchanged"
        elif report.status not in services.EDITABLE or report.round.is_locked:
            line.error(self.sheet.cell("completed_in_period"), "import.report_not_editable",
                       _("该项目本期填报已%(s)s，不能通过导入修改。")
                       % {"s": report.get_status_display()} if not report.round.is_locked
                       else _("“%(r)s”已锁定，不能通过导入修改。") % {"r": report.round})
        else:
            line.action = "update"
        line.diff = diff

    def apply(self, line: Line) -> None:
        v = dict(line.values)
        report = v.pop("report")
        try:
            services.report_save(actor=self.actor, report=report,
                                 expected_version=report.version, submit=self.submit, **v)
        except NotFound:
            raise UserError("import.report_out_of_scope",
                            _("该项目不由您的单位填报，不能导入其进度。"), "name") from None


# ---------------------------------------------------------------- a project ledger's parts

_YEAR = re.compile(r"((?:19|20)\d{2})年")
_PRIOR_YEAR = re.compile(r"((?:19|20)\d{2})年(?:底|末)")
_MONTH = re.compile(r"(?:^|年|/)(?:1[-~～至])?(\d{1,2})月")
_MONTH_KEYS = ("ytd_completed", "period_completed")
_MONEY_KEYS = ("period_completed", "ytd_completed", "cumulative_completed", "prior_cumulative")


def year_in(text: str) -> int | None:
    """The year a header or title names ("2023年计划投资", "中原区2023年重点项目台账");
    "至2022年底" names the year before the ledger's."""
    text = name_key(text)
    prior = _PRIOR_YEAR.search(text)
    if prior:
        return int(prior.group(1)) + 1
    found = _YEAR.search(text)
    return int(found.group(1)) if found else None


def month_in(text: str) -> int | None:
    """The month a progress header ends with: 1-2月完成投资 → 2, 2023年3月完成 → 3."""
    found = _MONTH.search(name_key(text))
    return int(found.group(1)) if found and 1 <= int(found.group(1)) <= 12 else None


class LedgerPart(Extra):
    """What a ticked part of a project ledger shares: the ledger's year, from the column's
    header, else the job's chosen year, else the title."""

    def ledger_year(self, keys: tuple[str, ...]) -> int | None:
        for key in keys:
            year = year_in(self.sheet.header(key))
            if year:
                return year
        if self.job.options.get("year"):
            return int(self.job.options["year"])
        return year_in(self.sheet.title)


@register_extra("projects", "plans")
class ProjectPlanPart(LedgerPart):
    """年度计划投资 / 2023年计划投资 → the project's AnnualPlan for the year (created, or
    adjusted with the ledger named as the reason). An empty cell, or 0 where the project
    has no plan for the year, makes none."""

    FIELD_COLUMNS = {"planned_investment": ("plan_investment",),
                     "monthly_targets": ("plan_investment",)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.plans: dict[int, dict[int, AnnualPlan]] = {}  # year → project → plan

    def _plans(self, year: int) -> dict[int, AnnualPlan]:
        if year not in self.plans:
            self.plans[year] = {p.project_id: p for p in AnnualPlan.objects.filter(year=year)}
        return self.plans[year]

    def plan_and_apply(self, line: Line) -> bool:
        planned = line.extra.get("plan_investment")
        if planned is None:
            return False
        year = self.ledger_year(("plan_investment",))
        if year is None:
            line.error(self.sheet.cell("plan_investment"), "import.year_required",
                       _("请在表头写明年度（如“2023年计划投资”），或在上传时填写计划年度。"))
            return False
        project, plans = line.subject, self._plans(year)
        plan = plans.get(project.pk)
        label = _("%(y)s年计划投资") % {"y": year}
        if plan is None:
            if not planned:
                return False
            plans[project.pk] = services.annual_plan_create(
                actor=self.actor, project=project, year=year, planned_investment=planned)
            line.diff[label] = ["", show(planned)]
            return True
        if plan.planned_investment == planned:
            return False
        plans[project.pk] = services.annual_plan_adjust(
            actor=self.actor, plan=plan, planned_investment=planned,
            expected_version=plan.version, reason=_("台账导入：%(f)s") % {"f": self.job.filename})
        line.diff[label] = [show(plan.planned_investment), show(planned)]
        return True


@register_extra("projects", "progress")
class ProjectProgressPart(LedgerPart):
    """1-N月完成投资 / 本月完成投资, 累计完成投资 (or 至上年底累计 + 本年), 形象进度 and
    存在问题 → the project's report in the monthly round of the month the header names (or
    the round chosen at upload), recorded through `report_record` (the project is added to
    the round first if it was not in it). No such round, or a locked one, refuses the row
    naming the month or the round."""

    FIELD_COLUMNS = {"completed_in_period": ("period_completed", "ytd_completed"),
                     "cumulative_completed": ("cumulative_completed", "prior_cumulative",
                                              "ytd_completed"),
                     "physical_progress": ("physical_progress",), "issues": ("issues",)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rounds = {r.period_start: r for r in ReportingRound.objects.filter(
            cadence=Cadence.MONTHLY)}
        chosen = self.job.options.get("round")
        self.chosen = ReportingRound.objects.filter(pk=chosen).first() if chosen else None
        self.reports: dict[int, dict[int, ProgressReport]] = {}  # round → project → report
        self.submit = bool(self.job.options.get("submit", True))

    def _round(self, line: Line) -> ReportingRound | None:
        """The round of the month the headers name; refuses the row when there is none."""
        month = next((m for m in map(month_in, map(self.sheet.header, _MONTH_KEYS)) if m),
                     None)
        column = next((self.sheet.cell(k) for k in (*_MONEY_KEYS, "name")
                       if self.sheet.cell(k)), "A")
        if month is None:
            if self.chosen is None:
                line.error(column, "import.round_required",
                           _("表头没有写明月份（如“1-2月完成投资”），请在上传时选择调度轮次。"))
            return self.chosen
        year = self.ledger_year((*_MONTH_KEYS, "cumulative_completed", "prior_cumulative"))
        if year is None:
            line.error(column, "import.year_required",
                       _("表头没有写明年度（如“2023年1-2月完成投资”），请在上传时填写年度。"))
            return None
        round_ = self.rounds.get(date(year, month, 1))
        if round_ is None:
            line.error(column, "import.round_unknown",
                       _("没有 %(y)s年%(m)s月 的月度调度轮次：请先开启该月调度，或不勾选“同时导入"
                         "进度”。") % {"y": year, "m": month})
        return round_

    def _report(self, round_: ReportingRound, project) -> ProgressReport | None:
        if round_.pk not in self.reports:
            self.reports[round_.pk] = {r.project_id: r for r in ProgressReport.objects.filter(
                round=round_).select_related("round")}
        return self.reports[round_.pk].get(project.pk)

    def plan_and_apply(self, line: Line) -> bool:
        e = line.extra
        if all(e.get(k) is None for k in _MONEY_KEYS):
            if e.get("physical_progress") or e.get("issues"):
                line.warn(self.sheet.cell("physical_progress") or self.sheet.cell("issues"),
                          "import.progress_without_figures",
                          _("该行没有完成投资数，形象进度和存在问题未录入。"))
            return False
        round_ = self._round(line)
        if round_ is None:
            return False
        project = line.subject
        report = self._report(round_, project)
        figures = self._figures(line, report or ProgressReport(project=project, round=round_))
        if figures is None:
            return False
        diff = {}
        for key, value in figures.items():
            old = getattr(report, key) if report is not None else None
            if (old or "") != (value or "") if key in ("physical_progress", "issues") \
                    else old != value:
                verbose = ProgressReport._meta.get_field(key).verbose_name
                diff[f"{round_}·{verbose}"] = [show(old), show(value)]
        if not diff:
            return False
        if round_.is_locked:
            line.error(self.sheet.cell("ytd_completed") or self.sheet.cell("period_completed")
                       or self.sheet.cell("cumulative_completed"), "import.round_locked",
                       _("“%(r)s”已锁定，不能通过导入录入进度。") % {"r": round_})
            return False
        if report is not None and report.status not in services.EDITABLE:
            line.error(self.sheet.cell("name"), "import.report_not_editable",
                       _("“%(r)s”中该项目的填报已%(s)s，不能通过导入修改。")
                       % {"r": round_, "s": report.get_status_display()})
            return False
        if report is None:
            report = services.round_add_project(actor=self.actor, round_=round_,
                                                project=project)
        report = services.report_record(
            actor=self.actor, report=report, expected_version=report.version,
            submit=self.submit, source=self.job.filename, **figures)
        self.reports[round_.pk][project.pk] = report
        line.diff.update(diff)
        return True

    def _figures(self, line: Line, report: ProgressReport) -> dict | None:
        """The report's figures from the row: the month's amount given or derived from the
        year to date (less the year's earlier months and corrections), the cumulative given
        or the end of last year's plus the year to date. Refuses what does not add up."""
        e = line.extra
        period, ytd = e.get("period_completed"), e.get("ytd_completed")
        cumulative = e.get("cumulative_completed")
        if cumulative is None and e.get("prior_cumulative") is not None and ytd is not None:
            cumulative = e["prior_cumulative"] + ytd
        if cumulative is None:
            line.error(self.sheet.cell("cumulative_completed") or self.sheet.cell("name"),
                       "import.cumulative_required",
                       _("请填写开工累计完成投资（或至上年底累计完成投资与本年完成投资）。"))
            return None
        if period is None and ytd is None:
            line.error(self.sheet.cell("name"), "import.period_required",
                       _("请填写本月完成投资或1—N月完成投资。"))
            return None
        known = months_before(report)
        before = sum(known.earlier, Decimal(0)) + sum(known.corrections, Decimal(0))
        header = self.sheet.header("ytd_completed")
        if period is None:
            period = ytd - before
            if period < 0:
                line.error(self.sheet.cell("ytd_completed"), "import.ytd_below_earlier",
                           _("%(h)s %(y)s 万元小于本年此前各月已报的 %(b)s 万元。")
                           % {"h": header, "y": ytd, "b": before})
                return None
        elif ytd is not None and before + period != ytd:
            line.error(self.sheet.cell("ytd_completed"), "import.ytd_mismatch",
                       _("%(h)s %(y)s 万元与本年此前各月已报 %(b)s 万元加本月 %(p)s 万元不符。")
                       % {"h": header, "y": ytd, "b": before, "p": period})
            return None
        return {"completed_in_period": period, "cumulative_completed": cumulative,
                "physical_progress": (e.get("physical_progress") or ""
                                      if "physical_progress" in self.sheet.fields
                                      else report.physical_progress),
                "issues": (e.get("issues") or "" if "issues" in self.sheet.fields
                           else report.issues)}
