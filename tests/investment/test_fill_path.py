"""A unit's save and submission read the report once, locked, and ask policy.fills who may
fill it (services/guards._locked_to_fill): neither the page nor the API reads it first. What
that must keep: whoever may fill a report also sees it (scope_for), everyone else gets the
404 they got before, nothing changes on a refusal, and the thresholds the quality check
reads with the months around a report are DispatchSettings.current()'s."""

from decimal import Decimal

import pytest
from django.urls import reverse

from diaodu.core.errors import NotFound
from diaodu.core.roles import Role
from diaodu.core.scoping import scope_for
from diaodu.investment import policy, services
from diaodu.investment.models import DispatchSettings, ProgressReport, ReportStatus

from ..factories import UserFactory, unit
from .conftest import fill_and_submit, open_month, report_of

pytestmark = pytest.mark.django_db

FORM = {"action": "submit", "completed_in_period": "12.34", "cumulative_completed": "3012.34",
        "physical_progress": "主体封顶", "expected_version": 1}


def test_whoever_may_fill_a_report_also_sees_it(march, building_a, building_b, street_a,
                                                street_a_reporter, street_b_reporter,
                                                street_a_head, dispatcher, leader):
    community = unit("410102001009", "测试社区", "community", street_a)
    community_reporter = UserFactory(username="c_reporter", unit=community, role=Role.REPORTER)
    users = [street_a_reporter, street_b_reporter, street_a_head, dispatcher, leader,
             community_reporter]
    filled = 0
    for user in users:
        visible = set(scope_for(user, ProgressReport).values_list("pk", flat=True))
        for report in march.reports.select_related("project__responsible_unit"):
            if policy.fills(user, report.project):
                filled += 1
                assert report.pk in visible, (user.username, report.project.name)
    assert filled == 3  # each street's reporter its own, street A's head street A's


def test_an_inactive_reporter_may_not_fill(march, building_a, street_a_reporter):
    street_a_reporter.is_active = False
    with pytest.raises(NotFound):
        services.report_submit(actor=street_a_reporter, report=report_of(march, building_a),
                               expected_version=1)
    assert report_of(march, building_a).status == ReportStatus.DRAFT


def test_a_missing_report_is_not_found(march, street_a_reporter):
    with pytest.raises(NotFound):
        services.report_submit(actor=street_a_reporter, report=10**9, expected_version=1)


@pytest.mark.parametrize("who", ["street_b_reporter", "leader", "dispatcher"])
def test_the_form_refuses_whoever_may_not_fill_with_404(client, march, building_a, who,
                                                        request):
    client.force_login(request.getfixturevalue(who))
    url = reverse("investment:report", args=[report_of(march, building_a).pk])
    assert client.post(url, FORM).status_code == 404
    assert client.post(url, {**FORM, "completed_in_period": "abc"}).status_code == 404
    stored = report_of(march, building_a)
    assert (stored.status, stored.version) == (ReportStatus.DRAFT, 1)


def test_the_form_shows_its_error_to_the_reporter(client, march, building_a,
                                                  street_a_reporter):
    client.force_login(street_a_reporter)
    url = reverse("investment:report", args=[report_of(march, building_a).pk])
    response = client.post(url, {**FORM, "completed_in_period": "-5"})
    assert response.status_code == 200
    assert response.context["form"].errors["completed_in_period"]
    stale = client.post(url, {**FORM, "expected_version": 0})
    assert stale.status_code == 200
    assert any("已被" in str(m) or "修改" in str(m) for m in stale.context["messages"])
    assert report_of(march, building_a).version == 1


def test_a_submitted_report_is_no_longer_the_forms(client, march, building_a,
                                                   street_a_reporter):
    """As before: once submitted the page offers no form, so a second POST is a 404."""
    fill_and_submit(street_a_reporter, report_of(march, building_a), "1", "3001")
    client.force_login(street_a_reporter)
    url = reverse("investment:report", args=[report_of(march, building_a).pk])
    assert client.post(url, {**FORM, "expected_version": 3}).status_code == 404


def test_the_form_submits_for_the_reporter(client, march, building_a, street_a_reporter):
    client.force_login(street_a_reporter)
    url = reverse("investment:report", args=[report_of(march, building_a).pk])
    response = client.post(url, FORM)
    assert response.status_code == 302 and response.url == url
    stored = report_of(march, building_a)
    assert (stored.status, stored.version) == (ReportStatus.SUBMITTED, 2)
    assert stored.submitted_by == street_a_reporter
    assert list(stored.history.values_list("version", "status").order_by("history_id")) == \
        [(1, "draft"), (2, "submitted")]


def test_the_thresholds_come_with_the_months_around_a_report(march, building_a, read_months):
    report = ProgressReport.objects.select_related("round").get(pk=report_of(march,
                                                                            building_a).pk)
    DispatchSettings.objects.all().delete()
    defaults = read_months(report).thresholds
    assert (defaults.overrun_tolerance_pct, defaults.jump_factor) == (10, Decimal("3.00"))
    DispatchSettings.objects.create(overrun_tolerance_pct=7, jump_factor=Decimal("2.55"))
    DispatchSettings.objects.create(overrun_tolerance_pct=99, jump_factor=Decimal("9.99"))
    current = DispatchSettings.current()
    read = read_months(report).thresholds
    assert (read.overrun_tolerance_pct, read.jump_factor) == \
        (current.overrun_tolerance_pct, current.jump_factor) == (7, Decimal("2.55"))


def test_a_tuned_jump_factor_flags_on_submit(dispatcher, building_a, street_a_reporter):
    """The threshold read with the months reaches the check: 2.00 flags a month at exactly
    twice the one before, 2.01 does not (the rule is 'more than')."""
    feb, mar = open_month(dispatcher, 2022, 2), open_month(dispatcher, 2022, 3)
    fill_and_submit(street_a_reporter, report_of(feb, building_a), "100", "3100")
    settings = DispatchSettings.current()
    settings.jump_factor = Decimal("2.01")
    settings.save()
    first = fill_and_submit(street_a_reporter, report_of(mar, building_a), "201", "3301")
    assert "jump" not in first.review_flags
    services.report_return(actor=dispatcher, report=first, reason="复核",
                           expected_version=first.version)
    settings.jump_factor = Decimal("2.00")
    settings.save()
    again = fill_and_submit(street_a_reporter, report_of(mar, building_a), "201", "3301")
    assert "jump" in again.review_flags


def test_a_submission_is_two_statements_on_postgresql(march, building_a, street_a_reporter):
    """The submit's statements (the month-end surge is mostly these): on PostgreSQL the row
    locked with the months before it, then the row, its history row and its audit event
    together; elsewhere the months and each write go on their own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report = report_of(march, building_a)
    services.report_save(actor=street_a_reporter, report=report.pk, expected_version=1,
                         completed_in_period="12.34", cumulative_completed="3012.34",
                         physical_progress="主体封顶")
    with CaptureQueriesContext(connection) as captured:
        services.report_submit(actor=street_a_reporter, report=report.pk, expected_version=2)
    # Django logs a prepared statement as QUERY = '…' - PARAMS = …
    statements = [q["sql"].removeprefix("QUERY = '").split()[0].upper()
                  for q in captured.captured_queries if "SAVEPOINT" not in q["sql"].upper()]
    if connection.vendor == "postgresql":
        assert statements == ["SELECT", "WITH"]
    else:
        assert statements == ["SELECT", "SELECT", "UPDATE", "INSERT", "INSERT"]
    assert report_of(march, building_a).status == ReportStatus.SUBMITTED
