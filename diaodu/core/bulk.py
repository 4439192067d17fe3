"""Plain multi-row INSERTs for the bulk services (ledger import, audit batches).

`QuerySet.bulk_create` compiles a placeholder and parameter list value by value, which costs
more than the database's own work for wide rows; rows of plain field values need none of
that. Values still go through each field's `pre_save` (auto_now) and `get_db_prep_save`
(decimals, dates, JSON), exactly as bulk_create would send them. No signals are sent, as
with bulk_create: callers write field history and audit rows themselves.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models

from diaodu.core import prepared

# Fields whose database value is the Python value itself when it is None or of the given
# type: get_db_prep_save would only return it unchanged, at a cost per value.
PLAIN = {"CharField": str, "TextField": str, "IntegerField": int, "PositiveIntegerField": int,
         "BigIntegerField": int, "PositiveBigIntegerField": int, "SmallIntegerField": int,
         "PositiveSmallIntegerField": int, "BooleanField": bool, "ForeignKey": int}
UNNEST_BATCH = 5000  # rows per statement on PostgreSQL (memory, not a parameter limit)


def insert(objs: Sequence[models.Model], *, returning_pk: bool = False) -> None:
    """INSERT `objs` (one model, unsaved, primary keys from the database). With
    `returning_pk` each object gets its new primary key."""
    if not objs:
        return
    opts = type(objs[0])._meta
    fields = [f for f in opts.concrete_fields if f is not opts.pk]
    rows = [[f.pre_save(obj, True) for f in fields] for obj in objs]
    pks = insert_rows(type(objs[0]), [f.attname for f in fields], rows,
                      returning_pk=returning_pk)
    connection = connections[DEFAULT_DB_ALIAS]
    for index, obj in enumerate(objs):
        if returning_pk:
            obj.pk = pks[index]
        obj._state.adding, obj._state.db = False, connection.alias


@dataclass(frozen=True)
class _Plan:
    """What an INSERT of `attnames` into a model needs, worked out once."""

    fields: list[Any]
    plains: list[type | None]
    head: str  # INSERT INTO t (a, b) VALUES
    placeholders: str  # (%s, %s)
    unnest: str  # INSERT INTO t (a, b) SELECT * FROM UNNEST((%s)::numeric[], ...)
    tail: str  # RETURNING id


@cache
def _plan(model: type[models.Model], attnames: tuple[str, ...], alias: str) -> _Plan:
    connection = connections[alias]
    opts = model._meta
    fields: list[Any] = [opts.get_field(name) for name in attnames]
    quote = connection.ops.quote_name
    head = (f"INSERT INTO {quote(opts.db_table)} "
            f"({', '.join(quote(f.column) for f in fields)}) VALUES ")
    unnest = ""
    if connection.vendor == "postgresql":
        types = [f.db_type(connection).split("(")[0] for f in fields]
        unnest = (head.replace(" VALUES ", " ") + "SELECT * FROM UNNEST("
                  + ", ".join(f"(%s)::{t}[]" for t in types) + ")")
    return _Plan(fields, [PLAIN.get(f.get_internal_type()) for f in fields], head,
                 f"({', '.join(['%s'] * len(fields))})", unnest,
                 f" RETURNING {quote(str(opts.pk.column))}")


def _prep(field, plain, value, connection):
    return value if value is None or type(value) is plain \
        else field.get_db_prep_save(value, connection)


def insert_rows(model: type[models.Model], attnames: list[str], rows: Sequence[Sequence[Any]],
                *, returning_pk: bool = False) -> list[Any]:
    """INSERT rows of values for the fields `attnames` of `model`; the new primary keys in row
    order when `returning_pk` (RETURNING: PostgreSQL, SQLite ≥ 3.35, the order Django's
    bulk_create relies on too)."""
    if not rows:
        return []
    connection = connections[DEFAULT_DB_ALIAS]  # the real one: the proxy costs per value
    plan = _plan(model, tuple(attnames), DEFAULT_DB_ALIAS)
    fields, plains = plan.fields, plan.plains
    tail = plan.tail if returning_pk else ""
    pks: list[Any] = []
    if plan.unnest and len(rows) > 1:
        # One array per column, as Django's own bulk_create does there: a statement of
        # thousands of placeholders costs the driver more to take apart than the database
        # takes to run it (`bench/ledger_io.py`'s floor). RETURNING keeps the arrays' order.
        columns = [[_prep(f, plain, value, connection) for value in column]
                   for f, plain, column in zip(fields, plains, zip(*rows, strict=True),
                                               strict=True)]
        with connection.cursor() as cursor:
            for start in range(0, len(rows), UNNEST_BATCH):
                cursor.execute(plan.unnest + tail,
                               [c[start:start + UNNEST_BATCH] for c in columns])
                if returning_pk:
                    pks.extend(pk for (pk,) in cursor.fetchall())
        return pks
    # The backend's limit (SQLite's variable limit).
    size = max(min(connection.ops.bulk_batch_size(fields, rows), 65535 // len(fields)), 1)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start:start + size]
            params: list[Any] = [_prep(f, plain, value, connection)
                                 for row in chunk
                                 for f, plain, value in zip(fields, plains, row, strict=True)]
            cursor.execute(plan.head + ", ".join([plan.placeholders] * len(chunk)) + tail,
                           params)
            if returning_pk:
                pks.extend(pk for (pk,) in cursor.fetchall())
    return pks


@cache
def _update_sql(model: type[models.Model], alias: str) -> tuple[list[Any], str]:
    connection = connections[alias]
    opts = model._meta
    quote = connection.ops.quote_name
    fields = [f for f in opts.concrete_fields if f is not opts.pk]
    sets = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
    return fields, (f"UPDATE {quote(opts.db_table)} SET {sets} "
                    f"WHERE {quote(str(opts.pk.column))} = %s")


@dataclass(frozen=True)
class Copy:
    """An INSERT whose values are mostly the row another write stores in `source` (a history
    row): inside write_together's one statement its `columns` are taken from what the write
    before it RETURNs, so only the `others` travel as values — the statement stays within
    what the driver parses once and caches (psycopg: at most 50 values)."""

    source: str  # the table the write before must write
    table: str
    columns: tuple[str, ...]  # quoted, named alike in both tables
    others: tuple[str, ...]  # quoted
    params: list[Any]  # the others' values

    def sql(self, previous: str) -> str:
        copied = ", ".join(self.columns)
        return (f"INSERT INTO {self.table} ({copied}, {', '.join(self.others)}) "
                f"SELECT {copied}, {', '.join(['%s'] * len(self.others))} FROM {previous}")


@dataclass(frozen=True)
class Write:
    """One row's INSERT or UPDATE, built but not sent (`write_together`)."""

    sql: str
    params: list[Any]
    label: str  # what it writes, for the error if it writes no row
    table: str = ""  # quoted: what a Copy after it may take its row from
    copy: Copy | None = None  # the same row, as a Copy of the write before it


