from datetime import date
from decimal import Decimal

import pytest

from diaodu.investment import rollups, services
from diaodu.investment.models import MonthlyRollup, MonthlySummary
from diaodu.projects import services as project_services

from ..factories import CategoryFactory
from .conftest import fill_and_submit, open_month, report_of

pytestmark = pytest.mark.django_db

FIELDS = ("year", "month", "unit_id", "street_id", "level", "category_id", "planned_cumulative",
          "planned_annual", "completed_in_month", "completed_ytd", "project_count",
          "reported_count")


def snapshot():
    return sorted(MonthlyRollup.objects.values_list(*FIELDS))


def summary_snapshot():
    return sorted(MonthlySummary.objects.values_list(
        "year", "month", "axis", "org_id", "level", *FIELDS[6:]))


def test_incremental_equals_rebuilt(dispatcher, building_a, building_b, street_a_reporter,
                                    street_b_reporter, street_b):
    for project in (building_a, building_b):
        plan = services.annual_plan_create(actor=dispatcher, project=project, year=2022,
                                           planned_investment="1200.00")
        services.annual_plan_approve(actor=dispatcher, plan=plan)
    for month, (a, b) in enumerate([("100.10", "50.05"), ("200.20", "0.07")], start=1):
        round_ = open_month(dispatcher, 2022, month)
        for user, project, amount in ((street_a_reporter, building_a, a),
                                      (street_b_reporter, building_b, b)):
            previous = project.reports.exclude(round=round_).order_by("-round__period_end")
            base = previous.first().cumulative_completed if previous.exists() else Decimal(3000)
            report = fill_and_submit(user, report_of(round_, project), amount,
                                     base + Decimal(amount))
            services.report_approve(actor=dispatcher, report=report,
                                    expected_version=report.version)
        services.round_lock(actor=dispatcher, round_=round_)
    services.report_adjust(actor=dispatcher, report=building_a.reports.first(),
                           delta_completed="0.03", reason="更正")
    # Move a project to another street and category: its figures move with it.
    project_services.project_update(actor=dispatcher, project=building_a,
                                    expected_version=building_a.version, street=street_b,
                                    category=CategoryFactory(code="road", name="道路交通"))
    incremental, summaries = snapshot(), summary_snapshot()
    assert rollups.rebuild() == len(incremental)
    assert snapshot() == incremental
    # The unit and street summaries kept on every write equal the rebuilt ones.
    assert summaries and summary_snapshot() == summaries
    february = MonthlyRollup.objects.filter(year=2022, month=2)
    assert sum(r.completed_ytd for r in february) == Decimal("350.45")
    assert {r.street_id for r in february} == {street_b.pk}


def test_rollup_totals_are_exact(dispatcher, building_a):
    plan = services.annual_plan_create(actor=dispatcher, project=building_a, year=2021,
                                       planned_investment="3899300.00")
    services.annual_plan_approve(actor=dispatcher, plan=plan)
    row = MonthlyRollup.objects.get(year=2021, month=12)
    assert row.planned_cumulative == Decimal("3899300.00")
    assert date(2021, 12, 31).year == row.year
