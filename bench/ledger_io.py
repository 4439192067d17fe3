"""Ledger import and export at city scale, beside django-import-export (issue 8).

    uv run python bench/ledger_io.py            # 20,000 rows, peers, peak RSS at 5k/20k/50k
    uv run python bench/ledger_io.py --rows 2000 --no-rss [--plans-rows 500]

Builds a throw-away test database (SQLite in memory unless DATABASE_URL says otherwise) with
the district's units, then:

* import: a generated 20,000-row × 25-column 重点项目台账 as units keep it (title rows, a
  two-row merged header, 亿元 amounts, section and total rows) imported end to end — read,
  header mapping, validation, and the write through project_create with audit and history,
  in one transaction. django-import-export imports the same projects into the same model
  from the one-header-row template it requires (stored codes instead of 省重点/前期, since it
  has no header or value mapping), by default (save() per row, diff kept) and tuned
  (bulk_create in batches of 1,000, no diff).
* plans: a 2,000-row ledger (--plans-rows) imported with its 2022年计划投资 column ticked
  (issue 14 §5: the projects and their annual plans in one job) beside the same file
  imported projects-only; reported, no goal yet (the plans go row by row through
  annual_plan_create, the projects in bulk).
* export: 20,000 projects as our 重点项目台账 (sections, subtotals, formats, print setup),
  as a plain xlsxwriter dump of the same cells, and through django-import-export.
* memory: peak RSS of a fresh process reading, mapping and parsing a 5k, 20k and 50k-row
  ledger (the part of the import that holds the file) and exporting as many projects.

Each measured import runs inside a transaction that is rolled back afterwards, so every
contender starts from the same empty ledger. The machine has 2 cores shared with other
engineers' test runs: timings are noisy (run twice when a goal is close).
"""

import argparse
import io
import itertools
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diaodu.settings")

import django

django.setup()

import xlsxwriter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

STREETS = ["林山寨", "建设路", "棉纺路", "秦岭路", "桐柏路", "三官庙", "绿东村", "汝河路",
           "航海西路", "中原西路", "西流湖", "须水", "莲湖", "柳湖"]
DEPARTMENTS = ["区住房和城乡建设局", "区工业和信息化局", "区卫生健康委员会", "区教育局"]
# How the ledger writes the departments: abbreviations the reconciliation step answered once
# (saved as aliases in setup), so every row goes through the alias lookup.
WRITTEN = {"区住房和城乡建设局": "住建局", "区工业和信息化局": "工信局",
           "区卫生健康委员会": "卫健委", "区教育局": "教体局"}
CATEGORIES = [("urban_renewal", "城市更新"), ("industry", "产业项目"),
              ("infrastructure", "基础设施"), ("social", "社会民生"), ("village", "城中村改造")]
LEVELS = [("province", "省重点"), ("city", "市重点"), ("district", "区重点")]
# 2022年计划投资 (亿元) is the ledger's plan column: not read unless ticked (--plans-rows
# measures an import with it ticked, the plans written through annual_plan_create).
EXTRA = ["联系人", "联系电话", "2022年计划投资", "备注", "包联领导", "是否新开工", "审批进展"]


class Rollback(Exception):
    pass


def setup():
    from diaodu.core.models import UnitKind
    from diaodu.core.roles import Role
    from diaodu.projects.models import Category
    from tests.factories import UserFactory, unit

    connection.creation.create_test_db(verbosity=0)
    district = unit("410102", "中原区", UnitKind.DISTRICT)
    drc = unit("410102-FGW", "区发展和改革委员会", UnitKind.DEPARTMENT, district)
    for n, name in enumerate(STREETS, start=1):
        unit(f"410102{n:03d}", f"{name}街道办事处", UnitKind.STREET, district)
    from diaodu.ledgers.models import AliasKind
    from diaodu.ledgers.names import name_alias_save

    for n, name in enumerate(DEPARTMENTS):
        department = unit(f"410102-D{n}", name, UnitKind.DEPARTMENT, district)
        name_alias_save(actor=None, kind=AliasKind.UNIT, name=WRITTEN[name], target=department)
    for code, name in CATEGORIES:
        Category.objects.create(code=code, name=name)
    return UserFactory(username="bench_dispatcher", unit=drc, role=Role.DISPATCHER)


