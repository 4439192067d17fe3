"""audit.deferred(): a long all-or-nothing write records its events, and recomputes its rollup
totals, in one step at its end, so the chain-head lock — which every writer takes — is held
for that step and not for the whole write; and that lock keeps rollup totals exact when two
transactions recompute them at once."""

import threading
import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from diaodu.core import audit, audit_chain, audit_seal
from diaodu.core.models import AuditEvent
from diaodu.investment import rollups
from diaodu.investment.models import AnnualPlan, MonthlySummary, PlanStatus
from diaodu.projects import services as project_services

from ..factories import CategoryFactory, ProjectFactory
from .test_audit_chain import verify

TEXT = st.text(max_size=20)


@given(seq=st.integers(1, 10**9), prev=st.text("0123456789abcdef", min_size=64, max_size=64),
       action=TEXT, name=TEXT, changes=st.dictionaries(TEXT, st.one_of(TEXT, st.integers())),
       at=st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1)))
def test_prepared_hash_is_the_hash(seq, prev, action, name, changes, at):
    values = {"at": at.replace(tzinfo=UTC), "actor_id": 3, "actor_name": name, "unit_id": None,
              "action": action, "object_type": "projects.project", "object_id": "7",
              "object_repr": name, "changes": changes, "ip": "10.0.0.1", "request_id": "r"}
    assert (audit_chain.place(audit_chain.prepare(values), seq, prev)
            == audit_chain.digest({**values, "seq": seq, "prev_hash": prev}))


@pytest.mark.django_db
def test_events_wait_for_the_end_of_the_block(dispatcher, project_a):
    before = AuditEvent.objects.count()
    with transaction.atomic():
        with audit.deferred():
            audit.record(dispatcher, "test.deferred", project_a, {"n": 1})
            audit.record_many(dispatcher, [("test.deferred", project_a, {"n": 2}),
                                           ("test.deferred", project_a, {"n": 3})])
            assert AuditEvent.objects.count() == before
        audit_seal.seal()
        rows = list(AuditEvent.objects.filter(action="test.deferred").order_by("seq"))
    assert [row.changes["n"] for row in rows] == [1, 2, 3]
    assert [row.seq for row in rows] == list(range(rows[0].seq, rows[0].seq + 3))
    verify()


@pytest.mark.django_db
def test_discarded_or_failed_block_records_nothing(dispatcher, project_a):
    with transaction.atomic(), audit.deferred() as batch:
        audit.record(dispatcher, "test.deferred", project_a)
        batch.discard()
    with pytest.raises(ZeroDivisionError), transaction.atomic(), audit.deferred():
        audit.record(dispatcher, "test.deferred", project_a)
        1 / 0  # noqa: B018
    assert not AuditEvent.objects.filter(action="test.deferred").exists()


def _bucket_with_plan(unit, category, amount):
    project = ProjectFactory(responsible_unit=unit, street=unit, category=category)
    AnnualPlan.objects.create(project=project, year=2022, planned_investment=Decimal(amount),
                              monthly_targets=[amount] * 12, status=PlanStatus.APPROVED)
    return rollups.Bucket.of(project)


@pytest.mark.django_db
def test_rollup_work_runs_once_at_the_end(street_a):
    bucket = _bucket_with_plan(street_a, CategoryFactory(), "100.00")
    with transaction.atomic(), audit.deferred() as batch:
        rollups.refresh(bucket, 2022)
        rollups.refresh(bucket, 2022)
        assert len(batch.tasks) == 1
        assert not MonthlySummary.objects.exists()
    assert MonthlySummary.objects.get(axis="street", org_id=street_a.pk, month=12).planned_annual \
        == Decimal("100.00")


# ---------------------------------------------------------------- PostgreSQL: the lock itself

committed = pytest.mark.django_db(transaction=True)  # other threads see the rows
postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'",
                                     reason="SQLite admits one writer at a time by itself")


def _in_thread(target, *args):
    errors: list[BaseException] = []

    def run():
        try:
            target(*args)
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            close_old_connections()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


@committed
@postgresql_only
def test_a_long_deferred_write_does_not_stop_other_writers(dispatcher, street_a):
    """While an import-like transaction is open with events recorded, another user's save
    commits at once; the long one's events join the chain after it."""
    assert connection.vendor == "postgresql"
    category = CategoryFactory()
    recorded, release = threading.Event(), threading.Event()

    def long_write():
        with transaction.atomic(), audit.deferred():
            project_services.project_create(
                actor=dispatcher, name="导入中的项目", level="district", category=category,
                responsible_unit=street_a, street=street_a, total_investment="100")
            recorded.set()
            assert release.wait(30)

    thread, errors = _in_thread(long_write)
    assert recorded.wait(30)
    started = time.monotonic()
    project_services.project_create(
        actor=dispatcher, name="同时保存的项目", level="district", category=category,
        responsible_unit=street_a, street=street_a, total_investment="50")
    waited = time.monotonic() - started
    release.set()
    thread.join(30)
    assert errors == []
    assert waited < 5, f"the other save waited {waited:.1f}s for the long write"
    assert audit_seal.settle()
    names = list(AuditEvent.objects.filter(action="project.create").order_by("seq")
                 .values_list("object_repr", flat=True))
    assert names[-2:] == ["同时保存的项目", "导入中的项目"]
    verify()


@committed
@postgresql_only
def test_two_transactions_recomputing_one_units_total_lose_nothing(street_a):
    """Two buckets of one street, recomputed by two transactions at once: the street's total
    holds both (without the lock the second computed it without the first's rows)."""
    first = _bucket_with_plan(street_a, CategoryFactory(), "100.00")
    second = _bucket_with_plan(street_a, CategoryFactory(code="industry", name="产业项目"),
                               "30.00")
    refreshed = threading.Event()

    def slow_refresh():
        with transaction.atomic():
            rollups.refresh(first, 2022)
            refreshed.set()
            time.sleep(1)  # the other transaction computes meanwhile (or waits)

    thread, errors = _in_thread(slow_refresh)
    assert refreshed.wait(30)
    with transaction.atomic():
        rollups.refresh(second, 2022)
    thread.join(30)
    assert errors == []
    total = MonthlySummary.objects.get(axis="street", org_id=street_a.pk, month=12, year=2022)
    assert total.planned_annual == Decimal("130.00")
