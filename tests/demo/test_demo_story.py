"""The demo tells one story on one day (issue 15): loaded once for this module, then checked
the way a district official would look at it — dates, rounds, amounts, schedules, approvals,
the dashboard's landing period and the Word briefing. Each test names what it guards."""

import io
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from docx import Document

from diaodu.cases.models import (
    ActionKind,
    Approval,
    ApprovalKind,
    Case,
    CaseAction,
    CaseStatus,
    Notice,
    Visit,
)
from diaodu.core.models import OrgUnit, UnitKind, User
from diaodu.dashboard.models import Warning
from diaodu.demo import data
from diaodu.demo.catalogue import CATEGORY_RANGES, is_enterprise
from diaodu.demo.loader import load_demo
from diaodu.investment.models import AnnualPlan, MonthlyRollup, ProgressReport, ReportingRound
from diaodu.investment.selectors import year_kpis
from diaodu.ledgers.briefing import briefing_docx
from diaodu.projects.models import Campaign, CampaignEntry, Project, Stage
from diaodu.schedule import rules
from diaodu.schedule.models import Activity

TODAY = data.DEMO_TODAY
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded once in a transaction that is rolled back after the module (its
    sample photos in a temporary media folder)."""
    with django_db_blocker.unblock(), override_settings(
            DIAODU_TODAY=TODAY.isoformat(), MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        with transaction.atomic():
            assert load_demo() is True
            yield
            transaction.set_rollback(True)


def _local(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment else None


def test_no_business_date_after_the_clock_except_plans_and_forecasts():
    late = []
    for p in Project.objects.all():
        for field in ("actual_start", "actual_completion", "stats_registered_on",
                      "whitelisted_on", "fulfilled_on", "reached_capacity_on"):
            if getattr(p, field) and getattr(p, field) > TODAY:
                late.append((p.name, field, getattr(p, field)))
    for r in ReportingRound.objects.all():
        late += [("round", r.pk, d) for d in (_local(r.opens_at), _local(r.locked_at),
                                              _local(r.created_at)) if d and d > TODAY]
    for r in ProgressReport.objects.all():
        late += [("report", r.pk, d) for d in (_local(r.submitted_at), _local(r.reviewed_at))
                 if d and d > TODAY]
    late += [("case", c.pk, _local(c.created_at)) for c in Case.objects.all()
             if _local(c.created_at) > TODAY]
    late += [("action", a.pk, a.on) for a in CaseAction.objects.all()
             if a.on > TODAY or _local(a.at) > TODAY]
    late += [("visit", v.pk, v.visited_on) for v in Visit.objects.all() if v.visited_on > TODAY]
    late += [("notice", n.pk, n.issued_on) for n in Notice.objects.all() if n.issued_on > TODAY]
    late += [("approval", a.item, a.received_on) for a in Approval.objects.all()
             if a.received_on > TODAY or (a.completed_on or TODAY) > TODAY]
    late += [("campaign", c.name, c.held_on) for c in Campaign.objects.all()
             if c.held_on and c.held_on > TODAY]
    late += [("entry", e.pk, e.listed_on) for e in CampaignEntry.objects.all()
             if e.listed_on and e.listed_on > TODAY]
    late += [("warning", w.pk, w.since) for w in Warning.objects.all() if w.since > TODAY]
    late += [("activity", a.pk, d) for a in Activity.objects.all()
             for d in (a.actual_start, a.actual_finish) if d and d > TODAY]
    late += [("plan", p.pk, _local(p.approved_at)) for p in AnnualPlan.objects.all()
             if _local(p.approved_at) > TODAY]
    assert not late, late[:10]


def test_monthly_rounds_run_without_a_gap_to_the_open_month():
    rounds = list(ReportingRound.objects.filter(cadence="monthly").order_by("period_start"))
    months = [(r.period_start.year, r.period_start.month) for r in rounds]
    expected = [(y, m) for y in (2021, 2022, 2023) for m in range(1, 13)
                if (y, m) <= (2023, 3)]
    assert months == expected
    assert all(r.is_locked for r in rounds[:-1]) and not rounds[-1].is_locked
    march = rounds[-1]
    assert march.due_at < timezone.make_aware(datetime(2023, 3, 31))
    states = Counter(march.reports.values_list("status", flat=True))
    assert states["approved"] > states["returned"] > 0 and states["draft"] > 0
    assert set(states) == {"approved", "returned", "draft"}
    assert all(r.is_overdue for r in march.reports.filter(status="draft"))


def test_the_seed_2021_is_exact_and_years_are_plausible():
    dispatcher = User.objects.get(username="dispatcher")
    key = year_kpis(user=dispatcher, year=2021, month=12, levels=("province", "city"))
    assert (key.completed_ytd, key.completion_rate) == (Decimal("4106000.00"), Decimal("105.3"))
    whole_2022 = year_kpis(user=dispatcher, year=2022, month=12)
    assert Decimal(80) <= whole_2022.completion_rate <= Decimal(115)
    early_2023 = year_kpis(user=dispatcher, year=2023, month=2)
    assert Decimal(3) <= early_2023.completion_rate <= Decimal(20)  # 1~2月: the festival
    # Seasonality: the Spring Festival dip and the year-end rise.
    month = defaultdict(Decimal)
    for r in MonthlyRollup.objects.filter(year=2022):
        month[r.month] += r.completed_in_month
    assert month[2] < month[6] < month[12]


def test_units_spread_from_well_ahead_to_badly_behind():
    done, planned = defaultdict(Decimal), defaultdict(Decimal)
    for r in MonthlyRollup.objects.filter(year=2022, month=12):
        done[r.unit_id] += r.completed_ytd
        planned[r.unit_id] += r.planned_annual
    rates = {u: done[u] / planned[u] * 100 for u in planned if planned[u]}
    assert len({round(r) for r in rates.values()}) >= 5
    assert max(rates.values()) >= 105 and min(rates.values()) <= 75


def test_amounts_lie_in_the_documented_ranges_and_plans_differ():
    outside = [(p.name, p.total_investment) for p in Project.objects.select_related("category")
               if not CATEGORY_RANGES[p.category.code][0] <= p.total_investment
               <= CATEGORY_RANGES[p.category.code][1]]
    assert not outside
    shares = {(p.annual_plans.get(year=2022).planned_investment / p.total_investment)
              .quantize(Decimal("0.001"))
              for p in Project.objects.filter(annual_plans__year=2022)}
    assert len(shares) > 20
    assert "【示例数据】" in Project.objects.get(name="濮河路道路工程项目").scope


def test_unregistered_started_projects_are_due_to_register_next_month():
    from diaodu.investment.models import RegistrationPlan

    waiting = Project.objects.filter(actual_start__isnull=False, total_investment__gte=500,
                                     stats_registered_on__isnull=True)
    assert waiting.exists()
    assert set(RegistrationPlan.objects.values_list("due_month", flat=True)) == {
        date(2023, 4, 1)}
    assert RegistrationPlan.objects.count() == waiting.count()


def test_no_duplicate_project_names():
    names = Counter(Project.objects.values_list("name", flat=True))
    assert not [n for n, c in names.items() if c > 1]


def test_completed_projects_spent_about_their_total():
    for p in Project.objects.filter(stage=Stage.COMPLETED, actual_completion__gte=date(2021, 3,
                                                                                       1)):
        last = p.reports.filter(status="approved").order_by("-round__period_end").first()
        assert last is not None, p.name
        assert abs(last.cumulative_completed - p.total_investment) <= \
            p.total_investment * Decimal("0.08"), p.name


def test_every_preparation_and_construction_project_is_scheduled_red_amber_green():
    active = Project.objects.filter(stage__in=[Stage.PREPARATION, Stage.CONSTRUCTION])
    rags = defaultdict(list)
    for pid, rag in Activity.objects.values_list("project_id", "rag"):
        rags[pid].append(rag)
    assert set(active.values_list("pk", flat=True)) <= set(rags)
    worst = Counter(rules.worst(v) for v in rags.values())
    assert worst["red"] >= 5 and worst["amber"] >= 5 and worst["green"] >= 20
    # Actuals agree with the stage: started projects have started their 开工 milestone.
    for a in Activity.objects.filter(milestone_type__code="start").select_related("project"):
        assert (a.actual_start is not None) == (a.project.stage == Stage.CONSTRUCTION), \
            a.project.name
        if a.actual_start:
            assert a.actual_start == a.project.actual_start
    for a in Activity.objects.filter(project__stage=Stage.CONSTRUCTION, milestone_type__code__in=[
            "feasibility", "construction_permit"]).select_related("project"):
        assert a.actual_finish and a.actual_finish <= a.project.actual_start, a.project.name


def test_approvals_come_before_the_work_they_permit():
    q1 = Approval.objects.filter(received_on__range=(date(2022, 1, 1), date(2022, 3, 31)))
    kinds = Counter(q1.values_list("kind", flat=True))
    assert (q1.count(), kinds[ApprovalKind.APPROVAL], kinds[ApprovalKind.NOTIFICATION_FILING]) \
        == (44, 11, 33)
    assert all(a.on_time for a in q1)
    for a in Approval.objects.exclude(project=None).select_related("project"):
        start = a.project.actual_start
        if a.kind == ApprovalKind.NOTIFICATION_FILING:
            assert is_enterprise(a.project.owner_name), a.item
            assert start is None or start > a.received_on, a.item
        elif a.completed_on:
            assert start is None or start > a.completed_on, a.item


def test_three_batches_list_only_what_happened_in_their_phase():
    for e in CampaignEntry.objects.select_related("campaign", "project"):
        first, last = data.CAMPAIGN_WINDOWS[e.campaign.phase]
        day = {"start": e.project.actual_start, "produce": e.project.actual_completion}.get(
            e.batch)
        if e.batch != "sign":
            assert day and first <= day <= last, (e.project.name, e.batch, e.campaign.phase)
        else:
            assert is_enterprise(e.project.owner_name), e.project.name
    batches = Counter(CampaignEntry.objects.values_list("batch", flat=True))
    assert batches["sign"] and batches["start"] and batches["produce"]
    assert Project.objects.filter(campaign_entries__batch="sign", fulfilled_on__isnull=False)
    assert Project.objects.filter(campaign_entries__batch="produce",
                                  actual_completion__isnull=False)


def test_the_seed_visits_tell_2022_and_2023():
    city = Visit.objects.get(kind="inspection")
    assert city.visited_on == date(2022, 3, 30)
    assert {c.status for c in Case.objects.filter(visit=city)} == {CaseStatus.CLOSED}
    visits = Visit.objects.exclude(pk=city.pk)
    assert sorted(v.visited_on for v in visits) == [date(2023, 3, 26), date(2023, 3, 30)]
    cases = Case.objects.filter(visit__in=visits)
    assert cases.count() == 8
    assert {c.status for c in cases} <= {CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS}
    assert cases.filter(status=CaseStatus.IN_PROGRESS).count() >= 6
    for case in cases:
        assert _local(case.created_at) in (date(2023, 3, 27), date(2023, 3, 31))
        assert case.due_on.month == 4 and case.due_on.year == 2023
        assert not case.actions.filter(kind=ActionKind.REMIND).exists()  # due in April
    streets = OrgUnit.objects.filter(kind=UnitKind.STREET)
    assert sorted(streets.values_list("code", flat=True)) == [
        f"410102{n:03d}" for n in range(1, 15)]


def test_dashboard_lands_on_the_latest_locked_period(client):
    leader = User.objects.get(username="leader")
    client.force_login(leader)
    response = client.get("/dashboard/")
    assert (response.context["period"].year, response.context["period"].month) == (2023, 2)
    assert "2023年1—2月重点项目建设情况" in response.text
    assert "演示数据 · 业务日期 2023-03-31" in response.text


def test_word_briefing_period_and_date_agree_with_the_clock():
    dispatcher = User.objects.get(username="dispatcher")
    content, _name = briefing_docx(user=dispatcher, year=2023, month=2)
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert "2023年3月31日" in text and "2023年1~2月份全区重点项目建设情况" in text
    assert str(TODAY.year + 1) not in text and "2026" not in text
    # The 红榜 judges by the share usually done by February, as the dashboard's warnings do.
    assert "年度投资完成率低于应完成进度（往年同期完成7.5%）95%的项目" in text


def test_warnings_are_dated_by_the_clock():
    assert Warning.objects.exists()
    assert set(Warning.objects.values_list("since", flat=True)) <= {
        TODAY - timedelta(days=n) for n in range(0, 800)}


def test_warnings_arose_over_the_weeks_and_red_is_a_minority():
    """The nightly job replayed over the quarter: warnings dated when they arose, some cleared,
    and red for a minority of projects — not 157 red all dated on the demo's day."""
    open_ = Warning.objects.filter(cleared_on__isnull=True)
    since = Counter(open_.values_list("since", flat=True))
    assert len(since) >= 5 and max(since.values()) < open_.count() / 2
    assert min(since) <= TODAY - timedelta(days=28)
    assert Warning.objects.filter(cleared_on__isnull=False, cleared_on__lte=TODAY).exists()
    red_projects = open_.filter(level="red").values("project").distinct().count()
    assert 0 < red_projects < Project.objects.count() / 2
    assert open_.filter(level="amber").exists()
    # Seasonal January–February: completion is judged against the share usually done by
    # then, so few projects are behind on it, and the headline agrees with the forecast.
    behind = open_.filter(metric="completion_vs_time").count()
    assert 0 < behind <= 30


