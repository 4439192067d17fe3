"""audit.record(...) — called by every service inside its transaction, so a write and its audit
row commit or roll back together. The row is stored unsealed: the sealer (core/audit_seal.py)
gives committed events their places in the hash chain (core/audit_chain.py), in commit order
and in batches, after the commit. So writers never queue for the chain's head; a commit
nudges the sealer, and task workers seal what a nudge missed.

Work that must see every committed write (rollup totals, investment/rollups.py) takes the
totals lock instead, until its transaction ends. A long all-or-nothing write (the ledger
import) would hold it from its first row to its commit; inside `deferred()` its events and
that work wait in memory and are done in one short step at the end of the block."""

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from . import audit_seal, bulk
from .context import NO_REQUEST, current_request
from .models import AuditEvent, User


def _plain(value: Any) -> Any:
    """JSON-safe form of a field value (Decimal keeps its exact text)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        name: [_plain(before.get(name)), _plain(value)]
        for name, value in after.items()
        if before.get(name) != value
    }


# pg_advisory_xact_lock key of the writers that recompute totals ("totals" in ASCII).
TOTALS_LOCK = 0x746F74616C73


def lock_totals() -> None:
    """Serialise the writers that recompute totals from what they can see (rollups) until the
    transaction ends. SQLite needs nothing: its IMMEDIATE transactions already admit one
    writer at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TOTALS_LOCK])


def _values(actor: User | None, action: str, obj: models.Model | None,
            changes: dict[str, Any] | None, info) -> dict[str, Any]:
    """An event's field values by attname (the chain's fields are the sealer's)."""
    return {
        "at": timezone.now(),
        "actor_id": actor.pk if actor else None,
        "actor_name": (str(actor) if actor else "system")[:150],
        "unit_id": getattr(actor, "unit_id", None),
        "action": action,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None else "",
        "object_repr": str(obj)[:200] if obj is not None else "",
        "changes": {k: _plain(v) if not isinstance(v, list) else [_plain(x) for x in v]
                    for k, v in (changes or {}).items()},
        "ip": info.ip,
        "request_id": info.request_id,
    }


def _event(actor: User | None, action: str, obj: models.Model | None,
           changes: dict[str, Any] | None, info) -> AuditEvent:
    event = AuditEvent(**_values(actor, action, obj, changes, info))
    if actor is not None:
        event.actor = actor  # cached, as when the instance was built from the user
    return event


# What record_write inserts: every column but the key and the chain's (unsealed: empty).
_WRITTEN = tuple(f.attname for f in AuditEvent._meta.concrete_fields
                 if f is not AuditEvent._meta.pk)
_UNSEALED = {"seq": None, "prev_hash": "", "hash": ""}


class Deferred:
    """What a `deferred()` block holds back: its audit events, in order, and the work to do
    once at its end under the totals lock (keyed, so the same total is recomputed once)."""

    def __init__(self) -> None:
        self.events: list[AuditEvent] = []
        self.tasks: dict[Hashable, Callable[[], None]] = {}
        self.discarded = False

    def at_end(self, key: Hashable, task: Callable[[], None]) -> None:
        self.tasks.setdefault(key, task)

    def discard(self) -> None:
        """The block's transaction will roll back (a dry run, a refused row): nothing to do."""
        self.discarded = True


_deferred: ContextVar[Deferred | None] = ContextVar("audit_deferred", default=None)


def deferring() -> Deferred | None:
    return _deferred.get()


@contextmanager
def deferred() -> Iterator[Deferred]:
    """Record the block's events, and run the work registered with `at_end`, when the block
    ends — in one step, the work under the totals lock — instead of as they happen.

    Use it inside the transaction the block belongs to, for a write that is all or nothing: an
    event recorded in a savepoint that is later rolled back is not withdrawn, so a refused
    row must roll back the whole transaction (the import does). The events get their places
    in the chain after the commit: `seq` is the order of commit, `at` the moment of each
    write."""
    outer = _deferred.get()
    if outer is not None:  # nested: the outer block does the work
        yield outer
        return
    batch = Deferred()
    token = _deferred.set(batch)
    try:
        yield batch
    finally:
        _deferred.reset(token)
    if batch.discarded or not (batch.tasks or batch.events):
        return  # nothing to store or recompute: the lock is not taken for nothing
    with transaction.atomic():
        if batch.tasks:
            lock_totals()
            for task in batch.tasks.values():
                task()
        _insert(batch.events)


def _insert(events: list[AuditEvent]) -> None:
    if not events:
        return
    for start in range(0, len(events), BATCH):
        bulk.insert(events[start:start + BATCH])
    audit_seal.nudge_on_commit()


def _joined_deferred(event: AuditEvent) -> bool:
    """Inside `deferred()` the event joins the block's batch (stored when the block ends)."""
    batch = _deferred.get()
    if batch is None:
        return False
    batch.events.append(event)
    return True


def record(
    actor: User | None,
    action: str,
    obj: models.Model | None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. `obj` None for events about no row (a failed sign-in, a query)."""
    event = _event(actor, action, obj, changes, current_request.get() or NO_REQUEST)
    if _joined_deferred(event):
        return event
    # One INSERT, atomic by itself: no savepoint, no lock, no read of the chain's head; a
    # statement built once (core/bulk.py), not compiled per event.
    bulk.insert([event], returning_pk=True)
    audit_seal.nudge_on_commit()
    return event


def record_write(actor: User | None, action: str, obj: models.Model | None,
                 changes: dict[str, Any] | None = None) -> bulk.Write | None:
    """`record`'s event as a write for the caller to send with its own (bulk.write_together),
    sealed after the commit; None inside `deferred()`, where the event joins the block's."""
    if not connection.in_atomic_block:  # else the nudge would run before the write
        raise RuntimeError("record_write: call it inside the write's transaction")
    info = current_request.get() or NO_REQUEST
    if _deferred.get() is not None:
        _joined_deferred(_event(actor, action, obj, changes, info))
        return None
    audit_seal.nudge_on_commit()  # runs only if the transaction that sends it commits
    # The row's values as they are, without an AuditEvent instance: building one costs more
    # than the rest of this function (the month-end surge sends one per submit).
    values = {**_UNSEALED, **_values(actor, action, obj, changes, info)}
    return bulk.insert_one_write(AuditEvent, _WRITTEN, [values[name] for name in _WRITTEN])


BATCH = 1000


def record_many(actor: User | None,
                items: list[tuple[str, models.Model | None, dict[str, Any] | None]]
                ) -> list[AuditEvent]:
    """Append one event per (action, obj, changes), in order, exactly as `record` would one
    by one, the rows inserted in batches (bulk writes such as the ledger import)."""
    info = current_request.get() or NO_REQUEST
    events = [_event(actor, action, obj, changes, info) for action, obj, changes in items]
    batch = _deferred.get()
    if batch is not None:
        batch.events.extend(events)
        return events
    with transaction.atomic():
        _insert(events)
    return events
