"""The dashboard reads MonthlySummary for district-wide readers: right after every write that
changes a figure the page shows the new figure (the summaries are written in the same
transaction as the change), the incremental summaries equal a rebuild, and a unit's users
never read the summaries, which mix every unit's figures."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from diaodu.cases import services as cases
from diaodu.core.scoping import scope_for
from diaodu.dashboard import selectors, services
from diaodu.investment import rollups
from diaodu.investment import services as inv
from diaodu.investment.models import AnnualPlan, MonthlyRollup, MonthlySummary
from diaodu.projects import services as project_services
from diaodu.projects.models import Level, Stage

from .conftest import approve, month_round

pytestmark = pytest.mark.django_db

FIELDS = ("year", "month", "axis", "org_id", "level", "planned_cumulative", "planned_annual",
          "completed_in_month", "completed_ytd", "project_count", "reported_count")
MARCH, APRIL = selectors.Period(2022, 3), selectors.Period(2022, 4)


def summaries():
    return sorted(MonthlySummary.objects.values_list(*FIELDS), key=str)


def assert_summaries_fresh():
    """Incremental == rebuilt, and the summaries are the rollups' sums."""
    incremental = summaries()
    assert rollups.rebuild_summaries() == len(incremental)
    assert summaries() == incremental
    by_unit, by_street = defaultdict(Decimal), defaultdict(Decimal)
    for r in MonthlyRollup.objects.all():
        by_unit[(r.year, r.month, r.unit_id, r.level)] += r.completed_ytd
        by_street[(r.year, r.month, r.street_id, r.level)] += r.completed_ytd
    for s in MonthlySummary.objects.all():
        expected = (by_unit if s.axis == "unit" else by_street)[(s.year, s.month, s.org_id,
                                                                   s.level)]
        assert s.completed_ytd == expected


def figures(user, period):
    d = selectors.dashboard(user=user, period=period)
    return d.completed_ytd, d.planned_annual