def project_rows(n: int):
    """n projects as plain values: (level, values by field)."""
    start = date(2022, 1, 1)
    for i in range(n):
        level, level_label = LEVELS[i % 3]
        street = STREETS[i % len(STREETS)]
        unit = f"{street}街道办事处" if i % 5 else DEPARTMENTS[i % len(DEPARTMENTS)]
        planned = start + timedelta(days=i % 300)
        yield level, {
            "code": f"2203-410102-04-01-{i:06d}",
            "name": f"{street}第{i:05d}号重点项目",
            "level": level, "level_label": level_label,
            "category": CATEGORIES[i % len(CATEGORIES)][1],
            "stage": "preparation", "stage_label": "前期",
            "owner_name": f"郑州{street}建设发展有限公司",
            "responsible_unit": unit, "street": f"{street}街道办事处",
            "total_investment": Decimal(1000 + i * 37 % 900000) / 100,   # 亿元, 2 places
            "scope": f"总建筑面积约{10 + i % 90}万平方米，建设住宅、商业及配套设施",
            "planned_start": planned, "planned_completion": planned + timedelta(days=900),
            "location": f"中原区{street}街道{i % 40}号",
        }


def our_ledger(n: int) -> bytes:
    """The ledger as a unit keeps it: title, unit line, two-row header, 亿元, the rows grouped
    under section rows (一、省重点项目 / （一）前期项目 …, each with its count and subtotal),
    units written as abbreviations and streets without 街道办事处, a 合计 and notes under it."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    ws = book.add_worksheet("台账")
    head = book.add_format({"bold": True, "border": 1, "text_wrap": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    labels = ["序号", "项目代码", "项目\n名称", "级别", "类别", "项目阶段", "建设单位",
              "牵头单位", "所属街道", "计划总投资（亿元）", "建设内容及规模", "计划开工时间",
              "计划竣工时间", "实际开工时间", "实际竣工时间", "建设地点", "入库时间", "白名单",
              *EXTRA]
    assert len(labels) == 25
    ws.merge_range(0, 0, 0, 24, "中原区2022年重点项目台账")
    ws.write(1, 0, "填报单位：区发改委")
    ws.write(1, 20, "单位：亿元")
    for c, label in enumerate(labels):
        if 11 <= c <= 14:
            continue
        ws.merge_range(2, c, 3, c, label, head) if c not in range(11, 15) else None
    ws.merge_range(2, 11, 2, 14, "时间节点", head)
    for c in range(11, 15):
        ws.write(3, c, labels[c], head)
    rows = sorted(project_rows(n), key=lambda lp: [x for x, _l in LEVELS].index(lp[0]))
    r, total = 4, Decimal(0)
    for depth1, (level, label) in enumerate(LEVELS):
        group = [p for lv, p in rows if lv == level]
        ws.write_string(r, 0, f"{'一二三'[depth1]}、{label}项目（{len(group)}个）")
        ws.write_number(r, 9, float(sum(p["total_investment"] for p in group)))
        ws.write_string(r + 1, 0, f"（一）前期项目（{len(group)}个）")
        r += 2
        for p in group:
            i = int(p["code"][-6:]) + 1
            write_row(ws, r, i, p, day)
            total += p["total_investment"]
            r += 1
    ws.write_string(r, 0, "合计")
    ws.write_number(r, 9, float(total))
    ws.write_string(r + 1, 0, "注：本表由区发改委汇总。")
    ws.write_string(r + 2, 0, "填报人：张三")
    book.close()
    return buffer.getvalue()


def write_row(ws, r: int, i: int, p: dict, day) -> None:
    ws.write_number(r, 0, i)
    ws.write_string(r, 1, p["code"])
    ws.write_string(r, 2, p["name"])
    ws.write_string(r, 3, p["level_label"])
    ws.write_string(r, 4, p["category"])
    ws.write_string(r, 5, p["stage_label"])
    ws.write_string(r, 6, p["owner_name"])
    ws.write_string(r, 7, WRITTEN.get(p["responsible_unit"], p["responsible_unit"]))
    ws.write_string(r, 8, p["street"].removesuffix("街道办事处"))
    ws.write_number(r, 9, float(p["total_investment"]))
    ws.write_string(r, 10, p["scope"])
    ws.write_datetime(r, 11, p["planned_start"], day)
    ws.write_datetime(r, 12, p["planned_completion"], day)
    ws.write_string(r, 15, p["location"])
    ws.write_string(r, 17, "否")
    for c, value in enumerate(["张三", "0371-6788" + f"{i % 10000:04d}", "",
                               "", "", "否", "立项已完成"], start=18):
        if value:
            ws.write_string(r, c, value)
    ws.write_number(r, 20, float(plan_of(p)))


def plan_of(p: dict) -> Decimal:
    """The row's 2022年计划投资 in 亿元 (a quarter of the total, to the 0.01 亿元)."""
    return (p["total_investment"] / 4).quantize(Decimal("0.01"))