def test_dashboard_pace_agrees_with_the_forecast(client):
    client.force_login(User.objects.get(username="leader"))
    d = client.get("/dashboard/").context["d"]
    assert d.expected.method == "seasonal" and d.expected.years == (2021, 2022)
    assert d.expected.percent < d.time_progress
    assert abs(d.pace_ratio - d.forecast_rate) <= Decimal("0.1")
    assert d.pace in ("normal", "ahead")
    assert d.warning_counts["red"] < 100


def test_export_page_opens_on_the_latest_locked_period(client):
    from django.urls import reverse

    client.force_login(User.objects.get(username="leader"))
    page = client.get(reverse("ledgers:exports"))
    assert (page.context["year"], page.context["month"]) == (2023, 2)


def test_seed_projects_and_each_account_sees_its_scope():
    from diaodu.core.roles import Role
    from diaodu.core.scoping import scope_for

    assert {u.role for u in User.objects.all()} == {r.value for r in Role}
    metro = Project.objects.get(name="郑州市轨道交通第二调度中心项目")
    assert metro.actual_start.strftime("%Y-%m") == "2021-06" and metro.on_whitelist
    entry = CampaignEntry.objects.get(project=metro)
    assert (entry.campaign.phase, entry.batch, entry.listed_on) == (1, "start",
                                                                    date(2021, 7, 10))
    hq = Project.objects.get(name__contains="中原企业总部港")
    assert hq.on_whitelist and CampaignEntry.objects.get(project=hq, batch="start") \
        .campaign.phase == 3
    assert 80 <= Project.objects.count() <= 150
    assert set(Project.objects.values_list("stage", flat=True)) == set(Stage.values)
    reporter = User.objects.get(username="reporter")
    visible = scope_for(reporter, Project)
    assert visible.exists()
    assert all(reporter.unit_id in (p.street_id, p.responsible_unit_id) for p in visible)
    dispatcher = User.objects.get(username="dispatcher")
    assert scope_for(dispatcher, Project).count() == Project.objects.count()
    assert not scope_for(User.objects.get(username="auditor"), Project).exists()
    assert scope_for(User.objects.get(username="taskforce"), Project).count() == 4
    assert scope_for(reporter, ProgressReport).count() < ProgressReport.objects.count()


