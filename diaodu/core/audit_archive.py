"""Audit retention: events older than AUDIT_RETENTION_DAYS move from the database to an
encrypted archive file, and a checkpoint records where the live chain now begins.

The archived segment is always a prefix of the chain (every event up to the first one still
inside the retention period). It is verified while it is written; the file is encrypted and
authenticated with the backup key (Fernet, DIAODU_BACKUP_KEY) and carries its own chain from
the previous checkpoint's hash, so `diaodu audit_archive --verify FILE` checks it alone. Then,
in one transaction under the sealer's lock: the checkpoint row (last archived seq and hash,
file digest), an `audit.archive` event in the live log naming the same (sealed into the
chain after the commit like every event), and the deletion of exactly the archived events —
the only deletion the database triggers allow. Unsealed events are never archived: the run
seals what is committed first.
"""

import hashlib
import json
from datetime import datetime, timedelta
from itertools import batched
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import audit, audit_chain, audit_seal
from .models import AuditCheckpoint, AuditEvent, User
from .sealed import BackupError, _records, _write_record, fernet_from_env

MAGIC = b"DIAODU-AUDIT-ARCHIVE-1\n"
ROWS_PER_RECORD = 2000
# 网络安全法 第二十一条: network logs are kept for no less than six months.
MIN_RETENTION_DAYS = 183


class ArchiveError(Exception):
    pass


def chain_start() -> tuple[int, str]:
    """(seq, hash) the live chain continues from: the latest checkpoint, or the genesis."""
    latest = AuditCheckpoint.objects.order_by("-seq").values_list("seq", "hash").first()
    return latest if latest else (0, audit_chain.GENESIS)


def verify_log(using: str = "default", *, settle: float = 0.0) -> tuple[int, str, list[str]]:
    """Verify the sealed chain from the latest checkpoint: (events, head hash, problems). A
    checkpoint must be matched by its `audit.archive` event, so one inserted behind the
    application's back (to hide deleted events) is reported; committed events left unsealed
    longer than AUDIT_UNSEALED_MAX_AGE are a problem too (audit_seal.unsealed_problems)."""
    latest = AuditCheckpoint.objects.using(using).order_by("-seq").first()
    after_seq, after_hash = (latest.seq, latest.hash) if latest else (0, audit_chain.GENESIS)
    rows = (AuditEvent.objects.using(using).filter(seq__gt=after_seq).order_by("seq")
            .values(*audit_chain.FIELDS).iterator(chunk_size=2000))
    count, head, problems = audit_chain.verify(rows, after_seq=after_seq, after_hash=after_hash)
    if latest is not None and not _recorded(latest, using):
        problems.insert(0, f"checkpoint at seq {latest.seq} has no matching audit.archive "
                           "event (inserted outside `diaodu audit_archive`?)")
    problems += audit_seal.unsealed_problems(using=using, settle=settle)
    return count, head, problems


def _recorded(checkpoint: AuditCheckpoint, using: str) -> bool:
    # The run's own event may not be sealed yet.
    events = AuditEvent.objects.using(using).filter(
        Q(seq__gt=checkpoint.seq) | Q(seq__isnull=True),
        action="audit.archive").values_list("changes", flat=True)
    return any(c.get("through_seq") == checkpoint.seq and c.get("hash") == checkpoint.hash
               and c.get("file_sha256") == checkpoint.file_sha256 for c in events)


def _segment(now) -> tuple[int, str, int, str, int]:
    """(after_seq, after_hash, through_seq, through_hash, count) of the events to archive."""
    cutoff = now - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    after_seq, after_hash = chain_start()
    live = AuditEvent.objects.filter(seq__gt=after_seq)
    first_kept = live.filter(at__gte=cutoff).order_by("seq").values_list("seq", flat=True) \
        .first()
    old = live.filter(seq__lt=first_kept) if first_kept is not None else live
    last = old.order_by("-seq").values_list("seq", "hash").first()
    if last is None:
        return after_seq, after_hash, after_seq, after_hash, 0
    through_seq = last[0]
    assert through_seq is not None  # seq > after_seq: a sealed event
    return after_seq, after_hash, through_seq, last[1], old.count()


