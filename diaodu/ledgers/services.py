"""Writes of the ledger import. A job is created from an upload (read, header found, mapping
proposed), its mapping confirmed, then run: as a dry run (everything executed through the
domain services inside a transaction that is rolled back) or as the commit (the same, kept
only when every row passed — all or nothing). Rows upsert by project code, else by name and
responsible unit; unchanged rows call no service, so the same file twice changes nothing.
Project rows are written a batch at a time through the bulk services (docs/ledgers.md)."""

from __future__ import annotations

import functools
import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diaodu.core import audit
from diaodu.core.errors import NotFound, UserError
from diaodu.core.models import OrgUnit, UnitKind, User
from diaodu.core.roles import Role, role_of
from diaodu.core.scoping import scope_for
from diaodu.investment import services as investment_services
from diaodu.investment.models import AnnualPlan, Cadence, ProgressReport, ReportingRound
from diaodu.projects import services as project_services
from diaodu.projects.models import Category, Level, Project, Stage

from . import mapping as m
from .models import ImportJob, ImportKind, JobStatus, MappingProfile
from .readers import Table, read_table

# Who may start which kind of import. Units import their own reports; the ledger, plans and
# approvals are the DRC's.
KINDS_FOR_ROLE = {
    Role.DISPATCHER: (ImportKind.PROJECTS, ImportKind.PLANS, ImportKind.REPORTS,
                      ImportKind.APPROVALS),
    Role.REPORTER: (ImportKind.REPORTS,),
    Role.UNIT_HEAD: (ImportKind.REPORTS,),
}
# Created and updated rows beyond this are counted in the summary but not listed; every
# refused row is listed.
ROWS_KEPT = 1000

CELL_MESSAGES = {
    "money.invalid": gettext_lazy("不是有效金额：%(value)s"),
    "money.negative": gettext_lazy("金额不能为负数：%(value)s"),
    "money.precision": gettext_lazy(
        "金额折合万元后超过两位小数（%(value)s → %(wan)s万元），请核实；系统不做四舍五入。"),
    "date.invalid": gettext_lazy(
        "不是有效日期：%(value)s（可写作 2022-03-15、2022.3 或 2022年3月）"),
    "int.invalid": gettext_lazy("不是有效整数：%(value)s"),
    "level.invalid": gettext_lazy("级别应为省重点、市重点或区重点：%(value)s"),
    "stage.invalid": gettext_lazy("阶段应为谋划、在谈、签约、前期、在建或竣工投产：%(value)s"),
    "bool.invalid": gettext_lazy("应填写“是”或“否”：%(value)s"),
}


def kinds_for(user) -> tuple[str, ...]:
    return KINDS_FOR_ROLE.get(role_of(user), ())


def _ensure_may_import(actor: User | None, kind: str) -> None:
    if kind not in ImportKind.values:
        raise UserError("import.kind_invalid", _("导入类型无效：%(k)s") % {"k": kind}, "kind")
    if actor is not None and kind not in kinds_for(actor):
        raise UserError("permission.denied", _("您的角色不能导入“%(k)s”。")
                        % {"k": ImportKind(kind).label}, "kind")


# ---------------------------------------------------------------- job creation and mapping

def _header_of(kind: str, table: Table, profile: dict[str, str] | None) -> m.Header:
    header = m.detect_header(kind, table.head, merged=table.merged, profile=profile)
    if header is None:
        raise UserError("import.header_not_found",
                        _("没有找到表头：前 15 行中没有“项目名称”或“项目代码”列。"
                          "请检查文件是否为%(k)s。")
                        % {"k": ImportKind(kind).label}, "file")
    fields = m.mapping_of(header.columns)
    name_col = fields.get("name", fields.get("code"))
    if not any(m.classify(row, name_col) == m.DATA
               for row in table.iter_rows(header.data_start)):
        raise UserError("import.no_rows", _("表头下面没有数据行（只有表头）。"), "file")
    return header


def _mapping_json(header: m.Header, table: Table) -> dict[str, Any]:
    return {
        "sheet": table.sheet, "format": table.fmt, "title": header.title[:200],
        "header_row": header.first_row, "header_rows": header.rows,
        "labels": header.labels,
        "fields": m.mapping_of(header.columns),
        "factors": {str(c.index): str(c.factor) for c in header.columns if c.factor},
        "notes": table.notes,
    }