def update_one_write(obj: models.Model) -> Write:
    """Every field of a stored `obj`, as `obj.save()` writes them (auto_now fields set), in a
    statement built once per model; no signals are sent (the caller writes the history row
    and the audit event). The row must exist: it was read, usually locked, by the caller."""
    connection = connections[DEFAULT_DB_ALIAS]
    fields, sql = _update_sql(type(obj), DEFAULT_DB_ALIAS)
    params = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in fields]
    return Write(sql, [*params, obj.pk], f"{obj._meta.label} {obj.pk}",
                 connection.ops.quote_name(obj._meta.db_table))


def insert_one_write(model: type[models.Model], attnames: Sequence[str],
                     row: Sequence[Any]) -> Write:
    """One row of values for the fields `attnames` of `model` (as `insert_rows`)."""
    connection = connections[DEFAULT_DB_ALIAS]
    plan = _plan(model, tuple(attnames), DEFAULT_DB_ALIAS)
    params = [_prep(f, plain, value, connection)
              for f, plain, value in zip(plan.fields, plan.plains, row, strict=True)]
    return Write(plan.head + plan.placeholders, params, model._meta.label)


def write_together(writes: Sequence[Write]) -> None:
    """Send writes that do not read each other's rows; each must write one row. On
    PostgreSQL they go as one statement of data-modifying WITH clauses — each runs once, to
    completion, in the caller's transaction — so a submission's row, history row and audit
    event cost one round trip and one parse instead of three; elsewhere one after another."""
    connection = connections[DEFAULT_DB_ALIAS]
    with prepared.cursor() as cursor:
        if connection.vendor == "postgresql" and len(writes) > 1:
            parts, params = [], []
            for i, w in enumerate(writes):
                if i and w.copy is not None and _copies(writes[i - 1], w):
                    sql, values = w.copy.sql(f"w{i - 1}"), w.copy.params
                else:
                    sql, values = w.sql, w.params
                after = writes[i + 1] if i + 1 < len(writes) else None
                # A Copy after this write takes its columns from what this one returns.
                returning = ", ".join(after.copy.columns) \
                    if after is not None and after.copy is not None and _copies(w, after) \
                    else "1"
                parts.append(f"w{i} AS ({sql} RETURNING {returning})")
                params.extend(values)
            counts = ", ".join(f"(SELECT COUNT(*) FROM w{i})" for i in range(len(writes)))
            cursor.execute(f"WITH {', '.join(parts)} SELECT {counts}", params)
            written = list(cursor.fetchone())
        else:
            written = []
            for w in writes:
                cursor.execute(w.sql, w.params)
                written.append(cursor.rowcount)
    for w, count in zip(writes, written, strict=True):
        if count != 1:
            raise RuntimeError(f"{w.label}: {count} rows written")


def _copies(before: Write, write: Write) -> bool:
    """Whether `write` is sent as a Copy of the row `before` writes (not itself a Copy)."""
    return (write.copy is not None and before.copy is None and bool(before.table)
            and before.table == write.copy.source)
