"""The sealer: gives committed audit events their places in the hash chain, after the commit.

A write inserts its event unsealed (`seq` NULL, empty `prev_hash`/`hash`) inside its own
transaction and never touches the chain's head, so writers of different units, users and
task workers do not queue behind each other. Sealing takes the chain lock (the only code
that does, with the archive run), reads the head, and gives the unsealed events it can see
consecutive `seq`s in id order, each hash over the previous one — one UPDATE per batch,
the one update the database triggers allow (core/audit_chain.py).

Commit order. Ids come from a sequence when the row is inserted, not when its transaction
commits: a transaction holding id 10 may commit after the one holding id 11. The sealer
therefore never keeps a "sealed up to id N" mark — it selects `WHERE seq IS NULL`, what is
committed when it looks, so an event whose transaction commits late is sealed by the next
pass, after the events sealed before it, instead of being skipped. Its place is then the
order in which the sealer saw the commits (ids order only events that became visible
together). What is not committed is invisible to the sealer; what rolls back never existed.

Who seals. `nudge_on_commit()` registers, once per transaction, a callback run after the
commit. On PostgreSQL it wakes one sealing thread per process, so the request spends no
round trip on sealing and waits for nobody; nudges that arrive while that thread seals, or in
the AUDIT_SEAL_COALESCE seconds (0.5) it lets pass after each pass, are served together by its
next pass, so a surge costs a few passes a second, not one per commit. On SQLite (one
writer at a time, often no task worker) it seals inline. Every `diaodu task_worker` also runs
a `Sealer` loop that seals every AUDIT_SEAL_INTERVAL seconds what the nudges missed (a process
killed between commit and seal); `diaodu audit_seal` seals by hand. Nothing is lost in
between: the unsealed event is stored, and sealing resumes from the chain's head.
`diaodu audit_verify` reports events left unsealed longer than AUDIT_UNSEALED_MAX_AGE.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from . import audit_chain, rowread
from .models import AuditCheckpoint, AuditEvent

logger = logging.getLogger("diaodu.audit")

BATCH = 2000
# A nudge seals at most this many batches; a worker's loop or the next nudge does the rest,
# so one request does not spend its time sealing a whole surge.
NUDGE_BATCHES = 2
INTERVAL = float(getattr(settings, "AUDIT_SEAL_INTERVAL", 1.0))
# Seconds a process's sealing thread lets pass after a pass before the next (_Background).
COALESCE = float(getattr(settings, "AUDIT_SEAL_COALESCE", 0.5))
MAX_AGE = timedelta(seconds=float(getattr(settings, "AUDIT_UNSEALED_MAX_AGE", 5)))
CONTENT = tuple(f for f in audit_chain.FIELDS if f not in audit_chain.SEAL_FIELDS)


# A task worker's Sealer holds this session-level advisory lock while it runs (PostgreSQL).
# While one does and keeps up, the app processes' sealing threads leave the work to it: its
# one large pass a second costs a fraction of the small passes each app process would run
# beside its requests (bench/submit_surge.py: about 0.2 ms of CPU a submit).
WORKER_LOCK = audit_chain.CHAIN_LOCK + 1
# Whether some session holds WORKER_LOCK: pg_locks shows a bigint key as its high half
# (classid) and low half (objid), objsubid 1. Takes WORKER_LOCK_PARAMS.
WORKER_LOCK_HELD = ("EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND classid = %s AND objid = %s AND objsubid = 1)")
WORKER_LOCK_PARAMS = [WORKER_LOCK >> 32, WORKER_LOCK & 0xFFFFFFFF]


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _column(model, name: str) -> str:
    field: Any = model._meta.get_field(name)
    return str(field.column)


def _last(model, where: str = "") -> tuple[int, str] | None:
    opts, q = model._meta, connection.ops.quote_name
    seq, hash_ = q(_column(model, "seq")), q(_column(model, "hash"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {seq}, {hash_} FROM {q(opts.db_table)} {where} "
                       f"ORDER BY {seq} DESC LIMIT 1")
        last = cursor.fetchone()
    return (last[0], last[1]) if last is not None else None


def _checkpoint_head() -> tuple[int, str]:
    """Where an empty log continues from: the latest archive checkpoint, else the genesis."""
    return _last(AuditCheckpoint) or (0, audit_chain.GENESIS)


def head() -> tuple[int, str]:
    """(seq, hash) of the last sealed event, else of the latest archive checkpoint, else the
    genesis. Read under the chain lock when the result is used to seal."""
    seq = connection.ops.quote_name(_column(AuditEvent, "seq"))
    return _last(AuditEvent, f"WHERE {seq} IS NOT NULL") or _checkpoint_head()


def lock_chain(*, wait: bool = True) -> bool:
    """Take the chain lock until the transaction ends; False if `wait` is off and another
    sealer holds it. SQLite admits one writer at a time anyway: always True there."""
    if not _postgres():
        return True
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [audit_chain.CHAIN_LOCK])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [audit_chain.CHAIN_LOCK])
        return bool(cursor.fetchone()[0])


def _store(sealed: list[tuple[int, int, str, str]]) -> None:
    """UPDATE the events (id, seq, prev_hash, hash) in one statement."""
    table = audit_chain.TABLE
    with connection.cursor() as cursor:
        if _postgres():
            ids, seqs, prevs, hashes = (list(column) for column in zip(*sealed, strict=True))
            cursor.execute(
                f"UPDATE {table} AS e SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash "
                "FROM unnest(%s::bigint[], %s::bigint[], %s::varchar[], %s::varchar[]) "
                "AS v(id, seq, prev_hash, hash) WHERE e.id = v.id", [ids, seqs, prevs, hashes])
            if cursor.rowcount != len(sealed):
                raise RuntimeError(f"sealed {cursor.rowcount} of {len(sealed)} audit events")
        else:
            cursor.executemany(
                f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [(seq, prev, digest, pk) for pk, seq, prev, digest in sealed])


class _Reader:
    """Reads the unsealed events and the head they continue from in one statement, written by
    hand (columns from the model, as in core/bulk.py): the ORM took longer to build its two
    queries than the database takes to answer them, and the sealing thread competes with the
    requests for the CPU. The values are converted by the functions the ORM's `.values()`
    applies on this connection (datetimes made aware, JSON decoded, …), so the bytes hashed
    are the same (tests/core/test_audit_seal.py holds them equal)."""

    NAMES = ("id", *CONTENT)

    def __init__(self, wrapper) -> None:
        opts, q = AuditEvent._meta, wrapper.ops.quote_name
        columns = [q(_column(AuditEvent, name)) for name in self.NAMES]
        table, pk = q(opts.db_table), q(str(opts.pk.column))
        seq, hash_ = q(_column(AuditEvent, "seq")), q(_column(AuditEvent, "hash"))
        self.sql = (
            f"SELECT {', '.join(f'b.{c}' for c in columns)}, h.{seq}, h.{hash_} "
            f"FROM (SELECT {', '.join(columns)} FROM {table} WHERE {seq} IS NULL "
            f"ORDER BY {pk} LIMIT %s) b "
            # The head once (PostgreSQL materialises it), beside every row of the batch.
            f"LEFT JOIN (SELECT {seq}, {hash_} FROM {table} WHERE {seq} IS NOT NULL "
            f"ORDER BY {seq} DESC LIMIT 1) h ON TRUE "
            f"ORDER BY b.{pk}")
        self.converters = rowread.column_converters(
            [opts.get_field(name) for name in self.NAMES], opts.db_table, wrapper)

    def read(self, wrapper, limit: int) -> tuple[list[dict], tuple[int, str] | None]:
        with wrapper.cursor() as cursor:
            cursor.execute(self.sql, [limit])
            rows = cursor.fetchall()
        if not rows:
            return [], None
        values = []
        for row in rows:
            row = rowread.convert(list(row), self.converters, wrapper)
            values.append(dict(zip(self.NAMES, row, strict=False)))  # not the head
        last_seq, last_hash = rows[0][-2:]
        return values, (last_seq, last_hash) if last_seq is not None else _checkpoint_head()


# One reader per connection (a thread's own): its converters are bound to that connection.
_readers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def unsealed(limit: int = BATCH) -> tuple[list[dict], tuple[int, str] | None]:
    """Up to `limit` committed unsealed events as `.values("id", *CONTENT)` gives them, in id
    order, and the head (seq, hash) they continue from (None when there are none)."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    reader = _readers.get(wrapper)
    if reader is None:
        reader = _readers[wrapper] = _Reader(wrapper)
    return reader.read(wrapper, limit)


