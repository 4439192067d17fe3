"""Audit retention: the ≥ 183-day setting (a system check refuses less), archiving the old
prefix of the chain to an encrypted file with a checkpoint, verification from the checkpoint,
and the triggers still refusing every other change."""

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from diaodu.core import audit, audit_archive, audit_chain, backups
from diaodu.core.models import AuditCheckpoint, AuditEvent
from tests.core.test_backup import target as fresh_database  # noqa: F401  (fixture)

from .sealing import sealed

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def key(monkeypatch):
    monkeypatch.setenv(backups.KEY_ENV, Fernet.generate_key().decode())


@pytest.fixture
def events(dispatcher, project_a):
    """Six events; the archive runs as of a day 183 days after the third one."""
    return sealed([audit.record(dispatcher, f"test.event{n}", project_a,
                                {"n": n, "amount": "1.10"}) for n in range(6)])


def as_of(event, settings):
    """A 'now' at which `event` is the first one still inside the retention period."""
    return event.at + timedelta(days=settings.AUDIT_RETENTION_DAYS)


@pytest.mark.parametrize(("days", "errors"), [(183, 0), (365, 0), (182, 1), (30, 1), ("x", 1)])
def test_retention_below_six_months_is_refused_at_start_up(settings, days, errors):
    settings.AUDIT_RETENTION_DAYS = days
    found = [e for e in run_checks(tags=["diaodu"]) if e.id == "diaodu.E001"]
    assert len(found) == errors
    if errors:
        assert "183" in found[0].msg and "AUDIT_RETENTION_DAYS" in found[0].hint


def test_a_management_command_refuses_to_start_with_too_short_retention(settings):
    settings.AUDIT_RETENTION_DAYS = 90
    with pytest.raises(SystemCheckError, match=r"diaodu\.E001"):
        call_command("audit_archive", skip_checks=False)  # as `diaodu audit_archive` runs


def test_archive_moves_the_old_prefix_to_a_file_and_verifies(events, key, tmp_path, settings,
                                                              capsys):
    first = AuditEvent.objects.order_by("seq").first()
    checkpoint = audit_archive.archive(directory=tmp_path, now=as_of(events[3], settings))
    # Everything before events[3] left the database; events[3:] and the archive event stayed.
    assert checkpoint.seq == events[2].seq and checkpoint.hash == events[2].hash
    assert checkpoint.first_seq == first.seq
    assert checkpoint.event_count == events[2].seq - first.seq + 1
    assert not AuditEvent.objects.filter(seq__lte=events[2].seq).exists()
    assert AuditEvent.objects.filter(seq__gte=events[3].seq).count() == 4
    recorded = AuditEvent.objects.get(action="audit.archive")
    assert recorded.changes["through_seq"] == checkpoint.seq
    assert recorded.changes["file_sha256"] == checkpoint.file_sha256
    # The live log verifies from the checkpoint; the file verifies on its own.
    call_command("audit_verify")
    assert "audit chain OK: 4 events" in capsys.readouterr().out
    file = tmp_path / checkpoint.file_name
    assert b"test.event0" not in file.read_bytes()  # encrypted at rest
    header, problems = audit_archive.verify_archive(file)
    assert problems == [] and header["count"] == checkpoint.event_count
    call_command("audit_archive", "--verify", str(file))
    assert "archive OK" in capsys.readouterr().out
    # Nothing more to archive at the same moment.
    assert audit_archive.archive(directory=tmp_path, now=as_of(events[3], settings)) is None


def test_a_second_archive_continues_the_first(events, key, tmp_path, settings, capsys):
    audit_archive.archive(directory=tmp_path, now=as_of(events[2], settings))
    second = audit_archive.archive(directory=tmp_path, now=as_of(events[5], settings))
    assert second.first_seq == events[2].seq and second.seq == events[4].seq
    assert AuditCheckpoint.objects.count() == 2
    call_command("audit_verify")
    assert "audit chain OK" in capsys.readouterr().out
    call_command("audit_archive", "--verify", str(tmp_path / second.file_name))


