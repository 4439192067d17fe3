"""Writes of the dashboard: warning rule sets and scoring schemes (new version each change,
the old one kept as history), warning evaluation and the monthly ranking."""

import calendar
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from diaodu.cases.models import DONE_STATUSES, Case
from diaodu.core import audit, clock, versions
from diaodu.core.errors import UserError
from diaodu.core.models import User
from diaodu.core.roles import LEDGER_EDITORS, require_role
from diaodu.investment.kpis import rate
from diaodu.investment.models import (
    Cadence,
    MonthlyRollup,
    ProgressReport,
    ReportingRound,
)
from diaodu.investment.selectors import registration_duty
from diaodu.projects.models import Project

from . import kpis, rules, scoring
from .facts import project_facts
from .models import RankingKind, ScoringScheme, UnitRanking, Warning, WarningRuleSet

DEFAULT_WEIGHTS = {"investment": 40, "starts": 20, "registration": 15, "closure": 15,
                   "punctuality": 10}
DEFAULT_TOP_GROUP = 5


def _require_dispatcher(actor: User | None) -> None:
    require_role(actor, LEDGER_EDITORS, _("只有调度员可以修改预警规则和评分方案。"),
                 code="dashboard.forbidden")


def rule_problem_message(problem: rules.RuleProblem) -> str:
    from .models import WarningMetric

    p = dict(problem.params)
    if "metric" in p:
        p["metric"] = dict(WarningMetric.choices).get(p["metric"], p["metric"])
    messages = {
        "rule.unknown_metric": _("未知的预警指标：%(metric)s。"),
        "rule.duplicate": _("预警指标“%(metric)s”重复设置。"),
        "rule.comparison": _("预警指标“%(metric)s”的比较方式不正确。"),
        "rule.not_a_number": _("预警指标“%(metric)s”的阈值不是数字：%(value)s。"),
        "rule.no_threshold": _("预警指标“%(metric)s”至少需要设置红色或黄色阈值之一。"),
        "rule.overlap": _("预警指标“%(metric)s”的红色阈值与黄色阈值相同（%(red)s），区间重叠。"),
        "rule.inverted": _("预警指标“%(metric)s”的阈值颠倒：红色阈值%(red)s应比黄色阈值%(amber)s"
                           "更严重。"),
        "rule.ahead": _("预警指标“%(metric)s”的超前阈值%(ahead)s必须高于黄色阈值%(amber)s。"),
        "rule.no_message": _("预警指标“%(metric)s”缺少提示文字。"),
        "rule.empty": _("预警规则不能为空。"),
    }
    return messages[problem.code] % p


def rule_set_create(*, actor: User | None, rules_data: list[dict[str, Any]],
                    note: str = "") -> WarningRuleSet:
    """A new version of the warning rules, active at once. Invalid rules are refused and the
    active version stays in force."""
    _require_dispatcher(actor)
    try:
        parsed = rules.validate(rules_data)
    except rules.RuleProblem as problem:
        raise UserError(problem.code, rule_problem_message(problem), "rules") from None
    stored = [{"metric": r.metric, "comparison": r.comparison,
               "amber": None if r.amber is None else str(r.amber),
               "red": None if r.red is None else str(r.red),
               "ahead": None if r.ahead is None else str(r.ahead),
               "message": r.message} for r in parsed]
    return versions.version_create(actor, WarningRuleSet, {"rules": stored}, note=note,
                                   action="warning_rules.create", audited=("version", "rules"))


def rule_set_active() -> WarningRuleSet:
    """The active rule set; the defaults of the issue become version 1 on first use."""
    active = WarningRuleSet.objects.filter(is_active=True).first()
    return active or rule_set_create(actor=None, rules_data=rules.DEFAULT_RULES,
                                     note=_("默认规则"))


