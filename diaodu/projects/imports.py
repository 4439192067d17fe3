"""Ledger rows → projects (the 重点项目台账), and the project lookup every other kind of row
uses to find the project it is about. Registered into the ledger import (core/imports.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from diaodu.core import clock
from diaodu.core.imports import Line, Pending, Planner, name_key, register, show
from diaodu.core.models import OrgUnit, UnitKind
from diaodu.core.scoping import scope_for

from . import services
from .models import Level, Project, Stage
from .rules import stage_rank

_LEVELS = dict(Level.choices)
_STAGES = dict(Stage.choices)
_CONSTRUCTION = stage_rank(Stage.CONSTRUCTION)


class ProjectRows(Planner):
    """A planner whose rows name a project: by code, else by name and responsible unit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.projects = (scope_for(self.actor, Project) if self.actor is not None
                         else Project.objects.all())
        self.by_code: dict[str, Project] = {}
        self.by_name: dict[tuple[str, int], Project] = {}
        for project in self.projects.select_related("category", "responsible_unit", "street",
                                                    "leader"):
            self._remember(project)

    def _remember(self, project: Project) -> None:
        if project.code:
            self.by_code[project.code] = project
        self.by_name[(name_key(project.name), project.responsible_unit_id)] = project

    def find(self, line: Line, *, unit: OrgUnit | None) -> Project | None:
        found = self._find(line, unit=unit)
        if self.pending and found is not None and ("pk", found.pk) in self.pending:
            raise Pending
        return found

    def _find(self, line: Line, *, unit: OrgUnit | None) -> Project | None:
        code = line.values.get("code")
        if code:
            code = services.normalize_code(code)
            if ("code", code) in self.pending:
                raise Pending
            found = self.by_code.get(code)
            if found:
                return found
        name = line.values.get("name")
        if name and unit is not None:
            if ("name", name_key(name), unit.pk) in self.pending:
                raise Pending
            return self.by_name.get((name_key(name), unit.pk))
        if name and unit is None:
            if any(k[:2] == ("name", name_key(name)) for k in self.pending):
                raise Pending
            same = [p for (n, _u), p in self.by_name.items() if n == name_key(name)]
            if len(same) == 1:
                return same[0]
        return None

    def unit_of(self, line: Line, key: str = "responsible_unit") -> OrgUnit | None:
        """The unit a row names (through its aliases); an unknown one refuses the row and is
        listed for reconciliation."""
        text = line.values.get(key)
        if not text:
            return None
        unit = self.names.unit(text, key, line, self.sheet.cell(key))
        if unit is None:
            line.error(self.sheet.cell(key), f"import.{key}_unknown",
                       _("%(label)s“%(v)s”不是系统中的单位。")
                       % {"label": self.sheet.label(key), "v": text})
        return unit

    def target_project(self, line: Line) -> Project | None:
        """The existing project a plan, report or approval row is about (within scope)."""
        unit = self.unit_of(line)
        project = self.find(line, unit=unit)
        line.key = (line.values.get("code") or line.values.get("name") or "")
        if project is None and not line.errors:
            column = self.sheet.cell("code" if line.values.get("code") else "name")
            line.error(column, "import.project_not_found",
                       _("找不到项目“%(p)s”（或不在您的管理范围内）。") % {"p": line.key})
        return project


def _show(value: Any, key: str = "") -> str:
    return show(value, _LEVELS if key == "level" else _STAGES if key == "stage" else None)


PLAIN = ("code", "name", "level", "owner_name", "total_investment", "scope", "planned_start",
         "planned_completion", "actual_start", "actual_completion", "location",
         "stats_registered_on", "on_whitelist")
DATES = ("planned_start", "planned_completion", "actual_start", "actual_completion",
         "stats_registered_on")


