"""Two dispatchers save a new scoring scheme at the same moment: the second waits for the
first's lock on the active version, then takes the next number — both versions kept, one
active, each audited once (core/versions.version_create, shared with the warning rules and
cityops' grid scheme)."""

import threading

import pytest
from django.db import connection

from diaodu.core.models import AuditEvent
from diaodu.dashboard import services
from diaodu.dashboard.models import ScoringScheme

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'",
                       reason="row locks (select_for_update) are what this test proves; "
                              "the CI runs it on PostgreSQL"),
]


def test_two_new_versions_at_once_both_kept_one_active(dispatcher):
    assert connection.vendor == "postgresql"
    first = services.scheme_active()
    barrier = threading.Barrier(2)
    made, errors = [], []

    def save(size):
        try:
            barrier.wait()
            made.append(services.scheme_create(actor=dispatcher, top_group_size=size,
                                               weights={"investment": 100}))
        except Exception as problem:  # any failure: reported by the assertion below
            errors.append(problem)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=save, args=(size,)) for size in (3, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(s.version for s in made) == [2, 3]
    assert list(ScoringScheme.objects.filter(is_active=True).values_list("version", flat=True)
                ) == [3]
    assert ScoringScheme.objects.get(pk=first.pk).is_active is False
    audited = AuditEvent.objects.filter(action="scoring_scheme.create")
    assert sorted(int(pk) for pk in audited.values_list("object_id", flat=True)) == sorted(
        [first.pk, *(s.pk for s in made)])