def scheme_create(*, actor: User | None, weights: dict[str, Any], top_group_size: Any,
                  note: str = "") -> ScoringScheme:
    """A new version of the ranking weights (whole numbers summing to 100), active at once."""
    _require_dispatcher(actor)
    try:
        clean = kpis.validate_weights(weights, scoring.keys())
    except ValueError as problem:
        code = str(problem)
        total = sum(int(v) for v in weights.values() if str(v).strip().lstrip("-").isdigit())
        messages = {
            "scheme.unknown_metric": _("评分方案含有未知的评分项。"),
            "scheme.not_a_number": _("权重必须是整数。"),
            "scheme.negative": _("权重不能为负数。"),
            "scheme.sum": _("各项权重之和必须等于100，当前为%(total)s。") % {"total": total},
        }
        raise UserError(code, messages[code], "weights") from None
    try:
        size = int(str(top_group_size).strip())
    except ValueError:
        size = 0
    if size < 1:
        raise UserError("scheme.top_group", _("第一方阵名额至少为1。"), "top_group_size")
    return versions.version_create(actor, ScoringScheme,
                                   {"weights": clean, "top_group_size": size}, note=note,
                                   action="scoring_scheme.create",
                                   audited=("weights", "top_group_size"))


def scheme_active() -> ScoringScheme:
    active = ScoringScheme.objects.filter(is_active=True).first()
    return active or scheme_create(actor=None, weights=DEFAULT_WEIGHTS,
                                   top_group_size=DEFAULT_TOP_GROUP, note=_("默认方案"))


def warnings_evaluate(*, actor: User | None = None, today: date | None = None,
                      project_ids=None, replay: bool = False) -> dict[str, int]:
    """Compare each project's facts with the active rules: open new warnings, move changed
    levels to a new row, clear the ones that no longer hold. Idempotent for a given day.
    `project_ids`: only those projects (after an approval); None: every project (nightly).
    `replay`: the nightly run of a past day, on the records as they stood then (facts.py)."""
    _require_dispatcher(actor)
    today = today or clock.today()
    with transaction.atomic():
        rule_set = rule_set_active()
        parsed = rules.validate(rule_set.rules)
        facts = project_facts(today=today, project_ids=project_ids, replay=replay)
        open_rows = Warning.objects.select_for_update().filter(cleared_on__isnull=True)
        if project_ids is not None:
            open_rows = open_rows.filter(project_id__in=list(facts) + list(project_ids))
        current = {(w.project_id, w.metric): w for w in open_rows}
        new, changed, cleared = [], [], []
        for pid, values in facts.items():
            for finding in rules.evaluate(parsed, values):
                row = current.pop((pid, finding.metric), None)
                value = Decimal(finding.value).quantize(Decimal("0.01"))
                if row is not None and row.level == finding.level:
                    if row.value != value or row.reason != finding.reason[:300]:
                        row.value, row.reason, row.rule_set = value, finding.reason[:300], rule_set
                        changed.append(row)
                    continue
                if row is not None:
                    row.cleared_on = today
                    cleared.append(row)
                new.append(Warning(project_id=pid, metric=finding.metric, level=finding.level,
                                   value=value, reason=finding.reason[:300], rule_set=rule_set,
                                   since=today))
        for row in current.values():
            row.cleared_on = today
            cleared.append(row)
        # Clear first: the open-warning constraint allows one open row per project and metric.
        Warning.objects.bulk_update(cleared, ["cleared_on", "updated_at"], batch_size=500)
        Warning.objects.bulk_create(new, batch_size=500)
        Warning.objects.bulk_update(changed, ["value", "reason", "rule_set", "updated_at"],
                                    batch_size=500)
        result = {"opened": len(new), "updated": len(changed), "cleared": len(cleared),
                  "projects": len(facts)}
        if actor is not None or project_ids is None:
            audit.record(actor, "warnings.evaluate", rule_set, result)
    return result


# --- Monthly ranking -------------------------------------------------------------------------

