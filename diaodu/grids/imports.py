"""Ledger rows → grids' households and population (the street office's 网格户数人口台账:
社区 / 网格 / 微网格 / 户数 / 人口, a section row per community, a 合计 row). Registered into
the ledger import (core/imports.py); the rows are written through the grids services. A grid
the street does not have yet is created under its community, a micro-grid (a row whose 微网格
cell is filled) under the grid its 网格 cell names, which an earlier row or the database has;
the same file twice changes nothing."""

from __future__ import annotations

from django.utils.translation import gettext as _

from diaodu.core.imports import Line, Planner, name_key, register
from diaodu.core.models import OrgUnit, UnitKind

from . import services
from .models import GridProfile


@register("grids")
class GridRows(Planner):
    FIELDS = (
        ("street", "街道", "text", "所属街道", "街道办事处", "街道名称"),
        ("community", "社区", "text", "社区名称", "所属社区", "社区（村）", "村（社区）", "村/社区",
         "社区(村)"),
        ("name", "网格", "text", "网格名称", "网格名", "网格编号", "综合网格"),
        ("micro", "微网格", "text", "微网格名称", "微网格名", "微网格编号"),
        ("households", "户数", "int", "总户数", "住户数", "户数（户）", "实有户数"),
        ("population", "人口", "int", "总人口", "人口数", "常住人口", "人口（人）", "实有人口",
         "人数"),
    )
    SECTION_FIELD = "community"
    FIELD_COLUMNS = {"parent": "community"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = [u for u in OrgUnit.objects.filter(
                 kind__in=(UnitKind.STREET, UnitKind.COMMUNITY, *services.GRID_KINDS),
                 active=True)
                 .order_by("path") if services.in_scope(self.actor, u)
                 or u.kind == UnitKind.STREET]
        self.streets = {u.path: u for u in units if u.kind == UnitKind.STREET}
        self.communities: dict[str, list[OrgUnit]] = {}
        for u in units:
            if u.kind == UnitKind.COMMUNITY:
                self.communities.setdefault(name_key(u.name), []).append(u)
        profiles = GridProfile.objects.filter(unit__in=[u for u in units
                                                        if u.kind in services.GRID_KINDS])
        self.profiles = {p.unit_id: p for p in profiles}
        # (parent's path, name) → grid or micro-grid
        self.grids = {(u.path[:-OrgUnit.steplen], name_key(u.name)): u
                      for u in units if u.kind in services.GRID_KINDS}
        self.created: set[tuple[str, str]] = set()

    def _street_of(self, community: OrgUnit) -> OrgUnit | None:
        return self.streets.get(community.path[:OrgUnit.steplen * 2])

    def _community(self, line: Line) -> OrgUnit | None:
        v = line.values
        text, street = v.get("community") or "", v.get("street") or ""
        column = self.sheet.cell("community") or self.sheet.cell("name")
        if not text:
            line.error(column, "import.community_required",
                       _("请填写社区（或在网格行上方加“一、××社区”分组行）。"))
            return None
        found = self.communities.get(name_key(text), [])
        if street:
            found = [c for c in found
                     if name_key(str(self._street_of(c) or "")).startswith(
                         name_key(street).removesuffix("街道"))]
        if len(found) > 1:
            line.error(column, "import.community_ambiguous",
                       _("社区“%(c)s”在多个街道都有，请加“街道”列。") % {"c": text})
            return None
        if not found:
            line.error(column, "import.community_unknown",
                       _("社区“%(c)s”不在您负责的街道中。") % {"c": text})
            return None
        return found[0]

    def plan(self, line: Line) -> None:
        v = line.values
        community = self._community(line)
        name = str(v.get("name") or "").strip()
        if not name:
            line.error(self.sheet.cell("name"), "import.grid_required", _("请填写网格名称。"))
        for key in ("households", "population"):
            value = v.get(key)
            if value is None:
                line.error(self.sheet.cell(key) or self.sheet.cell("name"),
                           f"import.{key}_required", _("请填写%(f)s。")
                           % {"f": self.sheet.label(key)})
            elif value < 0:
                line.error(self.sheet.cell(key), f"import.{key}_negative",
                           _("%(f)s不能为负数：%(v)s") % {"f": self.sheet.label(key), "v": value})
        if line.errors or community is None:
            return
        micro = str(v.get("micro") or "").strip()
        parent, kind, column = community, UnitKind.GRID, self.sheet.cell("name")
        if micro:
            parent = self.grids.get((community.path, name_key(name)))
            if parent is None or parent.kind != UnitKind.GRID:
                line.error(column, "import.micro_grid_parent",
                           _("微网格“%(m)s”所属的网格“%(g)s”在%(c)s下还没有，请在它上方先列出"
                             "该网格的行。") % {"m": micro, "g": name, "c": community})
                return
            name, kind, column = micro, UnitKind.MICRO_GRID, self.sheet.cell("micro")
        line.key = f"{parent} · {name}"
        place = (parent.path, name_key(name))
        grid = self.grids.get(place)
        line.values = {"parent": parent, "kind": kind, "name": name, "grid": grid,
                       "households": v["households"], "population": v["population"]}
        if grid is None:
            if place in self.created:
                line.error(column, "import.grid_repeated",
                           _("网格“%(g)s”在本表中出现了两次。") % {"g": name})
                return
            self.created.add(place)
            line.action = "create"
            if self.want_diffs:
                line.diff = {str(_("户数")): ["", str(v["households"])],
                             str(_("人口")): ["", str(v["population"])]}
            return
        profile = self.profiles.get(grid.pk)
        before = (profile.households, profile.population) if profile else (0, 0)
        after = (v["households"], v["population"])
        if before == after:
            line.action = "unchanged"
            return
        line.action = "update"
        line.diff = {str(label): [str(b), str(a)] for label, b, a in
                     ((_("户数"), before[0], after[0]), (_("人口"), before[1], after[1]))
                     if b != a}

    def apply(self, line: Line) -> None:
        v = line.values
        if line.action == "create":
            grid = services.grid_create(actor=self.actor, parent=v["parent"], name=v["name"],
                                        kind=v["kind"], households=v["households"],
                                        population=v["population"])
            self.grids[(v["parent"].path, name_key(v["name"]))] = grid
            self.profiles[grid.pk] = grid.grid_profile
        elif line.action == "update":
            self.profiles[v["grid"].pk] = services.grid_profile_update(
                actor=self.actor, grid=v["grid"], households=v["households"],
                population=v["population"])
