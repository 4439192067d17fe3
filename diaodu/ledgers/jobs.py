"""Import jobs before their run: the upload (stored, read in a background task), the sheets
and headers found, the mapping the user confirms, saved mapping profiles and the
reconciliation of unknown names."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from diaodu.core import audit
from diaodu.core.errors import Forbidden, UserError
from diaodu.core.models import User
from diaodu.core.roles import Role, role_of

from . import mapping as m
from . import names as nm
from .models import AliasKind, ImportJob, ImportKind, JobStatus, MappingProfile
from .readers import Table, max_bytes, read_book

# Who may start which kind of import. Units import their own reports; the ledger, plans and
# approvals are the DRC's.
KINDS_FOR_ROLE = {
    Role.DISPATCHER: (ImportKind.PROJECTS, ImportKind.PLANS, ImportKind.REPORTS,
                      ImportKind.APPROVALS),
    Role.REPORTER: (ImportKind.REPORTS,),
    Role.UNIT_HEAD: (ImportKind.REPORTS,),
    # 城运中心: a street's grids' households and population (grids/imports.py).
    Role.STREET_OPS: (ImportKind.GRIDS,),
    Role.DISTRICT_OPS: (ImportKind.GRIDS,),
}
# Sheets that explain the ledger rather than hold it; sheets summing by unit.
NOTE_SHEETS = ("说明", "目录", "封面", "填报要求", "指标解释")
SUMMARY_SHEETS = ("汇总",)


def kinds_for(user) -> tuple[str, ...]:
    return KINDS_FOR_ROLE.get(role_of(user), ())


def ensure_may_import(actor: User | None, kind: str) -> None:
    if kind not in ImportKind.values:
        raise UserError("import.kind_invalid", _("导入类型无效：%(k)s") % {"k": kind}, "kind")
    if actor is not None and kind not in kinds_for(actor):
        raise Forbidden("permission.denied", _("您的角色不能导入“%(k)s”。")
                        % {"k": ImportKind(kind).label}, "kind")


def progress_key(job_id: int) -> str:
    return f"ledgers:import-progress:{job_id}"


# ---------------------------------------------------------------- sheets and headers

def _has_rows(table: Table, header: m.Header) -> bool:
    fields = m.mapping_of(header.columns)
    name_col = fields.get("name", fields.get("code"))
    return any(m.classify(row, name_col) == m.DATA for row in table.iter_rows(header.data_start))


def _part(kind: str, header: m.Header, table: Table) -> dict[str, Any]:
    fields = m.mapping_of(header.columns)
    return {
        "sheet": table.sheet, "format": table.fmt, "title": header.title[:200],
        "header_row": header.first_row, "header_rows": header.rows,
        "labels": header.labels, "fields": fields,
        "factors": {str(c.index): str(c.factor) for c in header.columns if c.factor},
        "ignored": _ignored(kind, header),
    }


def _ignored(kind: str, header: m.Header) -> dict[str, str]:
    """Why each unmapped column is not imported: {column: reason} — another kind's field
    (年度计划投资 belongs to the plan import) or unknown."""
    out = {}
    for column in header.columns:
        if not column.label or (column.key and not column.key.startswith("_")):
            continue
        if column.key:  # 序号, 备注, 占比: read by nobody on purpose
            out[str(column.index)] = _("不导入（%(f)s）") % {
                "f": m.spec_of(kind, column.key).label}
            continue
        for other in ImportKind.values:
            key = m.match_label(other, column.label)
            if key and not key.startswith("_") and key not in ("code", "name",
                                                                "responsible_unit"):
                out[str(column.index)] = _("不导入：属于“%(k)s”（%(f)s），请用该类型导入") % {
                    "k": ImportKind(other).label, "f": m.spec_of(other, key).label}
                break
        else:
            out[str(column.index)] = _("不导入：未识别的列")
    return out


def find_sheets(kind: str, tables: list[Table], profile: dict[str, str] | None,
                chosen: list[str] | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """The sheets holding the ledger, each with its header and mapping, and a note for every
    sheet skipped (notes, hidden, no header, a summary by unit). `chosen` names the sheets
    to read (CLI --sheet, the web choice)."""
    parts, skipped = [], []
    names = [t.sheet for t in tables]
    for name in chosen or ():
        if name not in names:
            raise UserError("import.sheet_unknown", _("工作簿中没有工作表“%(s)s”，现有：%(all)s")
                            % {"s": name, "all": "、".join(names)}, "sheet")
    for table in tables:
        label = table.sheet
        if chosen and label not in chosen:
            continue
        if not chosen and table.fmt != "csv":
            if table.hidden:
                skipped.append(_("工作表“%(s)s”是隐藏的（下拉列表等），未读取。") % {"s": label})
                continue
            if any(w in label for w in NOTE_SHEETS):
                skipped.append(_("工作表“%(s)s”是说明页，未读取。") % {"s": label})
                continue
            if any(w in label for w in SUMMARY_SHEETS):
                skipped.append(_("工作表“%(s)s”是汇总表，未读取。") % {"s": label})
                continue
        header = m.detect_header(kind, table.head, merged=table.merged, profile=profile)
        if header is None or not _has_rows(table, header):
            skipped.append(_("工作表“%(s)s”没有项目表头或数据行，未读取。") % {"s": label})
            continue
        parts.append(_part(kind, header, table))
    return parts, skipped


def _read_parts(kind: str, data: bytes, filename: str, profile: MappingProfile | None,
                chosen: list[str] | None) -> dict[str, Any]:
    book = read_book(data, filename)
    parts, skipped = find_sheets(kind, book.tables, profile.columns if profile else None,
                                 chosen)
    if not parts:
        only = book.tables[0] if len(book.tables) == 1 else None
        if only is not None and m.detect_header(kind, only.head, merged=only.merged):
            raise UserError("import.no_rows", _("表头下面没有数据行（只有表头）。"), "file")
        raise UserError("import.header_not_found",
                        _("没有找到表头：各工作表前 15 行中都没有“项目名称”或“项目代码”列"
                          "（%(why)s）。请检查文件是否为%(k)s。")
                        % {"k": ImportKind(kind).label, "why": "；".join(skipped)}, "file")
    if len(parts) > 1:
        # One sheet per unit: the sheet's name stands for the responsible unit where no
        # column gives it.
        for part in parts:
            if "responsible_unit" not in part["fields"]:
                part["unit"] = part["sheet"]
    first = parts[0]
    notes = [n for t in book.tables for n in t.notes] + skipped
    return {**{k: v for k, v in first.items()}, "sheets": parts, "notes": notes}


# ---------------------------------------------------------------- upload, read, map

def store(actor, kind, filename, data, options, status) -> ImportJob:
    job = ImportJob(kind=kind, filename=filename[:200], size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(), status=status,
                    unit=getattr(actor, "unit", None), created_by=actor,
                    options=options or {})
    job.file.save(f"{job.sha256[:16]}.{filename.rsplit('.', 1)[-1][:8] or 'bin'}",
                  ContentFile(data), save=False)
    job.save()
    return job


def check_upload(data: bytes) -> None:
    if len(data) > max_bytes():
        raise UserError("import.too_large", _("文件超过 %(mb)s MB，请拆分后导入。")
                        % {"mb": max_bytes() // (1024 * 1024)}, "file")
    if not data.strip():
        raise UserError("import.empty_file", _("文件是空的。"), "file")


def import_job_read(*, actor: User | None, job: ImportJob,
                    profile: MappingProfile | None = None) -> ImportJob:
    """Read the stored file: find the sheets and headers, propose the mapping. A refused file
    fails the job with the reason (UserError is raised for the caller to show)."""
    ensure_may_import(actor, job.kind)
    with job.file.open("rb") as handle:
        data = handle.read()
    try:
        mapping = _read_parts(job.kind, data, job.filename, profile,
                              job.options.get("sheets") or None)
    except UserError as problem:
        ImportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, progress=100, summary={"failure": problem.message})
        cache.set(progress_key(job.pk), 100, 3600)
        raise
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        job.mapping, job.status, job.progress = mapping, JobStatus.MAPPED, 0
        job.save(update_fields=["mapping", "status", "progress"])
    cache.set(progress_key(job.pk), 100, 3600)
    return job


def import_job_create(*, actor: User | None, kind: str, filename: str, data: bytes,
                      profile: MappingProfile | None = None,
                      options: dict[str, Any] | None = None) -> ImportJob:
    """Upload and read at once (the command line, scripts): a refused file leaves no job."""
    ensure_may_import(actor, kind)
    check_upload(data)
    mapping = _read_parts(kind, data, filename, profile,
                          (options or {}).get("sheets") or None)
    with transaction.atomic():
        job = store(actor, kind, filename, data, options, JobStatus.MAPPED)
        job.mapping = mapping
        job.save(update_fields=["mapping"])
        audit.record(actor, "import.upload", job,
                     {"kind": kind, "sha256": job.sha256, "size": job.size,
                      "profile": profile.name if profile else ""})
    return job


def _clean_fields(job: ImportJob, part: dict[str, Any], fields: dict[str, int]) -> dict:
    known = {spec.key for spec in m.FIELDS[job.kind] if not spec.key.startswith("_")}
    labels = part.get("labels", [])
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
    return cleaned


def import_job_set_mapping(*, actor: User | None, job: ImportJob, fields: dict[str, int],
                           save_as: str = "",
                           sheets: dict[int, dict[str, int]] | None = None,
                           skip: set[int] | None = None) -> ImportJob:
    """The user confirms or corrects which column feeds which field (`fields`: the first
    sheet; `sheets`: others by position) and which sheets to read; optionally saved as the
    unit's profile for the next file."""
    parts = [dict(p) for p in (job.mapping.get("sheets") or [job.mapping])]
    given = {0: fields, **(sheets or {})}
    skip = set(skip or ())
    if len(skip) >= len(parts):
        raise UserError("import.no_sheet", _("请至少选择一个工作表。"), "mapping")
    for index, part in enumerate(parts):
        part["skip"] = index in skip
        if index in given and index not in skip:
            part["fields"] = _clean_fields(job, part, given[index])
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.busy or job.status == JobStatus.DONE:
            raise UserError("import.job_closed",
                            _("该导入任务已开始或已完成，不能再修改表头映射。"))
        before = [p.get("fields", {}) for p in (job.mapping.get("sheets") or [job.mapping])]
        first = next(p for p in parts if not p["skip"])
        job.mapping = {**job.mapping, **{k: first[k] for k in ("sheet", "labels", "fields",
                                                                "header_row", "header_rows")
                                         if k in first},
                       "sheets": parts}
        job.status = JobStatus.MAPPED
        job.save(update_fields=["mapping", "status"])
        audit.record(actor, "import.map", job,
                     {"fields": [before, [p["fields"] for p in parts]],
                      "skipped": sorted(skip)})
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


