"""Sealing the audit chain after commit (issue 20): writes store unsealed events, the sealer
gives the committed ones their places in commit order, once; the triggers allow exactly that
one update; a crash between commit and seal loses nothing; an event of a transaction that
commits late is sealed later, never skipped; `audit_verify` reports events left unsealed."""

import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diaodu.core import audit, audit_archive, audit_chain, audit_seal
from diaodu.core.models import AuditCheckpoint, AuditEvent

from .sealing import sealed

pytestmark = pytest.mark.django_db
committed = pytest.mark.django_db(transaction=True)  # commits happen, nudges run
postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'",
                                     reason="concurrent open transactions on one server")


def test_frozen_columns_are_every_column_but_the_places():
    columns = {f.column for f in AuditEvent._meta.concrete_fields}
    assert set(audit_chain.FROZEN_COLUMNS) == columns - set(audit_chain.SEAL_FIELDS)


def test_an_event_is_stored_unsealed_and_sealed_once(dispatcher, project_a):
    event = audit.record(dispatcher, "test.seal", project_a, {"n": 1})
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.seq, stored.prev_hash, stored.hash) == (None, "", "")
    assert audit_seal.seal() >= 1
    stored.refresh_from_db()
    assert stored.seq is not None and len(stored.hash) == 64
    assert audit_seal.seal() == 0  # nothing left: sealing is once
    call_command("audit_verify", "--settle", "0")


