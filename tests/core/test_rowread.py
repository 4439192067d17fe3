"""The statements built once for the submit path give what the ORM gives: core/rowread.py
reads the same instances as select_related, bulk.update_one_write writes what save() writes,
write_together sends writes as one and checks each wrote its row, and
history_write writes the row django-simple-history's post_save writes. On SQLite and on
PostgreSQL (CI runs both)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from diaodu.core import bulk, rowread
from diaodu.core.history import history_write
from diaodu.investment.models import ProgressReport, ReportStatus
from diaodu.projects.models import Project, Stage

from ..factories import ProjectFactory
from ..investment.conftest import open_month, report_of

pytestmark = pytest.mark.django_db

RELATED = ("round", "project", "project__responsible_unit")


def _values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.fixture
def report(dispatcher, street_a, street_a_reporter):
    building = ProjectFactory(name="林山寨在建项目", responsible_unit=street_a, street=street_a,
                              stage=Stage.CONSTRUCTION, actual_start=date(2021, 3, 1),
                              total_investment=Decimal("10000.00"))
    report = report_of(open_month(dispatcher, 2022, 3), building)
    # Values of every kind the row holds: Decimal, JSON, datetime, bool, text, NULL.
    ProgressReport.objects.filter(pk=report.pk).update(
        completed_in_period=Decimal("1234.56"), cumulative_completed=Decimal("0.01"),
        physical_progress='含"引号"，和\\反斜杠', review_flags=["jump", {"嵌套": [1, None]}],
        is_overdue=True, submitted_by=street_a_reporter, submitted_at=timezone.now(),
        status=ReportStatus.SUBMITTED)
    return report


def test_read_one_gives_the_instances_select_related_gives(report):
    expected = ProgressReport.objects.select_related(*RELATED).get(pk=report.pk)
    got = rowread.read_one(ProgressReport, report.pk, RELATED)
    assert type(got) is ProgressReport and not got._state.adding
    assert _values(got) == _values(expected)
    assert _values(got.round) == _values(expected.round)
    assert _values(got.project) == _values(expected.project)
    assert _values(got.project.responsible_unit) == _values(expected.project.responsible_unit)
    assert got.review_flags == ["jump", {"嵌套": [1, None]}]
    assert got.completed_in_period == Decimal("1234.56") and got.is_overdue is True


def test_read_one_is_one_statement_and_caches_what_it_joined(report, django_assert_num_queries):
    with django_assert_num_queries(1):
        got = rowread.read_one(ProgressReport, report.pk, RELATED)
        assert got.project.responsible_unit.name == "林山寨街道"
        assert got.round.period_start == date(2022, 3, 1)


def test_read_one_of_a_missing_row_is_none(report):
    assert rowread.read_one(ProgressReport, report.pk + 10_000, RELATED) is None


def test_read_one_locks_the_row_only_where_the_database_can(report):
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        rowread.read_one(ProgressReport, report.pk, RELATED, for_update=True)
    sql = queries.captured_queries[-1]["sql"]
    # (as Django logs it: the text itself, or QUERY = '…' - PARAMS = … for a prepared one)
    assert ("FOR UPDATE OF t0" in sql) == connection.features.has_select_for_update


def test_read_one_refuses_a_nullable_path(report):
    with pytest.raises(ValueError, match="submitted_by"):
        rowread.read_one(ProgressReport, report.pk, ("submitted_by",))


def test_update_one_write_writes_what_save_writes(report):
    obj = ProgressReport.objects.get(pk=report.pk)
    before = obj.updated_at
    obj.completed_in_period, obj.review_flags = Decimal("99.99"), []
    obj.physical_progress, obj.submitted_by = "主体封顶", None
    bulk.write_together([bulk.update_one_write(obj)])
    stored = ProgressReport.objects.get(pk=report.pk)
    assert _values(stored) == _values(obj)
    assert stored.updated_at > before  # auto_now, as save() sets it


def test_update_one_write_of_a_missing_row_raises(report):
    obj = ProgressReport.objects.get(pk=report.pk)
    obj.pk = report.pk + 10_000
    with pytest.raises(RuntimeError, match="0 rows written"):
        bulk.write_together([bulk.update_one_write(obj)])


def test_history_write_writes_the_row_simple_history_writes(report, street_a_reporter):
    obj = ProgressReport.objects.get(pk=report.pk)
    obj._history_user = street_a_reporter
    obj.save()  # simple_history's own row
    by_signal = obj.history.order_by("-history_id").first()
    obj._history_date = by_signal.history_date
    bulk.write_together([history_write(obj, street_a_reporter)])
    ours = obj.history.order_by("-history_id").first()
    assert ours.history_id != by_signal.history_id
    skip = {"history_id"}
    assert {k: v for k, v in _values(ours).items() if k not in skip} == \
        {k: v for k, v in _values(by_signal).items() if k not in skip}
    assert ours.history_user_id == street_a_reporter.pk and ours.history_type == "~"


def test_history_after_its_rows_write_is_the_row_simple_history_writes(
        report, street_a_reporter):
    """Sent right after the write of its report, the history row is the same; on PostgreSQL
    its tracked values are copied from the stored row inside the one statement, so the
    statement carries at most the 50 values psycopg parses once and caches."""
    obj = ProgressReport.objects.get(pk=report.pk)
    obj._history_user = street_a_reporter
    obj.save()
    by_signal = obj.history.order_by("-history_id").first()
    obj._history_date = by_signal.history_date
    sent = []

    def keep(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep), transaction.atomic():
        bulk.write_together([bulk.update_one_write(obj), history_write(obj, street_a_reporter)])
    ours = obj.history.order_by("-history_id").first()
    assert ours.history_id != by_signal.history_id
    skip = {"history_id"}
    assert {k: v for k, v in _values(ours).items() if k not in skip} == \
        {k: v for k, v in _values(by_signal).items() if k not in skip}
    if connection.vendor == "postgresql":
        ((statement, params),) = [(sql, params) for sql, params in sent if "WITH" in sql]
        assert 'SELECT "id", "project_id"' in statement and "FROM w0" in statement
        assert len(params) <= 50 and len(statement.encode()) <= 4096


def test_history_write_without_an_actor(report):
    obj = ProgressReport.objects.get(pk=report.pk)
    bulk.write_together([history_write(obj, None)])
    assert obj.history.order_by("-history_id").first().history_user_id is None


def test_read_one_of_another_model_and_path(project_a):
    got = rowread.read_one(Project, project_a.pk, ("responsible_unit",))
    assert got.responsible_unit.pk == project_a.responsible_unit_id
    assert _values(got) == _values(Project.objects.get(pk=project_a.pk))


def test_writes_sent_together_all_land_or_none(report, street_a_reporter):
    """A submission's row, history row and audit event as one (one statement on
    PostgreSQL): all three stored; a write that finds no row fails the whole step."""
    from diaodu.core import audit
    from diaodu.core.models import AuditEvent

    obj = ProgressReport.objects.get(pk=report.pk)
    obj.version += 1
    histories = obj.history.count()
    with transaction.atomic():
        event = audit.record_write(street_a_reporter, "report.test", obj, {"n": 1})
        bulk.write_together([bulk.update_one_write(obj), history_write(obj, street_a_reporter),
                             event])
    assert ProgressReport.objects.get(pk=report.pk).version == obj.version
    assert obj.history.count() == histories + 1
    assert AuditEvent.objects.filter(action="report.test", object_id=str(obj.pk)).count() == 1

    missing = ProgressReport.objects.get(pk=report.pk)
    missing.pk = report.pk + 10_000
    with pytest.raises(RuntimeError, match=f"{missing.pk}: 0 rows written"), \
            transaction.atomic():
        event = audit.record_write(street_a_reporter, "report.test2", obj, {})
        bulk.write_together([history_write(obj, street_a_reporter), event,
                             bulk.update_one_write(missing)])
    assert obj.history.count() == histories + 1
    assert not AuditEvent.objects.filter(action="report.test2").exists()


def test_record_write_stores_the_row_record_stores(report, street_a_reporter):
    """The event sent with the writes (built without an AuditEvent instance) is the row
    `audit.record` stores for the same step, column for column, and unsealed."""
    from diaodu.core import audit
    from diaodu.core.models import AuditEvent

    obj = ProgressReport.objects.get(pk=report.pk)
    changes = {"completed_in_period": [Decimal("1.00"), Decimal("499.99")], "flags": ["x"],
               "overdue": False, "at": date(2022, 3, 31)}
    with transaction.atomic():
        audit.record(street_a_reporter, "report.one", obj, changes)
        bulk.write_together([audit.record_write(street_a_reporter, "report.two", obj,
                                                changes)])
    one, two = (AuditEvent.objects.values().get(action=action)
                for action in ("report.one", "report.two"))
    for row in (one, two):
        assert row.pop("seq") is None and row.pop("hash") == "" and row.pop("prev_hash") == ""
        row.pop("id"), row.pop("at"), row.pop("action")
    assert one == two
    assert two["actor_id"] == street_a_reporter.pk and two["unit_id"] == street_a_reporter.unit_id
    assert two["changes"]["completed_in_period"] == ["1.00", "499.99"]


@pytest.mark.django_db(transaction=True)  # outside a transaction, as a caller could be
def test_record_write_needs_the_writes_transaction_and_joins_a_deferred_block(
        report, street_a_reporter):
    from diaodu.core import audit
    from diaodu.core.models import AuditEvent

    obj = ProgressReport.objects.get(pk=report.pk)
    with pytest.raises(RuntimeError, match="inside the write's transaction"):
        audit.record_write(street_a_reporter, "report.test", obj, {})
    with transaction.atomic(), audit.deferred():
        assert audit.record_write(street_a_reporter, "report.deferred", obj, {}) is None
    assert AuditEvent.objects.filter(action="report.deferred").count() == 1
