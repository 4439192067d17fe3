"""Encrypted backups of the whole database (SQLite or PostgreSQL) and their restore.

A backup file is: the line MAGIC, then records of (4-byte big-endian length, Fernet token);
the first record is a JSON header (database kind, time, row counts, audit-chain head), the
rest is the database image in chunks (SQLite's own backup file, or pg_dump's custom format).
The key comes from the environment (DIAODU_BACKUP_KEY), never from the file or the database.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from . import audit_chain
from .audit_archive import verify_log
from .sealed import (  # noqa: F401  (BackupError and fernet_from_env: callers' names)
    KEY_ENV,
    MAGIC,
    BackupError,
    _records,
    _write_record,
    fernet_from_env,
)

CHUNK = 8 * 1024 * 1024


def _counts(alias: str) -> dict[str, int]:
    return {model._meta.label_lower: model._default_manager.using(alias).count()
            for model in apps.get_models() if model._meta.managed and not model._meta.proxy}


def _chain(alias: str) -> tuple[int, str, list[str]]:
    return verify_log(alias)  # from the latest archive checkpoint


def _image_chunks(alias: str, workdir: Path) -> Iterable[bytes]:
    connection = connections[alias]
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = workdir / "image.sqlite3"
        target = sqlite3.connect(copy)
        try:
            connection.connection.backup(target)  # a consistent snapshot while others write
        finally:
            target.close()
        with copy.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
        return
    if connection.vendor == "postgresql":
        process = subprocess.Popen(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
             *_pg_args(settings_dict), settings_dict["NAME"]],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_pg_env(settings_dict))
        assert process.stdout is not None
        while chunk := process.stdout.read(CHUNK):
            yield chunk
        _stdout, stderr = process.communicate()
        if process.returncode:
            raise BackupError(f"pg_dump failed: {stderr.decode(errors='replace')[:500]}")
        return
    raise BackupError(f"no backup for {connection.vendor}")


def _pg_args(settings_dict: dict) -> list[str]:
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    return args


def _pg_env(settings_dict: dict) -> dict[str, str]:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return env


def backup(path: Path, *, alias: str = "default") -> dict:
    """Write an encrypted backup of database `alias` to `path`; returns the header."""
    fernet = fernet_from_env()
    if alias == DEFAULT_DB_ALIAS:
        from .audit_seal import seal

        seal()  # what is committed joins the chain first: the header's head covers it
    count, head, problems = _chain(alias)
    header = {"vendor": connections[alias].vendor, "created_at": timezone.now().isoformat(),
              "counts": _counts(alias), "audit_events": count, "audit_head": head,
              "audit_chain_ok": not problems}
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory() as workdir, partial.open("wb") as out:
        out.write(MAGIC)
        _write_record(out, fernet, json.dumps(header).encode())
        for chunk in _image_chunks(alias, Path(workdir)):
            _write_record(out, fernet, chunk)
    partial.replace(path)  # a backup file exists only when complete
    return header


def read_header(path: Path) -> dict:
    with path.open("rb") as handle:
        return json.loads(next(_records(handle, fernet_from_env())))


def restore(path: Path, *, target: str) -> dict:
    """Restore the backup at `path` into `target` — a new SQLite file path, or the name of an
    empty PostgreSQL database on the same server — then check counts and the audit chain
    there. Returns the header with the check's result."""
    fernet = fernet_from_env()
    default = connections["default"].settings_dict
    with path.open("rb") as handle, tempfile.TemporaryDirectory() as workdir:
        records = _records(handle, fernet)
        try:
            header = json.loads(next(records))
        except StopIteration:
            raise BackupError("backup file is empty") from None
        image = Path(workdir) / "image"
        with image.open("wb") as out:
            for chunk in records:
                out.write(chunk)
        if header["vendor"] == "sqlite":
            destination = Path(target)
            if destination.exists() and destination.stat().st_size:
                raise BackupError(f"{destination} exists: restore into a new file")
            check = sqlite3.connect(image)
            try:
                if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise BackupError("the database image fails SQLite's integrity check")
            finally:
                check.close()
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(image, destination)
            check_settings = {**default, "NAME": str(destination)}
        elif header["vendor"] == "postgresql":
            result = subprocess.run(
                ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                 *_pg_args(default), "--dbname", target, str(image)],
                capture_output=True, text=True, env=_pg_env(default))
            if result.returncode:
                raise BackupError(f"pg_restore failed: {result.stderr[:500]}")
            check_settings = {**default, "NAME": target}
        else:
            raise BackupError(f"unknown database kind {header['vendor']!r}")
    header["check"] = _check_restored(check_settings, header)
    return header


def _raw_connection(settings_dict: dict, vendor: str):
    # A plain DB-API connection: the check must not touch Django's connection handling.
    if vendor == "sqlite":
        return sqlite3.connect(settings_dict["NAME"])
    import psycopg

    return psycopg.connect(dbname=settings_dict["NAME"], host=settings_dict.get("HOST") or None,
                           port=settings_dict.get("PORT") or None,
                           user=settings_dict.get("USER") or None,
                           password=settings_dict.get("PASSWORD") or None)


def _event_values(row: tuple) -> dict:
    values = dict(zip(audit_chain.FIELDS, row, strict=True))
    if isinstance(values["at"], str):  # SQLite keeps UTC text
        values["at"] = datetime.fromisoformat(values["at"]).replace(tzinfo=UTC)
    if isinstance(values["changes"], str):
        values["changes"] = json.loads(values["changes"])
    return values


def _check_restored(settings_dict: dict, header: dict) -> dict:
    """Row counts of every table and the audit chain, read from the restored database."""
    tables = {model._meta.label_lower: model._meta.db_table for model in apps.get_models()
              if model._meta.managed and not model._meta.proxy}
    raw = _raw_connection(settings_dict, header["vendor"])
    try:
        cursor = raw.cursor()
        counts = {}
        for label, table in tables.items():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[label] = cursor.fetchone()[0]
        cursor.execute(f"SELECT seq, hash FROM {audit_chain.CHECKPOINTS} ORDER BY seq DESC "
                       "LIMIT 1")
        after_seq, after_hash = cursor.fetchone() or (0, audit_chain.GENESIS)
        cursor.execute(f"SELECT {', '.join(audit_chain.FIELDS)} FROM {audit_chain.TABLE} "
                       f"WHERE seq > {int(after_seq)} ORDER BY seq")
        count, head, problems = audit_chain.verify(
            (_event_values(r) for r in cursor.fetchall()), after_seq=after_seq,
            after_hash=after_hash)
    finally:
        raw.close()
    mismatched = {k: (v, counts.get(k)) for k, v in header["counts"].items()
                  if counts.get(k) != v}
    return {"counts_match": not mismatched, "mismatched": mismatched,
            "audit_events": count, "audit_head_match": head == header["audit_head"],
            "audit_problems": problems}
