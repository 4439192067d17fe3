"""Excel ledgers: layout as kept by hand, scoped content, neutralised formulas, and the round
trip export → import that changes nothing."""

import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from diaodu.investment import services as investment_services
from diaodu.ledgers import exports
from diaodu.ledgers.models import JobStatus
from diaodu.projects.models import Level, Project

from ..factories import ProjectFactory
from .conftest import run

pytestmark = pytest.mark.django_db


def rows_of(content):
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.get_sheet_by_index(0).to_python(skip_empty_area=False)


def sheet_xml(content):
    return zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()


@pytest.fixture
def ledger(dispatcher, street_a, street_b, categories, leader):
    leader.display_name = "王副区长"
    leader.save()
    ProjectFactory(name="省级更新项目", level=Level.PROVINCE, responsible_unit=street_a,
                   street=street_a, category=categories[0], code="2203-410102-04-01-12345X",
                   total_investment=Decimal("150000.00"), planned_start=date(2022, 3, 1),
                   scope="=HYPERLINK(\"http://x\")", leader=leader)
    ProjectFactory(name="市级产业项目", level=Level.CITY, responsible_unit=street_b,
                   street=street_b, category=categories[1], total_investment=Decimal("2500.55"),
                   owner_name="+86 公司")
    ProjectFactory(name="区级道路项目", level=Level.DISTRICT, responsible_unit=street_a,
                   category=categories[0], total_investment=Decimal("800.10"),
                   location="@中原西路")


def test_project_ledger_layout(dispatcher, ledger):
    content = exports.export_projects(dispatcher, 2022, 3)
    rows = rows_of(content)
    assert rows[0][0] == "中原区重点项目台账"
    assert rows[1][0].startswith("填报单位：区发改委")
    assert rows[2][12] == "时间节点" and rows[3][12] == "计划开工时间"
    texts = [r[0] or r[1] for r in rows[4:]]
    assert texts == ["一、省重点项目", 1, "小计（1个）", "二、市重点项目", 2, "小计（1个）",
                     "三、区重点项目", 3, "小计（1个）", "合计（3个）"]
    assert rows[-1][10] == pytest.approx(153300.65)
    xml = sheet_xml(content)
    assert '<pane xSplit="3" ySplit="4"' in xml
    assert re.search(r"<pageSetup paperSize=\"8\"[^>]*orientation=\"landscape\"", xml)
    assert '<mergeCell ref="A1:S1"/>' in xml
    workbook = zipfile.ZipFile(io.BytesIO(content)).read("xl/workbook.xml").decode()
    assert "Print_Titles" in workbook and "$3:$4" in workbook
    styles = zipfile.ZipFile(io.BytesIO(content)).read("xl/styles.xml").decode()
    assert "#,##0.00" in styles and 'quotePrefix="1"' in styles


def test_text_that_looks_like_a_formula_is_never_a_formula(dispatcher, ledger):
    content = exports.export_projects(dispatcher, 2022, 3)
    assert "<f>" not in sheet_xml(content)
    cells = {v for row in rows_of(content) for v in row}
    assert {'=HYPERLINK("http://x")', "+86 公司", "@中原西路"} <= cells


def test_exports_are_scoped(street_a_reporter, ledger):
    names = {row[1] for row in rows_of(exports.export_projects(street_a_reporter, 2022, 3))}
    assert "省级更新项目" in names and "市级产业项目" not in names


def test_round_trip_export_then_import_changes_nothing(dispatcher, ledger):
    content = exports.export_projects(dispatcher, 2022, 3)
    before = list(Project.objects.order_by("pk").values())
    job = run(dispatcher, "projects", content, filename="重点项目台账.xlsx")
    assert job.status == JobStatus.DONE
    assert job.summary["unchanged"] == 3 and job.summary["error"] == 0, job.rows
    assert list(Project.objects.order_by("pk").values()) == before
    assert all("一致" in check for check in job.summary["checks"])


def test_other_ledgers_open_with_their_titles(dispatcher, ledger):
    project = Project.objects.get(name="省级更新项目")
    plan = investment_services.annual_plan_create(actor=dispatcher, project=project,
                                                  year=2022, planned_investment="1200")
    investment_services.annual_plan_approve(actor=dispatcher, plan=plan)
    titles = {}
    for slug in exports.LEDGERS:
        content, filename = exports.export_ledger(slug, user=dispatcher, year=2022, month=3)
        titles[slug] = rows_of(content)[0][0]
        assert filename.endswith(".xlsx")
    assert titles == {"projects": "中原区重点项目台账", "targets": "2022年重点项目投资目标台账",
                      "stages": "中原区重点项目梯次推进台账（截至2022年3月）",
                      "registration": "中原区重点项目统计入库台账",
                      "cases": "中原区重点项目问题台账", "approvals": "2022年重点项目审批台账"}
    targets = rows_of(exports.export_targets(dispatcher, 2022, 3))
    assert targets[4][1] == "省级更新项目" and targets[4][5] == 1200
    assert targets[4][6:9] == [100, 200, 300]


def test_plan_ledger_round_trips(dispatcher, ledger):
    project = Project.objects.get(name="省级更新项目")
    investment_services.annual_plan_create(
        actor=dispatcher, project=project, year=2022, planned_investment="1200",
        monthly_targets=[str(100 * m) for m in range(1, 13)])
    content = exports.export_targets(dispatcher, 2022, 12)
    job = run(dispatcher, "plans", content)
    assert job.summary["unchanged"] == 1 and job.summary["error"] == 0, job.rows


def test_export_pages(client, dispatcher, ledger, django_assert_num_queries):
    client.force_login(dispatcher)
    client.get(reverse("ledgers:exports"))  # the unread badge is cached from here on
    # The shell (session, user, 2FA device, permissions ×2) and the latest locked round.
    with django_assert_num_queries(6):
        page = client.get(reverse("ledgers:exports"))
    assert page.status_code == 200 and "重点项目台账" in page.text
    download = client.get(reverse("ledgers:export", args=["projects"]) + "?year=2022&month=3")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert re.search(r"filename\*=UTF-8''", download["Content-Disposition"])
    assert client.get(reverse("ledgers:export", args=["nope"])).status_code == 404


def test_export_page_opens_on_the_period_the_dashboard_opens_on(client, dispatcher, ledger,
                                                                  settings):
    """The latest locked monthly round's month (dashboard.selectors.default_period), not the
    business month; last month by the clock while nothing is locked."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from diaodu.dashboard.selectors import default_period
    from diaodu.investment.models import Cadence

    def aware(day):
        return timezone.make_aware(datetime.combine(day, time(18)))

    settings.DIAODU_TODAY = "2023-03-31"
    client.force_login(dispatcher)
    page = client.get(reverse("ledgers:exports"))
    assert (page.context["year"], page.context["month"]) == (2023, 2)
    rounds = []
    for month in (1, 2, 3):
        start = date(2023, month, 1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        rounds.append(investment_services.round_open(
            actor=None, cadence=Cadence.MONTHLY, period_start=start, period_end=end,
            opens_at=aware(start), due_at=aware(start + timedelta(days=24))))
    investment_services.round_lock(actor=None, round_=rounds[0])
    page = client.get(reverse("ledgers:exports"))
    assert (page.context["year"], page.context["month"]) == (2023, 1)
    period = default_period(user=dispatcher)
    assert (period.year, period.month) == (2023, 1)
    assert reverse("ledgers:briefing") + "?year=2023&month=1" in page.text
    # Asked for a month: that month.
    page = client.get(reverse("ledgers:exports") + "?year=2022&month=7")
    assert (page.context["year"], page.context["month"]) == (2022, 7)
