"""A project ledger's plan and progress columns imported in the same job when ticked (issue 14
§5): the annual plan for the year its header names, the month's report in the round of the
month it names, all or nothing with the projects, and nothing written the second time."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.urls import reverse

from diaodu.core.errors import Forbidden
from diaodu.core.models import AuditEvent
from diaodu.investment import services as investment
from diaodu.investment.models import AnnualPlan, ProgressReport, ReportStatus
from diaodu.ledgers import services
from diaodu.projects.models import Project

from ..investment.conftest import open_month
from . import corpus
from .conftest import run
from .test_corpus import ANSWERS, reconciled

pytestmark = pytest.mark.django_db
BOTH = ["plans", "progress"]


@pytest.fixture
def february(dispatcher, building_a):
    """The February 2022 round, opened before the ledger's projects existed."""
    return open_month(dispatcher, 2022, 2)


def ledger_projects():
    return Project.objects.filter(name__in=[p[0] for _t, groups in corpus.KEY_PROJECTS
                                            for _s, rows in groups for p in rows])


def totals_of(job):
    return {(t["where"], t["field"]): t for t in job.summary["totals"]}


def test_ticked_plans_and_progress_are_written_with_the_projects(dispatcher, offices,
                                                                  february):
    _first, job = reconciled(dispatcher, corpus.key_projects(), **{"with": BOTH})
    assert job.summary["committed"] and job.summary["error"] == 0, job.rows
    assert job.summary["create"] == 7
    plans = AnnualPlan.objects.filter(year=2022, project__in=ledger_projects())
    assert plans.count() == corpus.PLANS_MADE
    totals = totals_of(job)
    stated_plan = Decimal(totals[("合计", "年度计划投资")]["stated"])
    assert plans.aggregate(s=Sum("planned_investment"))["s"] == corpus.PLAN_WAN == stated_plan
    reports = ProgressReport.objects.filter(round=february, project__in=ledger_projects())
    assert reports.count() == len(corpus.PROGRESS)
    assert set(reports.values_list("status", flat=True)) == {ReportStatus.SUBMITTED}
    # No January round: February's figure is the year to date, as the 合计 states it.
    assert reports.aggregate(s=Sum("completed_in_period"))["s"] == corpus.YTD_WAN == Decimal(
        totals[("合计", "本年累计完成投资")]["stated"])
    assert reports.aggregate(s=Sum("ytd_completed"))["s"] == corpus.YTD_WAN
    # 至2021年底累计 + 1-2月 = the cumulative figure.
    assert reports.aggregate(s=Sum("cumulative_completed"))["s"] == corpus.CUMULATIVE_WAN
    assert Decimal(totals[("合计", "至上年底累计完成投资")]["stated"]) == corpus.PRIOR_WAN
    school = reports.get(project__name="中原区第二实验小学")
    assert school.physical_progress == "主体结构施工至3层"
    assert school.cumulative_completed == Decimal("7820.50")
    # The projects the ledger brought in were added to the open round, audited.
    assert AuditEvent.objects.filter(action="round.add_project").count() == 5
    row = next(r for r in job.rows if r["key"] == "中原区第二实验小学")
    assert row["diff"]["2022年计划投资"] == ["", "6000.00"]


def test_unticked_only_projects_are_written(dispatcher, offices, february):
    _first, job = reconciled(dispatcher, corpus.key_projects())
    assert job.summary["create"] == 7
    assert not AnnualPlan.objects.exists()
    assert not ProgressReport.objects.filter(project__in=ledger_projects()).exists()
    # The columns are not even read: no totals of them.
    assert ("合计", "年度计划投资") not in totals_of(job)


def test_the_same_file_again_writes_nothing(dispatcher, offices, february):
    reconciled(dispatcher, corpus.key_projects(), **{"with": BOTH})
    events = AuditEvent.objects.count()
    history = AnnualPlan.history.count() + ProgressReport.history.count()
    again = run(dispatcher, "projects", corpus.key_projects(), **{"with": BOTH})
    assert again.summary["unchanged"] == 7 and again.summary["error"] == 0, again.rows
    copy = run(dispatcher, "projects", corpus.key_projects(unit="亿元"), filename="亿元.xlsx",
               **{"with": BOTH})
    # The 亿元 copy writes 1-2月 and 开工累计 instead of 至2021年底累计: the same figures.
    assert copy.summary["unchanged"] == 7 and copy.summary["error"] == 0, copy.rows
    # Only the jobs' own events (upload, commit) were written.
    assert AuditEvent.objects.count() - events == 4
    assert AnnualPlan.history.count() + ProgressReport.history.count() == history


def test_a_changed_plan_is_adjusted_with_the_ledger_as_reason(dispatcher, offices, february):
    reconciled(dispatcher, corpus.key_projects(), **{"with": ["plans"]})
    plan = AnnualPlan.objects.get(project__name="须水河综合治理")
    investment.annual_plan_approve(actor=dispatcher, plan=plan)
    rows = corpus.KEY_PROJECTS[1][1][1][1]
    river = rows[0]
    rows[0] = (*river[:5], 650, *river[6:])
    try:
        job = run(dispatcher, "projects", corpus.key_projects(), **{"with": ["plans"]})
    finally:
        rows[0] = river
    assert job.summary["update"] == 1 and job.summary["unchanged"] == 6
    plan.refresh_from_db()
    assert plan.planned_investment == Decimal("650.00")
    assert plan.adjustments.get().reason == "台账导入：台账.xlsx"


