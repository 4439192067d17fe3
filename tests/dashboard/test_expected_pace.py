"""Completion against the share of the plan expected by the month (issue 15): seasonal from the
previous years' monthly history, linear time progress only without it; the thresholds at the
cent; and the nightly job replayed for past days on the records as they stood then."""

from datetime import date
from decimal import Decimal as D

import pytest

from diaodu.core import clock
from diaodu.dashboard import kpis, rules, services
from diaodu.dashboard.models import Warning
from diaodu.investment import services as inv
from diaodu.projects.models import Stage

from ..factories import ProjectFactory
from .conftest import month_round

COMPLETION = rules.validate(rules.DEFAULT_RULES)[0]
HALF = kpis.Expected(D("0.5"), "seasonal", (2021,))


@pytest.mark.parametrize(("done", "level"), [
    ("4750.00", None),       # exactly 95 % of the expected 5000: on time
    ("4749.99", "amber"),    # one cent below: 94.99, behind
    ("4000.00", "amber"),    # exactly 80 %
    ("3999.99", "red"),      # one cent below: 79.99, far behind
])
def test_thresholds_hold_to_the_cent(done, level):
    ratio = kpis.pace_ratio(D(done), D("10000.00"), HALF)
    assert COMPLETION.level(ratio) == level


@pytest.mark.parametrize(("done", "pace"), [
    ("5250.00", "normal"),   # 105.00: not above 105
    ("5250.49", "normal"),   # 105.0098, truncated to 105.00
    ("5250.50", "ahead"),    # 105.01
])
def test_ahead_only_above_the_ahead_threshold(done, pace):
    assert rules.pace(COMPLETION, kpis.pace_ratio(D(done), D("10000.00"), HALF)) == pace


def test_seasonal_share_when_there_is_history_linear_without():
    history = {2021: [D(v) for v in (2, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100)]}
    shares = kpis.seasonal_shares(history)
    seasonal = kpis.expected_share(date(2022, 2, 28), shares, (2021,))
    assert (seasonal.method, seasonal.share, seasonal.years) == ("seasonal", D("0.05"), (2021,))
    linear = kpis.expected_share(date(2022, 2, 28), [], ())
    assert (linear.method, linear.share, linear.percent) == ("linear", D(59) / 365, D("16.2"))
    # A history in which nothing was done by the month says nothing about it: linear.
    assert kpis.expected_share(date(2022, 2, 28), [D(0)] * 11 + [D(1)]).method == "linear"
    # 7.5 % done by February: on time against the season, far behind against the days.
    assert kpis.pace_ratio(D("75"), D("1000"), seasonal) == D("150.00")
    assert COMPLETION.level(kpis.pace_ratio(D("75"), D("1000"), linear)) == "red"


# --- With the database: the nightly evaluation ------------------------------------------------


def _approve(project, round_, amount: str, cumulative: str, *, on: date):
    """A report filled in and approved on a business day `on` (the replay reads that date)."""
    with clock.as_of(on):
        report = round_.reports.get(project=project)
        report = inv.report_save(actor=None, report=report, expected_version=report.version,
                                 completed_in_period=amount, cumulative_completed=cumulative,
                                 physical_progress="主体施工")
        report = inv.report_submit(actor=None, report=report, expected_version=report.version)
        return inv.report_approve(actor=None, report=report, expected_version=report.version)


@pytest.fixture
def seasonal_year(street_a):
    """A project with a 2021 history (12.5 % of its year by the end of March, like the
    district's slow first quarter) and a 2022 plan of 1200万元."""
    project = ProjectFactory(name="季节规律项目", responsible_unit=street_a, street=street_a,
                             stage=Stage.CONSTRUCTION, actual_start=date(2020, 3, 1),
                             total_investment=D("50000.00"), planned_start=date(2020, 3, 1),
                             planned_completion=date(2023, 12, 31))
    for year in (2021, 2022):
        plan = inv.annual_plan_create(actor=None, project=project, year=year,
                                      planned_investment="1200")
        inv.annual_plan_approve(actor=None, plan=plan)
    monthly = ["50"] * 3 + ["116.67"] * 8 + ["1050.00"]  # 150 by March, 1200 by December
    monthly[-1] = str(D(1200) - D(150) - D("116.67") * 8)
    cumulative = D(0)
    for month, amount in enumerate(monthly, start=1):
        cumulative += D(amount)
        round_ = month_round(2021, month)
        _approve(project, round_, amount, str(cumulative), on=round_.period_end)
    return project


