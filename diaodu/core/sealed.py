"""Sealed files: a magic line, then length-prefixed Fernet-encrypted records. Backups
(core/backups.py) and audit archives (core/audit_archive.py) are both written this way; it
lives here so that neither imports the other for it."""

import os
import struct
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

MAGIC = b"DIAODU-BACKUP-1\n"
KEY_ENV = "DIAODU_BACKUP_KEY"


class BackupError(Exception):
    pass


def fernet_from_env() -> MultiFernet:
    """The key(s) in DIAODU_BACKUP_KEY: "new,old,…" — new files are written with the first,
    files written with any of them can be read (key rotation, docs/operations.md)."""
    keys = [k.strip() for k in os.environ.get(KEY_ENV, "").split(",") if k.strip()]
    if not keys:
        raise BackupError(f"set {KEY_ENV} (make one with `diaodu backup --generate-key`)")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError):
        raise BackupError(f"{KEY_ENV} is not a valid key (32 url-safe base64 bytes; several "
                          "separated by commas)") from None


def _write_record(out: BinaryIO, fernet: MultiFernet, data: bytes) -> None:
    token = fernet.encrypt(data)
    out.write(struct.pack(">I", len(token)))
    out.write(token)


def _records(handle: BinaryIO, fernet: MultiFernet, magic: bytes = MAGIC) -> Iterator[bytes]:
    if handle.read(len(magic)) != magic:
        raise BackupError("not a Diaodu backup file" if magic == MAGIC else
                          "not a Diaodu audit archive")
    while True:
        size = handle.read(4)
        if not size:
            return
        if len(size) != 4:
            raise BackupError("backup file is truncated")
        (length,) = struct.unpack(">I", size)
        token = handle.read(length)
        if len(token) != length:
            raise BackupError("backup file is truncated")
        try:
            yield fernet.decrypt(token)
        except InvalidToken:
            raise BackupError("wrong key, or the backup file was altered") from None
