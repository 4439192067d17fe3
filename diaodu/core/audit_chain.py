"""The audit log's hash chain and its database guards.

Each AuditEvent carries its position `seq`, the previous event's hash and its own hash over
its stored values; changing or removing any row breaks the chain from there on, which
`diaodu audit_verify` reports. A write stores its event without them (unsealed); the sealer
(core/audit_seal.py) gives committed events their places in commit order, once. Triggers on
SQLite and PostgreSQL refuse every other UPDATE, and DELETE (and TRUNCATE on PostgreSQL), so
the log is append-only below the ORM too.
"""

import hashlib
import ipaddress
import json
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured

GENESIS = "0" * 64
# pg_advisory_xact_lock key held by the one sealer at work at the chain head ("audit" in
# ASCII). Writers never take it: they insert unsealed events.
CHAIN_LOCK = 0x6175646974
TABLE = "core_auditevent"


def _ip(value: str | None) -> str:
    return str(ipaddress.ip_address(value)) if value else ""


def _at(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(values: dict[str, Any]) -> bytes:
    """The bytes hashed for one event: its stored values in a fixed, database-neutral form."""
    changes = json.loads(json.dumps(values.get("changes") or {}))  # tuples become lists
    payload = [
        values["seq"], _at(values["at"]), values.get("actor_id"), values.get("actor_name") or "",
        values.get("unit_id"), values["action"], values.get("object_type") or "",
        values.get("object_id") or "", values.get("object_repr") or "", changes,
        _ip(values.get("ip")), values.get("request_id") or "", values["prev_hash"],
    ]
    return json.dumps(payload, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode()


def digest(values: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(values)).hexdigest()


def prepare(values: dict[str, Any]) -> bytes:
    """canonical() without the event's place (seq, prev_hash): the costly part, done before
    the chain head is locked. `place` completes it to the same bytes canonical() gives."""
    return canonical({**values, "seq": 0, "prev_hash": ""})[len(b"[0,"):-len(b',""]')]


def place(middle: bytes, seq: int, prev_hash: str) -> str:
    """The hash of the event prepared as `middle` at position `seq` after `prev_hash`."""
    payload = b"[%d,%s,%s]" % (seq, middle, json.dumps(prev_hash).encode())
    return hashlib.sha256(payload).hexdigest()


FIELDS = ("seq", "at", "actor_id", "actor_name", "unit_id", "action", "object_type",
          "object_id", "object_repr", "changes", "ip", "request_id", "prev_hash", "hash")


def verify(rows, *, after_seq: int = 0, after_hash: str = GENESIS) -> tuple[int, str, list[str]]:
    """Walk the rows in `seq` order: (count, head hash, problems). `after_seq`/`after_hash`:
    the checkpoint the rows continue from (the start of the chain by default)."""
    problems: list[str] = []
    expected_seq, previous = after_seq + 1, after_hash
    count = 0
    for row in rows:
        count += 1
        seq = row["seq"]
        if seq != expected_seq:
            problems.append(f"seq {expected_seq}–{seq - 1}: missing (deleted rows)"
                            if seq > expected_seq else f"seq {seq}: out of order")
        if row["prev_hash"] != previous:
            problems.append(f"seq {seq}: does not follow the previous event "
                            "(a row before it was changed or deleted)")
        if digest(row) != row["hash"]:
            problems.append(f"seq {seq}: content does not match its hash (altered)")
        expected_seq, previous = seq + 1, row["hash"]
    return count, previous, problems


# ---------------------------------------------------------------- triggers
# UPDATE is refused except sealing: a row without a place (seq NULL, empty hashes) may get
# seq, prev_hash and hash once, every other column unchanged. DELETE is refused except for
# sealed events at or below the latest checkpoint (archived to a file by `diaodu
# audit_archive`); an unsealed event can never be deleted. The checkpoints are append-only.

MESSAGE = "core_auditevent is append-only"
CHECKPOINTS = "core_auditcheckpoint"
ARCHIVED = f"(SELECT COALESCE(MAX(seq), 0) FROM {CHECKPOINTS})"
SEAL_FIELDS = ("seq", "prev_hash", "hash")
# Every other column of the table: sealing must leave them as they are (a test checks this
# list against the model, so a new column cannot slip past the SQLite trigger).
FROZEN_COLUMNS = ("id", "at", "actor_id", "actor_name", "unit_id", "action", "object_type",
                  "object_id", "object_repr", "changes", "ip", "request_id")
_SEALING = ("OLD.seq IS NULL AND OLD.prev_hash = '' AND OLD.hash = '' "
            "AND NEW.seq IS NOT NULL AND NEW.prev_hash <> '' AND NEW.hash <> ''")
SQLITE_SEALING = " AND ".join([_SEALING, *(f"NEW.{c} IS OLD.{c}" for c in FROZEN_COLUMNS)])
# On PostgreSQL the whole row minus the sealing fields: columns added later are covered too.
POSTGRES_SEALING = (_SEALING + " AND (to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash') = "
                    "(to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash')")

SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {TABLE}_no_update;",
               f"DROP TRIGGER IF EXISTS {TABLE}_no_delete;"]
SQLITE_CREATE = [
    *SQLITE_DROP,
    f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    f"WHEN NOT ({SQLITE_SEALING}) "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    f"CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
    f"WHEN OLD.seq IS NULL OR OLD.seq > {ARCHIVED} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
]
SQLITE_CHECKPOINT_DROP = [f"DROP TRIGGER IF EXISTS {CHECKPOINTS}_no_update;",
                          f"DROP TRIGGER IF EXISTS {CHECKPOINTS}_no_delete;"]
SQLITE_CHECKPOINT_CREATE = [
    *SQLITE_CHECKPOINT_DROP,
    f"CREATE TRIGGER {CHECKPOINTS}_no_update BEFORE UPDATE ON {CHECKPOINTS} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    f"CREATE TRIGGER {CHECKPOINTS}_no_delete BEFORE DELETE ON {CHECKPOINTS} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
]

POSTGRES_CREATE = [
    f"""CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.seq <= {ARCHIVED} THEN
            RETURN OLD;
        END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        IF {POSTGRES_SEALING} THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION '{MESSAGE}';
END;
$$ LANGUAGE plpgsql;""",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE};",
    f"CREATE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only();",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE};",
    f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_append_only();",
]
POSTGRES_DROP = [f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE};",
                 f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE};"]
