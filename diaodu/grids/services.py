"""Writes of the grids app: grids and micro-grids, profiles, boundaries, duties, workers,
training and the sizing standard. Each is one transaction, checked by grids.policy, audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from diaodu.core import audit
from diaodu.core.errors import NotFound, UserError
from diaodu.core.locking import check_version
from diaodu.core.models import OrgUnit, UnitKind, User

from . import geo, policy
from .models import (
    DutyType,
    GridDuty,
    GridProfile,
    GridSettings,
    GridWorker,
    TrainingRecord,
    WorkerKind,
)

GRID_KINDS = (UnitKind.GRID, UnitKind.MICRO_GRID)
PARENT_KIND = {UnitKind.GRID: UnitKind.COMMUNITY, UnitKind.MICRO_GRID: UnitKind.GRID}


def ensure_profile(sender, instance: OrgUnit, created: bool = False, **kwargs) -> None:
    """post_save of OrgUnit: a grid or micro-grid gets its (empty) profile."""
    if instance.kind in GRID_KINDS and not kwargs.get("raw"):
        GridProfile.objects.get_or_create(unit=instance)


def in_scope(actor: User | None, unit: OrgUnit) -> bool:
    """The unit is the actor's own or below it, or the actor sees the whole district."""
    from diaodu.core.roles import PROJECT_REACH, Reach

    if actor is None:
        return True
    reach = PROJECT_REACH.get(actor.role, Reach.NONE)
    if reach == Reach.ALL:
        return True
    own = actor.unit
    return reach in (Reach.UNIT, Reach.SUBTREE) and own is not None and (
        unit.pk == own.pk or (reach == Reach.SUBTREE and unit.path.startswith(own.path)))


def _keep(actor: User | None, unit: OrgUnit) -> None:
    policy.require_keeper(actor)
    if not in_scope(actor, unit):
        raise NotFound


# ------------------------------------------------------------------ sizing standard

def settings_get() -> GridSettings:
    return GridSettings.objects.get_or_create(pk=1)[0]


def settings_update(*, actor: User | None, grid_min: int, grid_max: int, micro_min: int,
                    micro_max: int, training_hours: Decimal | str,
                    expected_version: int | None = None) -> GridSettings:
    """Change the sizing standard and the yearly training minimum."""
    policy.require_settings(actor)
    try:
        hours = Decimal(str(training_hours)).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise UserError("grid.hours_invalid", _("年度培训学时下限应为数字。"),
                        "training_hours") from None
    for low, high, field, what in ((grid_min, grid_max, "grid_max", _("网格")),
                                   (micro_min, micro_max, "micro_max", _("微网格"))):
        if not 0 < low <= high:
            raise UserError("grid.standard_invalid",
                            _("%(w)s户数标准无效：下限应大于 0 且不大于上限。") % {"w": what},
                            field)
    if hours < 0:
        raise UserError("grid.hours_invalid", _("年度培训学时下限不能为负数。"), "training_hours")
    with transaction.atomic():
        row = GridSettings.objects.select_for_update().get_or_create(pk=1)[0]
        if expected_version is not None:
            check_version(row, expected_version, code="grid.settings_conflict",
                          subject=_("网格设置"))
        changes = {"grid_min": grid_min, "grid_max": grid_max, "micro_min": micro_min,
                   "micro_max": micro_max, "training_hours": str(hours)}
        row.grid_min, row.grid_max, row.micro_min, row.micro_max = (
            grid_min, grid_max, micro_min, micro_max)
        row.training_hours = hours
        row.version += 1
        row.save()
        audit.record(actor, "grid_settings.update", row, changes)
    return row


# ------------------------------------------------------------------ grids and profiles

