"""The dispatch loop's reads (issue 23, mutation run of investment/selectors.py): each list
holds what its filters say and nothing else, in its order, with its joins (no query per row),
and a row out of scope or a malformed id is NotFound."""

from datetime import date, datetime
from decimal import Decimal as D

import pytest

from diaodu.core import photo_services
from diaodu.core.errors import NotFound
from diaodu.core.models import UnitKind
from diaodu.investment import selectors, services
from diaodu.investment.models import MonthlyRollup, ReportStatus
from diaodu.projects.models import Level, Stage

from ..factories import CategoryFactory, ProjectFactory, unit
from ..photo_images import jpeg, upload
from .conftest import fill_and_submit, open_month, report_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def rounds(dispatcher, building_a, building_b):
    return open_month(dispatcher, 2022, 2), open_month(dispatcher, 2022, 3)


def keys(reports):
    return [(r.round.period_end.month, r.project.name) for r in reports]


def test_report_list_newest_round_first_then_unit_then_project(rounds, dispatcher,
                                                               street_a_reporter):
    assert keys(selectors.report_list(user=dispatcher)) == [
        (3, "林山寨在建项目"), (3, "须水在建项目"), (2, "林山寨在建项目"), (2, "须水在建项目")]
    assert keys(selectors.report_list(user=street_a_reporter)) == [
        (3, "林山寨在建项目"), (2, "林山寨在建项目")]
    february = rounds[0]
    assert keys(selectors.report_list(user=dispatcher, round_id=february.pk)) == [
        (2, "林山寨在建项目"), (2, "须水在建项目")]


def test_report_list_by_status(rounds, street_a_reporter, dispatcher, building_a):
    fill_and_submit(street_a_reporter, report_of(rounds[1], building_a), "10", "100")
    assert keys(selectors.report_list(user=dispatcher, status=ReportStatus.SUBMITTED)) == [
        (3, "林山寨在建项目")]
    assert len(selectors.report_list(user=dispatcher, status=ReportStatus.DRAFT)) == 3


def test_report_list_mine_is_the_users_unit_and_for_a_head_its_units_below(
        dispatcher, drc, street_a, community_a, street_a_reporter, street_a_head):
    own = ProjectFactory(name="街道自报", responsible_unit=street_a, street=street_a,
                         stage=Stage.CONSTRUCTION)
    below = ProjectFactory(name="社区报", responsible_unit=community_a, street=street_a,
                           stage=Stage.CONSTRUCTION)
    departments = ProjectFactory(name="发改委在林山寨", responsible_unit=drc, street=street_a,
                                 stage=Stage.CONSTRUCTION)
    open_month(dispatcher, 2022, 3)

    def mine(user):
        return sorted(r.project.name for r in selectors.report_list(user=user, mine=True))

    assert mine(street_a_head) == sorted([own.name, below.name])
    assert mine(street_a_reporter) == [own.name]
    assert mine(dispatcher) == [departments.name]
    everything = sorted(r.project.name for r in selectors.report_list(user=street_a_head))
    assert departments.name in everything


def test_report_list_and_get_join_what_pages_show(rounds, dispatcher,
                                                  django_assert_num_queries):
    with django_assert_num_queries(1):
        for report in selectors.report_list(user=dispatcher):
            assert report.round.period_end and report.project.responsible_unit.name
            assert report.project.street.name
    pk = report_of(rounds[1], rounds[1].reports.first().project).pk
    report = selectors.report_get(user=dispatcher, pk=pk)
    with django_assert_num_queries(0):
        assert report.round.pk == rounds[1].pk and report.project.street.name
        assert report.project.responsible_unit.name
        assert report.submitted_by is None and report.reviewed_by is None
        assert report.unit_approved_by is None
        assert list(report.adjustments.all()) == []
    plain = selectors.report_get(user=dispatcher, pk=pk, adjustments=False)
    with django_assert_num_queries(1):
        list(plain.adjustments.all())


@pytest.mark.parametrize("pk", ["abc", None, 10**9, [1]])
def test_report_get_of_nothing_is_not_found(rounds, dispatcher, pk):
    with pytest.raises(NotFound):
        selectors.report_get(user=dispatcher, pk=pk)


def test_report_of_another_street_is_not_found(rounds, street_b_reporter, building_a):
    with pytest.raises(NotFound):
        selectors.report_get(user=street_b_reporter, pk=report_of(rounds[1], building_a).pk)