def test_every_write_shows_at_once(client, leader, dispatcher, building, first_quarter,
                                   street_a, street_b):
    a, b = building
    client.force_login(leader)
    assert figures(leader, MARCH) == (Decimal("450.00"), Decimal("2400.00"))
    assert figures(leader, APRIL) == (Decimal("450.00"), Decimal("2400.00"))
    page = client.get(reverse("dashboard:index"), {"year": 2022, "month": 4}).content.decode()
    assert "18.8%" in page and "22.9%" not in page
    assert_summaries_fresh()

    # An approval.
    approve(a, month_round(2022, 4), "100", "1400")
    page = client.get(reverse("dashboard:index"), {"year": 2022, "month": 4}).content.decode()
    assert "22.9%" in page  # 550 of 2400
    assert figures(leader, APRIL) == (Decimal("550.00"), Decimal("2400.00"))
    assert_summaries_fresh()

    # A plan change.
    plan = AnnualPlan.objects.get(project=a, year=2022)
    inv.annual_plan_adjust(actor=dispatcher, plan=plan, planned_investment="1500",
                           reason="追加投资")
    assert figures(leader, MARCH) == (Decimal("450.00"), Decimal("2700.00"))
    assert_summaries_fresh()

    # A correction of a locked round's report.
    february = a.reports.get(round=first_quarter[1])
    inv.report_adjust(actor=dispatcher, report=february, delta_completed="10.25",
                      reason="更正")
    assert figures(leader, MARCH) == (Decimal("460.25"), Decimal("2700.00"))
    assert figures(leader, APRIL) == (Decimal("560.25"), Decimal("2700.00"))
    assert_summaries_fresh()

    # A move to another street and level: the street and level tables follow.
    streets = {g.label: g.done for g in selectors.groups(user=leader, period=MARCH,
                                                         by="street")}
    assert streets == {"林山寨街道": Decimal("310.25"), "须水街道": Decimal("150.00")}
    b.refresh_from_db()
    project_services.project_update(actor=dispatcher, project=b, expected_version=b.version,
                                    street=street_a, level=Level.CITY)
    streets = {g.label: g.done for g in selectors.groups(user=leader, period=MARCH,
                                                         by="street")}
    assert streets == {"林山寨街道": Decimal("460.25")}
    units = {g.label: g.done for g in selectors.groups(user=leader, period=MARCH, by="unit")}
    assert units == {"林山寨街道": Decimal("310.25"), "须水街道": Decimal("150.00")}
    levels = {g.key: g.done for g in selectors.dashboard(user=leader, period=MARCH).by_level}
    assert levels == {Level.CITY: Decimal("460.25")}
    assert_summaries_fresh()

    # A stage change, a case, an approval item and a warning evaluation (read live).
    before = selectors.dashboard(user=leader, period=MARCH)
    a.refresh_from_db()
    project_services.project_change_stage(actor=dispatcher, project=a, stage=Stage.COMPLETED,
                                          expected_version=a.version,
                                          actual_completion=date(2022, 4, 1))
    cases.case_create(actor=dispatcher, title="征地拆迁滞后", project=b, lead_unit=street_b,
                      due_on=date(2022, 4, 1), today=date(2022, 3, 20))
    cases.approval_create(actor=dispatcher, item="施工许可", kind="filing", project=b,
                          received_on=date(2022, 3, 1), time_limit=20,
                          completed_on=date(2022, 3, 10), result="filed",
                          today=date(2022, 4, 10))
    services.warnings_evaluate(today=date(2022, 4, 10))
    after = selectors.dashboard(user=leader, period=MARCH, today=date(2022, 4, 10))
    stage_count = {f["stage"]: f["count"] for f in after.funnel}
    assert stage_count[Stage.COMPLETED] == \
        {f["stage"]: f["count"] for f in before.funnel}[Stage.COMPLETED] + 1
    assert after.overdue_cases == before.overdue_cases + 1
    assert after.approvals["total"] == before.approvals["total"] + 1
    assert after.warning_counts["red"] + after.warning_counts["amber"] > \
        before.warning_counts["red"] + before.warning_counts["amber"]


def test_a_unit_never_reads_the_summaries(client, leader, street_a_reporter, street_a_head,
                                          building, first_quarter):
    assert scope_for(leader, MonthlySummary).exists()
    for user in (street_a_reporter, street_a_head):
        assert not scope_for(user, MonthlySummary).exists()
        # Street A's own figures: 300 of its 1200, not the district's 450 of 2400.
        assert figures(user, MARCH) == (Decimal("300.00"), Decimal("1200.00"))
        assert [g.label for g in selectors.groups(user=user, period=MARCH, by="unit")] == \
            ["林山寨街道"]
        assert [g.label for g in selectors.groups(user=user, period=MARCH, by="street")] == \
            ["林山寨街道"]
        months = selectors.dashboard(user=user, period=MARCH).months
        assert [m["done"] for m in months[:3]] == [Decimal("100.00"), Decimal("200.00"),
                                                   Decimal("300.00")]
    client.force_login(street_a_reporter)
    page = client.get(reverse("dashboard:index"), {"year": 2022, "month": 3}).content.decode()
    assert "25.0%" in page and "18.8%" not in page  # 300 of 1200, not 450 of 2400
    assert figures(leader, MARCH) == (Decimal("450.00"), Decimal("2400.00"))


def test_summaries_follow_a_deleted_bucket(dispatcher, building, first_quarter):
    """A bucket that loses its last plan and report loses its summary share too."""
    a, _ = building
    MonthlySummary.objects.all().delete()
    rollups.rebuild()
    rows = summaries()
    assert rows
    # A plan set to zero keeps its rows; the bucket's figures change and so do the sums.
    plan = AnnualPlan.objects.get(project=a, year=2022)
    inv.annual_plan_adjust(actor=dispatcher, plan=plan, planned_investment="0", reason="取消")
    assert summaries() != rows
    assert_summaries_fresh()