def _march_2022(project, done_by_march: str):
    """January–March 2022 reports adding up to `done_by_march`, approved in each month."""
    share = (D(done_by_march) / 3).quantize(D("0.01"))
    amounts = [share, share, D(done_by_march) - 2 * share]
    cumulative = D(1200)
    for month, amount in enumerate(amounts, start=1):
        cumulative += amount
        round_ = month_round(2022, month)
        _approve(project, round_, str(amount), str(cumulative), on=round_.period_end)


def test_seasonal_history_judges_the_slow_first_quarter_on_time(seasonal_year, dispatcher):
    # 150 of 1200 by March is 12.5 %: the 2021 share exactly (ratio 100), though the linear
    # time progress of 24.66 % would make it red.
    _march_2022(seasonal_year, "150.00")
    services.warnings_evaluate(actor=dispatcher, today=date(2022, 4, 10))
    assert not Warning.objects.filter(project=seasonal_year,
                                      metric="completion_vs_time").exists()


@pytest.mark.parametrize(("done", "level"), [("142.50", None), ("142.49", "amber")])
def test_seasonal_threshold_at_the_cent(seasonal_year, dispatcher, done, level):
    # Expected by March: 12.5 % of 1200 = 150; 95 % of it is 142.50.
    _march_2022(seasonal_year, done)
    services.warnings_evaluate(actor=dispatcher, today=date(2022, 4, 10))
    found = Warning.objects.filter(project=seasonal_year, metric="completion_vs_time")
    assert [w.level for w in found] == ([level] if level else [])


def test_no_history_falls_back_to_time_progress(street_a, dispatcher):
    project = ProjectFactory(name="无往年数据项目", responsible_unit=street_a, street=street_a,
                             stage=Stage.CONSTRUCTION, actual_start=date(2021, 3, 1),
                             total_investment=D("50000.00"))
    plan = inv.annual_plan_create(actor=None, project=project, year=2022,
                                  planned_investment="1200")
    inv.annual_plan_approve(actor=None, plan=plan)
    _march_2022(project, "150.00")
    services.warnings_evaluate(actor=dispatcher, today=date(2022, 4, 10))
    red = Warning.objects.get(project=project, metric="completion_vs_time")
    assert (red.level, red.value) == ("red", D("50.69"))  # 12.5 ÷ (90/365 = 24.66 %)


def test_a_project_not_started_by_the_month_is_judged_on_its_start(street_a, dispatcher):
    project = ProjectFactory(name="年中开工项目", responsible_unit=street_a, street=street_a,
                             stage=Stage.PREPARATION, planned_start=date(2022, 6, 30),
                             total_investment=D("50000.00"))
    plan = inv.annual_plan_create(actor=None, project=project, year=2022,
                                  planned_investment="1200")
    inv.annual_plan_approve(actor=None, plan=plan)
    month_round(2022, 3)
    services.warnings_evaluate(actor=dispatcher, today=date(2022, 4, 10))
    assert not Warning.objects.filter(project=project).exists()


def test_replayed_days_date_warnings_when_they_arose_and_cleared(seasonal_year, dispatcher):
    """The nightly job re-run for past days, on what was known each evening: March's report
    approved on 3-31 is unknown on 3-30; a start dated 4-06 had not happened on 4-05."""
    late = ProjectFactory(name="逾期开工项目", responsible_unit=seasonal_year.street,
                          stage=Stage.CONSTRUCTION, planned_start=date(2022, 3, 1),
                          actual_start=date(2022, 4, 6), total_investment=D("9000.00"))
    _march_2022(seasonal_year, "30.00")  # far behind: red once January is known
    for day in (date(2022, 2, 1), date(2022, 3, 15), date(2022, 4, 2), date(2022, 4, 6)):
        services.warnings_evaluate(actor=dispatcher, today=day, replay=True)
    start = list(Warning.objects.filter(project=late, metric="start_overdue").order_by("since")
                 .values_list("level", "since", "cleared_on"))
    assert start == [("amber", date(2022, 3, 15), date(2022, 4, 2)),
                     ("red", date(2022, 4, 2), date(2022, 4, 6))]
    pace = Warning.objects.get(project=seasonal_year, metric="completion_vs_time")
    assert (pace.level, pace.since, pace.cleared_on) == ("red", date(2022, 2, 1), None)
