"""Writes to the project ledger. Every function validates, writes, and records audit and field
history in one transaction (DESIGN §4)."""

from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from diaodu.core import audit, bulk, clock
from diaodu.core.errors import UserError
from diaodu.core.locking import check_version
from diaodu.core.models import OrgUnit, UnitKind, User
from diaodu.core.money import parse_wan
from diaodu.core.roles import Role
from diaodu.core.scoping import scope_for

from . import policy, rules, signals
from .codes import code_problem, normalize_code
from .models import Batch, Campaign, CampaignEntry, Category, Level, Project, Stage

# Fields project_update may change; stage changes go through project_change_stage.
EDITABLE_FIELDS = (
    "code", "name", "level", "category", "owner_name", "responsible_unit", "street", "leader",
    "total_investment", "scope", "planned_start", "planned_completion", "actual_start",
    "actual_completion", "reached_capacity_on", "fulfilled_on", "on_whitelist",
    "whitelisted_on", "whitelist_note", "stats_registered_on", "location", "leader_text",
    "date_precision", "latitude", "longitude",
)
# The site's point: decimal degrees (WGS-84), 6 places (about 0.1 m).
COORDINATE_BOUNDS = {"latitude": 90, "longitude": 180}
DATE_FIELDS = ("planned_start", "planned_completion", "actual_start", "actual_completion",
               "reached_capacity_on", "fulfilled_on", "whitelisted_on", "stats_registered_on")
TEXT_LIMITS = {"name": 200, "owner_name": 200, "location": 200, "whitelist_note": 200,
               "leader_text": 100}
PRECISIONS = ("month",)


def _label(field: str) -> str:
    return str(Project._meta.get_field(field).verbose_name)


# actor None = the system (demo loader, imports run as tasks record their own actor).
ensure_ledger_editor = policy.require_ledger_keeper


def _resolve(model, value, *, field: str, message: str):
    """An instance of `model` from an instance or primary key; unknown → UserError."""
    if value is None or value == "":
        return None
    if isinstance(value, model) and value.pk is not None:
        return value  # already loaded by the caller (form, import): no second query
    pk = value.pk if isinstance(value, model) else value
    try:
        return model.objects.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise UserError(f"project.{field}_unknown", message % {"value": value}, field) from None


def _code_owner(code: str) -> Project | None:
    return Project.objects.filter(code=code).first()


