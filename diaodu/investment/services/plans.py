"""Annual plans: a draft, its approval, and audited adjustments once approved."""

from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from diaodu.core import audit, clock
from diaodu.core.errors import UserError
from diaodu.core.locking import check_version
from diaodu.core.models import User
from diaodu.core.money import CENT, parse_wan
from diaodu.projects.models import Project

from .. import rollups
from ..models import (
    AnnualPlan,
    PlanAdjustment,
    PlanStatus,
)
from .guards import (
    _require_dispatcher,
)


def spread_targets(planned: Decimal) -> list[str]:
    """Cumulative monthly targets spread evenly over the year, exact to the cent; December
    equals the annual figure."""
    cents = int(planned * 100)
    return [str((Decimal(cents * month // 12) / 100).quantize(CENT)) for month in range(1, 13)]


def _clean_targets(targets: list[Any] | None, planned: Decimal) -> list[str]:
    if not targets:
        return spread_targets(planned)
    if len(targets) != 12:
        raise UserError("plan.targets_count", _("月度累计目标应为12个月。"), "monthly_targets")
    values = [parse_wan(v, field="monthly_targets", label=_("%(m)s月累计目标") % {"m": i})
              for i, v in enumerate(targets, start=1)]
    for month, (before, after) in enumerate(pairwise(values), start=2):
        if after < before:
            raise UserError("plan.targets_decrease",
                            _("%(m)s月累计目标不能小于上月。") % {"m": month}, "monthly_targets")
    if values[-1] != planned:
        raise UserError("plan.targets_total",
                        _("12月累计目标应等于年度计划投资 %(p)s 万元。") % {"p": planned},
                        "monthly_targets")
    return [str(v) for v in values]


def annual_plan_create(*, actor: User | None, project: Project, year: int,
                       planned_investment: Any, monthly_targets: list[Any] | None = None
                       ) -> AnnualPlan:
    """A draft plan; targets default to an even spread."""
    _require_dispatcher(actor)
    planned = parse_wan(planned_investment, field="planned_investment", label=_("年度计划投资"))
    targets = _clean_targets(monthly_targets, planned)
    with transaction.atomic():
        if AnnualPlan.objects.filter(project=project, year=year).exists():
            raise UserError("plan.duplicate", _("%(project)s 已有 %(year)s 年度计划。")
                            % {"project": project, "year": year}, "year")
        plan = AnnualPlan(project=project, year=year, planned_investment=planned,
                          monthly_targets=targets)
        plan._history_user = actor
        plan.save()
        audit.record(actor, "annual_plan.create", plan,
                     {"year": year, "planned_investment": planned})
    return plan


def annual_plan_approve(*, actor: User | None, plan: AnnualPlan) -> AnnualPlan:
    _require_dispatcher(actor)
    with transaction.atomic():
        plan = AnnualPlan.objects.select_for_update().select_related("project").get(pk=plan.pk)
        if plan.status == PlanStatus.APPROVED:
            return plan
        plan.status = PlanStatus.APPROVED
        plan.approved_by, plan.approved_at = actor, clock.now()
        plan.version += 1
        plan._history_user = actor
        plan.save()
        audit.record(actor, "annual_plan.approve", plan, {})
        rollups.refresh_project(plan.project, plan.year)
    return plan


def annual_plan_adjust(*, actor: User | None, plan: AnnualPlan, planned_investment: Any,
                       reason: str, monthly_targets: list[Any] | None = None,
                       expected_version: int | None = None) -> AnnualPlan:
    """Change a plan. An approved plan changes only with a reason, kept as a PlanAdjustment."""
    _require_dispatcher(actor)
    planned = parse_wan(planned_investment, field="planned_investment", label=_("年度计划投资"))
    targets = _clean_targets(monthly_targets, planned)
    with transaction.atomic():
        plan = AnnualPlan.objects.select_for_update().select_related("project").get(pk=plan.pk)
        check_version(plan, expected_version, code="plan.version_conflict",
                      subject=_("计划（现为 %(p)s 万元）") % {"p": plan.planned_investment})
        if plan.status == PlanStatus.APPROVED:
            if not reason.strip():
                raise UserError("plan.adjust_needs_reason", _("调整已批准的计划须填写原因。"),
                                "reason")
            PlanAdjustment.objects.create(
                plan=plan, reason=reason.strip(), previous_investment=plan.planned_investment,
                new_investment=planned, previous_targets=plan.monthly_targets,
                adjusted_by=actor)
        before = plan.planned_investment
        plan.planned_investment, plan.monthly_targets = planned, targets
        plan.version += 1
        plan._history_user = actor
        plan.save()
        audit.record(actor, "annual_plan.adjust", plan, {
            "planned_investment": [before, planned], "reason": reason.strip()})
        rollups.refresh_project(plan.project, plan.year)
    return plan
