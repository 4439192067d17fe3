"""Overdue at its boundary in hours (issue 23, one rule: diaodu/core/overdue.py): a report
submitted at the due moment is on time, one second later it is overdue
(tests/cases/test_overdue_rule.py: the same rule for cases in days)."""

from datetime import timedelta

import pytest

from .conftest import open_month, report_of

pytestmark = pytest.mark.django_db


def submit_at(user, report, at):
    from diaodu.investment import services

    report = services.report_save(actor=user, report=report, expected_version=report.version,
                                  completed_in_period="1", cumulative_completed="3001",
                                  physical_progress="主体结构施工")
    return services.report_submit(actor=user, report=report, expected_version=report.version,
                                  at=at)


def test_submitted_at_the_due_moment_is_on_time(dispatcher, building_a, street_a_reporter):
    round_ = open_month(dispatcher, 2022, 1, due_in_days=24)
    report = submit_at(street_a_reporter, report_of(round_, building_a), round_.due_at)
    assert not report.is_overdue
    report.refresh_from_db()
    assert not report.is_overdue


def test_one_second_after_the_due_moment_is_overdue(dispatcher, building_a, street_a_reporter):
    round_ = open_month(dispatcher, 2022, 1, due_in_days=24)
    report = submit_at(street_a_reporter, report_of(round_, building_a),
                       round_.due_at + timedelta(seconds=1))
    report.refresh_from_db()
    assert report.is_overdue


def test_an_hour_early_is_on_time(dispatcher, building_a, street_a_reporter):
    round_ = open_month(dispatcher, 2022, 1, due_in_days=24)
    report = submit_at(street_a_reporter, report_of(round_, building_a),
                       round_.due_at - timedelta(hours=1))
    assert not report.is_overdue