def _clean(data: dict[str, Any], *, instance: Project | None,
           code_owner: Callable[[str], Project | None] = _code_owner) -> dict[str, Any]:
    """Validate and normalise the given fields; raise UserError on the first bad one.
    `code_owner` finds the project holding a code (the bulk services pass a preloaded one)."""
    unknown = set(data) - set(EDITABLE_FIELDS) - {"stage"}
    if unknown:
        raise UserError("project.field_unknown",
                        _("不能修改这些字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    cleaned: dict[str, Any] = {}
    for field, value in data.items():
        if isinstance(value, str) and field != "scope":
            value = value.strip()
        if field in TEXT_LIMITS and len(value or "") > TEXT_LIMITS[field]:
            raise UserError("project.text_too_long", _("%(label)s不能超过%(n)s个字。")
                            % {"label": _label(field), "n": TEXT_LIMITS[field]}, field)
        if field == "name" and not value:
            raise UserError("project.name_required", _("请填写项目名称。"), "name")
        if field == "code":
            value = normalize_code(value) if value else None
            if value:
                problem = code_problem(value)
                if problem:
                    raise UserError("project.code_invalid", problem, "code")
                owner = code_owner(value)
                if owner is not None and owner is not instance and (
                        instance is None or owner.pk is None or owner.pk != instance.pk):
                    raise UserError("project.code_duplicate",
                                    _("项目代码 %(code)s 已被项目“%(name)s”使用。")
                                    % {"code": value, "name": owner.name}, "code")
        if field == "level" and value not in Level.values:
            raise UserError("project.level_invalid", _("级别应为省重点、市重点或区重点。"),
                            "level")
        if field == "category":
            value = _resolve(Category, value, field="category",
                             message=gettext_lazy("项目类别不存在：%(value)s"))
            if value is None or not value.active:
                raise UserError("project.category_required", _("请选择有效的项目类别。"),
                                "category")
        if field == "responsible_unit":
            value = _resolve(OrgUnit, value, field="responsible_unit",
                             message=gettext_lazy("责任单位不存在：%(value)s"))
            if value is None:
                raise UserError("project.responsible_unit_required", _("请选择责任单位。"),
                                "responsible_unit")
            if not value.active or value.kind not in (UnitKind.DEPARTMENT, UnitKind.STREET):
                raise UserError("project.responsible_unit_invalid",
                                _("责任单位应为在用的区直部门或街道：%(unit)s") % {"unit": value},
                                "responsible_unit")
        if field == "street":
            value = _resolve(OrgUnit, value, field="street",
                             message=gettext_lazy("属地街道不存在：%(value)s"))
            if value is not None and value.kind != UnitKind.STREET:
                raise UserError("project.street_invalid",
                                _("属地街道应为街道办事处：%(unit)s") % {"unit": value}, "street")
        if field == "leader":
            value = _resolve(User, value, field="leader",
                             message=gettext_lazy("包联领导不存在：%(value)s"))
            if value is not None and value.role != Role.LEADER:
                raise UserError("project.leader_invalid",
                                _("包联领导应为区领导账号：%(user)s") % {"user": value}, "leader")
        if field == "total_investment":
            value = parse_wan(value, field=field, label=gettext_lazy("总投资"))
        if field in DATE_FIELDS and value is not None and value != "" \
                and not isinstance(value, date):
            try:
                value = date.fromisoformat(str(value))
            except ValueError:
                raise UserError("project.date_invalid", _("%(label)s不是有效日期：%(value)s")
                                % {"label": _label(field), "value": value}, field) from None
        if field in DATE_FIELDS and value == "":
            value = None
        if field in COORDINATE_BOUNDS:
            value = parse_coordinate(field, value)
        if field == "date_precision":
            value = dict(value or {})
            if any(k not in DATE_FIELDS or v not in PRECISIONS for k, v in value.items()):
                raise UserError("project.precision_invalid",
                                _("日期精度无效：%(v)s") % {"v": value}, "date_precision")
        cleaned[field] = value
    return cleaned


def parse_coordinate(field: str, value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    bound = COORDINATE_BOUNDS[field]
    problem = UserError(f"project.{field}_invalid",
                        _("%(label)s应为 -%(b)s 到 %(b)s 之间的十进制度数（如 34.748123）：%(v)s")
                        % {"label": _label(field), "b": bound, "v": value}, field)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise problem from None
    if not number.is_finite() or abs(number) > bound:
        raise problem
    return number.quantize(Decimal("0.000001"), ROUND_HALF_UP)


def _check_whole(project: Project) -> None:
    """Rules that involve several fields, checked on the project as it would be saved."""
    rules.check_dates(planned_start=project.planned_start,
                      planned_completion=project.planned_completion,
                      actual_start=project.actual_start,
                      actual_completion=project.actual_completion,
                      today=(clock.today()
                             if project.actual_start or project.actual_completion else None))
    rules.check_stage(project.stage, actual_start=project.actual_start,
                      actual_completion=project.actual_completion)
    if (project.latitude is None) != (project.longitude is None):
        missing = "longitude" if project.longitude is None else "latitude"
        raise UserError("project.point_incomplete", _("项目位置须同时填写纬度和经度。"), missing)
    if project.on_whitelist and not project.whitelisted_on:
        raise UserError("project.whitelist_date_required",
                        _("列入白名单的项目须填写列入日期。"), "whitelisted_on")


def _snapshot(project: Project) -> dict[str, Any]:
    return {f: getattr(project, f) for f in (*EDITABLE_FIELDS, "stage")}


def _new_project(data: dict[str, Any], *,
                 code_owner: Callable[[str], Project | None] = _code_owner) -> Project:
    """A validated, unsaved project (project_create and project_create_many)."""
    for required in ("name", "level", "category", "responsible_unit", "total_investment"):
        if data.get(required) in (None, ""):
            raise UserError(f"project.{required}_required",
                            _("请填写%(label)s。") % {"label": _label(required)}, required)
    project = Project(**_clean(data, instance=None, code_owner=code_owner))
    _check_whole(project)
    return project


def project_create(*, actor: User | None, **data: Any) -> Project:
    """Add a project to the ledger."""
    ensure_ledger_editor(actor)
    with transaction.atomic():
        project = _new_project(data)
        project._history_user = actor
        project.save()
        audit.record(actor, "project.create", project, _snapshot(project))
    return project


def ensure_version(project: Project, expected_version: int | None) -> None:
    check_version(project, expected_version, code="project.version_conflict",
                  subject=_("项目"), excluded_fields=("version", "created_at"))


def _edit(project: Project, changes: dict[str, Any], *,
          code_owner: Callable[[str], Project | None] = _code_owner) -> dict[str, list[Any]]:
    """Validate `changes` and apply them to the (locked) `project` in memory: the audit diff
    (project_update and project_update_many)."""
    cleaned = _clean(changes, instance=project, code_owner=code_owner)
    if "date_precision" not in cleaned and project.date_precision and any(
            f in cleaned and cleaned[f] != getattr(project, f) for f in project.date_precision):
        # A date typed to the day (the edit page) is no longer a month.
        cleaned["date_precision"] = {f: p for f, p in project.date_precision.items()
                                     if f not in cleaned or cleaned[f] == getattr(project, f)}
    before = _snapshot(project)
    for field, value in cleaned.items():
        setattr(project, field, value)
    _check_whole(project)
    return audit.diff(before, _snapshot(project))


def project_update(*, actor: User | None, project: Project, expected_version: int | None,
                   **changes: Any) -> Project:
    """Edit ledger fields. A stale `expected_version` is refused, naming what changed."""
    ensure_ledger_editor(actor)
    if "stage" in changes:
        raise UserError("project.stage_via_update",
                        _("阶段请通过“变更阶段”调整。"), "stage")
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        ensure_version(project, expected_version)
        before = signals.placement(project)
        delta = _edit(project, changes)
        if not delta:
            return project
        project.version += 1
        project._history_user = actor
        project.save()
        audit.record(actor, "project.update", project, delta)
        # Moving a project to another unit, street, level or category moves its figures.
        signals.moved(project, before)
    return project


def project_change_stage(*, actor: User | None, project: Project, stage: str,
                         expected_version: int | None = None, reason: str = "",
                         actual_start: date | None = None,
                         actual_completion: date | None = None) -> Project:
    """Move a project between libraries. 在建 needs an actual start, 竣工投产 an actual
    completion; going backwards needs a reason."""
    ensure_ledger_editor(actor)
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        ensure_version(project, expected_version)
        if stage not in Stage.values:
            raise UserError("project.stage_invalid", _("阶段无效：%(stage)s") % {"stage": stage},
                            "stage")
        rules.check_stage_change(project.stage, stage, reason=reason)
        before = _snapshot(project)
        dates = _clean({k: v for k, v in (("actual_start", actual_start),
                                         ("actual_completion", actual_completion))
                        if v is not None}, instance=project)
        for field, value in dates.items():
            setattr(project, field, value)
        if rules.stage_rank(stage) < rules.stage_rank(Stage.CONSTRUCTION):
            # Back before construction: the start did not (yet) happen.
            project.actual_start = project.actual_completion = None
        elif rules.stage_rank(stage) < rules.stage_rank(Stage.COMPLETED):
            project.actual_completion = None
        project.stage = stage
        _check_whole(project)
        project.version += 1
        project._history_user = actor
        project._change_reason = reason.strip()
        project.save()
        changes = audit.diff(before, _snapshot(project))
        if reason.strip():
            changes["reason"] = reason.strip()
        audit.record(actor, "project.change_stage", project, changes)
    return project


def campaign_create(*, actor: User | None, issuer_level: str, year: int, phase: int,
                    name: str, held_on: date | None = None) -> Campaign:
    ensure_ledger_editor(actor)
    if issuer_level not in Level.values:
        raise UserError("campaign.level_invalid", _("发布层级无效。"), "issuer_level")
    with transaction.atomic():
        if Campaign.objects.filter(issuer_level=issuer_level, phase=phase).exists():
            raise UserError("campaign.duplicate", _("第%(p)s期活动已存在。") % {"p": phase},
                            "phase")
        campaign = Campaign.objects.create(issuer_level=issuer_level, year=year, phase=phase,
                                           name=name, held_on=held_on)
        audit.record(actor, "campaign.create", campaign,
                     {"issuer_level": issuer_level, "year": year, "phase": phase})
    return campaign


def campaign_entry_add(*, actor: User | None, campaign: Campaign, project: Project,
                       batch: str, listed_on: date | None = None) -> CampaignEntry:
    """List a project in a 三个一批 batch."""
    ensure_ledger_editor(actor)
    if batch not in Batch.values:
        raise UserError("campaign_entry.batch_invalid", _("批次应为签约、开工或投产一批。"),
                        "batch")
    with transaction.atomic():
        if CampaignEntry.objects.filter(campaign=campaign, project=project,
                                        batch=batch).exists():
            raise UserError("campaign_entry.duplicate",
                            _("该项目已列入此批次。"), "project")
        entry = CampaignEntry(campaign=campaign, project=project, batch=batch,
                              listed_on=listed_on)
        entry._history_user = actor
        entry.save()
        audit.record(actor, "campaign_entry.add", entry,
                     {"campaign": campaign, "project": project, "batch": batch})
    return entry


def category_create(*, actor: User | None, code: str, name: str, sort: int = 0) -> Category:
    ensure_ledger_editor(actor)
    with transaction.atomic():
        if Category.objects.filter(code=code).exists() or \
                Category.objects.filter(name=name).exists():
            raise UserError("category.duplicate", _("类别 %(name)s 已存在。") % {"name": name},
                            "name")
        category = Category.objects.create(code=code, name=name, sort=sort)
        audit.record(actor, "category.create", category, {"code": code, "name": name})
    return category


def project_register_stats(*, actor: User | None, project: Project, registered_on: date | None,
                           expected_version: int | None = None) -> Project:
    """入库: the statistics bureau records (or clears) the registration date."""
    policy.require_stats_registrar(actor)
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        ensure_version(project, expected_version)
        if registered_on and registered_on > clock.today():
            raise UserError("project.registered_future", _("入库日期不能晚于今天。"),
                            "stats_registered_on")
        if registered_on and not project.actual_start:
            raise UserError("project.registered_not_started",
                            _("项目尚未开工，不能入库（先入库、后有数，以开工为准）。"),
                            "stats_registered_on")
        before = project.stats_registered_on
        project.stats_registered_on = registered_on
        project.version += 1
        project._history_user = actor
        project.save()
        audit.record(actor, "project.register_stats", project,
                     {"stats_registered_on": [before, registered_on]})
    return project


# ---------------------------------------------------------------- many rows at once (imports)

BULK_BATCH = 1000


class RowErrors(UserError):
    """Rows a bulk service refused, by their index in the input; nothing was written."""

    def __init__(self, errors: dict[int, UserError]):
        first = next(iter(errors.values()))
        super().__init__(first.code, first.message, first.field)
        self.errors = errors


def _code_owners(codes: set[str]) -> dict[str, Project]:
    """The projects already holding `codes`, in one query per thousand."""
    codes, owners = sorted(c for c in codes if c), {}
    for start in range(0, len(codes), BULK_BATCH):
        for project in Project.objects.filter(code__in=codes[start:start + BULK_BATCH]):
            owners[project.code] = project
    return owners


def project_create_many(*, actor: User | None, rows: list[dict[str, Any]]) -> list[Project]:
    """project_create for many rows: the same validation row by row (codes checked against
    the database and the earlier rows), then one bulk insert with bulk field history and a
    batch of chained audit events. Any refused row: RowErrors, nothing written."""
    ensure_ledger_editor(actor)
    owners = _code_owners({normalize_code(r["code"]) for r in rows if r.get("code")})
    projects: list[Project] = []
    errors: dict[int, UserError] = {}
    for index, data in enumerate(rows):
        try:
            project = _new_project(data, code_owner=owners.get)
        except UserError as problem:
            errors[index] = problem
            continue
        if project.code:
            owners[project.code] = project
        projects.append(project)
    if errors:
        raise RowErrors(errors)
    with transaction.atomic():
        bulk.insert(projects, returning_pk=True)
        # The rows simple-history's post_save would write one by one (its own
        # bulk_create_with_history goes through the slower bulk_create).
        history, now = Project.history.model, timezone.now()
        tracked = [f.attname for f in history.tracked_fields]
        user_id = getattr(actor, "pk", None)
        bulk.insert_rows(
            history, ["history_date", "history_user_id", "history_change_reason",
                      "history_type", *tracked],
            [(now, user_id, None, "+", *(getattr(p, name) for name in tracked))
             for p in projects])
        audit.record_many(actor, [("project.create", p, _snapshot(p)) for p in projects])
    return projects


def project_update_many(*, actor: User | None,
                        items: list[tuple[Project, int | None, dict[str, Any]]]
                        ) -> list[Project]:
    """project_update for many (project, expected_version, changes): the projects are locked
    in one query within the actor's scope (another unit's project is refused as not found),
    each is version-checked and validated like project_update, the changed ones written with
    one bulk update, bulk field history and a batch of chained audit events. Unchanged
    projects write nothing. Any refused row: RowErrors, nothing written."""
    ensure_ledger_editor(actor)
    with transaction.atomic():
        scoped = scope_for(actor, Project) if actor is not None else Project.objects.all()
        locked = scoped.select_for_update(of=("self",)).in_bulk(
            [project.pk for project, _v, _c in items])
        owners = _code_owners({normalize_code(c["code"]) for _p, _v, c in items
                               if c.get("code")})
        changed: list[tuple[Project, dict[str, list[Any]], signals.Placement]] = []
        errors: dict[int, UserError] = {}
        fields = {"version", "updated_at"}
        now = timezone.now()
        for index, (given, expected_version, changes) in enumerate(items):
            project = locked.get(given.pk)
            try:
                if project is None:
                    raise UserError("project.not_found",
                                    _("找不到项目“%(p)s”（或不在您的管理范围内）。")
                                    % {"p": given}, "name")
                if "stage" in changes:
                    raise UserError("project.stage_via_update",
                                    _("阶段请通过“变更阶段”调整。"), "stage")
                ensure_version(project, expected_version)
                old_code, before = project.code, signals.placement(project)
                delta = _edit(project, changes, code_owner=owners.get)
            except UserError as problem:
                errors[index] = problem
                continue
            if not delta:
                continue
            if project.code != old_code:  # the old code is free for the rows after this one
                if old_code and getattr(owners.get(old_code), "pk", None) == project.pk:
                    del owners[old_code]
                if project.code:
                    owners[project.code] = project
            project.version += 1
            project.updated_at = now
            fields.update(delta)
            changed.append((project, delta, before))
        if errors:
            raise RowErrors(errors)
        projects = [project for project, _d, _b in changed]
        if projects:
            bulk_update_with_history(
                projects, Project, [Project._meta.get_field(f).name for f in sorted(fields)],
                batch_size=BULK_BATCH, default_user=actor, default_change_reason=None,
                default_date=now)
            audit.record_many(actor, [("project.update", project, delta)
                                      for project, delta, _b in changed])
            for project, _d, before in changed:
                signals.moved(project, before)
    return projects
