"""Two people submit the same report at the same moment: one wins, nothing is lost."""

import threading

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