def import_job_create(*, actor: User | None, kind: str, filename: str, data: bytes,
                      profile: MappingProfile | None = None,
                      options: dict[str, Any] | None = None) -> ImportJob:
    """Accept an upload: check it is a safe, readable ledger, find its header and propose the
    column mapping (a saved profile first, then the Chinese synonyms)."""
    _ensure_may_import(actor, kind)
    table = read_table(data, filename)
    header = _header_of(kind, table, profile.columns if profile else None)
    with transaction.atomic():
        job = ImportJob(kind=kind, filename=filename[:200], size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(),
                        unit=getattr(actor, "unit", None), created_by=actor,
                        mapping=_mapping_json(header, table), options=options or {})
        job.file.save(f"{job.sha256[:16]}.{filename.rsplit('.', 1)[-1][:8] or 'bin'}",
                      ContentFile(data), save=False)
        job.save()
        audit.record(actor, "import.upload", job,
                     {"kind": kind, "sha256": job.sha256, "size": job.size,
                      "profile": profile.name if profile else ""})
    return job


def import_job_set_mapping(*, actor: User | None, job: ImportJob, fields: dict[str, int],
                           save_as: str = "") -> ImportJob:
    """The user confirms or corrects which column feeds which field; optionally saved as the
    unit's profile for the next file."""
    known = {spec.key for spec in m.FIELDS[job.kind] if not spec.key.startswith("_")}
    labels = job.mapping.get("labels", [])
    cleaned: dict[str, int] = {}
    for key, index in fields.items():
        if key not in known:
            raise UserError("import.field_unknown", _("未知字段：%(f)s") % {"f": key}, "mapping")
        if not 0 <= int(index) < len(labels):
            raise UserError("import.column_unknown", _("列号无效：%(c)s") % {"c": index},
                            "mapping")
        if int(index) in cleaned.values():
            raise UserError("import.column_twice",
                            _("第 %(c)s 列（%(label)s）被对应到两个字段。")
                            % {"c": m.column_letter(int(index)), "label": labels[int(index)]},
                            "mapping")
        cleaned[key] = int(index)
    if "name" not in cleaned and "code" not in cleaned:
        raise UserError("import.identity_missing", _("至少要对应“项目名称”或“项目代码”一列。"),
                        "mapping")
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.busy or job.status == JobStatus.DONE:
            raise UserError("import.job_closed",
                            _("该导入任务已开始或已完成，不能再修改表头映射。"))
        before = job.mapping.get("fields", {})
        job.mapping = {**job.mapping, "fields": cleaned}
        job.status = JobStatus.MAPPED
        job.save(update_fields=["mapping", "status"])
        audit.record(actor, "import.map", job, {"fields": [before, cleaned]})
        if save_as.strip():
            mapping_profile_save(actor=actor, job=job, name=save_as)
    return job


def mapping_profile_save(*, actor: User | None, job: ImportJob, name: str) -> MappingProfile:
    """Save the job's confirmed mapping as its unit's named profile (replacing one of the
    same name)."""
    unit = job.unit or getattr(actor, "unit", None)
    if unit is None:
        raise UserError("profile.no_unit", _("没有所属单位，不能保存映射方案。"), "save_as")
    name = name.strip()[:60]
    labels = job.mapping.get("labels", [])
    columns = {m.norm(labels[i]): key for key, i in job.mapping.get("fields", {}).items()}
    with transaction.atomic():
        profile, created = MappingProfile.objects.update_or_create(
            unit=unit, kind=job.kind, name=name,
            defaults={"columns": columns, "updated_by": actor})
        audit.record(actor, "mapping_profile.create" if created else "mapping_profile.update",
                     profile, {"columns": len(columns)})
    return profile


# ---------------------------------------------------------------- rows of a job

@dataclass
class Line:
    """One data row: its Excel row number, the raw cells of the mapped fields, and what the
    planner makes of it."""

    row: int
    raw: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    action: str = ""
    key: str = ""
    diff: dict[str, list[str]] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)

    def error(self, column: str, code: str, message: str) -> None:
        self.errors.append({"cell": column, "code": code, "message": str(message)})
        self.action = "error"

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "action": self.action, "key": self.key, "diff": self.diff,
                "errors": self.errors}