# ---------------------------------------------------------------- reconciliation

def import_job_reconcile(*, actor: User | None, job: ImportJob,
                         choices: dict[tuple[str, str], str]) -> list:
    """The user's answers for the unknown names of the last dry run ({(field, written name):
    "unit:<code>" | "category:<code>" | "leader:<username>"}), each saved as an alias; an
    empty answer leaves the name unknown. All or nothing."""
    ensure_may_import(actor, job.kind)
    if actor is not None and role_of(actor) != Role.DISPATCHER:
        raise Forbidden("permission.denied", _("只有调度员可以保存名称别名。"))
    saved = []
    with transaction.atomic():
        for (field, text), value in choices.items():
            if not value:
                continue
            kind = nm.FIELD_KINDS.get(field)
            target = nm.resolve_choice(kind, value) if kind else None
            if target is None:
                raise UserError("alias.target_unknown", _("“%(n)s”的对应对象不存在：%(v)s")
                                % {"n": text, "v": value}, "choices")
            if field == "street" and getattr(target, "kind", "") != "street":
                raise UserError("alias.street_invalid", _("属地街道“%(n)s”应对应街道办事处。")
                                % {"n": text}, "choices")
            saved.append(nm.name_alias_save(actor=actor, kind=kind, name=text, target=target))
    return saved


def aliases_from_csv(*, actor: User | None, text: str) -> list:
    """`--aliases FILE`: two columns, the written name and a unit code, category code or
    leader username (what it names decides the kind). Every line or none is saved."""
    import csv
    import io

    saved = []
    with transaction.atomic():
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            if not row or not "".join(row).strip() or row[0].strip().startswith("#"):
                continue
            if len(row) < 2 or not row[1].strip():
                raise UserError("alias.csv_invalid",
                                _("别名文件第 %(n)s 行应为两列：写法,单位代码或用户名")
                                % {"n": number})
            name, value = row[0].strip(), row[1].strip()
            for kind in (AliasKind.UNIT, AliasKind.CATEGORY, AliasKind.LEADER):
                target = nm.resolve_choice(kind, value)
                if target is not None:
                    break
            else:
                raise UserError("alias.target_unknown",
                                _("别名文件第 %(n)s 行：“%(v)s”不是单位代码、类别代码或领导用户名")
                                % {"n": number, "v": value})
            saved.append(nm.name_alias_save(actor=actor, kind=kind, name=name, target=target))
    return saved
