"""Grid boundaries from a GeoJSON FeatureCollection (the admin page's upload and the
`import_grid_geojson` command). A feature names its unit by `code` (the org-unit code), else
by `name` (a community, grid or micro-grid in the actor's scope). All features or none:
every problem is reported, naming the feature, and nothing is written."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from diaodu.core.errors import UserError
from diaodu.core.models import OrgUnit, UnitKind, User

from . import policy, services

MAX_BYTES = 20 * 1024 * 1024
_ORDER = {UnitKind.COMMUNITY: 0, UnitKind.GRID: 1, UnitKind.MICRO_GRID: 2}
KINDS = tuple(_ORDER)


def _read(data: bytes | str | dict) -> list[dict[str, Any]]:
    if isinstance(data, (bytes, str)):
        if len(data) > MAX_BYTES:
            raise UserError("geojson.too_large", _("GeoJSON 文件超过 %(n)s MB。")
                            % {"n": MAX_BYTES // 1024 // 1024}, "file")
        try:
            data = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            raise UserError("geojson.unreadable", _("文件不是有效的 GeoJSON（JSON 格式错误）。"),
                            "file") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or \
            not isinstance(data.get("features"), list):
        raise UserError("geojson.not_collection",
                        _("GeoJSON 应为要素集合（FeatureCollection）。"), "file")
    if not data["features"]:
        raise UserError("geojson.empty", _("GeoJSON 中没有要素。"), "file")
    return data["features"]


def _units(actor: User | None) -> tuple[dict[str, OrgUnit], dict[str, list[OrgUnit]]]:
    units = [u for u in OrgUnit.objects.filter(kind__in=KINDS)
             if services.in_scope(actor, u)]
    by_name: dict[str, list[OrgUnit]] = {}
    for u in units:
        by_name.setdefault(u.name, []).append(u)
    return {u.code: u for u in units}, by_name


def geojson_import(*, actor: User | None, data: bytes | str | dict,
                   sample: bool = False) -> dict[str, int]:
    """Set the boundary of every unit the features name. Returns {kind: count}."""
    policy.require_keeper(actor)
    features = _read(data)
    by_code, by_name = _units(actor)
    plan: list[tuple[int, OrgUnit, dict, str]] = []
    errors: list[str] = []
    for number, feature in enumerate(features, start=1):
        props = (feature or {}).get("properties") or {}
        code, name = str(props.get("code") or "").strip(), str(props.get("name") or "").strip()
        label = _("第 %(n)s 个要素（%(name)s）") % {"n": number, "name": name or code or "—"}
        unit = by_code.get(code) if code else None
        if unit is None and not code and name:
            found = by_name.get(name, [])
            if len(found) > 1:
                errors.append(_("%(f)s：名称“%(n)s”对应多个单位，请在 properties 中写明 code。")
                              % {"f": label, "n": name})
                continue
            unit = found[0] if found else None
        if unit is None:
            errors.append(_("%(f)s：找不到对应的社区或网格（code 或 name 不在您的范围内）。")
                          % {"f": label})
            continue
        plan.append((_ORDER[UnitKind(unit.kind)], unit, (feature or {}).get("geometry"), label))
    counts = {str(k): 0 for k in KINDS}
    with transaction.atomic():
        # Communities first, so a grid is checked against the boundary just set.
        for _order, unit, geometry, label in sorted(plan, key=lambda p: (p[0], p[1].path)):
            try:
                services.grid_boundary_set(actor=actor, unit=unit, geometry=geometry,
                                           sample=sample, label=label)
            except UserError as problem:
                errors.append(problem.message)
                continue
            counts[unit.kind] += 1
        if errors:
            transaction.set_rollback(True)
    if errors:
        shown = "；".join(str(e) for e in errors[:20])
        more = _("（另有 %(n)s 处问题）") % {"n": len(errors) - 20} if len(errors) > 20 else ""
        raise UserError("geojson.invalid", _("边界未导入，请修正后重试：%(e)s%(m)s")
                        % {"e": shown, "m": more}, "file")
    return counts