@pytest.fixture
def plans(dispatcher, building_a, building_b):
    made = {}
    for project, year in ((building_a, 2022), (building_b, 2022), (building_a, 2021)):
        made[project.name, year] = services.annual_plan_create(
            actor=dispatcher, project=project, year=year, planned_investment="1200")
    services.annual_plan_approve(actor=dispatcher, plan=made["须水在建项目", 2022])
    return made


def plan_keys(qs):
    return [(p.year, p.project.name) for p in qs]


def test_plan_list_newest_year_first_and_its_filters(plans, dispatcher, building_a,
                                                     street_b_reporter, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert plan_keys(selectors.plan_list(user=dispatcher)) == [
            (2022, "林山寨在建项目"), (2022, "须水在建项目"), (2021, "林山寨在建项目")]
    assert plan_keys(selectors.plan_list(user=dispatcher, year=2021)) == [
        (2021, "林山寨在建项目")]
    assert plan_keys(selectors.plan_list(user=dispatcher, project=building_a.pk)) == [
        (2022, "林山寨在建项目"), (2021, "林山寨在建项目")]
    approved = plans["须水在建项目", 2022].__class__.objects.get(
        pk=plans["须水在建项目", 2022].pk).status
    assert plan_keys(selectors.plan_list(user=dispatcher, status=approved)) == [
        (2022, "须水在建项目")]
    assert plan_keys(selectors.plan_list(user=street_b_reporter)) == [(2022, "须水在建项目")]


def test_plan_get_in_scope_only(plans, dispatcher, street_b_reporter,
                                django_assert_num_queries):
    plan = plans["林山寨在建项目", 2021]
    with django_assert_num_queries(1):
        assert selectors.plan_get(user=dispatcher, pk=plan.pk).project.name == "林山寨在建项目"
    for user, pk in ((street_b_reporter, plan.pk), (dispatcher, "x"), (dispatcher, None)):
        with pytest.raises(NotFound):
            selectors.plan_get(user=user, pk=pk)


def test_reminders_of_the_reports_round_and_unit(rounds, dispatcher, building_a, street_a,
                                                 street_b):
    february, march = rounds
    services.round_remind(actor=dispatcher, round_=march, unit=street_a)
    services.round_remind(actor=dispatcher, round_=march, unit=street_b)
    services.round_remind(actor=dispatcher, round_=february, unit=street_a)
    found = list(selectors.reminders_for(user=dispatcher, report=report_of(march, building_a)))
    assert [(r.round_id, r.unit_id, r.sent_by.username) for r in found] == [
        (march.pk, street_a.pk, dispatcher.username)]


def test_round_list_counts_and_order(rounds, dispatcher, street_a_reporter, building_a):
    february, march = rounds
    fill_and_submit(street_a_reporter, report_of(march, building_a), "10", "100")
    listed = list(selectors.round_list(user=dispatcher))
    assert [r.pk for r in listed][:2] == [march.pk, february.pk]
    first = listed[0]
    assert (first.report_count, first.pending, first.approved) == (2, 1, 0)
    assert selectors.round_get(user=dispatcher, pk=march.pk) == march
    for pk in ("x", None, 10**9):
        with pytest.raises(NotFound):
            selectors.round_get(user=dispatcher, pk=pk)


def test_round_list_newer_id_first_within_a_period(dispatcher, building_a):
    april = open_month(dispatcher, 2022, 4)

    def ad_hoc():
        return services.round_open(actor=dispatcher, cadence="ad_hoc",
                                   period_start=date(2022, 3, 1), period_end=date(2022, 3, 31),
                                   opens_at=april.opens_at, due_at=april.due_at)
    one, two = ad_hoc(), ad_hoc()
    ids = [r.pk for r in selectors.round_list(user=dispatcher)]
    assert ids.index(two.pk) < ids.index(one.pk)


def test_round_overview_per_unit_pending_first(dispatcher, street_a_reporter, building_a,
                                               building_b, street_a, street_b):
    march = open_month(dispatcher, 2022, 3, due_in_days=365 * 50)  # not overdue when submitted
    ProjectFactory(name="须水二号", responsible_unit=street_b, street=street_b,
                   stage=Stage.CONSTRUCTION)
    fill_and_submit(street_a_reporter, report_of(march, building_a), "10", "100")
    rows = selectors.round_overview(user=dispatcher, round_=march)
    assert [(r.unit_id, r.unit_name, r.total, r.pending, r.submitted, r.approved, r.returned,
             r.overdue) for r in rows] == [
        (street_b.pk, street_b.name, 1, 1, 0, 0, 0, 0),
        (street_a.pk, street_a.name, 1, 0, 1, 0, 0, 0)]


def test_round_overview_counts_approved_returned_and_overdue(rounds, dispatcher,
                                                             street_a_reporter, building_a,
                                                             street_a):
    march = rounds[1]
    report = fill_and_submit(street_a_reporter, report_of(march, building_a), "10", "100")
    report = services.report_return(actor=dispatcher, report=report, reason="核实",
                                    expected_version=report.version)
    report.__class__.objects.filter(pk=report.pk).update(is_overdue=True)
    row = next(r for r in selectors.round_overview(user=dispatcher, round_=march)
               if r.unit_id == street_a.pk)
    assert (row.total, row.pending, row.submitted, row.approved, row.returned, row.overdue) \
        == (1, 1, 0, 0, 1, 1)
    report = fill_and_submit(street_a_reporter, report.__class__.objects.get(pk=report.pk),
                             "10", "100")
    services.report_approve(actor=dispatcher, report=report, expected_version=report.version)
    row = next(r for r in selectors.round_overview(user=dispatcher, round_=march)
               if r.unit_id == street_a.pk)
    assert (row.pending, row.submitted, row.approved, row.returned) == (0, 0, 1, 0)


@pytest.fixture
def rollups(street_a, street_b, drc):
    category = CategoryFactory()

    def bucket(month, unit, street, level, planned, done):
        return MonthlyRollup.objects.create(year=2022, month=month, unit=unit, street=street,
                                            level=level, category=category,
                                            planned_annual=D(planned), completed_ytd=D(done))
    return [bucket(3, street_a, street_a, Level.CITY, "1000.00", "250.00"),
            bucket(3, street_b, street_b, Level.DISTRICT, "500.00", "50.00"),
            bucket(3, drc, street_a, Level.DISTRICT, "500.00", "100.00"),
            bucket(3, drc, None, Level.PROVINCE, "0.00", "0.00"),
            bucket(2, street_a, street_a, Level.CITY, "1000.00", "90.00")]


def test_year_kpis_from_the_months_rollups(rollups, dispatcher, street_a, street_b, drc):
    kpis = selectors.year_kpis(user=dispatcher, year=2022, month=3)
    assert (kpis.year, kpis.month) == (2022, 3)
    assert (kpis.planned_annual, kpis.completed_ytd, kpis.completion_rate) == (
        D("2000.00"), D("400.00"), D("20.0"))
    assert kpis.time_progress == D("24.7")  # 90 of 365 days
    assert [(r.label, r.planned_annual, r.completed_ytd, r.completion_rate)
            for r in kpis.by_level] == [
        ("市重点", D("1000.00"), D("250.00"), D("25.0")),
        ("区重点", D("1000.00"), D("150.00"), D("15.0")),
        ("省重点", D("0.00"), D("0.00"), None)]
    units = {r.label: r.completed_ytd for r in kpis.by_unit}
    assert units == {street_a.name: D("250.00"), street_b.name: D("50.00"),
                     drc.name: D("100.00")}
    streets = {r.label: r.completed_ytd for r in kpis.by_street}
    assert streets == {street_a.name: D("350.00"), street_b.name: D("50.00"), "—": D("0.00")}


def test_year_kpis_of_some_levels_and_of_february_in_a_leap_year(rollups, dispatcher):
    kpis = selectors.year_kpis(user=dispatcher, year=2022, month=3,
                               levels=(Level.CITY, Level.PROVINCE))
    assert (kpis.planned_annual, kpis.completed_ytd) == (D("1000.00"), D("250.00"))
    february = selectors.year_kpis(user=dispatcher, year=2022, month=2)
    assert (february.completed_ytd, february.time_progress) == (D("90.00"), D("16.2"))
    assert selectors.year_kpis(user=dispatcher, year=2024, month=2).time_progress == D("16.4")
    empty = selectors.year_kpis(user=dispatcher, year=2023, month=3)
    assert (empty.planned_annual, empty.completion_rate, empty.by_unit) == (D("0.00"), None, [])


def test_registration_plans_of_a_month_and_not_yet_registered(dispatcher, street_a):
    def planned(name, due, registered=None):
        project = ProjectFactory(name=name, responsible_unit=street_a, street=street_a,
                                 stage=Stage.CONSTRUCTION, actual_start=date(2022, 1, 5),
                                 total_investment=D("800.00"))
        services.registration_plan_set(actor=dispatcher, project=project, due_month=due,
                                       responsible_unit=street_a)
        if registered:
            project.__class__.objects.filter(pk=project.pk).update(
                stats_registered_on=registered)
        return project

    planned("四月入库", date(2022, 4, 1))
    planned("五月入库", date(2022, 5, 1))
    planned("去年四月", date(2021, 4, 1))
    planned("已入库", date(2022, 4, 1), registered=date(2022, 4, 20))

    def names(month=None):
        return sorted(p.project.name
                      for p in selectors.registration_plans(user=dispatcher, month=month))

    assert names(date(2022, 4, 15)) == ["四月入库"]
    assert names() == sorted(["四月入库", "五月入库", "去年四月"])


def test_plans_of_a_year_in_project_order(dispatcher, building_a, building_b):
    for project in (building_b, building_a):
        services.annual_plan_create(actor=dispatcher, project=project, year=2022,
                                    planned_investment="1200")
    assert plan_keys(selectors.plan_list(user=dispatcher)) == [
        (2022, "林山寨在建项目"), (2022, "须水在建项目")]


def test_registration_lists_join_their_units_and_go_by_start(dispatcher, street_a, street_b,
                                                             django_assert_num_queries):
    late = ProjectFactory(name="后开工", responsible_unit=street_a, street=street_b,
                          stage=Stage.CONSTRUCTION, actual_start=date(2022, 5, 1),
                          total_investment=D("800.00"))
    early = ProjectFactory(name="先开工", responsible_unit=street_b, street=street_a,
                           stage=Stage.CONSTRUCTION, actual_start=date(2022, 2, 1),
                           total_investment=D("800.00"))
    assert [p.name for p in selectors.unregistered(user=dispatcher)] == [early.name, late.name]
    with django_assert_num_queries(1):
        assert {(p.responsible_unit.name, p.street.name)
                for p in selectors.must_register(user=dispatcher)} == {
            (street_a.name, street_b.name), (street_b.name, street_a.name)}
    services.registration_plan_set(actor=dispatcher, project=late, due_month=date(2022, 6, 1),
                                   responsible_unit=street_a)
    with django_assert_num_queries(1):
        assert [(p.project.name, p.responsible_unit.name)
                for p in selectors.registration_plans(user=dispatcher)] == [
            (late.name, street_a.name)]


def test_reminders_join_who_sent_them(rounds, dispatcher, building_a, street_a,
                                      django_assert_num_queries):
    march = rounds[1]
    services.round_remind(actor=dispatcher, round_=march, unit=street_a)
    report = report_of(march, building_a)
    report.project  # noqa: B018 (loaded before counting)
    with django_assert_num_queries(1):
        assert [r.sent_by.username for r in selectors.reminders_for(user=dispatcher,
                                                                     report=report)] == [
            dispatcher.username]


def test_report_get_joins_who_submitted_approved_and_reviewed(rounds, street_a_reporter,
                                                              street_a_head, dispatcher,
                                                              building_a,
                                                              django_assert_num_queries):
    report = fill_and_submit(street_a_reporter, report_of(rounds[1], building_a), "10", "100")
    report = services.report_unit_approve(actor=street_a_head, report=report,
                                          expected_version=report.version)
    services.report_approve(actor=dispatcher, report=report, expected_version=report.version)
    report = selectors.report_get(user=dispatcher, pk=report.pk, adjustments=False)
    with django_assert_num_queries(0):
        assert (report.submitted_by.username, report.unit_approved_by.username,
                report.reviewed_by.username) == (street_a_reporter.username,
                                                 street_a_head.username, dispatcher.username)
    march = next(r for r in selectors.round_list(user=dispatcher) if r.pk == rounds[1].pk)
    assert (march.report_count, march.pending, march.approved) == (2, 1, 1)


def test_rounds_go_by_period_not_by_when_they_were_opened(dispatcher, building_a):
    march = open_month(dispatcher, 2022, 3)
    february = open_month(dispatcher, 2022, 2)
    ids = [r.pk for r in selectors.round_list(user=dispatcher)]
    assert ids.index(march.pk) < ids.index(february.pk)



def test_lists_go_by_unit_path_then_project_not_by_ids(dispatcher, district, street_b,
                                                       street_b_reporter):
    """A street added later whose code sorts first has the larger id and the smaller path;
    within one unit the reports were made largest project first (the round opens projects in
    their model order), so neither an id order nor the order of making can pass for these."""
    first = unit("410102000", "甲街道", UnitKind.STREET, district)
    small = ProjectFactory(name="须水小项目", responsible_unit=street_b, street=street_b,
                           stage=Stage.CONSTRUCTION, level=Level.DISTRICT,
                           total_investment=D("100.00"))
    big = ProjectFactory(name="须水大项目", responsible_unit=street_b, street=street_b,
                         stage=Stage.CONSTRUCTION, level=Level.DISTRICT,
                         total_investment=D("900.00"))
    other = ProjectFactory(name="甲街道项目", responsible_unit=first, street=first,
                           stage=Stage.CONSTRUCTION, level=Level.DISTRICT)
    march = open_month(dispatcher, 2022, 3, due_in_days=365 * 50)
    street_b.refresh_from_db()
    assert first.pk > street_b.pk and first.path < street_b.path
    assert small.pk < big.pk and report_of(march, big).pk < report_of(march, small).pk
    assert [r.project.name for r in selectors.report_list(user=dispatcher)] == [
        other.name, small.name, big.name]
    fill_and_submit(street_b_reporter, report_of(march, big), "10", "100")
    rows = selectors.round_overview(user=dispatcher, round_=march)
    assert [(r.unit_id, r.pending, r.submitted) for r in rows] == [
        (first.pk, 1, 0), (street_b.pk, 1, 1)]


def test_a_step_reads_the_round_project_and_unit_only(rounds, dispatcher, street_a_reporter,
                                                      building_a, django_assert_num_queries):
    """`page=False` (the API's answers and the services' steps): one query joining the round,
    the project and its responsible unit; the street and the people are not joined."""
    assert selectors.STEP_RELATED == ("round", "project", "project__responsible_unit")
    assert selectors.PAGE_RELATED == (*selectors.STEP_RELATED, "project__street",
                                      "submitted_by", "reviewed_by", "unit_approved_by")
    pk = fill_and_submit(street_a_reporter, report_of(rounds[1], building_a), "10", "100").pk
    with django_assert_num_queries(1):
        step = selectors.report_get(user=dispatcher, pk=pk, adjustments=False, page=False)
    with django_assert_num_queries(0):
        assert (step.round.pk, step.project.pk) == (rounds[1].pk, building_a.pk)
        assert step.project.responsible_unit.name == building_a.responsible_unit.name
    with django_assert_num_queries(2):
        assert step.project.street.name == building_a.street.name
        assert step.submitted_by.username == street_a_reporter.username
    page = selectors.report_get(user=dispatcher, pk=pk, adjustments=False)
    with django_assert_num_queries(0):
        assert (page.project.street.name, page.submitted_by.username) == (
            building_a.street.name, street_a_reporter.username)
    with pytest.raises(NotFound):
        selectors.report_get(user=dispatcher, pk="x", page=False)


def test_report_photos_are_its_own_checked_against_its_round(rounds, dispatcher, building_a,
                                                             building_b, media):
    february, march = rounds
    last_year = jpeg(taken=datetime(2021, 3, 10, 9), colour="green")
    photo = photo_services.photo_add(actor=None, owner=report_of(march, building_a),
                                     upload=upload(last_year, "去年.jpg"))
    photo_services.photo_add(actor=None, owner=report_of(february, building_a),
                             upload=upload(jpeg(), "二月.jpg"))
    photo_services.photo_add(actor=None, owner=report_of(march, building_b),
                             upload=upload(jpeg(), "须水.jpg"))
    report = selectors.report_get(user=dispatcher, pk=report_of(march, building_a).pk)
    shown = selectors.report_photos(report=report)
    assert [item.photo.pk for item in shown] == [photo.pk]
    assert ("outside_period", "拍摄于 2021-03-10，不在 2022-03-01 至 2022-03-31 之内（往年照片）") \
        in shown[0].checks


def test_unregistered_of_one_start_day_go_by_id(dispatcher, street_a, street_b):
    """Ties on the start day are broken by id, whatever the unit, the size or the order the
    rows lie in (on PostgreSQL an updated row moves to the end of the table; SQLite keeps rows
    in id order, so there only a wrong tie-break, not a missing one, can fail this)."""
    made = [ProjectFactory(name=f"同日开工{n}", responsible_unit=unit_, street=unit_,
                           stage=Stage.CONSTRUCTION, actual_start=date(2022, 3, 1),
                           total_investment=D(size))
            for n, (unit_, size) in enumerate([(street_b, "600.00"), (street_a, "9000.00"),
                                               (street_b, "800.00"), (street_a, "700.00")])]
    type(made[0]).objects.filter(pk__in=[made[0].pk, made[1].pk]).update(name="同日开工改")
    assert [p.pk for p in selectors.unregistered(user=dispatcher)] == sorted(p.pk for p in made)
