"""The append-only triggers as code (issue 23, mutation run): the statements each database
gets, and that dropping and re-creating them (what `flush` in the tests and an intruder do)
leaves the log and its checkpoints refusing UPDATE and DELETE again. Runs in the test's
transaction, so the DDL is rolled back with it on SQLite and PostgreSQL."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from diaodu.core import audit, audit_chain
from diaodu.core.models import AuditCheckpoint, AuditEvent

from .sealing import sealed

pytestmark = pytest.mark.django_db


def _refused(sql: str, params: list | None = None) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params or [])
    except DatabaseError as exc:
        assert audit_chain.MESSAGE in str(exc)
        return True
    return False


def _checkpoint(seq: int) -> AuditCheckpoint:
    return AuditCheckpoint.objects.create(
        seq=seq, hash="0" * 64, first_seq=1, event_count=1, archived_before=timezone.now(),
        file_name="audit-test.jsonl.gz", file_sha256="0" * 64)


def test_each_database_gets_its_own_statements_for_both_tables():
    ours = audit_chain._statements(connection, create=True)
    gone = audit_chain._statements(connection, create=False)
    if connection.vendor == "postgresql":
        assert ours == audit_chain.POSTGRES_CREATE + audit_chain.POSTGRES_CHECKPOINT_CREATE
        assert gone == audit_chain.POSTGRES_DROP + audit_chain.POSTGRES_CHECKPOINT_DROP
    else:
        assert ours == audit_chain.SQLITE_CREATE + audit_chain.SQLITE_CHECKPOINT_CREATE
        assert gone == audit_chain.SQLITE_DROP + audit_chain.SQLITE_CHECKPOINT_DROP


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_before_the_checkpoint_table_exists_only_the_log_gets_triggers(vendor):
    # Migration 0003 runs before 0005 creates the checkpoint table.
    early = SimpleNamespace(vendor=vendor, introspection=SimpleNamespace(table_names=list))
    create = audit_chain._statements(early, create=True)
    drop = audit_chain._statements(early, create=False)
    if vendor == "postgresql":
        assert (create, drop) == (audit_chain.POSTGRES_CREATE, audit_chain.POSTGRES_DROP)
    else:
        assert (create, drop) == (audit_chain.SQLITE_CREATE, audit_chain.SQLITE_DROP)


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_once_the_checkpoint_table_exists_both_tables_get_triggers(vendor):
    # Each vendor's statements, whichever database runs the tests.
    later = SimpleNamespace(vendor=vendor, introspection=SimpleNamespace(
        table_names=lambda: [audit_chain.TABLE, audit_chain.CHECKPOINTS]))
    create = audit_chain._statements(later, create=True)
    drop = audit_chain._statements(later, create=False)
    if vendor == "postgresql":
        assert create == audit_chain.POSTGRES_CREATE + audit_chain.POSTGRES_CHECKPOINT_CREATE
        assert drop == audit_chain.POSTGRES_DROP + audit_chain.POSTGRES_CHECKPOINT_DROP
    else:
        assert create == audit_chain.SQLITE_CREATE + audit_chain.SQLITE_CHECKPOINT_CREATE
        assert drop == audit_chain.SQLITE_DROP + audit_chain.SQLITE_CHECKPOINT_DROP


def test_another_database_is_refused_by_name():
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL and SQLite only, not mysql"):
        audit_chain._statements(SimpleNamespace(vendor="mysql"), create=True)


def test_dropped_triggers_let_writes_through_and_recreated_ones_refuse_them_again(
        dispatcher, project_a):
    archived, event = sealed([audit.record(dispatcher, "test.trigger", project_a, {"n": n})
                              for n in range(2)])
    checkpoint = _checkpoint(archived.seq)
    update = "UPDATE core_auditevent SET action = 'x' WHERE id = %s"
    assert _refused(update, [event.pk])
    assert _refused("UPDATE core_auditcheckpoint SET file_name = 'x' WHERE id = %s",
                    [checkpoint.pk])
    assert _refused("DELETE FROM core_auditcheckpoint WHERE id = %s", [checkpoint.pk])

    audit_chain.drop_triggers(connection)
    assert not _refused(update, [event.pk])
    assert not _refused("UPDATE core_auditcheckpoint SET file_name = 'x' WHERE id = %s",
                        [checkpoint.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "x"

    audit_chain.create_triggers(connection)
    assert _refused("UPDATE core_auditevent SET action = 'y' WHERE id = %s", [event.pk])
    assert _refused("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert _refused("UPDATE core_auditcheckpoint SET file_name = 'y' WHERE id = %s",
                    [checkpoint.pk])
    assert _refused("DELETE FROM core_auditcheckpoint WHERE id = %s", [checkpoint.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "x"
    # Archived events (at or below the checkpoint) may go; nothing else.
    assert not _refused("DELETE FROM core_auditevent WHERE id = %s", [archived.pk])
    assert AuditCheckpoint.objects.get(pk=checkpoint.pk).file_name == "x"