def test_archiving_everything_keeps_the_chain_going(events, key, tmp_path, dispatcher):
    far = timezone.now() + 400 * DAY
    checkpoint = audit_archive.archive(directory=tmp_path, now=far)
    assert checkpoint.seq == events[-1].seq
    later = sealed(audit.record(dispatcher, "test.later", None, {}))
    assert later.seq > checkpoint.seq
    call_command("audit_verify")


def test_triggers_still_refuse_changes_to_live_events_and_checkpoints(events, key, tmp_path,
                                                                      settings):
    checkpoint = audit_archive.archive(directory=tmp_path, now=as_of(events[3], settings))
    for sql in ("DELETE FROM core_auditevent", "UPDATE core_auditevent SET action = 'x'",
                "DELETE FROM core_auditcheckpoint",
                "UPDATE core_auditcheckpoint SET hash = 'x'"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.filter(seq__gt=checkpoint.seq).count() == 4
    assert AuditCheckpoint.objects.get() == checkpoint


def test_a_checkpoint_inserted_to_hide_deletions_is_reported(events, capsys):
    """An intruder records a 'checkpoint' past three events, then deletes them (allowed by
    the trigger below a checkpoint): the chain verifies from there, but no archive event
    names that checkpoint."""
    hidden = events[2]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditcheckpoint (seq, hash, first_seq, event_count, "
            "archived_before, file_name, file_sha256, created_at) "
            "VALUES (%s, %s, 1, 3, %s, 'x', 'y', %s)",
            [hidden.seq, hidden.hash, timezone.now(), timezone.now()])
        cursor.execute("DELETE FROM core_auditevent WHERE seq <= %s", [hidden.seq])
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("audit_verify")
    assert "no matching audit.archive event" in capsys.readouterr().err


def test_a_broken_segment_is_not_archived(events, key, tmp_path, settings):
    audit_chain.drop_triggers(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditevent SET actor_name = 'x' WHERE id = %s",
                           [events[1].pk])
    finally:
        audit_chain.create_triggers(connection)
    with pytest.raises(audit_archive.ArchiveError, match="broken"):
        audit_archive.archive(directory=tmp_path, now=as_of(events[3], settings))
    assert not AuditCheckpoint.objects.exists() and not list(tmp_path.iterdir())
    assert AuditEvent.objects.filter(pk=events[0].pk).exists()


def test_an_altered_archive_file_or_wrong_key_is_refused(events, key, tmp_path, settings,
                                                         monkeypatch):
    checkpoint = audit_archive.archive(directory=tmp_path, now=as_of(events[3], settings))
    file = tmp_path / checkpoint.file_name
    data = bytearray(file.read_bytes())
    data[-10] ^= 1
    file.write_bytes(bytes(data))
    with pytest.raises(CommandError):
        call_command("audit_archive", "--verify", str(file))
    monkeypatch.setenv(backups.KEY_ENV, Fernet.generate_key().decode())
    with pytest.raises(audit_archive.ArchiveError, match="wrong key"):
        audit_archive.verify_archive(file)


def test_archive_without_a_key_changes_nothing(events, tmp_path, settings, monkeypatch):
    monkeypatch.delenv(backups.KEY_ENV, raising=False)
    with pytest.raises(CommandError, match="DIAODU_BACKUP_KEY"):
        call_command("audit_archive", "--dir", str(tmp_path))
    assert AuditEvent.objects.filter(pk=events[0].pk).exists()


def test_command_reports_when_nothing_is_old_enough(events, key, tmp_path, capsys):
    call_command("audit_archive", "--dir", str(tmp_path))
    assert "nothing older than" in capsys.readouterr().out
    assert not AuditCheckpoint.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_verify_from_the_checkpoint(events, key, tmp_path, settings,
                                                       fresh_database):  # noqa: F811
    audit_archive.archive(directory=tmp_path, now=as_of(events[3], settings))
    header = backups.backup(tmp_path / "after-archive.backup")
    assert header["audit_chain_ok"] and header["audit_events"] == 4
    restored = backups.restore(tmp_path / "after-archive.backup", target=fresh_database)
    check = restored["check"]
    assert check["audit_problems"] == [] and check["audit_head_match"]
    assert check["counts_match"], check["mismatched"]