POSTGRES_CHECKPOINT_CREATE = [
    f"""CREATE OR REPLACE FUNCTION {CHECKPOINTS}_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}';
END;
$$ LANGUAGE plpgsql;""",
    f"DROP TRIGGER IF EXISTS {CHECKPOINTS}_no_change ON {CHECKPOINTS};",
    f"CREATE TRIGGER {CHECKPOINTS}_no_change BEFORE UPDATE OR DELETE ON {CHECKPOINTS} "
    f"FOR EACH ROW EXECUTE FUNCTION {CHECKPOINTS}_append_only();",
    f"DROP TRIGGER IF EXISTS {CHECKPOINTS}_no_truncate ON {CHECKPOINTS};",
    f"CREATE TRIGGER {CHECKPOINTS}_no_truncate BEFORE TRUNCATE ON {CHECKPOINTS} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {CHECKPOINTS}_append_only();",
]
POSTGRES_CHECKPOINT_DROP = [f"DROP TRIGGER IF EXISTS {CHECKPOINTS}_no_change ON {CHECKPOINTS};",
                            f"DROP TRIGGER IF EXISTS {CHECKPOINTS}_no_truncate ON {CHECKPOINTS};"]


def _statements(connection, create: bool) -> list[str]:
    if connection.vendor == "postgresql":
        events = POSTGRES_CREATE if create else POSTGRES_DROP
        checkpoints = POSTGRES_CHECKPOINT_CREATE if create else POSTGRES_CHECKPOINT_DROP
    elif connection.vendor == "sqlite":
        events = SQLITE_CREATE if create else SQLITE_DROP
        checkpoints = SQLITE_CHECKPOINT_CREATE if create else SQLITE_CHECKPOINT_DROP
    else:
        raise ImproperlyConfigured(
            f"The audit log's append-only triggers exist for PostgreSQL and SQLite only, "
            f"not {connection.vendor}.")
    # Migration 0003 runs before the checkpoint table exists (0005 adds it and its triggers).
    if CHECKPOINTS not in connection.introspection.table_names():
        return events
    return events + checkpoints


def create_triggers(connection) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection, create=True):
            cursor.execute(sql)


def drop_triggers(connection) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection, create=False):
            cursor.execute(sql)