def _count(value: Any, field: str, label: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise UserError(f"grid.{field}_invalid", _("%(f)s应为整数。") % {"f": label},
                        field) from None
    if number < 0:
        raise UserError(f"grid.{field}_invalid", _("%(f)s不能为负数。") % {"f": label}, field)
    return number


def grid_create(*, actor: User | None, parent: OrgUnit, name: str, kind: str = UnitKind.GRID,
                code: str = "", households: int = 0, population: int = 0,
                sort: int | None = None) -> OrgUnit:
    """A grid under a community, or a micro-grid under a grid, with its profile."""
    _keep(actor, parent)
    name = (name or "").strip()
    if kind not in PARENT_KIND:
        raise UserError("grid.kind_invalid", _("网格类型无效：%(k)s") % {"k": kind}, "kind")
    if parent.kind != PARENT_KIND[kind]:
        raise UserError("grid.parent_invalid", _("%(k)s应设在%(p)s之下，“%(u)s”不是。")
                        % {"k": UnitKind(kind).label, "p": UnitKind(PARENT_KIND[kind]).label,
                           "u": parent}, "parent")
    if not name:
        raise UserError("grid.name_required", _("请填写网格名称。"), "name")
    households = _count(households, "households", _("户数"))
    population = _count(population, "population", _("人口"))
    with transaction.atomic():
        parent = OrgUnit.objects.get(pk=parent.pk)
        siblings = OrgUnit.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        if siblings.filter(name=name).exists():
            raise UserError("grid.name_duplicate", _("%(p)s下已有“%(n)s”。")
                            % {"p": parent, "n": name}, "name")
        number = siblings.count() + 1
        prefix = "G" if kind == UnitKind.GRID else "M"
        code = code.strip() or f"{parent.code}{prefix}{number:02d}"
        while OrgUnit.objects.filter(code=code).exists():
            number += 1
            code = f"{parent.code}{prefix}{number:02d}"
        fields = {"code": code, "name": name, "kind": kind,
                  "sort": number if sort is None else sort}
        unit = OrgUnit.objects.add_child(parent, fields)
        profile = GridProfile.objects.update_or_create(
            unit=unit, defaults={"households": households, "population": population})[0]
        unit.grid_profile = profile  # the post_save signal cached the empty one
        audit.record(actor, "grid.create", unit, {**fields, "households": households,
                                                  "population": population})
    return unit


def grid_profile_update(*, actor: User | None, grid: OrgUnit, households: Any,
                        population: Any) -> GridProfile:
    """Households and population of a grid (the street office's register)."""
    _keep(actor, grid)
    households = _count(households, "households", _("户数"))
    population = _count(population, "population", _("人口"))
    with transaction.atomic():
        profile = GridProfile.objects.select_for_update().get_or_create(unit=grid)[0]
        changes = {k: [getattr(profile, k), v] for k, v in
                   (("households", households), ("population", population))
                   if getattr(profile, k) != v}
        if changes:
            profile.households, profile.population = households, population
            profile.save(update_fields=["households", "population", "updated_at"])
            audit.record(actor, "grid.profile_update", profile, changes)
    return profile


def grid_boundary_set(*, actor: User | None, unit: OrgUnit, geometry: dict[str, Any],
                      sample: bool = False, label: str = "") -> GridProfile:
    """A grid's (micro-grid's, community's) boundary: a valid polygon inside its parent's
    boundary when the parent has one."""
    _keep(actor, unit)
    label = label or str(unit)
    if unit.kind not in (*GRID_KINDS, UnitKind.COMMUNITY):
        raise UserError("grid.boundary_kind", _("%(f)s：只有社区、网格和微网格可以设置边界。")
                        % {"f": label}, "unit")
    polygon = geo.check_polygon(geometry, label=label)
    parent = OrgUnit.objects.filter(path=unit.path[:-OrgUnit.steplen]).first() \
        if unit.depth > 1 else None
    outer = GridProfile.objects.filter(unit=parent, polygon__isnull=False).first() \
        if parent else None
    if outer is not None and not geo.inside(polygon, geo.polygon_of(outer.polygon)):
        raise UserError("grid.boundary_outside", _("%(f)s：边界超出所属%(k)s“%(p)s”的范围。")
                        % {"f": label, "k": parent.get_kind_display(), "p": parent}, "polygon")
    with transaction.atomic():
        profile = GridProfile.objects.select_for_update().get_or_create(unit=unit)[0]
        minx, miny, maxx, maxy = polygon.bounds
        profile.polygon = geometry
        profile.polygon_sample = sample
        profile.area_km2 = Decimal(str(round(geo.area_km2(polygon), 4)))
        profile.min_lon, profile.min_lat, profile.max_lon, profile.max_lat = minx, miny, maxx, maxy
        profile.save()
        audit.record(actor, "grid.boundary_set", profile,
                     {"area_km2": str(profile.area_km2), "sample": sample})
    return profile


# ------------------------------------------------------------------ 多格合一 duties

def duty_type_save(*, actor: User | None, code: str, name: str, department: str = "",
                   sort: int = 0, active: bool = True) -> DutyType:
    """Add or change an entry of the managed duty list (by code)."""
    policy.require_settings(actor)
    if not code.strip() or not name.strip():
        raise UserError("grid.duty_required", _("请填写职责代码和名称。"), "name")
    with transaction.atomic():
        duty, created = DutyType.objects.update_or_create(
            code=code.strip(), defaults={"name": name.strip(), "department": department,
                                         "sort": sort, "active": active})
        audit.record(actor, "grid.duty_type_save", duty,
                     {"name": duty.name, "active": active, "created": created})
    return duty


def grid_duty_set(*, actor: User | None, grid: OrgUnit, duty: DutyType, person: str,
                  phone: str = "", worker: GridWorker | None = None) -> GridDuty:
    """The grid carries `duty`; `person` answers for it there (a grid worker or another)."""
    _keep(actor, grid)
    if grid.kind not in GRID_KINDS:
        raise UserError("grid.not_grid", _("“%(u)s”不是网格。") % {"u": grid}, "grid")
    if not duty.active:
        raise UserError("grid.duty_inactive", _("职责“%(d)s”已停用。") % {"d": duty}, "duty")
    if worker is not None and worker.grid_id != grid.pk:
        raise UserError("grid.worker_elsewhere", _("网格员%(w)s不在“%(g)s”。")
                        % {"w": worker, "g": grid}, "worker")
    person = (person or (worker.name if worker else "")).strip()
    if not person:
        raise UserError("grid.person_required", _("请填写职责“%(d)s”的责任人。") % {"d": duty},
                        "person")
    with transaction.atomic():
        row, _created = GridDuty.objects.update_or_create(
            grid=grid, duty=duty, defaults={"person": person, "phone": phone,
                                            "worker": worker})
        audit.record(actor, "grid.duty_set", row, {"duty": duty.name, "person": person})
    return row


# ------------------------------------------------------------------ workers and training

def worker_save(*, actor: User | None, grid: OrgUnit, name: str, phone: str = "",
                kind: str = WorkerKind.FULL_TIME, is_head: bool = False, active: bool = True,
                user: User | None = None, worker: GridWorker | None = None) -> GridWorker:
    """Add a grid worker to a grid, or change one. A grid has one 网格长 at a time."""
    _keep(actor, grid)
    name = (name or "").strip()
    if grid.kind not in GRID_KINDS:
        raise UserError("grid.not_grid", _("“%(u)s”不是网格。") % {"u": grid}, "grid")
    if not name:
        raise UserError("grid.worker_name", _("请填写网格员姓名。"), "name")
    if kind not in WorkerKind.values:
        raise UserError("grid.worker_kind", _("网格员类别应为专职或兼职。"), "kind")
    with transaction.atomic():
        if GridWorker.objects.filter(grid=grid, name=name).exclude(
                pk=getattr(worker, "pk", None)).exists():
            raise UserError("grid.worker_duplicate", _("“%(g)s”已有网格员%(n)s。")
                            % {"g": grid, "n": name}, "name")
        if is_head and active:
            GridWorker.objects.filter(grid=grid, is_head=True).exclude(
                pk=getattr(worker, "pk", None)).update(is_head=False)
        row = worker or GridWorker(grid=grid)
        row.grid, row.name, row.phone, row.kind = grid, name, phone, kind
        row.is_head, row.active, row.user = is_head, active, user
        row.save()
        audit.record(actor, "grid.worker_save", row,
                     {"grid": str(grid), "name": name, "kind": kind, "is_head": is_head,
                      "active": active})
    return row


def training_record_add(*, actor: User | None, worker: GridWorker, course: str, held_on: date,
                        hours: Decimal | str, passed: bool = True) -> TrainingRecord:
    """A course a grid worker took."""
    _keep(actor, worker.grid)
    course = (course or "").strip()
    if not course:
        raise UserError("grid.course_required", _("请填写培训课程。"), "course")
    try:
        hours = Decimal(str(hours)).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise UserError("grid.hours_invalid", _("学时应为数字。"), "hours") from None
    if not Decimal(0) < hours <= Decimal(200):
        raise UserError("grid.hours_range", _("学时应大于 0 且不超过 200。"), "hours")
    with transaction.atomic():
        row = TrainingRecord.objects.create(worker=worker, course=course, held_on=held_on,
                                            hours=hours, passed=passed)
        audit.record(actor, "grid.training_add", row,
                     {"worker": worker.name, "course": course, "held_on": held_on.isoformat(),
                      "hours": str(hours), "passed": passed})
    return row
