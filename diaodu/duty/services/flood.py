"""防汛: flood seasons, street posts with people and materials, plans and warnings. A warning
raises the duty level of the units its plan names, on their shifts from the warning's duty day
until it is lifted."""

from collections.abc import Sequence
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diaodu.core import audit, clock
from diaodu.core.errors import UserError
from diaodu.core.models import OrgUnit, UnitKind, User

from .. import rules
from ..models import (
    DutyShift,
    FloodMaterial,
    FloodPlan,
    FloodPlanUnit,
    FloodPost,
    FloodPostMember,
    FloodSeason,
    FloodWarning,
    Level,
)
from ..policy import is_duty_office, may_issue_warning, may_manage, require
from .rosters import _text


def flood_season_set(*, actor: User | None, year: int, starts_on: date,
                     ends_on: date) -> FloodSeason:
    require(is_duty_office(actor))
    if starts_on.year != year or ends_on.year != year or ends_on < starts_on:
        raise UserError("duty.season_invalid",
                        _("汛期应在 %(year)s 年内，且出汛日期不早于入汛日期。") % {"year": year},
                        "ends_on")
    with transaction.atomic():
        season, _created = FloodSeason.objects.update_or_create(
            year=year, defaults={"starts_on": starts_on, "ends_on": ends_on})
        audit.record(actor, "duty.flood_season", season,
                     {"starts_on": starts_on, "ends_on": ends_on})
    return season


def flood_post_create(*, actor: User | None, street: OrgUnit, name: str, address: str = "",
                      phone: str = "", members: Sequence[tuple[str, str, str]] = (),
                      materials: Sequence[tuple[str, int, str]] = ()) -> FloodPost:
    """A street's post with its people (name, duty, phone) and materials (item, quantity,
    measure)."""
    require(may_manage(actor, street))
    if street.kind != UnitKind.STREET:
        raise UserError("duty.post_not_street", _("防汛值守点应属于街道，“%(unit)s”不是街道。")
                        % {"unit": street}, "street")
    name = _text(name, field="name", label=_("名称"), limit=100)
    items = [item for item, _q, _m in materials]
    if len(set(items)) != len(items):
        raise UserError("duty.material_twice", _("物资清单中有重复的物资名称。"), "materials")
    for number, (item, quantity, _measure) in enumerate(materials, start=1):
        if int(quantity) < 0:
            raise UserError("duty.material_negative", _("第%(row)s项物资“%(item)s”数量不能为负数。")
                            % {"row": number, "item": item}, "materials", number)
    with transaction.atomic():
        post = FloodPost.objects.create(street=street, name=name, address=address.strip(),
                                        phone=phone.strip())
        FloodPostMember.objects.bulk_create(
            [FloodPostMember(post=post, name=n, duty=d, phone=p) for n, d, p in members])
        FloodMaterial.objects.bulk_create(
            [FloodMaterial(post=post, item=i, quantity=int(q), measure=m)
             for i, q, m in materials])
        audit.record(actor, "duty.flood_post_create", post,
                     {"street": street, "members": len(members), "materials": len(materials)})
    return post


def flood_plan_create(*, actor: User | None, name: str,
                      units: Sequence[tuple[OrgUnit, str]]) -> FloodPlan:
    """A plan naming units and the lowest warning level that raises each one's duty."""
    require(is_duty_office(actor))
    name = _text(name, field="name", label=_("预案名称"), limit=100)
    if FloodPlan.objects.filter(name=name).exists():
        raise UserError("duty.plan_exists", _("已有名为“%(name)s”的预案。") % {"name": name},
                        "name")
    for unit, level in units:
        if level not in Level.values:
            raise UserError("duty.level_invalid", _("“%(unit)s”的启动等级无效。")
                            % {"unit": unit}, "units")
    with transaction.atomic():
        plan = FloodPlan.objects.create(name=name)
        FloodPlanUnit.objects.bulk_create(
            [FloodPlanUnit(plan=plan, unit=u, from_level=lv) for u, lv in units])
        audit.record(actor, "duty.flood_plan_create", plan, {"units": [u.pk for u, _l in units]})
    return plan


def _apply_levels(unit_ids: set[int], from_day: date) -> None:
    """Set each unit's shifts from `from_day` on to the highest level its active warnings ask."""
    active = FloodWarning.objects.filter(lifted_at__isnull=True)
    wanted: dict[int, list[str]] = {u: [] for u in unit_ids}
    for row in FloodPlanUnit.objects.filter(unit_id__in=unit_ids,
                                            plan__warnings__in=active) \
            .values("unit_id", "from_level", "plan__warnings__level"):
        wanted[row["unit_id"]].append(rules.raised_level(row["plan__warnings__level"],
                                                         row["from_level"]))
    by_level: dict[str, list[int]] = {}
    for unit_id, levels in wanted.items():
        by_level.setdefault(rules.highest(levels), []).append(unit_id)
    for level, ids in by_level.items():
        DutyShift.objects.filter(unit_id__in=ids, date__gte=from_day).update(level=level)


def _plan_unit_ids(plan: FloodPlan) -> set[int]:
    return set(plan.units.values_list("unit_id", flat=True))


def flood_warning_issue(*, actor: User | None, plan: FloodPlan, level: str,
                        at: datetime | None = None, note: str = "") -> FloodWarning:
    """Issue a warning under `plan` (replacing its active one) and raise the named units'
    duty from the duty day of `at`."""
    require(may_issue_warning(actor))
    if level not in Level.values:
        raise UserError("duty.level_invalid", _("请选择蓝、黄、橙、红四级之一。"), "level")
    at = at or clock.now()
    note = _text(note, field="note", label=_("说明"), limit=200, required=False)
    with transaction.atomic():
        for old in FloodWarning.objects.select_for_update().filter(plan=plan,
                                                                   lifted_at__isnull=True):
            old.lifted_at = at
            old.save(update_fields=["lifted_at"])
            audit.record(actor, "duty.flood_warning_lift", old, {"lifted_at": at})
        warning = FloodWarning.objects.create(plan=plan, level=level, issued_at=at,
                                              issued_by=actor, note=note)
        _apply_levels(_plan_unit_ids(plan), rules.duty_day(timezone.localtime(at)))
        audit.record(actor, "duty.flood_warning_issue", warning, {"level": level, "at": at})
    return warning


def flood_warning_lift(*, actor: User | None, warning: FloodWarning,
                       at: datetime | None = None) -> FloodWarning:
    require(may_issue_warning(actor))
    at = at or clock.now()
    with transaction.atomic():
        warning = FloodWarning.objects.select_for_update().get(pk=warning.pk)
        if warning.lifted_at is not None:
            raise UserError("duty.warning_lifted", _("该预警已解除。"))
        if at < warning.issued_at:
            raise UserError("duty.lift_before_issue", _("解除时间不能早于发布时间。"), "at")
        warning.lifted_at = at
        warning.save(update_fields=["lifted_at"])
        _apply_levels(_plan_unit_ids(warning.plan), rules.duty_day(timezone.localtime(at)))
        audit.record(actor, "duty.flood_warning_lift", warning, {"lifted_at": at})
    return warning
