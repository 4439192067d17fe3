"""The ledgers users really keep (issue 14) import exactly — counts and totals to the cent —
after at most one reconciliation step per file; the same file again changes nothing."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from diaodu.core.models import AuditEvent
from diaodu.investment.models import ProgressReport
from diaodu.ledgers import services
from diaodu.ledgers.models import NameAlias
from diaodu.projects.models import Project, Stage

from ..investment.conftest import open_month
from . import corpus
from .conftest import run

pytestmark = pytest.mark.django_db


ANSWERS = {("responsible_unit", "区城管局"): "unit:410102-CGJ",
           ("category", "基础设施类"): "category:infrastructure"}


def reconciled(dispatcher, data, *, filename="台账.xlsx", kind="projects", **options):
    """Dry run, answer the unknown names once, dry run again: the job ready to commit."""
    first = run(dispatcher, kind, data, filename=filename, commit=False, **options)
    unknown = {(u["field"], u["text"]): u for u in first.summary["unknown"]}
    services.import_job_reconcile(actor=dispatcher, job=first, choices={
        key: value for key, value in ANSWERS.items() if key in unknown})
    return first, run(dispatcher, kind, data, filename=filename, **options)


def test_key_projects_ledger_imports_exactly(dispatcher, offices):
    first, job = reconciled(dispatcher, corpus.key_projects())
    unknown = {(u["field"], u["text"]): u for u in first.summary["unknown"]}
    # Asked once per distinct name, with the rows using it and the closest known name.
    assert unknown[("responsible_unit", "区城管局")]["count"] == 3
    assert unknown[("responsible_unit", "区城管局")]["suggestion"] == "unit:410102-CGJ"
    assert unknown[("category", "基础设施类")]["suggestion"] == "category:infrastructure"
    assert unknown[("leader", "副区长（分管城建）")]["count"] == 2
    assert first.summary["error"] == 4 and first.summary["create"] == 3
    # 包联领导 as a post: kept as text and warned, never refused.
    assert job.summary["committed"] and job.summary["error"] == 0
    assert job.summary["create"] == 7 and job.summary["rows"] == 7
    assert job.summary["warning"] == 2
    projects = Project.objects.all()
    assert projects.count() == 7
    assert projects.aggregate(s=Sum("total_investment"))["s"] == corpus.TOTAL_WAN
    # Sections set the level (no 级别 column) and the stage with 建设性质.
    assert sorted(projects.values_list("level", flat=True)) == [
        "city", "city", "city", "district", "district", "province", "province"]
    by_name = {p.name: p for p in projects}
    renewal = by_name["中原区老旧小区改造（二期）"]
    assert renewal.stage == Stage.CONSTRUCTION and renewal.actual_start == date(2022, 4, 1)
    assert renewal.date_precision == {"actual_start": "month", "planned_completion": "month"}
    assert renewal.date_text("actual_start") == "2022年4月"
    assert renewal.leader is None and renewal.leader_text == "副区长（分管城建）"
    assert renewal.responsible_unit == offices["zhujian"]
    river = by_name["须水河综合治理"]  # 前期: 开工时间 is the planned start
    assert river.stage == Stage.PREPARATION and river.actual_start is None
    assert river.planned_start == date(2023, 3, 1)
    done = by_name["棉纺路街道便民服务中心"]
    assert done.stage == Stage.COMPLETED and done.actual_completion == date(2021, 12, 1)
    assert done.street == offices["mianfang"]
    assert by_name["郑州中原科技城智慧产业园"].leader.display_name == "王建国"
    assert by_name["西流湖公园提升工程"].total_investment == Decimal("4200.00")
    # The answers are aliases now.
    assert set(NameAlias.objects.values_list("name", flat=True)) == {"区城管局", "基础设施类"}


def test_totals_are_checked_and_text_numbers_explained(dispatcher, offices):
    _first, job = reconciled(dispatcher, corpus.key_projects())
    totals = {(t["where"], t["field"]): t for t in job.summary["totals"]}
    grand = totals[("合计", "总投资")]
    assert Decimal(grand["sum"]) == corpus.TOTAL_WAN
    assert Decimal(grand["stated"]) == corpus.TOTAL_WAN - corpus.TEXT_WAN
    assert "文本" in grand["cause"] and "第 12 行" in grand["cause"]
    city = totals[("二、市重点项目（3个）", "总投资")]
    assert Decimal(city["sum"]) == corpus.SECTION_WAN["二、市重点项目（3个）"]
    assert Decimal(city["diff"]) == -corpus.TEXT_WAN
    province = totals[("一、省重点项目（2个）", "总投资")]
    assert province["stated"] == province["sum"] and not province["cause"]
    assert not job.summary["sections"]  # every section count matches its rows


def test_the_same_file_again_and_its_yi_yuan_copy_change_nothing(dispatcher, offices):
    reconciled(dispatcher, corpus.key_projects())
    events = AuditEvent.objects.count()
    again = run(dispatcher, "projects", corpus.key_projects())
    assert again.summary["unchanged"] == 7 and again.summary["error"] == 0
    copy = run(dispatcher, "projects", corpus.key_projects(unit="亿元"), filename="亿元.xlsx")
    assert copy.summary["unchanged"] == 7 and copy.summary["error"] == 0
    assert copy.mapping["sheet"] == "重点项目（亿元）"
    assert any("填报说明" in n for n in copy.mapping["notes"])
    assert any("下拉列表" in n and "隐藏" in n for n in copy.mapping["notes"])
    # Only the jobs' own events (upload, dry run/commit) were written.
    assert AuditEvent.objects.count() - events == 4


def test_yi_yuan_copy_alone_imports_to_the_cent(dispatcher, offices):
    _first, job = reconciled(dispatcher, corpus.key_projects(unit="亿元"),
                             filename="亿元.xlsx")
    assert job.summary["create"] == 7
    assert Project.objects.aggregate(s=Sum("total_investment"))["s"] == corpus.TOTAL_WAN


def test_plan_column_is_named_as_ignored(dispatcher, offices):
    job = run(dispatcher, "projects", corpus.key_projects(), commit=False)
    labels = job.mapping["labels"]
    ignored = {labels[int(i)]: why for i, why in job.mapping["sheets"][0]["ignored"].items()}
    assert "年度投资计划" in ignored["投资（万元）/2022年计划投资"]


def test_tiered_ledger_sections_set_the_stage(dispatcher, offices):
    _first, job = reconciled(dispatcher, corpus.tiers())
    assert job.summary["create"] == 7 and job.summary["rows"] == 7
    stages = dict(Project.objects.values_list("name", "stage"))
    assert stages["中原区数字经济产业园"] == Stage.PIPELINE
    assert stages["中原区康养综合体"] == Stage.NEGOTIATING
    assert stages["须水片区城市更新"] == Stage.SIGNED
    assert stages["中原区应急指挥中心"] == Stage.PREPARATION
    assert stages["秦岭路街道社区服务站"] == Stage.CONSTRUCTION
    assert stages["林山寨农贸市场改造"] == Stage.COMPLETED
    assert Project.objects.aggregate(s=Sum("total_investment"))["s"] == corpus.TIERS_WAN
    # "三、签约项目（2个）" has one row: said, not refused.
    assert len(job.summary["sections"]) == 1 and "2 个" in job.summary["sections"][0]
    totals = {t["where"]: t for t in job.summary["totals"]}
    assert Decimal(totals["合计"]["stated"]) == corpus.TIERS_WAN == Decimal(
        totals["合计"]["sum"])


def test_monthly_workbook_one_sheet_per_unit(dispatcher, offices):
    reconciled(dispatcher, corpus.key_projects())
    round_ = open_month(dispatcher, 2022, 5)
    # The DRC's collected workbook, run as the system (`diaodu import` without --as): the
    # dispatcher role does not fill in units' reports.
    job = run(None, "reports", corpus.monthly(), filename="5月.xlsx", round=round_.pk)
    assert [p["sheet"] for p in job.mapping["sheets"]] == ["区住建局", "区商务局", "区城管局"]
    assert any("按街道汇总" in n for n in job.mapping["notes"])
    assert job.summary["error"] == 0 and job.summary["update"] == 4, job.rows
    reports = ProgressReport.objects.filter(round=round_)
    assert reports.aggregate(s=Sum("completed_in_period"))["s"] == corpus.MONTHLY_PERIOD
    assert reports.aggregate(s=Sum("cumulative_completed"))["s"] == corpus.MONTHLY_CUMULATIVE
    again = run(None, "reports", corpus.monthly(), filename="5月.xlsx", round=round_.pk)
    assert again.summary["unchanged"] == 4


def test_bad_cell_in_a_workbook_names_sheet_and_cell_and_writes_nothing(dispatcher, offices):
    reconciled(dispatcher, corpus.key_projects())
    round_ = open_month(dispatcher, 2022, 5)
    corpus.MONTHLY["区城管局"][1] = ("西流湖公园提升工程", "区城管局", "abc", 0.35, "绿化提升")
    try:
        job = run(None, "reports", corpus.monthly(), filename="5月.xlsx", round=round_.pk)
    finally:
        corpus.MONTHLY["区城管局"][1] = ("西流湖公园提升工程", "区城管局", 0.01, 0.35, "绿化提升")
    assert not job.summary["committed"]
    cells = [e["cell"] for r in job.rows for e in r["errors"]]
    assert cells == ["区城管局!C3"]
    assert not ProgressReport.objects.filter(round=round_, completed_in_period__gt=0).exists()


def test_command_lists_unknown_names_then_takes_an_aliases_file(dispatcher, offices, tmp_path):
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(corpus.key_projects())
    out = io.StringIO()
    with pytest.raises(CommandError, match="4 行被拒绝"):
        call_command("import", str(ledger), kind="projects", username="dispatcher", stdout=out)
    text = out.getvalue()
    assert "责任单位“区城管局”：3 行（J12、J15、J17）；建议：中原区城市管理局（410102-CGJ）" in text
    assert "项目类别“基础设施类”" in text and "（infrastructure）" in text
    assert Project.objects.count() == 0
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("区城管局,410102-CGJ\n基础设施类,infrastructure\n"
                       "副区长（分管城建）,wangjianguo\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import", str(ledger), kind="projects", username="dispatcher",
                 aliases=str(aliases), stdout=out)
    assert "已保存 3 个别名" in out.getvalue() and "新增 7" in out.getvalue()
    # A post saved as the leader's alias links the account.
    assert Project.objects.filter(leader__username="wangjianguo").count() == 4


def test_command_reads_only_the_sheets_named(dispatcher, offices, tmp_path):
    ledger = tmp_path / "亿元.xlsx"
    ledger.write_bytes(corpus.key_projects(unit="亿元"))
    with pytest.raises(CommandError, match="没有工作表“总表”"):
        call_command("import", str(ledger), kind="projects", sheet=["总表"],
                     stdout=io.StringIO())
    with pytest.raises(CommandError, match="没有找到表头"):
        call_command("import", str(ledger), kind="projects", sheet=["填报说明"], dry_run=True,
                     stdout=io.StringIO())


def test_month_dates_show_as_months_until_edited_to_a_day(client, dispatcher, offices):
    from diaodu.projects import services as project_services

    reconciled(dispatcher, corpus.key_projects())
    project = Project.objects.get(name="中原区老旧小区改造（二期）")
    client.force_login(dispatcher)
    page = client.get(project.get_absolute_url())
    assert "2022年4月" in page.text and "2023年10月" in page.text
    assert "副区长（分管城建）" in page.text
    project = project_services.project_update(actor=dispatcher, project=project,
                                              expected_version=project.version,
                                              actual_start=date(2022, 4, 18))
    assert project.date_precision == {"planned_completion": "month"}
    assert project.date_text("actual_start") == "2022-04-18"


def test_aliases_are_managed_in_the_admin(client, dispatcher, offices):
    client.force_login(dispatcher)
    url = "/admin/ledgers/namealias/add/"
    response = client.post(url, {"kind": "unit", "name": "区城管局",
                                 "unit": offices["chengguan"].pk})
    assert response.status_code == 302, response.text
    alias = NameAlias.objects.get()
    assert alias.key == "区城管局" and alias.unit == offices["chengguan"]
    # One name, one meaning: the same name for another unit is refused.
    response = client.post(url, {"kind": "unit", "name": "区城管局 ",
                                 "unit": offices["jiaoyu"].pk})
    assert response.status_code == 200 and "已是" in response.text
    response = client.post(f"/admin/ledgers/namealias/{alias.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not NameAlias.objects.exists()
    assert AuditEvent.objects.filter(action__startswith="name_alias.").count() == 2
