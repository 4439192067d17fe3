"""Two people link the same activities in opposite directions at the same moment.

Each link alone is fine; both together would be a cycle. The per-project lock taken by every
schedule write makes the second wait, see the first link and refuse: one cycle-free network,
one audit record, never both links stored.
"""

import threading
from datetime import date

import pytest
from django.db import connection

from diaodu.core.errors import UserError
from diaodu.core.models import AuditEvent
from diaodu.schedule import services
from diaodu.schedule.models import Dependency

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'",
                       reason="row locks (select_for_update) are what this test proves; "
                              "the CI runs it on PostgreSQL"),
]

TODAY = date(2026, 3, 2)


def test_opposite_links_at_once_leave_no_cycle(project_a, street_a_reporter, street_a_head):
    assert connection.vendor == "postgresql"
    services.schedule_update(actor=None, project=project_a, expected_version=None,
                             start_on=TODAY, today=TODAY)
    design, build = (services.activity_create(actor=None, project=project_a, name=name,
                                              duration=days, today=TODAY)
                     for name, days in (("设计", 5), ("施工", 10)))
    barrier = threading.Barrier(2)
    outcomes: list[tuple[str, str]] = []

    def link(user, predecessor, successor):
        try:
            barrier.wait()
            services.dependency_add(actor=user, predecessor=predecessor, successor=successor,
                                    today=TODAY)
            outcomes.append(("ok", predecessor.name))
        except UserError as error:
            outcomes.append((error.code, predecessor.name))
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=link, args=(street_a_reporter, design, build)),
               threading.Thread(target=link, args=(street_a_head, build, design))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(code for code, _ in outcomes) == ["ok", "schedule.cycle"]
    winner = next(name for code, name in outcomes if code == "ok")
    stored = list(Dependency.objects.filter(project=project_a))
    assert len(stored) == 1 and stored[0].predecessor.name == winner
    assert AuditEvent.objects.filter(action="dependency.add").count() == 1