@register("projects")
class ProjectPlanner(ProjectRows):
    """Projects are written a thousand rows at a time through the bulk services
    (project_create_many / project_update_many); a stage change goes through
    project_change_stage row by row, as on the project page."""

    batch = services.BULK_BATCH

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.labels = {f.name: str(f.verbose_name) for f in Project._meta.fields}

    def _dates_by_stage(self, line: Line, stage: str | None) -> str | None:
        """开工时间/竣工时间 without 计划/实际: the start is actual for a project under
        construction, planned before; the completion is actual only for a completed one. A
        project the ledger lists as starting (新开工) whose start is still ahead is being
        prepared. Returns the stage the row ends up in."""
        v = line.values
        undecided = self.sheet.undecided
        start = v.get("actual_start") if "actual_start" in undecided else None
        if stage == Stage.CONSTRUCTION and start is not None and start > clock.today():
            stage = Stage.PREPARATION
        moves = []
        if stage is not None and stage_rank(stage) < _CONSTRUCTION:
            moves.append(("actual_start", "planned_start"))
        if stage != Stage.COMPLETED:
            moves.append(("actual_completion", "planned_completion"))
        for actual, planned in moves:
            if actual in undecided and v.get(actual) is not None and v.get(planned) is None:
                v[planned] = v.pop(actual)
                if actual in line.precision:
                    line.precision[planned] = line.precision.pop(actual)
        return stage

    def plan(self, line: Line) -> None:
        v = line.values
        changes: dict[str, Any] = {}
        unit = self.unit_of(line)
        if "street" in v:
            street = self.unit_of(line, "street") if v["street"] else None
            if street is not None and street.kind != UnitKind.STREET:
                line.error(self.sheet.cell("street"), "import.street_invalid",
                           _("属地街道应为街道办事处：%(v)s") % {"v": v["street"]})
            changes["street"] = street
        if v.get("category"):
            category = self.names.category(v["category"], line, self.sheet.cell("category"))
            if category is None:
                line.error(self.sheet.cell("category"), "import.category_unknown",
                           _("项目类别“%(v)s”不存在，可选：%(all)s")
                           % {"v": v["category"], "all": self.names.category_names()})
            changes["category"] = category
        if v.get("leader"):
            # A post (副区长（分管城建）) or a name without an account is kept as text and
            # warned about; the row is not refused for it.
            leader = self.names.leader(v["leader"], line, self.sheet.cell("leader"))
            changes["leader"] = leader
            changes["leader_text"] = "" if leader else str(v["leader"]).strip()[:100]
            if leader is None:
                line.warn(self.sheet.cell("leader"), "import.leader_text",
                          _("包联领导“%(v)s”没有对应的区领导账号，按文字保存。")
                          % {"v": v["leader"]})
        stage = self._dates_by_stage(line, v.get("stage"))
        for key in PLAIN:
            if key in v:
                changes[key] = v[key]
        if "code" in changes:
            changes["code"] = services.normalize_code(changes["code"]) or None
        if unit is not None:
            changes["responsible_unit"] = unit
        line.key = v.get("code") or v.get("name") or ""
        if line.errors:
            return
        project = self.find(line, unit=unit)
        given_dates = [k for k in DATES if k in v]
        if given_dates:
            precision = dict(project.date_precision) if project else {}
            for key in given_dates:
                precision.pop(key, None)
                if line.precision.get(key) and v.get(key) is not None:
                    precision[key] = line.precision[key]
            if precision or (project and project.date_precision):
                changes["date_precision"] = precision
        if project is None:
            self._plan_create(line, changes, stage, unit)
        else:
            self._plan_update(line, changes, stage, project)

    def _plan_create(self, line: Line, changes: dict, stage: str | None, unit) -> None:
        v = line.values
        if not v.get("name"):
            line.error(self.sheet.cell("name"), "import.name_required",
                       _("新项目须填写项目名称。"))
            return
        line.action = "create"
        line.values = {**changes, **({"stage": stage} if stage else {})}
        if self.want_diffs:
            line.diff = {self.labels[k]: ["", _show(val, k) if k not in line.precision
                                          else _("%(y)s年%(m)s月") % {"y": val.year,
                                                                    "m": val.month}]
                         for k, val in line.values.items()
                         if val not in (None, "", {}) and k != "date_precision"}
        if changes.get("code"):
            self.pending.add(("code", changes["code"]))
        self.pending.add(("name", name_key(v.get("name")), getattr(unit, "pk", None)))

    def _plan_update(self, line: Line, changes: dict, stage: str | None,
                     project: Project) -> None:
        diff, delta = {}, {}
        for key, new in changes.items():
            old = getattr(project, key)
            if key in ("scope", "owner_name", "location", "name", "leader_text") \
                    and (old or "") == (new or ""):
                continue
            if key == "date_precision":
                if (old or {}) != (new or {}):
                    delta[key] = new
                continue
            if old != new and not (old in (None, "") and new in (None, "")):
                delta[key] = new
                diff[self.labels[key]] = [_show(old, key), _show(new, key)]
        if "date_precision" in delta and not diff:
            diff[self.labels["date_precision"]] = [str(project.date_precision or ""),
                                                   str(delta["date_precision"])]
        if stage and stage != project.stage:
            diff[str(_("阶段"))] = [str(project.get_stage_display()), str(Stage(stage).label)]
        line.values = {"project": project, "changes": delta,
                       "stage": stage if stage and stage != project.stage else None}
        line.subject = project
        line.action = "update" if diff else "unchanged"
        line.diff = diff
        if diff:
            self.pending.add(("pk", project.pk))

    def apply_many(self, lines: list[Line]) -> None:
        creates = [line for line in lines if line.action == "create"]
        updates = [line for line in lines if line.action == "update"
                   and not line.values["stage"]]
        if creates:
            rows = [{k: v for k, v in line.values.items() if k != "level" or v is not None}
                    for line in creates]
            try:
                made = services.project_create_many(actor=self.actor, rows=rows)
                for line, project in zip(creates, made, strict=True):
                    self._remember(project)
                    line.subject = project
            except services.RowErrors as refused:
                for index, problem in refused.errors.items():
                    self.refuse(creates[index], problem)
        if updates:
            items = [(line.values["project"], line.values["project"].version,
                      line.values["changes"]) for line in updates]
            try:
                changed = {p.pk: p for p in services.project_update_many(
                    actor=self.actor, items=items)}
                for project in changed.values():
                    self._remember(project)
                for line in updates:  # set when planned; the written copy replaces it
                    line.subject = changed.get(line.subject.pk, line.subject)
            except services.RowErrors as refused:
                for index, problem in refused.errors.items():
                    self.refuse(updates[index], problem)
        super().apply_many([line for line in lines
                            if line.action == "update" and line.values["stage"]])

    def apply(self, line: Line) -> None:
        """One row through the per-row services (a stage change)."""
        project = line.values["project"]
        changes, stage = dict(line.values["changes"]), line.values["stage"]
        project = services.project_change_stage(
            actor=self.actor, project=project, stage=stage,
            expected_version=project.version, reason=_("台账导入"),
            actual_start=changes.pop("actual_start", None),
            actual_completion=changes.pop("actual_completion", None))
        if changes:
            project = services.project_update(
                actor=self.actor, project=project, expected_version=project.version,
                **changes)
        self._remember(project)
        line.subject = project
