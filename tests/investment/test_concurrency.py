"""Two people submit the same report at the same moment: one wins, nothing is lost."""

import threading
import time

import pytest
from django.db import close_old_connections, connection

from diaodu.core.errors import ConflictError
from diaodu.investment import services
from diaodu.investment.models import ProgressReport

from .conftest import open_month, report_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'",
                       reason="row locks (select_for_update) are what this test proves; "
                              "the CI runs it on PostgreSQL"),
]


def test_concurrent_saves_one_wins(dispatcher, building_a, street_a_reporter, street_a_head):
    assert connection.vendor == "postgresql"
    report = report_of(open_month(dispatcher, 2022, 3), building_a)
    barrier = threading.Barrier(2)
    outcomes = []

    def save(user, amount):
        try:
            barrier.wait()
            services.report_save(actor=user, report=report, expected_version=1,
                                 completed_in_period=amount, cumulative_completed="5000",
                                 physical_progress="施工中")
            outcomes.append(("ok", amount))
        except ConflictError:
            outcomes.append(("conflict", amount))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=save, args=(street_a_reporter, "10")),
               threading.Thread(target=save, args=(street_a_head, "20"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o[0] for o in outcomes) == ["conflict", "ok"]
    winner = next(amount for status, amount in outcomes if status == "ok")
    stored = ProgressReport.objects.get(pk=report.pk)
    assert stored.version == 2 and str(stored.completed_in_period) == f"{winner}.00"
    assert stored.history.count() == 2


def test_one_units_open_transaction_does_not_hold_up_another_units_submit(
        dispatcher, building_a, building_b, street_a_reporter, street_b_reporter):
    """Street A's submit is done but its transaction stays open (audit event recorded, not
    committed); street B's submit commits at once — writers do not queue at the audit
    chain's head — and both events are sealed into one chain afterwards."""
    from django.db import transaction

    from diaodu.core import audit_archive, audit_seal
    from diaodu.core.models import AuditEvent

    round_ = open_month(dispatcher, 2022, 3)
    report_a, report_b = report_of(round_, building_a), report_of(round_, building_b)
    for user, report in ((street_a_reporter, report_a), (street_b_reporter, report_b)):
        services.report_save(actor=user, report=report, expected_version=report.version,
                             completed_in_period="10", cumulative_completed="1000",
                             physical_progress="施工中")
    recorded, release = threading.Event(), threading.Event()
    errors = []

    def street_a_submits_and_waits():
        try:
            with transaction.atomic():
                report = ProgressReport.objects.get(pk=report_a.pk)
                services.report_submit(actor=street_a_reporter, report=report,
                                       expected_version=report.version)
                recorded.set()
                assert release.wait(30)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=street_a_submits_and_waits)
    thread.start()
    assert recorded.wait(30)
    started = time.monotonic()
    report = ProgressReport.objects.get(pk=report_b.pk)
    services.report_submit(actor=street_b_reporter, report=report,
                           expected_version=report.version)
    waited = time.monotonic() - started
    assert audit_seal.settle()  # B's event is sealed while A's transaction is still open
    release.set()
    thread.join(30)
    assert errors == []
    assert waited < 1, f"street B's submit waited {waited:.2f}s for street A's transaction"
    assert ProgressReport.objects.filter(status="submitted").count() == 2
    audit_seal.seal()
    submits = list(AuditEvent.objects.filter(action="report.submit").order_by("seq")
                   .values_list("object_id", flat=True))
    assert submits == [str(report_b.pk), str(report_a.pk)]  # in commit order
    assert audit_archive.verify_log()[2] == []