def _write(path: Path, header: dict, after_seq: int, after_hash: str, through_seq: int) -> str:
    """Write the archive, checking the chain batch by batch; returns the file's SHA-256."""
    fernet = fernet_from_env()
    rows = (AuditEvent.objects.filter(seq__gt=after_seq, seq__lte=through_seq).order_by("seq")
            .values(*audit_chain.FIELDS).iterator(chunk_size=ROWS_PER_RECORD))
    problems: list[str] = []
    seq, previous = after_seq, after_hash
    partial = path.with_name(path.name + ".partial")
    path.parent.mkdir(parents=True, exist_ok=True)
    with partial.open("wb") as out:
        out.write(MAGIC)
        _write_record(out, fernet, json.dumps(header).encode())
        for batch in batched(rows, ROWS_PER_RECORD):
            _count, previous, found = audit_chain.verify(batch, after_seq=seq,
                                                         after_hash=previous)
            problems += found
            seq = batch[-1]["seq"]
            _write_record(out, fernet, json.dumps(
                [{**row, "at": row["at"].isoformat()} for row in batch],
                ensure_ascii=False).encode())
    if problems or previous != header["through_hash"]:
        partial.unlink()
        raise ArchiveError("the audit chain is broken in the segment to archive; nothing was "
                           "archived (run `diaodu audit_verify`): " + "; ".join(problems[:5]))
    digest = hashlib.sha256(partial.read_bytes()).hexdigest()
    partial.replace(path)  # an archive file exists only when complete
    return digest


def archive(*, directory: Path, now=None, actor: User | None = None) -> AuditCheckpoint | None:
    """Archive and remove the events older than the retention period. None: nothing to do."""
    fernet_from_env()  # a missing key fails the (daily) run even when nothing is due yet
    now = now or timezone.now()
    audit_seal.seal()  # what is committed joins the chain first, so the segment is whole
    after_seq, after_hash, through_seq, through_hash, count = _segment(now)
    if not count:
        return None
    cutoff = now - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    header = {"first_seq": after_seq + 1, "through_seq": through_seq, "after_hash": after_hash,
              "through_hash": through_hash, "count": count,
              "archived_before": cutoff.isoformat(), "created_at": timezone.now().isoformat()}
    path = Path(directory) / f"audit-{after_seq + 1:012d}-{through_seq:012d}.archive"
    if path.exists():
        raise ArchiveError(f"{path} exists already")
    digest = _write(path, header, after_seq, after_hash, through_seq)
    with transaction.atomic():
        audit_seal.lock_chain()  # no sealing between the check and the deletion
        if chain_start() != (after_seq, after_hash):
            raise ArchiveError("another archive run finished first; run it again")
        checkpoint = AuditCheckpoint.objects.create(
            seq=through_seq, hash=through_hash, first_seq=after_seq + 1, event_count=count,
            archived_before=cutoff, file_name=path.name, file_sha256=digest)
        # The event goes into the chain before the deletion, so the chain's head stays put.
        audit.record(actor, "audit.archive", checkpoint, {
            "first_seq": after_seq + 1, "through_seq": through_seq, "hash": through_hash,
            "count": count, "file": path.name, "file_sha256": digest,
            "archived_before": cutoff.isoformat()})
        deleted, _details = AuditEvent.objects.filter(seq__gt=after_seq,
                                                      seq__lte=through_seq).delete()
        if deleted != count:  # written or removed meanwhile: keep everything
            raise ArchiveError(f"expected to remove {count} events, found {deleted}")
    audit_seal.seal()  # the audit.archive event joins the chain now, not at the next pass
    return checkpoint


def verify_archive(path: Path) -> tuple[dict, list[str]]:
    """Decrypt (which authenticates) and re-walk the archived chain: (header, problems)."""
    fernet = fernet_from_env()
    with Path(path).open("rb") as handle:
        records = _records(handle, fernet, MAGIC)
        try:
            header = json.loads(next(records))
            rows = (
                {**row, "at": datetime.fromisoformat(row["at"])}
                for record in records for row in json.loads(record))
            count, head, problems = audit_chain.verify(
                rows, after_seq=header["first_seq"] - 1, after_hash=header["after_hash"])
        except StopIteration:
            raise ArchiveError(f"{path} is empty") from None
        except BackupError as exc:
            raise ArchiveError(str(exc)) from None
    if count != header["count"]:
        problems.append(f"{count} events in the file, the header says {header['count']}")
    if head != header["through_hash"]:
        problems.append("the last event's hash differs from the header's")
    return header, problems