def test_every_event_of_the_demo_is_sealed_into_a_chain_that_verifies():
    """`demo --no-serve` runs no task worker: the loader seals what the commits left."""
    from diaodu.core import audit_archive
    from diaodu.core.models import AuditEvent

    assert AuditEvent.objects.count() > 10_000
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()
    assert audit_archive.verify_log()[2] == []


def test_a_second_run_changes_nothing():
    from django.core.management import call_command

    from diaodu.core.models import AuditEvent

    def counts():
        return (Project.objects.count(), User.objects.count(), AuditEvent.objects.count(),
                ProgressReport.objects.count(), Case.objects.count(), Activity.objects.count())

    before = counts()
    assert load_demo() is False
    call_command("demo", "--no-serve", stdout=io.StringIO())
    assert counts() == before


def test_sample_site_photos_show_each_check_once():
    from diaodu.core.models import Photo

    photos = list(Photo.objects.all())
    assert photos and all(p.sample for p in photos)
    on_reports = [p for p in photos if p.owner_type.model == "progressreport"]
    evidence = [p for p in photos if p.owner_type.model == "project"]
    assert len(on_reports) >= 6 and len(evidence) == 2
    assert sum(p.too_far for p in photos) == 1 and sum(p.no_exif for p in photos) == 1
    assert sum(p.outside_period for p in photos) == 1
    # Every other photo is dated in March 2023 (the report's period, 入库 after the start)
    # and taken within the limit of its project's point.
    for photo in photos:
        if not photo.flagged:
            assert _local(photo.taken_at) <= TODAY and photo.distance_m < 1000
            assert photo.thumbnail.storage.exists(photo.thumbnail.name)
    named = Project.objects.filter(name__in=[s["name"] for s in data.NAMED_PROJECTS])
    assert all(p.point is not None for p in named)


