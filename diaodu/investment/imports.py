"""Ledger rows → annual plans (年度投资计划) and monthly progress (月度进度填报), through the
investment services. Registered into the ledger import (core/imports.py)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from diaodu.core.errors import NotFound, UserError
from diaodu.core.imports import Line, register, show
from diaodu.projects.imports import ProjectRows

from . import services
from .models import AnnualPlan, Cadence, ProgressReport, ReportingRound


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
