from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from diaodu.investment import services
from diaodu.investment.models import ProgressReport, ReportStatus

from ..factories import ProjectFactory
from .conftest import fill_and_submit, open_month, report_of

pytestmark = pytest.mark.django_db


def test_reporter_fills_and_submits_on_the_form(client, march, building_a, street_a_reporter):
    client.force_login(street_a_reporter)
    url = reverse("investment:report", args=[report_of(march, building_a).pk])
    assert "本期完成投资" in client.get(url).content.decode()
    response = client.post(url, {"action": "submit", "completed_in_period": "12.345",
                                 "cumulative_completed": "100", "physical_progress": "x",
                                 "expected_version": 1})
    assert "最多保留两位小数" in response.content.decode()
    response = client.post(url, {"action": "submit", "completed_in_period": "12.34",
                                 "cumulative_completed": "3012.34",
                                 "physical_progress": "主体封顶", "expected_version": 1})
    assert response.status_code == 302
    report = ProgressReport.objects.get(pk=report_of(march, building_a).pk)
    assert report.status == ReportStatus.SUBMITTED
    assert report.completed_in_period == Decimal("12.34")


def test_submit_on_the_form_query_count(client, march, building_a, street_a_reporter,
                                        django_assert_num_queries):
    """Pinned: session and user; the service's transaction — the report read under its lock
    (the page does not read it first: a successful POST redirects), the months around it
    and the settings' thresholds in one query (no later report here, so no YTD to refresh),
    update, history row, audit event (one INSERT, sealed after the commit) — and its
    savepoint. On PostgreSQL the months come with the locked read, and the update, history
    row and audit event are one statement (bulk.write_together): 6. Was 18 (19 on
    PostgreSQL) before issue 20, then 11, then 7."""
    client.force_login(street_a_reporter)
    url = reverse("investment:report", args=[report_of(march, building_a).pk])
    client.get(url)
    with django_assert_num_queries(6 if connection.vendor == "postgresql" else 9):
        response = client.post(url, {"action": "submit", "completed_in_period": "12.34",
                                     "cumulative_completed": "3012.34",
                                     "physical_progress": "主体封顶", "expected_version": 1})
    assert response.status_code == 302


def test_other_units_report_is_404(client, march, building_b, street_a_reporter):
    client.force_login(street_a_reporter)
    url = reverse("investment:report", args=[report_of(march, building_b).pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "save"}).status_code == 404


def test_returned_report_shows_reason(client, march, building_a, street_a_reporter, dispatcher):
    report = fill_and_submit(street_a_reporter, report_of(march, building_a), "1", "3001")
    services.report_return(actor=dispatcher, report=report, reason="形象进度描述不清",
                           expected_version=report.version)
    client.force_login(street_a_reporter)
    body = client.get(reverse("investment:report", args=[report.pk])).content.decode()
    assert "退回原因：形象进度描述不清" in body


def test_dispatcher_reminds_and_locks(client, march, building_a, dispatcher, street_a_reporter):
    client.force_login(dispatcher)
    url = reverse("investment:round", args=[march.pk])
    body = client.get(url).content.decode()
    assert "催报" in body
    client.post(url, {"action": "remind", "unit": building_a.responsible_unit_id})
    assert march.reminders.get().pending == 1
    client.force_login(street_a_reporter)
    body = client.get(reverse("investment:report",
                              args=[report_of(march, building_a).pk])).content.decode()
    assert "催报" in body
    client.force_login(dispatcher)
    client.post(url, {"action": "lock"})
    march.refresh_from_db()
    assert march.is_locked


def test_rounds_page_is_for_dispatchers(client, street_a_reporter, dispatcher):
    client.force_login(street_a_reporter)
    assert client.get(reverse("investment:rounds")).status_code == 404
    client.force_login(dispatcher)
    assert client.get(reverse("investment:rounds")).status_code == 200


def test_report_list_query_count(client, dispatcher, street_a, django_assert_num_queries):
    ProjectFactory.create_batch(3, responsible_unit=street_a, stage="construction",
                                actual_start="2021-01-01")
    open_month(dispatcher, 2022, 3)
    client.force_login(dispatcher)
    url = reverse("investment:reports")
    client.get(url)
    with django_assert_num_queries(8) as baseline:  # 7 + the 2FA device check
        client.get(url)
    ProjectFactory.create_batch(20, responsible_unit=street_a, stage="construction",
                                actual_start="2021-01-01")
    open_month(dispatcher, 2022, 4)
    with django_assert_num_queries(len(baseline.captured_queries)):
        client.get(url)


def test_round_overview_query_count(client, dispatcher, march, django_assert_num_queries):
    client.force_login(dispatcher)
    url = reverse("investment:round", args=[march.pk])
    client.get(url)
    with django_assert_num_queries(7):  # 6 + the 2FA device check
        client.get(url)


def test_kpi_page(client, dispatcher, march, building_a, street_a_reporter):
    plan = services.annual_plan_create(actor=dispatcher, project=building_a, year=2022,
                                       planned_investment="1000")
    services.annual_plan_approve(actor=dispatcher, plan=plan)
    report = fill_and_submit(street_a_reporter, report_of(march, building_a), "250", "3250")
    services.report_approve(actor=dispatcher, report=report, expected_version=report.version)
    client.force_login(dispatcher)
    body = client.get(reverse("investment:kpis"),
                      {"year": 2022, "month": 3, "scope": "all"}).content.decode()
    assert "25.0%" in body


def test_stats_registers_a_project(client, stats_user, building_a):
    client.force_login(stats_user)
    url = reverse("investment:registration")
    assert building_a.name in client.get(url).content.decode()
    client.post(url, {"project": building_a.pk, "registered_on": "2021-03-20",
                      "expected_version": building_a.version})
    building_a.refresh_from_db()
    assert str(building_a.stats_registered_on) == "2021-03-20"
    assert building_a.name not in client.get(url).content.decode().split("已开工未入库")[1]


def test_reporter_starts_from_own_units_reports(client, dispatcher, street_a,
                                               street_a_reporter, drc):
    ProjectFactory(name="街道自己的项目", responsible_unit=street_a, street=street_a,
                   stage="construction", actual_start="2021-01-01")
    ProjectFactory(name="部门在本街道的项目", responsible_unit=drc, street=street_a,
                   stage="construction", actual_start="2021-01-01")
    open_month(dispatcher, 2022, 3)
    client.force_login(street_a_reporter)
    body = client.get(reverse("investment:reports")).content.decode()
    assert "街道自己的项目" in body and "部门在本街道的项目" not in body
    body = client.get(reverse("investment:reports"), {"mine": "0"}).content.decode()
    assert "部门在本街道的项目" in body


def test_problems_in_a_report_become_a_case(client, march, building_a, street_a_reporter,
                                             dispatcher):
    from diaodu.cases.models import Case

    report = report_of(march, building_a)
    services.report_save(actor=street_a_reporter, report=report, expected_version=1,
                         completed_in_period="1", cumulative_completed="3001",
                         physical_progress="施工中", issues="土地收储未完成，影响二期开工",
                         submit=True)
    client.force_login(street_a_reporter)
    url = reverse("investment:report", args=[report.pk])
    assert client.post(url, {"action": "raise_case"}).status_code == 404
    client.force_login(dispatcher)
    response = client.post(url, {"action": "raise_case"})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.source == "report" and case.lead_unit == building_a.responsible_unit
    assert case.project == building_a and "土地收储" in case.title
    client.post(url, {"action": "raise_case"})
    assert Case.objects.count() == 1