def _unit_metrics(year: int, month: int, kind: str) -> dict[int, dict[str, Decimal | None]]:
    """The five score items per responsible unit (kind=unit) or street (kind=street)."""
    field = "unit" if kind == RankingKind.UNIT else "street"
    project_field = "responsible_unit" if kind == RankingKind.UNIT else "street"
    end = date(year, month, calendar.monthrange(year, month)[1])
    metrics: dict[int, dict[str, Decimal | None]] = defaultdict(dict)

    for row in (MonthlyRollup.objects.filter(year=year, month=month, **{f"{field}__isnull": False})
                .values(field).annotate(plan=Sum("planned_cumulative"),
                                        done=Sum("completed_ytd")).order_by()):
        metrics[row[field]]["investment"] = rate(Decimal(str(row["done"] or 0)),
                                                 Decimal(str(row["plan"] or 0)))
    projects = Project.objects.filter(**{f"{project_field}__isnull": False})
    for row in (projects.filter(planned_start__year=year, planned_start__lte=end)
                .values(project_field).annotate(
                    n=Count("id"), started=Count("id", filter=Q(actual_start__lte=end)))
                .order_by()):
        metrics[row[project_field]]["starts"] = rate(row["started"], row["n"])
    for row in (projects.filter(registration_duty(started_by=end))
                .values(project_field).annotate(
                    n=Count("id"), done=Count("id", filter=Q(stats_registered_on__lte=end)))
                .order_by()):
        metrics[row[project_field]]["registration"] = rate(row["done"], row["n"])
    case_field = "lead_unit" if kind == RankingKind.UNIT else "project__street"
    for row in (Case.objects.filter(year=year, raised_on__lte=end,
                                    **{f"{case_field}__isnull": False})
                .values(case_field).annotate(
                    n=Count("id"), done=Count("id", filter=Q(status__in=DONE_STATUSES)))
                .order_by()):
        metrics[row[case_field]]["closure"] = rate(row["done"], row["n"])
    report_field = f"project__{project_field}"
    for row in (ProgressReport.objects.filter(round__cadence=Cadence.MONTHLY,
                                              round__period_end=end,
                                              **{f"{report_field}__isnull": False})
                .values(report_field).annotate(
                    n=Count("id"), punctual=Count("id", filter=Q(is_overdue=False)))
                .order_by()):
        metrics[row[report_field]]["punctuality"] = rate(row["punctual"], row["n"])
    # Other apps' items (duty's 查岗) join units ranked on the dashboard's own items: a unit
    # with no projects, reports or cases is not in the ranking because it keeps a duty roster.
    for unit_id, extra in scoring.contributed(year, month, kind).items():
        if unit_id in metrics:
            metrics[unit_id].update(extra)
    return metrics


def ranking_compute(*, actor: User | None = None, year: int, month: int) -> int:
    """Score and rank every unit and street for the month under the active scheme (replacing
    that month's ranking). Returns the number of ranked units."""
    _require_dispatcher(actor)
    if not 1 <= month <= 12:
        raise UserError("ranking.month", _("月份必须在1到12之间。"), "month")
    with transaction.atomic():
        scheme = scheme_active()
        rows = []
        for kind in RankingKind.values:
            metrics = _unit_metrics(year, month, kind)
            scores = {uid: kpis.score(m, scheme.weights) for uid, m in metrics.items()}
            for placed in kpis.rank(scores, scheme.top_group_size):
                rows.append(UnitRanking(
                    year=year, month=month, kind=kind, unit_id=placed.key, scheme=scheme,
                    score=placed.score, rank=placed.rank, top_group=placed.top_group,
                    metrics={k: None if v is None else str(v)
                             for k, v in metrics[placed.key].items()}))
        UnitRanking.objects.filter(year=year, month=month).delete()
        UnitRanking.objects.bulk_create(rows)
        audit.record(actor, "ranking.compute", scheme,
                     {"year": year, "month": month, "units": len(rows)})
    return len(rows)


def last_locked_period() -> tuple[int, int] | None:
    round_ = (ReportingRound.objects.filter(cadence=Cadence.MONTHLY, locked_at__isnull=False)
              .order_by("-period_end").first())
    return (round_.period_end.year, round_.period_end.month) if round_ else None


def dashboard_refresh(*, actor: User | None = None, today: date | None = None) -> dict[str, int]:
    """The nightly job and the dispatcher's "重新评估" button: warnings for every project, and
    the ranking of the last locked month and the month before it."""
    _require_dispatcher(actor)
    today = today or clock.today()
    result = warnings_evaluate(actor=actor, today=today)
    period = last_locked_period()
    ranked = 0
    if period:
        year, month = period
        ranked = ranking_compute(actor=actor, year=year, month=month)
        # The month before keeps the ranking it had (the scheme then in force); it is computed
        # only when missing, so "change since last month" has something to compare with.
        prev_year, prev_month = (year, month - 1) if month > 1 else (year - 1, 12)
        if not UnitRanking.objects.filter(year=prev_year, month=prev_month).exists():
            ranking_compute(actor=actor, year=prev_year, month=prev_month)
    return {**result, "ranked": ranked}
