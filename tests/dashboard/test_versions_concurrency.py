"""Two dispatchers save a new version of the same settings at the same moment
(core/versions.version_create, shared by the warning rules, the scoring scheme and cityops'
grid scheme): the second waits for the first, then replaces the first's new version — both
versions kept, numbered one after the other, one active, each audited once with the version it
actually replaced as its "before". Also on the very first use, when there is no active version
yet to wait on."""

import threading
import time

import pytest
from django.db import connection, transaction

from diaodu.core.models import AuditEvent
from diaodu.dashboard import rules, services
from diaodu.dashboard.models import ScoringScheme, WarningRuleSet

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'",
                       reason="what this proves is how PostgreSQL's concurrent writers take "
                              "turns; SQLite admits one writer at a time"),
]

WAIT = 10  # seconds any step may take before the test gives up on it


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


def _someone_waits_on_a_lock() -> bool:
    """Whether another session of the test database is waiting for a lock, polled for up to
    WAIT seconds."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                           "current_database() AND pid <> pg_backend_pid() "
                           "AND wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


def _second_waits_on_first(first, second):
    """Run `first` in a transaction that stays open until `second`, started once `first` has
    written, is seen waiting for it; then commit. Returns ({"first": …, "second": …} of what
    each returned, the errors raised, whether the second was seen waiting)."""
    written, release = threading.Event(), threading.Event()
    made, errors = {}, []

    def hold():
        try:
            with transaction.atomic():
                made["first"] = first()
                written.set()
                release.wait(WAIT)
        except Exception as problem:  # any failure: reported by the caller's assertion
            errors.append(problem)
        finally:
            written.set()
            connection.close()  # this thread's own connection

    def follow():
        try:
            written.wait(WAIT)
            made["second"] = second()
        except Exception as problem:  # any failure: reported by the caller's assertion
            errors.append(problem)
        finally:
            connection.close()

    threads = [threading.Thread(target=hold), threading.Thread(target=follow)]
    threads[0].start()
    written.wait(WAIT)
    threads[1].start()
    waited = _someone_waits_on_a_lock()
    release.set()
    for thread in threads:
        thread.join()
    return made, errors, waited


def _changes(action, obj):
    return AuditEvent.objects.get(action=action, object_id=str(obj.pk)).changes


def test_second_change_waiting_on_the_first_replaces_the_first_new_version(dispatcher):
    """The second save queues behind the first's open transaction; once the first commits,
    what the second replaces is the first's new version (top group 3), not nothing."""
    original = services.scheme_active()

    def save(size):
        return lambda: services.scheme_create(actor=dispatcher, top_group_size=size,
                                              weights={"investment": 100})

    made, errors, waited = _second_waits_on_first(save(3), save(4))
    assert errors == []
    assert waited
    assert (made["first"].version, made["second"].version) == (2, 3)
    assert _changes("scoring_scheme.create", made["first"])["top_group_size"] == [
        original.top_group_size, 3]
    assert _changes("scoring_scheme.create", made["second"])["top_group_size"] == [3, 4]
    assert _changes("scoring_scheme.create", made["second"])["weights"] == [
        made["first"].weights, made["second"].weights]
    assert list(ScoringScheme.objects.filter(is_active=True).values_list("version", flat=True)
                ) == [3]


def test_two_first_versions_at_once_become_versions_1_and_2(dispatcher):
    """No rule set yet, so there is no active row to wait on: the second save still waits
    for the first, then numbers itself 2 and replaces version 1 — no clash on the version
    number, no error page."""
    assert not WarningRuleSet.objects.exists()
    stricter = [dict(rules.DEFAULT_RULES[0], message="更严格的提示")]

    def save(rules_data):
        return lambda: services.rule_set_create(actor=dispatcher, rules_data=rules_data)

    made, errors, waited = _second_waits_on_first(save(rules.DEFAULT_RULES), save(stricter))
    assert errors == []
    assert waited
    assert (made["first"].version, made["second"].version) == (1, 2)
    assert list(WarningRuleSet.objects.filter(is_active=True).values_list("version", flat=True)
                ) == [2]
    assert WarningRuleSet.objects.count() == 2
    audited = AuditEvent.objects.filter(action="warning_rules.create")
    assert sorted(audited.values_list("object_id", flat=True)) == sorted(
        str(s.pk) for s in made.values())
    assert _changes("warning_rules.create", made["first"])["version"] == [None, 1]
    assert _changes("warning_rules.create", made["second"])["version"] == [1, 2]
    assert _changes("warning_rules.create", made["second"])["rules"][0] == (
        made["first"].rules)
