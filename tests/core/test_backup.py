"""Encrypted backup and restore into a fresh database, checked by row counts and the audit
chain; a wrong key or an altered file is refused."""

import uuid

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from diaodu.core import backups
from diaodu.core.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def key(monkeypatch):
    value = Fernet.generate_key().decode()
    monkeypatch.setenv(backups.KEY_ENV, value)
    return value


@pytest.fixture
def target(tmp_path):
    """A fresh database to restore into (a file, or a new PostgreSQL database)."""
    if connection.vendor == "sqlite":
        yield str(tmp_path / "restored.sqlite3")
        return
    name = f"diaodu_restore_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_restores_into_a_fresh_database(tmp_path, key, target, capsys, project_a,
                                               dispatcher):
    from diaodu.projects import services

    services.project_update(actor=dispatcher, project=project_a, expected_version=1,
                            owner_name="某建设公司")
    events = AuditEvent.objects.count()
    file = tmp_path / "diaodu.backup"
    call_command("backup", str(file))
    assert "backup written" in capsys.readouterr().out
    assert "某建设公司".encode() not in file.read_bytes()  # encrypted at rest
    header = backups.read_header(file)
    assert header["audit_events"] == events and header["counts"]["projects.project"] == 1
    call_command("restore", str(file), "--target", target)
    out = capsys.readouterr().out
    assert "row counts match, audit chain OK" in out and f"({events} events" in out


def test_wrong_key_is_refused(tmp_path, key, target, monkeypatch, project_a):
    file = tmp_path / "diaodu.backup"
    call_command("backup", str(file))
    monkeypatch.setenv(backups.KEY_ENV, Fernet.generate_key().decode())
    with pytest.raises(CommandError, match="wrong key"):
        call_command("restore", str(file), "--target", target)


def test_rotated_key_still_reads_older_backups(tmp_path, key, monkeypatch, project_a):
    old = tmp_path / "old.backup"
    call_command("backup", str(old))
    new_key = Fernet.generate_key().decode()
    monkeypatch.setenv(backups.KEY_ENV, f"{new_key},{key}")  # new first, old kept for reading
    new = tmp_path / "new.backup"
    call_command("backup", str(new))
    assert backups.read_header(old)["vendor"] == backups.read_header(new)["vendor"]
    monkeypatch.setenv(backups.KEY_ENV, new_key)  # the new file needs only the new key
    assert backups.read_header(new)
    with pytest.raises(backups.BackupError, match="wrong key"):
        backups.read_header(old)


def test_altered_file_is_refused(tmp_path, key, target, project_a):
    file = tmp_path / "diaodu.backup"
    call_command("backup", str(file))
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    file.write_bytes(bytes(data))
    with pytest.raises(CommandError):
        call_command("restore", str(file), "--target", target)


@pytest.mark.parametrize("value", ["", "not-a-key"])
def test_backup_needs_a_valid_key(tmp_path, monkeypatch, value):
    monkeypatch.setenv(backups.KEY_ENV, value)
    with pytest.raises(CommandError, match=backups.KEY_ENV):
        call_command("backup", str(tmp_path / "x.backup"))


def test_generate_key_prints_a_usable_key(capsys):
    call_command("backup", "--generate-key")
    Fernet(capsys.readouterr().out.strip().encode())


def test_not_a_backup_is_refused(tmp_path, key):
    file = tmp_path / "x.backup"
    file.write_bytes(b"hello")
    with pytest.raises(CommandError, match="not a Diaodu backup"):
        call_command("restore", str(file), "--target", str(tmp_path / "y.sqlite3"))
