"""A returned report reaches its reporters' inbox (core.notify, kind report_returned) once the
return commits: the project, the round and the reason, in the reader's language."""

import pytest
from django.db import transaction
from django.utils import translation

from diaodu.core.errors import UserError
from diaodu.core.models import Notification, NotificationKind
from diaodu.investment import services

from .conftest import fill_and_submit, report_of


def _returned(report):
    return Notification.objects.filter(kind=NotificationKind.REPORT_RETURNED, subject_id=report.pk)


def test_the_submitter_and_the_units_fillers_hear_the_reason(
        march, building_a, dispatcher, street_a_reporter, street_a_head, street_b_reporter,
        django_capture_on_commit_callbacks):
    report = fill_and_submit(street_a_reporter, report_of(march, building_a), "100", "3100")
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_return(actor=dispatcher, report=report,
                                        reason="累计数与台账不符", expected_version=report.version)
    received = _returned(report)
    assert {n.user for n in received} == {street_a_reporter, street_a_head}
    message = received.get(user=street_a_reporter)
    assert message.subject == report and message.link == f"/investment/reports/{report.pk}/"
    assert message.shown_title == f"填报退回：林山寨在建项目（{march}）"
    assert message.shown_body == "退回原因：累计数与台账不符。请修改后重新报送。"
    with translation.override("en"):
        assert "林山寨在建项目" in message.shown_title and "填报退回" not in message.shown_title
        assert "累计数与台账不符" in message.shown_body and "退回原因" not in message.shown_body


def test_the_head_who_returns_it_is_not_told_and_each_return_is_a_message(
        march, building_a, street_a_reporter, street_a_head,
        django_capture_on_commit_callbacks):
    report = fill_and_submit(street_a_reporter, report_of(march, building_a), "100", "3100")
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_return(actor=street_a_head, report=report, reason="本期数有误",
                                        expected_version=report.version)
    assert [n.user for n in _returned(report)] == [street_a_reporter]
    report = fill_and_submit(street_a_reporter, report, "90", "3090")
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_return(actor=street_a_head, report=report, reason="仍有误",
                                        expected_version=report.version)
    bodies = sorted(n.shown_body for n in _returned(report))
    assert bodies == ["退回原因：仍有误。请修改后重新报送。",
                      "退回原因：本期数有误。请修改后重新报送。"]


def test_nothing_is_sent_before_the_commit_or_when_the_return_rolls_back(
        march, building_a, dispatcher, street_a_reporter, django_capture_on_commit_callbacks):
    report = fill_and_submit(street_a_reporter, report_of(march, building_a), "100", "3100")
    with django_capture_on_commit_callbacks(execute=False) as pending:
        services.report_return(actor=dispatcher, report=report, reason="累计数与台账不符",
                               expected_version=report.version)
        assert not _returned(report).exists()  # not yet: the transaction has not committed
    assert len(pending) == 1
    report.refresh_from_db()
    report = fill_and_submit(street_a_reporter, report, "90", "3090")
    with django_capture_on_commit_callbacks(execute=True) as pending:
        with pytest.raises(UserError), transaction.atomic():
            services.report_return(actor=dispatcher, report=report, reason="x",
                                   expected_version=report.version)
            raise UserError("test.rollback", "外层事务回滚", "")
    assert pending == [] and not _returned(report).exists()
    report.refresh_from_db()
    assert report.status != "returned"


def test_a_refused_return_sends_nothing(march, building_a, dispatcher, street_a_reporter,
                                        django_capture_on_commit_callbacks):
    report = fill_and_submit(street_a_reporter, report_of(march, building_a), "100", "3100")
    with django_capture_on_commit_callbacks(execute=True) as pending:
        with pytest.raises(UserError):
            services.report_return(actor=dispatcher, report=report, reason="  ",
                                   expected_version=report.version)
    assert pending == [] and not _returned(report).exists()