class Sheet:
    """The job's table read again, with its confirmed mapping applied."""

    def __init__(self, job: ImportJob):
        with job.file.open("rb") as handle:
            data = handle.read()
        if hashlib.sha256(data).hexdigest() != job.sha256:
            raise UserError("import.file_changed", _("导入文件与上传时不一致，请重新上传。"))
        self.table = read_table(data, job.filename)
        mp = job.mapping
        self.kind = job.kind
        self.fields: dict[str, int] = {k: int(v) for k, v in mp.get("fields", {}).items()}
        self.factors = {int(k): Decimal(v) for k, v in mp.get("factors", {}).items()}
        self.start = int(mp.get("header_row", 0)) + int(mp.get("header_rows", 1))
        self.notes: list[str] = list(mp.get("notes", []))
        self.checks: list[str] = []

    def cell(self, key: str) -> str:
        return m.column_letter(self.fields[key]) if key in self.fields else ""

    def lines(self) -> Iterator[Line]:
        """Data rows; sections, blank rows and (sub)totals are skipped, the totals checked
        against the sum of the rows above them."""
        name_col = self.fields.get("name", self.fields.get("code"))
        money_keys = [k for k in self.fields
                      if m.spec_of(self.kind, k).kind == m.MONEY]
        running = {k: Decimal(0) for k in money_keys}
        since_sub = {k: Decimal(0) for k in money_keys}
        uncached = self.table.uncached
        columns = []  # (key, index, spec, parser) looked up once, not per cell
        for key, index in self.fields.items():
            spec = m.spec_of(self.kind, key)
            if spec.kind == m.MONEY:
                parse = functools.partial(m.parse_money, factor=self.factors.get(index))
            else:
                parse = m.PARSERS[spec.kind]
            columns.append((key, index, spec, parse))
        for offset, row in enumerate(self.table.iter_rows(self.start)):
            excel_row = self.start + offset + 1
            what = m.classify(row, name_col)
            if what in (m.BLANK, m.SECTION):
                if what == m.SECTION:
                    since_sub = {k: Decimal(0) for k in money_keys}
                continue
            if what in (m.TOTAL, m.SUBTOTAL):
                self._check_total(excel_row, row, running if what == m.TOTAL else since_sub)
                since_sub = {k: Decimal(0) for k in money_keys}
                continue
            width = len(row)
            raw = {k: row[i] if i < width else None for k, i in self.fields.items()}
            line = Line(row=excel_row, raw=raw)
            for key, index, spec, parse in columns:
                if uncached and (excel_row - 1, index) in uncached:
                    line.error(f"{m.column_letter(index)}{excel_row}", "import.formula_uncached",
                               _("该单元格是公式但没有计算结果（文件未在 Excel 中保存过），"
                                 "请在 Excel 中打开并保存后再导入，或填写数值。"))
                    continue
                try:
                    line.values[key] = parse(raw[key])
                except m.CellError as problem:
                    template = CELL_MESSAGES.get(problem.code)
                    message = template % problem.params if template else problem.message
                    line.error(f"{m.column_letter(index)}{excel_row}", problem.code,
                               f"{spec.label}：{message}")
            for k in money_keys:
                amount = line.values.get(k)
                if isinstance(amount, Decimal):
                    running[k] += amount
                    since_sub[k] += amount
            yield line

    def _check_total(self, excel_row: int, row: list, sums: dict[str, Decimal]) -> None:
        for key, total in sums.items():
            index = self.fields[key]
            try:
                stated = m.parse_money(row[index] if index < len(row) else None,
                                       self.factors.get(index))
            except m.CellError:
                stated = None
            if stated is None:
                continue
            label = m.spec_of(self.kind, key).label
            if stated == total:
                self.checks.append(_("第 %(r)s 行合计“%(f)s” %(v)s 万元与各行之和一致。")
                                   % {"r": excel_row, "f": label, "v": stated})
            else:
                self.checks.append(
                    _("第 %(r)s 行合计“%(f)s”为 %(v)s 万元，但各行之和为 %(s)s 万元，"
                      "相差 %(d)s 万元。")
                    % {"r": excel_row, "f": label, "v": stated, "s": total,
                       "d": stated - total})


# ---------------------------------------------------------------- lookups

def _key(text: object) -> str:
    """Comparable unit or category name: no spaces, full-width folded, 办事处 dropped."""
    t = m.norm(text)
    return t.removesuffix("办事处")