def _execute(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_sealed_event_cannot_be_sealed_again(dispatcher, project_a):
    event = sealed(audit.record(dispatcher, "test.seal", project_a))
    with pytest.raises(DatabaseError):
        _execute("UPDATE core_auditevent SET seq = seq + 1000, prev_hash = 'a', hash = 'b' "
                 "WHERE id = %s", [event.pk])


@pytest.mark.parametrize("change", ["action = 'other'", "actor_name = 'someone'",
                                    "changes = '{\"n\": 2}'", "request_id = 'forged'"])
def test_sealing_may_not_change_what_was_stored(dispatcher, project_a, change):
    event = audit.record(dispatcher, "test.seal", project_a, {"n": 1})
    with pytest.raises(DatabaseError):
        _execute(f"UPDATE core_auditevent SET seq = 999999, prev_hash = 'a', hash = 'b', "
                 f"{change} WHERE id = %s", [event.pk])
    # The same update without the change is the sealing the triggers allow.
    _execute("UPDATE core_auditevent SET seq = 999999, prev_hash = 'a', hash = 'b' "
             "WHERE id = %s", [event.pk])


def test_sealing_must_fill_every_place(dispatcher, project_a):
    event = audit.record(dispatcher, "test.seal", project_a)
    with pytest.raises(DatabaseError):
        _execute("UPDATE core_auditevent SET seq = 999999, prev_hash = '', hash = 'b' "
                 "WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError):
        _execute("UPDATE core_auditevent SET action = 'other' WHERE id = %s", [event.pk])


def test_an_unsealed_event_cannot_be_deleted(dispatcher, project_a):
    event = audit.record(dispatcher, "test.seal", project_a)
    with pytest.raises(DatabaseError):
        _execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def _unsealed(age: float) -> AuditEvent:
    event = AuditEvent(at=timezone.now() - timedelta(seconds=age), action="test.waiting",
                       object_type="", actor_name="system")
    event.save(force_insert=True)
    return event


def test_an_event_unsealed_past_the_bound_fails_verification(capsys):
    _unsealed(4.0)  # inside the 5 s bound: a sealer may simply not have come round yet
    call_command("audit_verify", "--settle", "0")
    old = _unsealed(6.0)
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("audit_verify", "--settle", "0")
    assert f"oldest: id {old.pk}" in capsys.readouterr().err
    audit_seal.seal()
    call_command("audit_verify", "--settle", "0")


def test_the_bound_is_the_setting():
    _unsealed(2.0)
    assert audit_seal.unsealed_problems(max_age=timedelta(seconds=3)) == []
    assert len(audit_seal.unsealed_problems(max_age=timedelta(seconds=1))) == 1


@committed
def test_a_commit_seals_its_events(dispatcher, project_a):
    with transaction.atomic():
        first = audit.record(dispatcher, "test.nudged", project_a, {"n": 1})
        second = audit.record(dispatcher, "test.nudged", project_a, {"n": 2})
        assert len(connection.run_on_commit) == 1  # one nudge per transaction
    assert audit_seal.settle()
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.seq == first.seq + 1 and second.prev_hash == first.hash


@committed
def test_a_rolled_back_write_leaves_no_event(dispatcher, project_a):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit.record(dispatcher, "test.rolled_back", project_a)
        1 / 0  # noqa: B018
    audit_seal.seal()
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()


@committed
def test_a_crash_between_commit_and_seal_loses_nothing(dispatcher, project_a, monkeypatch):
    """The process dies after its commit, before sealing (no nudge runs): the events wait,
    stored, and the next sealer — here a task worker's loop — seals them after the head."""
    before = sealed(audit.record(dispatcher, "test.before", project_a))
    monkeypatch.setattr(audit_seal, "_nudge", lambda: None)
    with transaction.atomic():
        lost = [audit.record(dispatcher, "test.crash", project_a, {"n": n}) for n in range(3)]
    assert set(AuditEvent.objects.filter(action="test.crash").values_list("seq", flat=True)) \
        == {None}
    # On SQLite only this sealer seals here (no nudge thread), and it is watched through what
    # its passes return: the shared in-memory test database refuses a read while another
    # thread writes. On PostgreSQL the table is read (MVCC), since the nudge thread woken by
    # the first event may seal the others first.
    passes: list[int] = []

    def unsealed() -> bool:
        if connection.vendor == "postgresql":
            return AuditEvent.objects.filter(seq__isnull=True).exists()
        return sum(passes) < len(lost)

    real_seal = audit_seal.seal
    monkeypatch.setattr(audit_seal, "seal",
                        lambda **kwargs: passes.append(real_seal(**kwargs)) or passes[-1])
    sealer = audit_seal.Sealer(interval=0.05)
    sealer.start()
    try:
        deadline = time.monotonic() + 10
        while unsealed():
            assert time.monotonic() < deadline, "the worker's sealer did not seal"
            time.sleep(0.05)
    finally:
        sealer.stopped.set()
        sealer.join(5)
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()
    seqs = [e.seq for e in sealed(lost)]
    assert seqs == [before.seq + 1, before.seq + 2, before.seq + 3]
    count, _head, problems = audit_archive.verify_log()
    assert problems == [] and count == AuditEvent.objects.count()


# ---------------------------------------------------------------- interleavings (property)

INSERT = ("INSERT INTO core_auditevent (at, actor_name, action, object_type, object_id, "
          "object_repr, changes, ip, request_id, seq, prev_hash, hash) VALUES "
          "(%s, 'system', 'test.interleaved', '', '', '', %s, NULL, %s, NULL, '', '')")


class Writer:
    """One writing transaction at a time. On PostgreSQL a connection of its own, its rows
    invisible to the sealer until it commits; SQLite admits one writer at a time, so there
    the rows wait in memory and are written at the commit, which is what the sealer sees."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.pending: list[str] = []
        self.db = None
        if self.postgres:
            self.db = connections.create_connection("default")
            self.db.ensure_connection()
            self.db.set_autocommit(False)

    def write(self, marker: str) -> None:
        self.pending.append(marker)
        if self.postgres:
            with self.db.cursor() as cursor:
                cursor.execute(INSERT, [timezone.now(), f'{{"m": "{marker}"}}', marker])

    def end(self, commit: bool) -> list[str]:
        done, self.pending = self.pending, []
        if self.postgres:
            (self.db.commit if commit else self.db.rollback)()
        elif commit and done:
            with transaction.atomic(), connection.cursor() as cursor:
                for marker in done:
                    cursor.execute(INSERT, [timezone.now(), f'{{"m": "{marker}"}}', marker])
        return done if commit else []

    def close(self) -> None:
        if self.db is not None:
            self.db.rollback()
            self.db.close()


STEP = st.one_of(
    st.tuples(st.just("write"), st.integers(0, 2)),
    st.tuples(st.just("commit"), st.integers(0, 2)),
    st.tuples(st.just("rollback"), st.integers(0, 2)),
    st.tuples(st.just("seal"), st.just(0)),
)


@committed
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEP, max_size=40))
def test_sealing_any_interleaving_gives_one_chain_with_every_committed_event_once(steps):
    writers = [Writer() for _ in range(3)]
    committed_at: dict[str, int] = {}  # marker → how many seals had run before its commit
    order: list[str] = []  # committed markers
    groups: list[list[str]] = []  # each committed transaction's markers, as written
    passes = 0
    try:
        for action, n in steps:
            if action == "write":
                writers[n].write(uuid.uuid4().hex)
            elif action == "seal":
                audit_seal.seal()
                passes += 1
            else:
                group = writers[n].end(commit=action == "commit")
                groups.append(group)
                for marker in group:
                    committed_at[marker] = passes
                    order.append(marker)
    finally:
        for writer in writers:
            writer.close()
    audit_seal.seal()
    rows = list(AuditEvent.objects.filter(action="test.interleaved", request_id__in=order)
                .values_list("request_id", "seq"))
    seq = dict(rows)
    assert len(rows) == len(seq) == len(order)  # every committed event, once
    assert None not in seq.values()
    # Sealed in commit order: an event committed before a sealing pass comes before one
    # committed after it; inside one transaction, in the order written.
    ranked = sorted(order, key=lambda m: seq[m])
    assert [committed_at[m] for m in ranked] == sorted(committed_at[m] for m in ranked)
    for group in groups:  # one transaction's events keep the order they were written in
        assert [seq[m] for m in group] == sorted(seq[m] for m in group)
    count, _head, problems = audit_archive.verify_log()
    assert problems == []
    assert count == AuditEvent.objects.count()


@committed
@postgresql_only
def test_an_event_of_a_transaction_that_commits_late_is_sealed_not_skipped():
    """A transaction inserts an event (lower id) and stays open; a later one inserts its
    event (higher id) and commits; the sealer seals what it can see. When the first commits,
    its event is sealed by the next pass, after the other — not skipped for its lower id."""
    slow = Writer()
    try:
        slow.write("slow")
        fast = Writer()
        fast.write("fast")
        fast.end(commit=True)
        fast.close()
        ids = dict(AuditEvent.objects.filter(action="test.interleaved")
                   .values_list("request_id", "id"))
        assert "slow" not in ids  # not committed: invisible
        assert audit_seal.seal() == 1
        slow.end(commit=True)
    finally:
        slow.close()
    rows = dict(AuditEvent.objects.filter(action="test.interleaved")
                .values_list("request_id", "id"))
    assert rows["slow"] < rows["fast"]  # the late one holds the lower id …
    assert audit_seal.seal() == 1
    places = dict(AuditEvent.objects.filter(action="test.interleaved")
                  .values_list("request_id", "seq"))
    assert places["slow"] == places["fast"] + 1  # … and is sealed after, in commit order
    assert audit_archive.verify_log()[2] == []


@committed
@postgresql_only
def test_a_writer_does_not_wait_for_a_sealer_at_work(dispatcher, project_a):
    """The sealer holds the chain lock (here: for as long as the test likes); writers still
    commit at once — their nudge only wakes the process's sealing thread — and are sealed
    when the lock is free."""
    holding, release = threading.Event(), threading.Event()

    def sealer_at_work():
        try:
            with transaction.atomic():
                audit_seal.lock_chain()
                holding.set()
                release.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=sealer_at_work)
    thread.start()
    assert holding.wait(30)
    started = time.monotonic()
    with transaction.atomic():
        event = audit.record(dispatcher, "test.while_sealing", project_a)
    waited = time.monotonic() - started
    time.sleep(0.2)
    event.refresh_from_db()
    assert event.seq is None  # the sealing thread waits for the lock …
    release.set()
    thread.join(30)
    assert waited < 1, f"the write waited {waited:.1f}s for the sealer"
    assert audit_seal.settle()
    event.refresh_from_db()
    assert event.seq is not None  # … and seals it once the lock is free


# ---------------------------------------------------------------- the sealer's own read

AWKWARD = [  # values whose types or text a hand-written read could get subtly wrong
    {"actor_name": "张三（街道办）", "object_type": "investment.progressreport",
     "object_id": "42", "object_repr": "「城东」桥梁工程 — 第3期", "request_id": "请求-1",
     "changes": {"说明": "月末报送", "nested": {"列表": [1, 2.5, None, True, {"深": "层"}],
                                               "空": "", "零": 0}, "big": 10**15,
                 "quote": 'a"b\\c\nd', "emoji": "🙂"},
     "ip": "2001:db8::1"},
    {"actor_name": "", "object_type": "", "changes": {}, "ip": None},  # no actor, no ip
    {"actor_name": "system", "object_type": "core.user", "changes": {"list": [[], {}]},
     "ip": "192.168.10.1", "at_offset_us": 7},
]


def _awkward_events(actor) -> None:
    at = timezone.now()
    for n, values in enumerate(AWKWARD):
        values = dict(values)
        offset = values.pop("at_offset_us", 0)
        AuditEvent(at=at + timedelta(microseconds=offset), action=f"test.awkward.{n}",
                   actor=actor if values["actor_name"] else None,
                   unit_id=actor.unit_id if values["actor_name"] else None,
                   **values).save(force_insert=True)


def test_the_sealers_read_gives_what_the_orm_gives(dispatcher, project_a):
    """The hand-written read (types included: aware datetimes, JSON as dicts, ip as text,
    ids as ints, nulls) equals `.values()`, so the bytes hashed are the same."""
    sealed(audit.record(dispatcher, "test.before", project_a))  # a head to continue from
    _awkward_events(dispatcher)
    rows, last = audit_seal.unsealed()
    orm = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")
               .values("id", *audit_seal.CONTENT)[:audit_seal.BATCH])
    assert len(rows) == len(orm) >= len(AWKWARD)
    assert repr(rows) == repr(orm)  # equal values of the same types and time zones
    canonical = [audit_chain.canonical({**row, "seq": 7, "prev_hash": "x"}) for row in rows]
    assert canonical == [audit_chain.canonical({**row, "seq": 7, "prev_hash": "x"})
                         for row in orm]
    assert "张三（街道办）".encode() in canonical[-len(AWKWARD)]
    assert last == (AuditEvent.objects.filter(seq__isnull=False).order_by("-seq")
                    .values_list("seq", "hash").first())
    assert audit_seal.head() == last
    audit_seal.seal()
    assert audit_archive.verify_log()[2] == []


def test_the_read_continues_from_the_checkpoint_when_no_event_is_sealed(dispatcher):
    assert not AuditEvent.objects.filter(seq__isnull=False).exists()
    _awkward_events(dispatcher)
    assert audit_seal.unsealed()[1] == audit_seal.head() == (0, audit_chain.GENESIS)
    AuditCheckpoint.objects.create(seq=41, hash="c" * 64, first_seq=1, event_count=41,
                                   archived_before=timezone.now(), file_name="a.enc",
                                   file_sha256="d" * 64)
    rows, last = audit_seal.unsealed(limit=2)
    assert len(rows) == 2 and last == audit_seal.head() == (41, "c" * 64)
    assert audit_seal.unsealed(limit=0) == ([], None)


# ---------------------------------------------------------------- coalescing nudges

class Passes:
    """Stands in for seal() in the sealing thread: records when each pass ran."""

    def __init__(self):
        self.times: list[float] = []
        self.ran = threading.Event()

    def __call__(self, **kwargs) -> int:
        self.times.append(time.monotonic())
        self.ran.set()
        return 0


@pytest.fixture
def thread_only(monkeypatch):
    """A sealing thread of its own whose passes are recorded, not run."""
    passes, sealer = Passes(), audit_seal._Background()
    monkeypatch.setattr(audit_seal, "seal", passes)
    monkeypatch.setattr(audit_seal, "background", sealer)
    yield passes, sealer
    sealer.stop()


def _served(passes: Passes, count: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while len(passes.times) < count:
        assert time.monotonic() < deadline, f"pass {count} did not run"
        time.sleep(0.005)


def test_nudges_during_the_gap_are_served_by_one_pass_after_it(thread_only, monkeypatch):
    passes, sealer = thread_only
    monkeypatch.setattr(audit_seal, "COALESCE", 0.4)
    sealer.poke()
    _served(passes, 1)  # idle: the first nudge is served at once
    for _ in range(5):  # in the gap after that pass
        sealer.poke()
    time.sleep(0.2)
    assert len(passes.times) == 1 and not sealer.idle.is_set()
    assert audit_seal.settle()  # waits for the nudges of the gap …
    assert len(passes.times) == 2  # … served by one pass, once the gap is over
    assert passes.times[1] - passes.times[0] >= 0.4


def test_settle_does_not_wait_out_a_gap_with_nothing_pending(thread_only, monkeypatch):
    passes, sealer = thread_only
    monkeypatch.setattr(audit_seal, "COALESCE", 5.0)
    sealer.poke()
    started = time.monotonic()
    assert audit_seal.settle()
    assert len(passes.times) == 1 and time.monotonic() - started < 2.5


def test_a_nudge_after_the_gap_is_served_at_once(thread_only, monkeypatch):
    passes, sealer = thread_only
    monkeypatch.setattr(audit_seal, "COALESCE", 0.1)
    sealer.poke()
    _served(passes, 1)
    time.sleep(0.3)  # the gap is over, the thread asleep
    nudged = time.monotonic()
    sealer.poke()
    _served(passes, 2)
    assert passes.times[1] - nudged < 0.1 + 1.0  # not a gap later (allowing a loaded machine)


def test_stopping_serves_what_is_pending_without_waiting_out_the_gap(thread_only, monkeypatch):
    passes, sealer = thread_only
    monkeypatch.setattr(audit_seal, "COALESCE", 10.0)
    sealer.poke()
    _served(passes, 1)
    sealer.poke()  # in the gap
    started = time.monotonic()
    sealer.stop()
    assert len(passes.times) == 2 and time.monotonic() - started < 5
    assert sealer.thread is None


@committed
@postgresql_only
def test_commits_during_the_gap_are_sealed_by_the_next_pass(dispatcher, project_a,
                                                             monkeypatch):
    monkeypatch.setattr(audit_seal, "COALESCE", 2.0)  # room for three commits on a busy machine
    real, counted = audit_seal.seal, []

    def seal(**kwargs):
        counted.append(real(**kwargs))
        return counted[-1]

    monkeypatch.setattr(audit_seal, "seal", seal)
    with transaction.atomic():
        first = audit.record(dispatcher, "test.first", project_a)
    assert audit_seal.settle()  # sealed at once; the gap begins
    later = []
    for n in range(3):  # three transactions, three nudges, in the gap
        with transaction.atomic():
            later.append(audit.record(dispatcher, "test.in_gap", project_a, {"n": n}))
    assert set(AuditEvent.objects.filter(action="test.in_gap")
               .values_list("seq", flat=True)) == {None}
    assert audit_seal.settle()
    first.refresh_from_db()
    assert [e.seq for e in sealed(later)] == [first.seq + 1, first.seq + 2, first.seq + 3]
    assert counted[1:] == [3, 0]  # one pass for the gap's three (then the test's own seal)
    assert audit_archive.verify_log()[2] == []


def _worker_lock_held_elsewhere():
    """A task worker's Sealer, as seen from this process: WORKER_LOCK held by another
    database session (closed by the caller)."""
    import psycopg

    settings_ = connection.settings_dict
    other = psycopg.connect(host=settings_["HOST"] or "127.0.0.1", port=settings_["PORT"] or 5432,
                            user=settings_["USER"], dbname=settings_["NAME"], autocommit=True)
    other.execute("SELECT pg_advisory_lock(%s)", [audit_seal.WORKER_LOCK])
    return other


@committed
@postgresql_only
def test_while_a_worker_seals_the_app_process_leaves_its_events_to_it(dispatcher, project_a,
                                                                     monkeypatch):
    monkeypatch.setattr(audit_seal, "INTERVAL", 30.0)  # nothing turns late on a slow machine
    worker = _worker_lock_held_elsewhere()
    try:
        assert audit_seal.workers_turn() == audit_seal.DONE  # nothing unsealed
        with transaction.atomic():
            event = audit.record(dispatcher, "test.left", project_a)
        assert audit_seal.workers_turn() == audit_seal.WAIT
        assert not audit_seal.settle(timeout=1.5)  # looking again, not sealing
        event.refresh_from_db()
        assert event.seq is None
        assert audit_seal.seal(wait=False) == 1  # the worker's pass
        assert audit_seal.settle()  # the thread finds nothing left and rests
        assert audit_seal.workers_turn() == audit_seal.DONE
    finally:
        worker.close()
    assert audit_archive.verify_log()[2] == []


@committed
@postgresql_only
def test_a_worker_that_falls_behind_or_stops_is_not_waited_for(dispatcher, project_a,
                                                               monkeypatch):
    worker = _worker_lock_held_elsewhere()
    try:
        with transaction.atomic():
            audit.record(dispatcher, "test.late", project_a)
        monkeypatch.setattr(audit_seal, "INTERVAL", 0.0)  # every unsealed event is late
        assert audit_seal.workers_turn() == audit_seal.SEAL
    finally:
        worker.close()  # the worker gone: its session's lock with it
    assert audit_seal.workers_turn() in (audit_seal.SEAL, audit_seal.DONE)
    assert audit_seal.settle()
    with transaction.atomic():
        event = audit.record(dispatcher, "test.no_worker", project_a)
    assert audit_seal.settle()
    event.refresh_from_db()
    assert event.seq is not None


@committed
@postgresql_only
def test_a_workers_sealer_announces_itself_while_it_runs():
    def held() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {audit_seal.WORKER_LOCK_HELD}",
                           audit_seal.WORKER_LOCK_PARAMS)
            return cursor.fetchone()[0]

    sealer = audit_seal.Sealer(interval=0.05)
    sealer.start()
    deadline = time.monotonic() + 10
    while not held():
        assert time.monotonic() < deadline, "the sealer never took WORKER_LOCK"
        time.sleep(0.05)
    sealer.stopped.set()
    sealer.join(10)
    deadline = time.monotonic() + 10
    while held():  # its connection closed, the lock released
        assert time.monotonic() < deadline, "WORKER_LOCK outlived the sealer"
        time.sleep(0.05)
