"""应急演练: two-level drill plans, drills with their findings, and findings turned into 督办
cases by the case engine's own service."""

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

# Through the module, not its file: the case service is being split into a package and keeps
# its public names there.
from diaodu.cases import services as case_services
from diaodu.core import audit, clock
from diaodu.core.errors import UserError
from diaodu.core.models import OrgUnit, UnitKind, User

from ..models import Drill, DrillFinding, DrillMode, DrillPlan
from ..policy import is_duty_office, may_manage, require
from .rosters import _text

MAX_DURATION_MINUTES = 24 * 60


def drill_plan_create(*, actor: User | None, tier: str, unit: OrgUnit, name: str, scenario: str,
                      mode: str, tested: str, units: Sequence[OrgUnit] = ()) -> DrillPlan:
    """A district plan (kept by the district or a department) or a street's own plan."""
    if tier == DrillPlan.Tier.DISTRICT:
        require(is_duty_office(actor))
        if unit.kind not in (UnitKind.DISTRICT, UnitKind.DEPARTMENT):
            raise UserError("duty.plan_unit", _("区级预案应由区或区直部门制定。"), "unit")
    elif tier == DrillPlan.Tier.STREET:
        require(may_manage(actor, unit))
        if unit.kind != UnitKind.STREET:
            raise UserError("duty.plan_unit", _("街道级预案应由街道制定。"), "unit")
    else:
        raise UserError("duty.tier_invalid", _("请选择区级或街道级。"), "tier")
    if mode not in DrillMode.values:
        raise UserError("duty.mode_invalid", _("请选择演练形式。"), "mode")
    name = _text(name, field="name", label=_("预案名称"), limit=120)
    scenario = _text(scenario, field="scenario", label=_("情景"), limit=4000)
    tested = _text(tested, field="tested", label=_("检验链条/要素"), limit=120)
    with transaction.atomic():
        plan = DrillPlan.objects.create(tier=tier, unit=unit, name=name, scenario=scenario,
                                        mode=mode, tested=tested)
        plan.units.set(units)
        audit.record(actor, "duty.drill_plan_create", plan,
                     {"tier": tier, "unit": unit, "units": [u.pk for u in units]})
    return plan


def drill_record(*, actor: User | None, plan: DrillPlan, unit: OrgUnit, held_on: date,
                 participants: int, duration_minutes: int, mode: str | None = None,
                 units: Sequence[OrgUnit] = (), summary: str = "",
                 findings: Sequence[tuple[str, OrgUnit]] = ()) -> Drill:
    """Record a drill held by `unit` (a street drilling a district plan, or the plan's own
    street) with the gaps it found."""
    require(may_manage(actor, unit))
    if plan.tier == DrillPlan.Tier.STREET and unit.pk != plan.unit_id:
        raise UserError("duty.drill_unit", _("街道级预案只能由%(unit)s组织演练。")
                        % {"unit": plan.unit}, "unit")
    if held_on > clock.today():
        raise UserError("duty.drill_future", _("演练日期 %(day)s 还未到，不能登记。")
                        % {"day": held_on}, "held_on")
    if int(participants) < 1:
        raise UserError("duty.participants", _("参演人数至少为 1 人。"), "participants")
    if not 1 <= int(duration_minutes) <= MAX_DURATION_MINUTES:
        raise UserError("duty.duration", _("演练时长应为 1 至 %(n)s 分钟。")
                        % {"n": MAX_DURATION_MINUTES}, "duration_minutes")
    mode = mode or plan.mode
    if mode not in DrillMode.values:
        raise UserError("duty.mode_invalid", _("请选择演练形式。"), "mode")
    for number, (text, _unit) in enumerate(findings, start=1):
        if not (text or "").strip():
            raise UserError("duty.finding_empty", _("第%(row)s条发现问题没有内容。")
                            % {"row": number}, "findings", number)
    summary = _text(summary, field="summary", label=_("演练情况"), limit=4000, required=False)
    with transaction.atomic():
        drill = Drill.objects.create(plan=plan, unit=unit, held_on=held_on, mode=mode,
                                     participants=int(participants),
                                     duration_minutes=int(duration_minutes), summary=summary,
                                     recorded_by=actor)
        drill.units.set(units)
        DrillFinding.objects.bulk_create(
            [DrillFinding(drill=drill, text=t.strip()[:300], unit=u) for t, u in findings])
        audit.record(actor, "duty.drill_record", drill,
                     {"plan": plan, "held_on": held_on, "findings": len(findings)})
    return drill


def finding_to_case(*, actor: User | None, finding: DrillFinding,
                    today: date | None = None) -> DrillFinding:
    """Make a drill's finding a 督办 case led by the unit that must fix it (one click)."""
    require(may_manage(actor, finding.drill.unit))
    today = today or clock.today()
    with transaction.atomic():
        finding = DrillFinding.objects.select_for_update().select_related(
            "drill__plan", "unit").get(pk=finding.pk)
        if finding.case_id is not None:
            raise UserError("duty.finding_has_case", _("该问题已转为督办事项 %(number)s。")
                            % {"number": finding.case.number})
        drill = finding.drill
        case = case_services.case_create(
            actor=actor, title=_("应急演练发现问题：%(text)s") % {"text": finding.text[:80]},
            detail=_("%(day)s %(plan)s演练（%(unit)s组织）发现：%(text)s")
            % {"day": drill.held_on, "plan": drill.plan, "unit": drill.unit,
               "text": finding.text},
            source="leader", category="other", lead_unit=finding.unit, today=today)
        finding.case = case
        finding.save(update_fields=["case"])
        audit.record(actor, "duty.finding_to_case", finding, {"case": case})
    return finding