class Directory:
    """Units, categories and leaders by the names people write, loaded once per run."""

    def __init__(self):
        self.units: dict[str, OrgUnit] = {}
        for unit in OrgUnit.objects.filter(active=True).order_by("depth", "path"):
            for name in (unit.name, unit.short_name, unit.code):
                if name:
                    self.units.setdefault(_key(name), unit)
                    if unit.kind == UnitKind.STREET:  # 须水 for 须水街道(办事处)
                        self.units.setdefault(_key(name).removesuffix("街道"), unit)
        self.categories = {_key(c.name): c for c in Category.objects.filter(active=True)}
        self.leaders: dict[str, User] = {}
        for user in User.objects.filter(role=Role.LEADER, is_active=True):
            for name in (user.display_name, user.username):
                if name:
                    self.leaders.setdefault(_key(name), user)

    def unit(self, text: str) -> OrgUnit | None:
        return self.units.get(_key(text)) if text else None


# ---------------------------------------------------------------- planners

class Pending(Exception):
    """A row names a project an earlier row of the unwritten batch creates or changes: write
    the batch, then plan the row again (so it sees what the earlier row did)."""


class Planner(ABC):
    """Turns parsed lines into actions for one kind and applies them through the services,
    `batch` rows at a time (1: each row is written before the next is planned)."""

    batch = 1

    def __init__(self, actor: User | None, job: ImportJob, sheet: Sheet):
        self.actor, self.job, self.sheet = actor, job, sheet
        self.pending: set[tuple] = set()
        self.dir = Directory()
        self.projects = scope_for(actor, Project) if actor is not None else Project.objects
        self.by_code: dict[str, Project] = {}
        self.by_name: dict[tuple[str, int], Project] = {}
        for project in self.projects.select_related("category", "responsible_unit", "street",
                                                    "leader"):
            self._remember(project)

    def _remember(self, project: Project) -> None:
        if project.code:
            self.by_code[project.code] = project
        self.by_name[(_key(project.name), project.responsible_unit_id)] = project

    def find(self, line: Line, *, unit: OrgUnit | None) -> Project | None:
        found = self._find(line, unit=unit)
        if self.pending and found is not None and ("pk", found.pk) in self.pending:
            raise Pending
        return found

    def _find(self, line: Line, *, unit: OrgUnit | None) -> Project | None:
        code = line.values.get("code")
        if code:
            code = project_services.normalize_code(code)
            if ("code", code) in self.pending:
                raise Pending
            found = self.by_code.get(code)
            if found:
                return found
        name = line.values.get("name")
        if name and unit is not None:
            if ("name", _key(name), unit.pk) in self.pending:
                raise Pending
            return self.by_name.get((_key(name), unit.pk))
        if name and unit is None:
            if any(k[:2] == ("name", _key(name)) for k in self.pending):
                raise Pending
            same = [p for (n, _u), p in self.by_name.items() if n == _key(name)]
            if len(same) == 1:
                return same[0]
        return None

    def unit_of(self, line: Line, key: str = "responsible_unit") -> OrgUnit | None:
        text = line.values.get(key)
        if not text:
            return None
        unit = self.dir.unit(text)
        if unit is None:
            line.error(self.sheet.cell(key) + str(line.row), f"import.{key}_unknown",
                       _("%(label)s“%(v)s”不是系统中的单位。")
                       % {"label": m.spec_of(self.job.kind, key).label, "v": text})
        return unit

    def target_project(self, line: Line) -> Project | None:
        """The existing project a plan, report or approval row is about (within scope)."""
        unit = self.unit_of(line)
        project = self.find(line, unit=unit)
        line.key = (line.values.get("code") or line.values.get("name") or "")
        if project is None and not line.errors:
            column = self.sheet.cell("code" if line.values.get("code") else "name")
            line.error(f"{column}{line.row}", "import.project_not_found",
                       _("找不到项目“%(p)s”（或不在您的管理范围内）。") % {"p": line.key})
        return project

    @abstractmethod
    def plan(self, line: Line) -> None:
        """Decide what the row would do (create / update / unchanged / error)."""

    @abstractmethod
    def apply(self, line: Line) -> None:
        """Write the row through the services."""

    def refuse(self, line: Line, problem: UserError) -> None:
        line.error(self.cell_of_field(line, problem.field), problem.code, problem.message)

    def apply_many(self, lines: list[Line]) -> None:
        """Write planned rows; a refused row gets its error (the run then rolls back)."""
        for line in lines:
            try:
                self.apply(line)
            except UserError as problem:
                self.refuse(line, problem)
        self.pending.clear()

    def cell_of_field(self, line: Line, field_name: str | None) -> str:
        aliases = {"planned_investment": "planned_investment", "monthly_targets": "target_12",
                   "received_on": "received_on", "kind": "approval_kind"}
        key = aliases.get(field_name or "", field_name or "")
        column = self.sheet.cell(key) or self.sheet.cell("name") or "A"
        return f"{column}{line.row}"