def test_one_bad_plan_cell_refuses_the_whole_file(dispatcher, offices, february):
    # 中原区第二实验小学 is on row 13; its 2022年计划投资 is column G.
    bad = corpus.key_projects(cells={(12, 6): "六千"})
    first = run(dispatcher, "projects", bad, commit=False, **{"with": BOTH})
    services.import_job_reconcile(actor=dispatcher, job=first, choices={
        key: value for key, value in ANSWERS.items()})
    job = run(dispatcher, "projects", bad, **{"with": BOTH})
    assert not job.summary["committed"] and job.summary["error"] == 1
    errors = [e for r in job.rows for e in r["errors"]]
    assert errors == [{"cell": "G13", "code": "money.invalid",
                       "message": "年度计划投资：不是有效金额：六千"}]
    assert not ledger_projects().exists() and not AnnualPlan.objects.exists()
    assert not ProgressReport.objects.filter(project__in=ledger_projects()).exists()
    # Unticked, the plan column is not read: the projects go through.
    assert run(dispatcher, "projects", bad).summary["create"] == 7


def test_progress_that_does_not_add_up_names_row_and_column(dispatcher, offices, february):
    reconciled(dispatcher, corpus.key_projects(), **{"with": ["plans"]})
    # A January report of 900 for the park: its 1-2月 figure of 150.5 is less than that.
    park = Project.objects.get(name="西流湖公园提升工程")
    january = open_month(dispatcher, 2022, 1)
    report = investment.round_add_project(actor=dispatcher, round_=january, project=park)
    investment.report_record(actor=dispatcher, report=report, expected_version=report.version,
                             completed_in_period="900", cumulative_completed="2200",
                             physical_progress="绿化提升")
    job = run(dispatcher, "projects", corpus.key_projects(), **{"with": BOTH})
    assert not job.summary["committed"]
    errors = [e for r in job.rows for e in r["errors"]]
    assert errors == [{"cell": "N12", "code": "import.ytd_below_earlier",
                       "message": "2022年1-2月完成投资 150.50 万元小于本年此前各月已报的 "
                                  "900.00 万元。"}]
    assert not ProgressReport.objects.filter(round=february, project=park).exists()


def test_a_locked_round_refuses_naming_it(dispatcher, offices, february):
    investment.round_lock(actor=dispatcher, round_=february)
    _first, job = reconciled(dispatcher, corpus.key_projects(), **{"with": BOTH})
    assert not job.summary["committed"] and job.summary["error"] == len(corpus.PROGRESS)
    messages = {e["message"] for r in job.rows for e in r["errors"]}
    assert messages == {"“2022年2月重点项目调度”已锁定，不能通过导入录入进度。"}
    assert not ledger_projects().exists()


def test_no_round_for_the_month_refuses_naming_the_month(dispatcher, offices):
    _first, job = reconciled(dispatcher, corpus.key_projects(), **{"with": ["progress"]})
    assert not job.summary["committed"]
    first = next(e for r in job.rows for e in r["errors"])
    assert first["cell"] == "N7" and "没有 2022年2月 的月度调度轮次" in first["message"]


def test_only_a_dispatcher_records_a_ledger_s_figures(street_a_reporter, february):
    report = february.reports.get()
    with pytest.raises(Forbidden):
        investment.report_record(actor=street_a_reporter, report=report,
                                 expected_version=report.version, completed_in_period="1",
                                 cumulative_completed="1", physical_progress="施工")


def test_command_takes_the_parts(dispatcher, offices, february, tmp_path):
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(corpus.key_projects())
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("区城管局,410102-CGJ\n基础设施类,infrastructure\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import", str(ledger), kind="projects", username="dispatcher",
                 aliases=str(aliases), with_plans=True, with_progress=True, stdout=out)
    assert "新增 7" in out.getvalue()
    assert AnnualPlan.objects.aggregate(s=Sum("planned_investment"))["s"] == corpus.PLAN_WAN
    with pytest.raises(CommandError, match="不能同时导入"):
        call_command("import", str(ledger), kind="reports", with_plans=True,
                     stdout=io.StringIO())


def test_mapping_page_offers_the_parts(client, dispatcher, offices, february,
                                       django_capture_on_commit_callbacks, settings):
    settings.TASKS = {"default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    job = services.import_job_create(actor=dispatcher, kind="projects", filename="台账.xlsx",
                                     data=corpus.key_projects())
    client.force_login(dispatcher)
    url = reverse("ledgers:import", args=[job.pk])
    page = client.get(url)
    assert 'name="with-plans"' in page.text and 'name="with-progress"' in page.text
    assert "G 投资（万元）/2022年计划投资" in page.text
    assert "勾选“同时导入年度计划”后随项目一并导入" in page.text
    post = {f"col-{i}": key for key, i in job.mapping["fields"].items()}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**post, "action": "dry_run", "with-plans": "1"})
    job.refresh_from_db()
    assert job.options["with"] == ["plans"]
    assert job.summary["dry_run"] and ("合计", "年度计划投资") in totals_of(job)
    assert "checked" in client.get(url).text.split('name="with-plans"')[1][:40]


@pytest.mark.parametrize(("header", "year", "month"), [
    ("2023年1-2月完成投资", 2023, 2), ("2022年\n1-2月\n完成投资\n（亿元）", 2022, 2),
    ("1-12月完成投资/本月", None, 12), ("至2022年底累计完成投资", 2023, None),
    ("本月完成投资", None, None), ("中原区2023年重点项目台账", 2023, None),
])
def test_year_and_month_from_headers(header, year, month):
    from diaodu.investment.imports import month_in, year_in

    assert (year_in(header), month_in(header)) == (year, month)