def peer_template(n: int) -> bytes:
    """The same projects in django-import-export's template: one header row of field names,
    stored values (province, preparation, 万元, ISO dates)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    ws = book.add_worksheet()
    fields = ["code", "name", "level", "category", "stage", "owner_name", "responsible_unit",
              "street", "total_investment", "scope", "planned_start", "planned_completion",
              "location"]
    ws.write_row(0, 0, fields)
    for r, (_level, p) in enumerate(project_rows(n), start=1):
        ws.write_row(r, 0, [p["code"] or None, p["name"], p["level"], p["category"], p["stage"],
                            p["owner_name"], p["responsible_unit"], p["street"],
                            str(p["total_investment"] * 10000), p["scope"],
                            p["planned_start"].isoformat(),
                            p["planned_completion"].isoformat(), p["location"]])
    book.close()
    return buffer.getvalue()


def resource_class(tuned: bool):
    from import_export import fields, resources, widgets

    from diaodu.core.models import OrgUnit
    from diaodu.projects.models import Category, Project

    class ProjectResource(resources.ModelResource):
        category = fields.Field("category", "category",
                                widgets.ForeignKeyWidget(Category, "name"))
        responsible_unit = fields.Field("responsible_unit", "responsible_unit",
                                        widgets.ForeignKeyWidget(OrgUnit, "name"))
        street = fields.Field("street", "street", widgets.ForeignKeyWidget(OrgUnit, "name"))

        class Meta:
            model = Project
            fields = ("code", "name", "level", "category", "stage", "owner_name",
                      "responsible_unit", "street", "total_investment", "scope",
                      "planned_start", "planned_completion", "location")
            import_id_fields = ("code",)
            if tuned:
                use_bulk = True
                batch_size = 1000
                skip_diff = True
                force_init_instance = True

    return ProjectResource


def time_ours(user, data: bytes, parts: tuple[str, ...] = ()) -> tuple[float, dict]:
    from diaodu.investment.models import AnnualPlan
    from diaodu.ledgers import services

    t0 = time.perf_counter()
    summary = {}
    try:
        with transaction.atomic():
            job = services.import_job_create(actor=user, kind="projects",
                                             filename="重点项目台账.xlsx", data=data,
                                             options={"with": list(parts)} if parts else None)
            job = services.import_job_run(actor=user, job=job, commit=True)
            summary = job.summary
            elapsed = time.perf_counter() - t0
            summary["plans"] = AnnualPlan.objects.count()
            raise Rollback
    except Rollback:
        pass
    return elapsed, summary


def time_floor(user, data: bytes) -> tuple[float, int]:
    """The floor on the same model (issue 20): the same file through the same streaming
    reader, each data row's cells taken as they stand (the columns are known: no header
    mapping, no checks, no upsert look-up), then the projects, their history rows and their
    audit events bulk-inserted in one transaction — what any import of these rows must do."""
    from datetime import datetime

    from django.utils import timezone

    from diaodu.core import audit, bulk
    from diaodu.core.models import OrgUnit
    from diaodu.ledgers.readers import read_table
    from diaodu.projects.models import Category, Project
    from diaodu.projects.services import _snapshot

    units = {u.name: u for u in OrgUnit.objects.all()}  # objects: the snapshot names them
    # The ledger writes departments as abbreviations and streets without 街道办事处: the
    # floor knows them (the real import resolves them through the saved aliases).
    units.update({short: units[full] for full, short in WRITTEN.items()})
    units.update({name: units[f"{name}街道办事处"] for name in STREETS})
    categories = {c.name: c for c in Category.objects.all()}
    levels = {label: code for code, label in LEVELS}

    def day(value):
        return value.date() if isinstance(value, datetime) else value or None

    t0 = time.perf_counter()
    try:
        with transaction.atomic():
            projects = [
                Project(code=row[1], name=row[2], level=levels[row[3]],
                        category=categories[row[4]], stage="preparation",
                        owner_name=row[6], responsible_unit=units[row[7]],
                        street=units[row[8]],
                        total_investment=(Decimal(str(row[9])) * 10000).quantize(Decimal("0.01")),
                        scope=row[10], planned_start=day(row[11]),
                        planned_completion=day(row[12]), location=row[15])
                for row in read_table(data, "重点项目台账.xlsx").iter_rows(4)
                if isinstance(row[0], (int, float)) and row[0] != ""]
            bulk.insert(projects, returning_pk=True)
            history, now = Project.history.model, timezone.now()
            tracked = [f.attname for f in history.tracked_fields]
            bulk.insert_rows(
                history, ["history_date", "history_user_id", "history_change_reason",
                          "history_type", *tracked],
                [(now, user.pk, None, "+", *(getattr(p, name) for name in tracked))
                 for p in projects])
            audit.record_many(user, [("project.create", p, _snapshot(p)) for p in projects])
            elapsed, count = time.perf_counter() - t0, len(projects)
            raise Rollback
    except Rollback:
        pass
    return elapsed, count


def time_peer(data: bytes, tuned: bool) -> tuple[float, int]:
    import tablib

    resource = resource_class(tuned)()
    t0 = time.perf_counter()
    try:
        with transaction.atomic():
            dataset = tablib.Dataset().load(data, format="xlsx")
            result = resource.import_data(dataset, dry_run=False, raise_errors=True)
            elapsed = time.perf_counter() - t0
            count = result.totals.get("new", 0)
            raise Rollback
    except Rollback:
        pass
    return elapsed, count


def export_ours(user) -> tuple[float, int]:
    from diaodu.ledgers.exports import write_projects
    from diaodu.projects.selectors import project_list

    t0 = time.perf_counter()
    content = write_projects(user, project_list(user=user).iterator(chunk_size=2000))
    return time.perf_counter() - t0, len(content)


def export_raw(user) -> tuple[float, int]:
    """The floor: the same cells streamed with xlsxwriter, no layout at all."""
    from diaodu.ledgers.exports import _project_row
    from diaodu.projects.selectors import project_list

    t0 = time.perf_counter()
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": False})
    ws = book.add_worksheet()
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, p in enumerate(project_list(user=user).iterator(chunk_size=2000)):
        for c, value in enumerate(_project_row(r + 1, p)):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                ws.write_datetime(r, c, value, day)
            elif isinstance(value, (int, float, Decimal)):
                ws.write_number(r, c, float(value))
            else:
                ws.write_string(r, c, str(value))
    book.close()
    return time.perf_counter() - t0, len(buffer.getvalue())


def export_peer(user) -> tuple[float, int]:
    from diaodu.projects.selectors import project_list

    t0 = time.perf_counter()
    dataset = resource_class(False)().export(project_list(user=user))
    content = dataset.export("xlsx")
    return time.perf_counter() - t0, len(content)


def bulk_projects(n: int) -> None:
    """Export set-up at any size: rows written in bulk (set-up, not the subject)."""
    from diaodu.core.models import OrgUnit
    from diaodu.projects.models import Category, Project

    units = {u.name: u for u in OrgUnit.objects.all()}
    categories = {c.name: c for c in Category.objects.all()}
    rows = project_rows(n)
    # In batches, so the set-up itself does not raise the peak RSS being measured.
    while batch := [Project(
            code=p["code"], name=p["name"], level=p["level"],
            category=categories[p["category"]], stage=p["stage"],
            owner_name=p["owner_name"], responsible_unit=units[p["responsible_unit"]],
            street=units[p["street"]], total_investment=p["total_investment"] * 10000,
            scope=p["scope"], planned_start=p["planned_start"],
            planned_completion=p["planned_completion"], location=p["location"])
            for _level, p in itertools.islice(rows, 2000)]:
        Project.objects.bulk_create(batch)


def rss_child(n: int, path: str) -> None:
    """One fresh process: read, map and parse an n-row ledger (the part of the import whose
    memory follows the file), then export n projects; print the peak RSS. The file is made
    by the parent (generating it is set-up, not the subject)."""
    from diaodu.ledgers import services

    user = setup()
    data = Path(path).read_bytes()
    t0 = time.perf_counter()
    job = services.import_job_create(actor=user, kind="projects", filename="l.xlsx",
                                     data=data)
    rows = sum(1 for line in services.Sheet(job).lines() if not line.errors)
    assert rows == n, rows
    parsed = time.perf_counter() - t0
    bulk_projects(n)
    seconds, _size = export_ours(user)
    print(f"RSS {n} {peak_rss_mib():.0f} {parsed:.1f} {seconds:.1f}")


def peak_rss_mib() -> float:
    """This process's peak RSS. Linux keeps ru_maxrss across exec, so a child started from a
    big parent would report the parent's peak: VmHWM belongs to the new process alone."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(next(x for x in status.splitlines() if x.startswith("VmHWM:")).split()[1]) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def verdict(ok: bool) -> str:
    return "met" if ok else "missed"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--no-rss", action="store_true")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--plans-rows", type=int, default=2_000,
                        help="rows of the import measured with the plan column ticked "
                             "(0: skip)")
    parser.add_argument("--rss-child", type=int)
    parser.add_argument("--rss-file")
    args = parser.parse_args()
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="ledger-bench-")
    settings.LEDGER_IMPORT_MAX_ROWS = 200_000
    settings.LEDGER_IMPORT_MAX_BYTES = 200 * 1024 * 1024
    if args.rss_child:
        rss_child(args.rss_child, args.rss_file)
        return
    n = args.rows
    user = setup()
    data, template = our_ledger(n), peer_template(n)
    print(f"ledger_io: {n} rows × 25 columns, our file {len(data) // 1024} KiB "
          f"(title rows, two-row header, 亿元), peer template {len(template) // 1024} KiB")
    print(f"NOTE: {os.cpu_count()} cores shared with whatever else runs (load average "
          f"{os.getloadavg()[0]:.1f} now): timings are noisy.")

    ours, summary = time_ours(user, data)
    print(f"import ours: {ours:.2f}s ({n / ours:.0f} rows/s) created={summary.get('create')} "
          f"errors={summary.get('error')} unknown names={len(summary.get('unknown', []))} "
          f"totals checked={sum(1 for t in summary.get('totals', []) if t['stated'])}")
    plans = None
    if args.plans_rows:
        k = args.plans_rows
        small = our_ledger(k)
        alone, _s = time_ours(user, small)
        ticked, plans_summary = time_ours(user, small, ("plans",))
        plans = (k, alone, ticked)
        print(f"import {k} rows with the plan column ticked: {ticked:.2f}s "
              f"(projects only {alone:.2f}s; plans written={plans_summary.get('plans')}, "
              f"errors={plans_summary.get('error')})")
    floor, floor_count = time_floor(user, data)
    print(f"import floor (stream read + bulk insert of projects, history, audit; no checks): "
          f"{floor:.2f}s ({floor_count} projects)")
    peer_default = peer_tuned = None
    if not args.no_peers:
        peer_default, count = time_peer(template, tuned=False)
        print(f"import django-import-export default: {peer_default:.2f}s (new={count})")
        peer_tuned, count = time_peer(template, tuned=True)
        print(f"import django-import-export tuned (bulk, no diff): {peer_tuned:.2f}s "
              f"(new={count})")

    bulk_projects(n)
    ours_x, size = export_ours(user)
    raw_x, raw_size = export_raw(user)
    print(f"export ours: {ours_x:.2f}s ({size // 1024} KiB); raw xlsxwriter: {raw_x:.2f}s "
          f"({raw_size // 1024} KiB)")
    peer_x = None
    if not args.no_peers:
        peer_x, peer_size = export_peer(user)
        print(f"export django-import-export: {peer_x:.2f}s ({peer_size // 1024} KiB)")

    rss = {}
    if not args.no_rss:
        for size in (5_000, 20_000, 50_000):
            with tempfile.NamedTemporaryFile(suffix=".xlsx") as ledger:
                ledger.write(our_ledger(size))
                ledger.flush()
                out = subprocess.run([sys.executable, __file__, "--rss-child", str(size),
                                      "--rss-file", ledger.name],
                                     capture_output=True, text=True, check=True).stdout
            line = next(x for x in out.splitlines() if x.startswith("RSS "))
            _tag, _rows, peak, imported, exported = line.split()
            rss[size] = float(peak)
            print(f"peak RSS at {size} rows: {peak} MiB (read+map+parse {imported}s, "
                  f"export {exported}s)")

    # Every BENCH line's ratio is ours ÷ the alternative it names, read the way its goal
    # reads ("ours<=0.2*django-import-export": ratio<=0.2, i.e. at least 5× faster).
    if peer_default is not None:
        print(f"BENCH ledger_import_{n}: ours={ours:.2f}s "
              f"django-import-export={peer_default:.2f}s ratio={ours / peer_default:.2f} "
              f"goal ours<=8s and ours<=0.2*django-import-export: "
              f"{verdict(ours <= 8 and peer_default / ours >= 5)}")
        print(f"BENCH ledger_import_{n}_tuned_peer: ours={ours:.2f}s "
              f"django-import-export-tuned={peer_tuned:.2f}s ratio={ours / peer_tuned:.2f} "
              f"goal reported only: met")
    else:
        print(f"BENCH ledger_import_{n}: ours={ours:.2f}s goal ours<=8s: {verdict(ours <= 8)}")
    print(f"BENCH ledger_import_{n}_floor: ours={ours:.2f}s floor={floor:.2f}s "
          f"ratio={ours / floor:.2f} goal ours<=2*floor: {verdict(ours <= 2 * floor)}")
    if plans is not None:
        k, alone, ticked = plans
        print(f"BENCH ledger_import_plans_{k}: ours={ticked:.2f}s projects-only={alone:.2f}s "
              f"ratio={ticked / alone:.2f} goal reported only (a plan per row through "
              f"annual_plan_create): met")
    from diaodu.core import audit, audit_archive, audit_seal

    # The imports above rolled back; sealing their n events would follow a real commit,
    # outside the import's time: measured here on n committed events.
    with transaction.atomic():
        audit.record_many(user, [("bench.event", None, {"n": i}) for i in range(n)])
        t0 = time.perf_counter()
        sealed = audit_seal.seal()
        print(f"sealing {sealed} events (after an import's commit, outside its time): "
              f"{time.perf_counter() - t0:.2f}s")
    events, _head, problems = audit_archive.verify_log()
    print(f"BENCH ledger_audit_chain: ours={len(problems)}problems events={events} "
          f"goal chain verifies: {verdict(not problems)}")
    print(f"BENCH ledger_export_{n}: ours={ours_x:.2f}s xlsxwriter={raw_x:.2f}s "
          f"ratio={ours_x / raw_x:.2f} goal ours<=1.3*xlsxwriter: "
          f"{verdict(ours_x <= 1.3 * raw_x)}")
    if peer_x is not None:
        print(f"BENCH ledger_export_{n}_vs_peer: ours={ours_x:.2f}s "
              f"django-import-export={peer_x:.2f}s ratio={ours_x / peer_x:.2f} "
              f"goal reported only: met")
    if rss:
        growth = rss[50_000] / rss[5_000]
        print(f"BENCH ledger_memory: ours={rss[5_000]:.0f}/{rss[20_000]:.0f}/"
              f"{rss[50_000]:.0f}MiB at 5k/20k/50k ratio={growth:.2f} "
              f"goal 50k<=1.5*5k (flat): {verdict(growth <= 1.5)}")


if __name__ == "__main__":
    main()