def _show(value: Any, key: str = "") -> str:
    if value is None or value == "":
        return ""
    if key == "level":
        return str(Level(value).label)
    if key == "stage":
        return str(Stage(value).label)
    if hasattr(value, "_proxy____cast"):
        return str(value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


PROJECT_FIELDS = ("code", "name", "level", "category", "owner_name", "responsible_unit",
                  "street", "leader", "total_investment", "scope", "planned_start",
                  "planned_completion", "actual_start", "actual_completion", "location",
                  "stats_registered_on", "on_whitelist")


class ProjectPlanner(Planner):
    """Projects are written a thousand rows at a time through the bulk services
    (project_create_many / project_update_many); a stage change goes through
    project_change_stage row by row, as on the project page."""

    batch = project_services.BULK_BATCH

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.labels = {f.name: str(f.verbose_name) for f in Project._meta.fields}
        # The runner turns this off once the rows it lists are full: a new project's diff
        # (every value) is then not built at all.
        self.want_diffs = True

    def plan(self, line: Line) -> None:
        v = line.values
        changes: dict[str, Any] = {}
        unit = self.unit_of(line)
        if "street" in v:
            street = self.unit_of(line, "street") if v["street"] else None
            if street is not None and street.kind != UnitKind.STREET:
                line.error(self.sheet.cell("street") + str(line.row), "import.street_invalid",
                           _("属地街道应为街道办事处：%(v)s") % {"v": v["street"]})
            changes["street"] = street
        if v.get("category"):
            category = self.dir.categories.get(_key(v["category"]))
            if category is None:
                line.error(self.sheet.cell("category") + str(line.row),
                           "import.category_unknown",
                           _("项目类别“%(v)s”不存在，可选：%(all)s")
                           % {"v": v["category"],
                              "all": "、".join(c.name for c in self.dir.categories.values())})
            changes["category"] = category
        if v.get("leader"):
            leader = self.dir.leaders.get(_key(v["leader"]))
            if leader is None:
                line.error(self.sheet.cell("leader") + str(line.row), "import.leader_unknown",
                           _("包联领导“%(v)s”不是区领导账号。") % {"v": v["leader"]})
            changes["leader"] = leader
        for key in ("code", "name", "level", "owner_name", "total_investment", "scope",
                    "planned_start", "planned_completion", "actual_start",
                    "actual_completion", "location", "stats_registered_on", "on_whitelist"):
            if key in v:
                changes[key] = v[key]
        if "code" in changes:
            changes["code"] = project_services.normalize_code(changes["code"]) or None
        if unit is not None:
            changes["responsible_unit"] = unit
        line.key = v.get("code") or v.get("name") or ""
        if line.errors:
            return
        project = self.find(line, unit=unit)
        stage = v.get("stage")
        if project is None:
            if not v.get("name"):
                line.error(self.sheet.cell("name") + str(line.row), "import.name_required",
                           _("新项目须填写项目名称。"))
                return
            line.action = "create"
            line.values = {**changes, **({"stage": stage} if stage else {})}
            if self.want_diffs:
                line.diff = {self.labels[k]: ["", _show(val, k)]
                             for k, val in line.values.items() if val not in (None, "")}
            if changes.get("code"):
                self.pending.add(("code", changes["code"]))
            self.pending.add(("name", _key(v.get("name")), getattr(unit, "pk", None)))
            return
        diff, delta = {}, {}
        for key, new in changes.items():
            old = getattr(project, key)
            if key in ("scope", "owner_name", "location", "name") and (old or "") == (new or ""):
                continue
            if old != new and not (old in (None, "") and new in (None, "")):
                delta[key] = new
                diff[self.labels[key]] = [_show(old, key), _show(new, key)]
        if stage and stage != project.stage:
            diff[str(_("阶段"))] = [str(project.get_stage_display()), str(Stage(stage).label)]
        line.values = {"project": project, "changes": delta,
                       "stage": stage if stage and stage != project.stage else None}
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
                for project in project_services.project_create_many(actor=self.actor,
                                                                    rows=rows):
                    self._remember(project)
            except project_services.RowErrors as refused:
                for index, problem in refused.errors.items():
                    self.refuse(creates[index], problem)
        if updates:
            items = [(line.values["project"], line.values["project"].version,
                      line.values["changes"]) for line in updates]
            try:
                for project in project_services.project_update_many(actor=self.actor,
                                                                    items=items):
                    self._remember(project)
            except project_services.RowErrors as refused:
                for index, problem in refused.errors.items():
                    self.refuse(updates[index], problem)
        super().apply_many([line for line in lines
                            if line.action == "update" and line.values["stage"]])

    def apply(self, line: Line) -> None:
        """One row through the per-row services (a stage change)."""
        if line.action == "create":
            values = dict(line.values)
            if values.get("level") is None:
                values.pop("level", None)
            project = project_services.project_create(actor=self.actor, **values)
            self._remember(project)
            return
        project = line.values["project"]
        changes, stage = line.values["changes"], line.values["stage"]
        if stage:
            project = project_services.project_change_stage(
                actor=self.actor, project=project, stage=stage,
                expected_version=project.version, reason=_("台账导入"),
                actual_start=changes.pop("actual_start", None),
                actual_completion=changes.pop("actual_completion", None))
        if changes:
            project = project_services.project_update(
                actor=self.actor, project=project, expected_version=project.version,
                **changes)
        self._remember(project)


class PlanPlanner(Planner):
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
            line.error(self.sheet.cell("name") + str(line.row), "import.year_required",
                       _("请在文件中加“年度”列，或在导入时选择年度。"))
        planned = line.values.get("planned_investment")
        if planned is None and "planned_investment" in self.sheet.fields:
            line.error(self.sheet.cell("planned_investment") + str(line.row),
                       "import.planned_required", _("请填写年度计划投资（万元）。"))
        targets = [line.values.get(f"target_{i}") for i in range(1, 13)]
        given = [t for t in targets if t is not None]
        if given and len(given) != 12:
            line.error(self.sheet.cell("target_1") + str(line.row), "import.targets_partial",
                       _("月度累计目标应填满 12 个月，或全部留空（按月平均分解）。"))
        if line.errors or project is None:
            return
        plan = self.plans.get((project.pk, year))
        targets_text = [str(t) for t in targets] if given else None
        line.values = {"project": project, "year": year, "planned": planned,
                       "targets": targets_text, "plan": plan}
        if plan is None:
            line.action = "create"
            line.diff = {str(_("年度计划投资")): ["", _show(planned)]}
            return
        diff = {}
        if planned != plan.planned_investment:
            diff[str(_("年度计划投资"))] = [_show(plan.planned_investment), _show(planned)]
        if targets_text and [str(Decimal(t)) for t in plan.monthly_targets] != targets_text:
            diff[str(_("月度累计目标"))] = ["、".join(plan.monthly_targets),
                                        "、".join(targets_text)]
        line.action = "update" if diff else "unchanged"
        line.diff = diff

    def apply(self, line: Line) -> None:
        v = line.values
        if line.action == "create":
            plan = investment_services.annual_plan_create(
                actor=self.actor, project=v["project"], year=v["year"],
                planned_investment=v["planned"], monthly_targets=v["targets"])
        else:
            plan = investment_services.annual_plan_adjust(
                actor=self.actor, plan=v["plan"], planned_investment=v["planned"],
                monthly_targets=v["targets"] or None, expected_version=v["plan"].version,
                reason=_("台账导入：%(f)s") % {"f": self.job.filename})
        self.plans[(plan.project_id, plan.year)] = plan


class ReportPlanner(Planner):
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
            line.error(self.sheet.cell("period") + str(line.row) if period
                       else self.sheet.cell("name") + str(line.row), "import.round_unknown",
                       _("没有 %(m)s 的月度调度轮次。") % {"m": period.strftime("%Y-%m")}
                       if period else _("请选择调度轮次，或在文件中加“填报月份”列。"))
        for key in ("completed_in_period", "cumulative_completed"):
            if line.values.get(key) is None and not any(e["code"].startswith("money")
                                                        for e in line.errors):
                line.error(self.sheet.cell(key) + str(line.row) if key in self.sheet.fields
                           else self.sheet.cell("name") + str(line.row), "import.amount_required",
                           _("请填写%(f)s（万元）。") % {"f": m.spec_of("reports", key).label})
        if line.errors or project is None or round_ is None:
            return
        report = (ProgressReport.objects.select_related("round", "project__responsible_unit")
                  .filter(project=project, round=round_).first())
        if report is None:
            line.error(self.sheet.cell("name") + str(line.row), "import.report_missing",
                       _("“%(r)s”中没有该项目的填报（项目不在本轮调度范围）。") % {"r": round_})
            return
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
                diff[str(ProgressReport._meta.get_field(key).verbose_name)] = [_show(old),
                                                                              _show(value)]
        line.values = {"report": report, **new}
        if not diff:
            line.action = "unchanged"
        elif report.status not in investment_services.EDITABLE or report.round.is_locked:
            line.error(self.sheet.cell("completed_in_period") + str(line.row),
                       "import.report_not_editable",
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
            investment_services.report_save(
                actor=self.actor, report=report, expected_version=report.version,
                submit=self.submit, **v)
        except NotFound:
            raise UserError("import.report_out_of_scope",
                            _("该项目不由您的单位填报，不能导入其进度。"), "name") from None


_APPROVAL_KINDS = {"审批": "approval", "核准": "ratification", "备案": "filing",
                   "告知性备案": "notification_filing"}
_RESULTS = {"准予": "approved", "同意": "approved", "批准": "approved", "不予": "rejected",
            "不同意": "rejected", "已备案": "filed", "备案": "filed"}


class ApprovalPlanner(Planner):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from diaodu.cases.models import Approval

        self.existing = {(a.project_id, _key(a.item), a.received_on): a
                         for a in Approval.objects.filter(project__in=self.projects)}

    def plan(self, line: Line) -> None:
        project = self.target_project(line)
        v = line.values
        kind = _APPROVAL_KINDS.get(m.norm(v.get("approval_kind") or ""))
        if kind is None:
            line.error(self.sheet.cell("approval_kind") + str(line.row) or "",
                       "import.approval_kind_invalid",
                       _("审批类型应为审批、核准、备案或告知性备案：%(v)s")
                       % {"v": v.get("approval_kind") or ""})
        result = _RESULTS.get(m.norm(v.get("result") or ""), "") if v.get("result") else ""
        if v.get("result") and not result:
            line.error(self.sheet.cell("result") + str(line.row), "import.result_invalid",
                       _("办理结果应为准予、不予或已备案：%(v)s") % {"v": v["result"]})
        for key in ("item", "received_on"):
            if not v.get(key):
                line.error((self.sheet.cell(key) or self.sheet.cell("name")) + str(line.row),
                           f"import.{key}_required", _("请填写%(f)s。")
                           % {"f": m.spec_of("approvals", key).label})
        if line.errors or project is None:
            return
        existing = self.existing.get((project.pk, _key(v["item"]), v["received_on"]))
        line.key = f"{project.name} · {v['item']}"
        line.values = {"project": project, "item": v["item"], "kind": kind,
                       "received_on": v["received_on"], "completed_on": v.get("completed_on"),
                       "result": result, "document_no": v.get("document_no") or "",
                       "applicant": v.get("applicant") or "", "existing": existing}
        if existing is None:
            line.action = "create"
            line.diff = {str(_("审批事项")): ["", v["item"]]}
        elif v.get("completed_on") and existing.completed_on is None:
            line.action = "update"
            line.diff = {str(_("办结时间")): ["", _show(v["completed_on"])]}
        else:
            line.action = "unchanged"

    def apply(self, line: Line) -> None:
        from diaodu.cases import services as case_services

        v = line.values
        if line.action == "create":
            approval = case_services.approval_create(
                actor=self.actor, item=v["item"], kind=v["kind"], received_on=v["received_on"],
                project=v["project"], applicant=v["applicant"],
                completed_on=v["completed_on"], result=v["result"],
                document_no=v["document_no"])
        else:
            approval = case_services.approval_complete(
                actor=self.actor, approval=v["existing"], completed_on=v["completed_on"],
                result=v["result"] or "approved", document_no=v["document_no"])
        self.existing[(v["project"].pk, _key(approval.item), approval.received_on)] = approval


PLANNERS: dict[str, type[Planner]] = {
    ImportKind.PROJECTS: ProjectPlanner, ImportKind.PLANS: PlanPlanner,
    ImportKind.REPORTS: ReportPlanner, ImportKind.APPROVALS: ApprovalPlanner,
}


# ---------------------------------------------------------------- running a job

def progress_key(job_id: int) -> str:
    return f"ledgers:import-progress:{job_id}"


def _progress(job: ImportJob, percent: int) -> None:
    """Progress inside the one big transaction cannot be read from the database by anyone
    else, so it also goes to the cache the progress bar reads first."""
    cache.set(progress_key(job.pk), percent, 3600)


def import_job_run(*, actor: User | None, job: ImportJob, commit: bool,
                   on_progress: Callable[[int], None] | None = None) -> ImportJob:
    """Dry run (`commit=False`) or commit of a job. Every row goes through the domain services
    inside one transaction; the transaction is kept only for a commit in which no row was
    refused. The job keeps the per-row actions, the summary and the errors either way."""
    _ensure_may_import(actor, job.kind)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status == JobStatus.DONE:
            raise UserError("import.already_done", _("该导入任务已完成。"))
        job.status = JobStatus.RUNNING
        job.progress = 0
        job.save(update_fields=["status", "progress"])
    sheet = Sheet(job)
    # Rows are parsed as they are read and written a batch at a time: the file is streamed,
    # and only the batch's rows, every error row and the first ROWS_KEPT changes are held.
    # The progress counts sheet rows, section and total rows included.
    total = max(sheet.table.height - sheet.start, 1)
    seen = 0
    counts = {"create": 0, "update": 0, "unchanged": 0, "error": 0}
    kept: list[dict[str, Any]] = []
    step = max(total // 50, 1)
    started = timezone.now()
    batch: list[Line] = []

    def settle(lines: list[Line]) -> None:
        for line in lines:
            counts[line.action or "error"] += 1
            if line.action == "error" or (line.action != "unchanged"
                                          and counts["create"] + counts["update"] <= ROWS_KEPT):
                kept.append(line.as_json())

    def flush() -> None:
        planner.apply_many(batch)
        settle(batch)
        batch.clear()

    # audit.deferred: the run's audit events and rollup totals are done in one step at its
    # end, so other users' saves wait for that step, not for the whole file.
    with transaction.atomic(), audit.deferred() as deferred:
        planner = PLANNERS[job.kind](actor, job, sheet)
        for line in sheet.lines():
            seen += 1
            if not line.errors:
                planner.want_diffs = counts["create"] + counts["update"] + len(batch) < ROWS_KEPT
                parsed = dict(line.values)
                try:
                    planner.plan(line)
                except Pending:  # an earlier row of the batch creates or changes it
                    flush()
                    line.values = parsed
                    planner.plan(line)
            if not line.errors and line.action in ("create", "update"):
                batch.append(line)
                if len(batch) >= planner.batch:
                    flush()
            else:
                settle([line])
            if seen % step == 0:
                percent = 5 + int(90 * min(line.row - sheet.start, total) / total)
                _progress(job, percent)
                if on_progress:
                    on_progress(percent)
        flush()
        kept.sort(key=lambda row: row["row"])
        refused = counts["error"] > 0
        if not commit or refused:
            deferred.discard()
            transaction.set_rollback(True)
    summary = {**counts, "rows": seen, "checks": sheet.checks, "notes": sheet.notes,
               "committed": commit and not refused, "dry_run": not commit,
               "seconds": round((timezone.now() - started).total_seconds(), 2)}
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        job.summary, job.rows, job.progress = summary, kept, 100
        if commit:
            job.status = JobStatus.FAILED if refused else JobStatus.DONE
            job.finished_at = timezone.now()
            job.result = {"created": counts["create"], "updated": counts["update"]}
        else:
            job.status = JobStatus.CHECKED
        job.save()
        audit.record(actor, "import.commit" if commit else "import.dry_run", job,
                     {k: summary[k] for k in ("create", "update", "unchanged", "error",
                                               "rows", "committed")})
    _progress(job, 100)
    return job


def import_job_queue(*, actor: User | None, job: ImportJob, commit: bool) -> ImportJob:
    """Hand the run to a background worker; the page polls the progress."""
    from .tasks import run_import

    _ensure_may_import(actor, job.kind)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.busy:
            raise UserError("import.busy", _("该导入任务正在进行中。"))
        if job.status == JobStatus.DONE:
            raise UserError("import.already_done", _("该导入任务已完成。"))
        if commit and job.status != JobStatus.CHECKED:
            raise UserError("import.needs_dry_run", _("请先预检，确认结果后再导入。"))
        if commit and job.error_count:
            raise UserError("import.has_errors",
                            _("预检发现 %(n)s 行有错误，请修改文件后重新上传。")
                            % {"n": job.error_count})
        job.status, job.progress = JobStatus.QUEUED, 0
        job.options = {**job.options, "commit": commit}
        job.save(update_fields=["status", "progress", "options"])
        audit.record(actor, "import.queue", job, {"commit": commit})
        transaction.on_commit(lambda: run_import.enqueue(job_id=job.pk, commit=commit))
    cache.set(progress_key(job.pk), 0, 3600)
    return job
