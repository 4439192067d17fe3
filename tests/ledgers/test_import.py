"""Importing real-world ledgers: mapping, dry run, all-or-nothing commit, idempotence, scope,
and every refusal with its Excel cell and Chinese message."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from diaodu.core.errors import UserError
from diaodu.core.models import AuditEvent
from diaodu.investment.models import AnnualPlan, ReportStatus
from diaodu.ledgers import services
from diaodu.ledgers.models import ImportJob, JobStatus, MappingProfile
from diaodu.projects.models import Project, Stage

from ..factories import ProjectFactory
from ..investment.conftest import open_month, report_of
from .conftest import project_ledger, run, xlsx

pytestmark = pytest.mark.django_db

ROWS = [
    ["2203-410102-04-01-12345X", "林山寨城市更新项目", "省重点", "城市更新", "林山寨街道",
     "林山寨", 1.5, "老旧小区改造", "2022.3"],
    [None, "须水产业园", "市级", "产业项目", "须水街道办事处", "须水街道", "0.25", "",
     "2022年4月"],
]


def errors_of(job):
    return [(e["cell"], e["code"]) for r in job.rows for e in r["errors"]]


def test_dry_run_shows_creates_and_writes_nothing(dispatcher, street_a, street_b, categories):
    job = run(dispatcher, "projects", project_ledger(ROWS, total=1.75), commit=False)
    assert job.status == JobStatus.CHECKED
    assert (job.summary["create"], job.summary["error"]) == (2, 0)
    assert Project.objects.count() == 0
    assert job.rows[0]["diff"]["总投资（万元）"] == ["", "15000.00"]
    assert "与各行之和一致" in job.summary["checks"][0]
    assert job.mapping["header_row"] == 2  # below the title and 填报单位 lines


def test_commit_creates_then_same_file_changes_nothing(dispatcher, street_a, street_b,
                                                        categories):
    data = project_ledger(ROWS)
    job = run(dispatcher, "projects", data)
    assert job.status == JobStatus.DONE and job.summary["create"] == 2
    renewal = Project.objects.get(code="2203-410102-04-01-12345X")
    assert renewal.total_investment == Decimal("15000.00")  # 1.5 亿元, exactly
    assert renewal.planned_start == date(2022, 3, 1) and renewal.street == street_a
    assert Project.objects.get(name="须水产业园").level == "city"
    events = AuditEvent.objects.count()
    again = run(dispatcher, "projects", data)
    assert again.summary["unchanged"] == 2 and again.summary["create"] == 0
    assert AuditEvent.objects.filter(action__startswith="project.").count() == 2
    assert AuditEvent.objects.count() == events + 2  # the upload and the run only


def test_update_by_name_and_unit_shows_field_diff(dispatcher, street_a, street_b, categories):
    run(dispatcher, "projects", project_ledger(ROWS))
    changed = [list(ROWS[0]), list(ROWS[1])]
    changed[1][6] = "0.3"
    job = run(dispatcher, "projects", project_ledger(changed))
    assert job.summary["update"] == 1 and job.summary["unchanged"] == 1
    row = next(r for r in job.rows if r["action"] == "update")
    assert row["diff"] == {"总投资（万元）": ["2500.00", "3000.00"]}
    assert Project.objects.get(name="须水产业园").total_investment == Decimal("3000.00")


def test_any_refused_row_writes_nothing_and_names_the_cell(dispatcher, street_a, street_b,
                                                           categories):
    bad = [list(ROWS[0]), list(ROWS[1])]
    bad[1][6] = "0.123456789"          # 1234.56789 万元: more than two decimals
    bad[0][3] = "未知类别"
    job = run(dispatcher, "projects", project_ledger(bad))
    assert job.status == JobStatus.FAILED
    assert Project.objects.count() == 0
    assert sorted(errors_of(job)) == [("E5", "import.category_unknown"),
                                      ("H6", "money.precision")]
    message = job.rows[1]["errors"][0]["message"]
    assert "总投资" in message and "不做四舍五入" in message


def test_service_rules_surface_as_row_errors(dispatcher, street_a, categories):
    rows = [["2203-410102-04-01-1", "坏代码项目", "区重点", "城市更新", "林山寨街道", "", 1,
             "", ""]]
    job = run(dispatcher, "projects", project_ledger(rows))
    assert errors_of(job) == [("B5", "project.code_invalid")]
    assert Project.objects.count() == 0


def test_total_row_that_disagrees_is_reported(dispatcher, street_a, street_b, categories):
    job = run(dispatcher, "projects", project_ledger(ROWS, total=2), commit=False)
    assert "相差 2500.00 万元" in job.summary["checks"][0]


def test_stage_change_goes_through_the_stage_service(dispatcher, street_a, categories):
    header = ["项目名称", "责任单位", "级别", "类别", "总投资（万元）", "项目阶段", "实际开工"]
    run(dispatcher, "projects", xlsx([header, ["甲项目", "林山寨街道", "区重点", "城市更新",
                                               100, "前期", None]]))
    job = run(dispatcher, "projects", xlsx([header, ["甲项目", "林山寨街道", "区重点",
                                                     "城市更新", 100, "在建", "2022-03-15"]]))
    assert job.summary["update"] == 1, job.rows
    project = Project.objects.get(name="甲项目")
    assert project.stage == Stage.CONSTRUCTION and project.actual_start == date(2022, 3, 15)


def test_only_the_drc_imports_the_ledger(street_a_reporter, street_a, categories):
    with pytest.raises(UserError) as refused:
        run(street_a_reporter, "projects", project_ledger(ROWS))
    assert refused.value.code == "permission.denied"


# ---------------------------------------------------------------- plans and reports

def test_plans_with_monthly_targets_create_then_adjust(dispatcher, project_a):
    header = ["项目名称", "责任单位", "年度", "年度计划投资（万元）",
              *[f"{m}月" for m in range(1, 13)]]
    targets = [100 * m for m in range(1, 13)]
    job = run(dispatcher, "plans", xlsx([header, [project_a.name, "林山寨街道", 2022, 1200,
                                                  *targets]]))
    assert job.summary["create"] == 1, job.rows
    plan = AnnualPlan.objects.get(project=project_a, year=2022)
    assert plan.monthly_targets[2] == "300.00"
    job = run(dispatcher, "plans", xlsx([header, [project_a.name, "林山寨街道", 2022, 1200,
                                                  *targets]]))
    assert job.summary["unchanged"] == 1
    job = run(dispatcher, "plans", xlsx([header[:4], [project_a.name, "林山寨街道", 2022,
                                                      "1,500"]]))
    assert job.summary["update"] == 1
    plan.refresh_from_db()
    assert plan.planned_investment == Decimal("1500.00")


def test_reports_by_the_unit_with_two_row_header(street_a_reporter, dispatcher, building_a,
                                                 building_b):
    round_ = open_month(dispatcher, 2022, 3)
    rows = [["中原区重点项目3月进展情况"], ["填报单位：林山寨街道", None, None, None, None,
                                          "单位：万元"],
            ["项目名称", "3月完成投资", None, None, "开工累计完成", "形象进度", "存在问题"],
            [None, "本月", "累计", "占年度计划%", None, None, None],
            [building_a.name, 120, 120, "10%", 3120, "主体结构施工至8层", "无"]]
    data = xlsx(rows, merges=[(2, 1, 2, 3, "3月完成投资"), (2, 0, 3, 0, "项目名称")])
    job = run(street_a_reporter, "reports", data, round=round_.pk)
    assert job.summary["update"] == 1, job.rows
    report = report_of(round_, building_a)
    assert report.status == ReportStatus.SUBMITTED
    assert (report.completed_in_period, report.cumulative_completed) == (
        Decimal("120.00"), Decimal("3120.00"))
    again = run(street_a_reporter, "reports", data, round=round_.pk)
    assert again.summary["unchanged"] == 1


def test_a_unit_cannot_import_into_another_units_projects(street_a_reporter, dispatcher,
                                                          building_a, building_b):
    round_ = open_month(dispatcher, 2022, 3)
    header = ["项目名称", "本月完成投资", "开工累计完成投资"]
    job = run(street_a_reporter, "reports", xlsx([header, [building_b.name, 10, 20]]),
              round=round_.pk)
    assert errors_of(job) == [("A2", "import.project_not_found")]
    assert report_of(round_, building_b).completed_in_period == 0


def test_approvals_register_items(dispatcher, project_a):
    header = ["项目名称", "审批事项", "审批类型", "受理时间", "办结时间", "办理结果"]
    data = xlsx([header, [project_a.name, "项目备案", "备案", "2022-03-01", "2022-03-01",
                          "已备案"]])
    assert run(dispatcher, "approvals", data).summary["create"] == 1
    assert run(dispatcher, "approvals", data).summary["unchanged"] == 1


# ---------------------------------------------------------------- files and safety

def test_gb18030_csv_with_full_width_digits(dispatcher, street_a, categories):
    text = ("项目名称,责任单位,级别,类别,总投资（万元）\n"
            "甲项目,林山寨街道,区重点,城市更新,１２３．４５\n")
    job = run(dispatcher, "projects", text.encode("gb18030"), filename="台账.csv")
    assert job.summary["create"] == 1
    assert Project.objects.get().total_investment == Decimal("123.45")


def test_renamed_csv_is_read_and_said(dispatcher, street_a, categories):
    text = "项目名称,责任单位,级别,类别,总投资\n甲项目,林山寨街道,区重点,城市更新,1\n"
    job = run(dispatcher, "projects", text.encode(), filename="台账.xlsx")
    assert "内容是 CSV 文本" in job.summary["notes"][0]


@pytest.mark.parametrize(("data", "code"), [
    (b"", "import.empty_file"),
    (xlsx([]), "import.empty_workbook"),
    (xlsx([["项目名称", "总投资"]]), "import.no_rows"),
    (xlsx([["甲", "乙"], [1, 2]]), "import.header_not_found"),
    (b"PK\x03\x04garbage", "import.corrupt"),
    (b"\x00\x01\x02binary", "import.not_spreadsheet"),
])
def test_unusable_files_get_a_clear_message(dispatcher, data, code):
    with pytest.raises(UserError) as refused:
        services.import_job_create(actor=dispatcher, kind="projects", filename="x.xlsx",
                                   data=data)
    assert refused.value.code == code
    assert ImportJob.objects.count() == 0


def _rezip(data, replace):
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, replace.get(info.filename, source.read(info.filename)))
        for name, content in replace.items():
            if name not in source.namelist():
                target.writestr(name, content)
    return out.getvalue()


def test_xml_entity_attack_is_refused(dispatcher):
    data = xlsx([["项目名称"], ["甲"]])
    evil = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;">]><sst>&b;</sst>')
    with pytest.raises(UserError) as refused:
        services.import_job_create(actor=dispatcher, kind="projects", filename="x.xlsx",
                                   data=_rezip(data, {"xl/sharedStrings.xml": evil}))
    assert refused.value.code == "import.xml_entities"


def test_zip_bomb_is_refused(dispatcher):
    bomb = {"xl/media/bomb.bin": b"\0" * (50 * 1024 * 1024)}
    data = _rezip(xlsx([["项目名称"], ["甲"]]), bomb)
    with pytest.raises(UserError) as refused:
        services.import_job_create(actor=dispatcher, kind="projects", filename="x.xlsx",
                                   data=data)
    assert refused.value.code == "import.zip_bomb"


def test_size_and_row_limits(dispatcher, settings):
    settings.LEDGER_IMPORT_MAX_ROWS = 3
    with pytest.raises(UserError) as refused:
        services.import_job_create(actor=dispatcher, kind="projects", filename="x.csv",
                                   data="项目名称\n甲\n乙\n丙\n丁\n".encode())
    assert refused.value.code == "import.too_many_rows"
    settings.LEDGER_IMPORT_MAX_BYTES = 10
    with pytest.raises(UserError) as refused:
        services.import_job_create(actor=dispatcher, kind="projects", filename="x.csv",
                                   data="项目名称\n甲乙丙丁\n".encode())
    assert refused.value.code == "import.too_large"


def test_formula_without_cached_value_is_a_row_error(dispatcher, street_a, categories):
    header = ["项目名称", "责任单位", "级别", "类别", "总投资（万元）"]
    data = xlsx([header, ["甲项目", "林山寨街道", "区重点", "城市更新", None]],
                formulas=[(1, 4, "=100*2")])
    # xlsxwriter stores 0 as the formula's value unless told otherwise; strip it.
    source = zipfile.ZipFile(io.BytesIO(data))
    sheet = source.read("xl/worksheets/sheet1.xml").replace(b"</f><v>0</v>", b"</f>")
    job = run(dispatcher, "projects", _rezip(data, {"xl/worksheets/sheet1.xml": sheet}))
    assert errors_of(job) == [("E2", "import.formula_uncached")]


def _ods(rows) -> bytes:
    """A minimal OpenDocument spreadsheet; a cell given as ("=formula",) has no value."""
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    cells = []
    for row in rows:
        xml = []
        for value in row:
            if isinstance(value, tuple):
                xml.append(f'<table:table-cell table:formula="of:{value[0]}"/>')
            elif isinstance(value, int | float):
                xml.append(f'<table:table-cell office:value-type="float" office:value="{value}">'
                           f"<text:p>{value}</text:p></table:table-cell>")
            else:
                xml.append('<table:table-cell office:value-type="string">'
                           f"<text:p>{value}</text:p></table:table-cell>")
        cells.append(f"<table:table-row>{''.join(xml)}</table:table-row>")
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="{office}" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="台账">'
        '<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>'
        f'{"".join(cells)}</table:table></office:spreadsheet></office:body>'
        "</office:document-content>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml",
                         '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:'
                         'names:tc:opendocument:xmlns:manifest:1.0"/>')
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def test_ods_formula_without_value_is_a_row_error(dispatcher, street_a, categories):
    # Two empty rows stored as one repeated row come first: the cell is E4, not E3.
    header = ["项目名称", "责任单位", "级别", "类别", "总投资（万元）"]
    data = _ods([header, ["甲项目", "林山寨街道", "区重点", "城市更新", ("=100*2",)],
                 ["乙项目", "林山寨街道", "区重点", "城市更新", 50]])
    job = run(dispatcher, "projects", data, filename="台账.ods")
    assert errors_of(job) == [("E4", "import.formula_uncached")]


# ---------------------------------------------------------------- profiles, task, command

def test_saved_profile_maps_the_next_file(dispatcher, street_a, categories):
    header = ["项目", "单位", "级", "类", "投资"]
    data = xlsx([header, ["甲项目", "林山寨街道", "区重点", "城市更新", 10]])
    job = services.import_job_create(actor=dispatcher, kind="projects", filename="a.xlsx",
                                     data=data)
    services.import_job_set_mapping(
        actor=dispatcher, job=job, save_as="发改委月报",
        fields={"name": 0, "responsible_unit": 1, "level": 2, "category": 3,
                "total_investment": 4})
    profile = MappingProfile.objects.get(unit=dispatcher.unit, name="发改委月报")
    second = services.import_job_create(actor=dispatcher, kind="projects", filename="b.xlsx",
                                        data=data, profile=profile)
    assert second.mapping["fields"]["total_investment"] == 4
    assert services.import_job_run(actor=dispatcher, job=second,
                                   commit=True).summary["create"] == 1


def test_mapping_refuses_a_column_twice(dispatcher, street_a, categories):
    job = run(dispatcher, "projects", project_ledger(ROWS), commit=False)
    with pytest.raises(UserError) as refused:
        services.import_job_set_mapping(actor=dispatcher, job=job, fields={"name": 2, "code": 2})
    assert refused.value.code == "import.column_twice"


def test_task_runs_the_queued_commit(dispatcher, street_a, street_b, categories,
                                     django_capture_on_commit_callbacks):
    from diaodu.ledgers.tasks import run_import

    job = run(dispatcher, "projects", project_ledger(ROWS), commit=False)
    with django_capture_on_commit_callbacks(execute=False):
        job = services.import_job_queue(actor=dispatcher, job=job, commit=True)
    assert job.status == JobStatus.QUEUED
    result = run_import.call(job_id=job.pk, commit=True)
    assert result["create"] == 2
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.progress == 100
    assert Project.objects.count() == 2


def test_commit_needs_a_clean_dry_run(dispatcher, street_a, categories):
    job = services.import_job_create(actor=dispatcher, kind="projects", filename="a.xlsx",
                                     data=project_ledger(ROWS[:1]))
    with pytest.raises(UserError) as refused:
        services.import_job_queue(actor=dispatcher, job=job, commit=True)
    assert refused.value.code == "import.needs_dry_run"


def test_command_dry_run_and_commit(dispatcher, street_a, street_b, categories, tmp_path,
                                    capsys):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(project_ledger(ROWS))
    call_command("import", str(path), "--kind", "projects", "--dry-run", "--as", "dispatcher")
    out = capsys.readouterr().out
    assert "预检：共 2 行；新增 2" in out and Project.objects.count() == 0
    call_command("import", str(path), "--kind", "projects", "--as", "dispatcher")
    assert Project.objects.count() == 2


def test_command_exits_non_zero_on_a_refused_row(dispatcher, street_a, categories, tmp_path,
                                                capsys):
    bad = [list(ROWS[0])]
    bad[0][6] = "abc"
    path = tmp_path / "台账.xlsx"
    path.write_bytes(project_ledger(bad))
    with pytest.raises(CommandError, match="1 行被拒绝"):
        call_command("import", str(path), "--kind", "projects", "--as", "dispatcher")
    assert "H5：总投资：不是有效金额：abc" in capsys.readouterr().out
    assert Project.objects.count() == 0


def test_existing_project_matched_by_code(dispatcher, street_a, categories):
    ProjectFactory(name="旧名称", code="2203-410102-04-01-12345X", responsible_unit=street_a,
                   category=categories[0], level="province",
                   total_investment=Decimal("15000.00"))
    job = run(dispatcher, "projects", project_ledger(ROWS[:1]), commit=False)
    assert job.summary["update"] == 1
    assert job.rows[0]["diff"]["项目名称"] == ["旧名称", "林山寨城市更新项目"]