def test_the_ranking_counts_missed_spot_checks():
    """Scheme version 2 weighs 查岗 (issue 21); the ranked months carry each unit's rate."""
    from diaodu.dashboard.models import ScoringScheme, UnitRanking

    active = ScoringScheme.objects.get(is_active=True)
    assert active.version == 2 and active.weights["duty_checks"] == 5
    february = UnitRanking.objects.filter(year=2023, month=2, kind="street")
    assert february.exists() and all(r.scheme_id == active.pk for r in february)
    rates = [Decimal(r.metrics["duty_checks"]) for r in february
             if r.metrics.get("duty_checks") is not None]
    assert len(rates) >= 10 and min(rates) < 100


def test_three_months_of_grid_events_in_both_streets():
    """城运中心 (issue 18): events in 林山寨's and 莲湖's grids from January to the demo day, in
    the categories of the story; most evaluated, some late, some open past their limit."""
    from diaodu.cityops import selectors
    from diaodu.cityops.models import Event, StreetRanking

    events = Event.objects.select_related("street", "category")
    assert {e.street.code for e in events} == {"410102001", "410102013"}
    days = [e.reported_on for e in events]
    assert min(days) < date(2023, 1, 10) and max(days) <= TODAY
    names = Counter(e.category.name for e in events)
    assert {"占道经营", "私搭乱建", "垃圾堆放", "井盖缺失", "噪音扰民"} <= set(names)
    assert events.filter(stage="evaluated").count() > len(days) // 2
    assert events.filter(overdue_steps__gt=0).exists()
    assert events.filter(stage="rejected").exists()
    # Every event has a point inside its grid: the map draws them and heats the grids.
    assert not events.filter(lat__isnull=True).exists()
    assert not events.filter(gps_outside_grid=True).exists()
    now = timezone.make_aware(datetime(2023, 3, 31, 16, 0))
    console = selectors.console(streets=None, now=now, widgets=False)
    assert console.totals["open"] > 0 and console.totals["overdue"] > 0
    assert StreetRanking.objects.filter(year=2023, month=3).count() == 2