def seal_batch(limit: int = BATCH) -> int:
    """Seal up to `limit` committed unsealed events. Call under the chain lock."""
    rows, last = unsealed(limit)
    if not rows or last is None:
        return 0
    seq, previous = last
    sealed = []
    for row in rows:
        seq += 1
        digest = audit_chain.digest({**row, "seq": seq, "prev_hash": previous})
        sealed.append((row["id"], seq, previous, digest))
        previous = digest
    _store(sealed)
    return len(rows)


def seal(*, wait: bool = True, max_batches: int | None = None) -> int:
    """Seal the committed unsealed events, a batch per transaction; returns how many. With
    `wait` off, returns 0 at once when another sealer is at work (it seals them)."""
    total = batches = 0
    while max_batches is None or batches < max_batches:
        with transaction.atomic():
            if not lock_chain(wait=wait):
                return total
            done = seal_batch()
        total += done
        batches += 1
        if done < BATCH:  # everything committed when it looked is sealed
            break
    return total


SEAL, WAIT, DONE = "seal", "wait", "done"


def workers_turn() -> str:
    """What an app process's sealing thread should do (PostgreSQL): WAIT while a task
    worker's Sealer runs and keeps up (unsealed events, none older than two of its
    intervals), DONE when it runs and nothing is unsealed, else SEAL — no worker, or one
    that is stuck or falling behind. SQLite (no worker lock): SEAL."""
    if not _postgres():
        return SEAL
    table, q = audit_chain.TABLE, connection.ops.quote_name
    seq, at = q(_column(AuditEvent, "seq")), q(_column(AuditEvent, "at"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {WORKER_LOCK_HELD}, "
            f"EXISTS (SELECT 1 FROM {table} WHERE {seq} IS NULL), "
            f"EXISTS (SELECT 1 FROM {table} WHERE {seq} IS NULL AND {at} < %s)",
            [*WORKER_LOCK_PARAMS, timezone.now() - timedelta(seconds=2 * INTERVAL)])
        worker, unsealed, late = cursor.fetchone()
    if not worker or late:
        return SEAL
    return WAIT if unsealed else DONE


class _Background:
    """One thread per process that seals after commits (PostgreSQL). A nudge only wakes it:
    the request that committed spends no round trip on sealing, and the nudges that arrive
    while it seals are served by its next pass (it waits for the chain lock, off the request
    path, so that pass sees every commit that came before it).

    After a pass it lets COALESCE seconds go by before the next one, so that under a surge
    the nudges of that gap are served by one pass instead of one pass each: a pass costs
    about the same CPU (transaction, lock, read, update) for one event as for dozens, and
    that CPU is taken from the requests. When idle, the first nudge is served at once."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.pending = False
        self.stopping = False
        self.asleep = False  # waiting for a nudge (not in a pass or a gap)
        self.idle = threading.Event()
        self.thread: threading.Thread | None = None

    def poke(self) -> None:
        with self.lock:
            self.pending = True
            self.idle.clear()
            if self.thread is None or not self.thread.is_alive():  # first use, or forked
                self.thread = threading.Thread(target=self._run, name="audit-seal-nudge",
                                               daemon=True)
                self.thread.start()
            elif self.asleep:  # in a pass or a gap it looks at `pending` anyway
                self.lock.notify()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish what is pending, close the thread's connection and end it (test teardown:
        the test database cannot be dropped while a connection is open)."""
        with self.lock:
            thread = self.thread
            if thread is None:
                return
            self.stopping = True
            self.lock.notify()
        thread.join(timeout)
        with self.lock:
            self.thread, self.stopping = None, False

    def _run(self) -> None:
        while True:
            with self.lock:
                while not self.pending:
                    self.idle.set()
                    if self.stopping:
                        connections.close_all()
                        return
                    self.asleep = True
                    self.lock.wait()
                    self.asleep = False
                self.pending = False
            try:
                turn = workers_turn()
                if turn == SEAL:
                    seal()
                elif turn == WAIT:  # look again after the gap, until the worker has sealed
                    with self.lock:
                        self.pending = True
            except Exception:  # the events are committed; the next pass or a worker seals
                logger.exception("sealing after commit failed; the task workers' sealer "
                                 "retries")
                connections.close_all()
            self._gap()

    def _gap(self) -> None:
        """Wait COALESCE seconds (less when stopping); nudges meanwhile only mark `pending`.
        With none pending the thread counts as idle already, so `settle()` does not wait
        for the gap to end."""
        deadline = time.monotonic() + COALESCE
        with self.lock:
            if not self.pending:
                self.idle.set()
            while not self.stopping and (left := deadline - time.monotonic()) > 0:
                self.lock.wait(left)


background = _Background()


def _nudge() -> None:
    """After a commit: on PostgreSQL wake this process's sealing thread; on SQLite (one
    writer at a time, often no task worker) seal at once. Never raises into the request
    whose write committed."""
    try:
        if _postgres():
            background.poke()
        else:
            seal(wait=False, max_batches=NUDGE_BATCHES)
    except Exception:  # the write is committed; a worker's Sealer loop seals it later
        logger.exception("sealing after commit failed; the task workers' sealer retries")


def nudge_on_commit() -> None:
    """Seal this transaction's events once it commits (one callback per transaction)."""
    # run_on_commit holds (savepoint ids, callback, robust) entries.
    if any(entry[1] is _nudge for entry in connection.run_on_commit):
        return
    transaction.on_commit(_nudge)


def settle(timeout: float = 10.0) -> bool:
    """Wait until this process's sealing thread has nothing left to do (tests, benchmarks)."""
    return background.idle.wait(timeout) if background.thread is not None else True


def unsealed_problems(*, using: str = "default", max_age: timedelta | None = None,
                      settle: float = 0.0) -> list[str]:
    """A problem when committed events have waited longer than `max_age` to be sealed (no
    sealer running, or one failing). `settle`: seconds between looks while a sealer is seen
    making progress (a large import's events, already older than the bound when it commits,
    take a few passes), so only a sealer that is absent or stuck is reported."""
    max_age = max_age if max_age is not None else MAX_AGE
    waiting = AuditEvent.objects.using(using).filter(seq__isnull=True,
                                                     at__lt=timezone.now() - max_age)
    count = waiting.count()
    while count and settle:
        time.sleep(settle)
        now = waiting.count()
        if now >= count:  # no progress in `settle` seconds
            break
        count = now
    if not count:
        return []
    oldest = waiting.order_by("at").values_list("id", "at").first()
    if oldest is None:
        return []
    at = timezone.localtime(oldest[1]).isoformat(timespec="seconds")
    return [f"{count} committed event(s) not sealed into the chain for more than "
            f"{max_age.total_seconds():g} s (oldest: id {oldest[0]} at {at}); is a sealer "
            "running (`diaodu task_worker` or `diaodu audit_seal --loop`)?"]


class Sealer(threading.Thread):
    """Seals every `interval` seconds inside a task worker, so events whose nudge lost the
    race or whose process died after its commit are sealed within about that time."""

    def __init__(self, interval: float = INTERVAL):
        super().__init__(name="audit-sealer", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        held = None  # the connection holding WORKER_LOCK (a new one must take it again)
        while not self.stopped.wait(self.interval):
            try:
                if _postgres() and (held is None or held is not connection.connection):
                    held = self._announce()
                seal(wait=False)
            except Exception:  # the loop must not die; it tries again next time
                logger.exception("audit sealing failed")
                connections.close_all()
                held = None
        connections.close_all()

    @staticmethod
    def _announce():
        """Hold WORKER_LOCK on this thread's connection (released when it closes): the app
        processes then leave sealing to this loop. One holder is enough; another worker's
        loop takes it over when the holder's connection ends. PostgreSQL only."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [WORKER_LOCK])
            took = cursor.fetchone()[0]
        return connection.connection if took else None
