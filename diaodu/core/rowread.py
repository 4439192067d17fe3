"""One row and the rows its foreign keys point to, read with a statement built once.

`Model.objects.select_related(...).get(pk=...)` builds and compiles its query on every call:
for a report with its round, project and unit that is most of a submit's time, far more
than the database takes to answer (`bench/submit_surge.py` profiles it). `read_one` sends
the same SELECT (the same columns, joins and row lock) built once per model, path and
database, and makes the same instances: each value through the converters the ORM applies,
`Model.from_db`, the related objects cached on the row as select_related caches them.
tests/core/test_rowread.py holds it equal to the ORM's read.

It decides nothing about who may read: callers check the policy on what it returns."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models

from diaodu.core import prepared


@dataclass(frozen=True)
class _Part:
    model: type[models.Model]
    alias: str
    attnames: list[str]
    # (column index, the column as the ORM's converters expect it, its converters)
    converters: list[tuple[int, Any, list[Callable]]]
    holder: int | None  # index of the part whose foreign key points here
    field: Any  # that foreign key (sets the cache), None for the base row


@dataclass(frozen=True)
class _Statement:
    sql: str
    parts: list[_Part]


def column_converters(fields: Sequence[Any], alias: str,
                      connection) -> list[tuple[int, Any, list[Callable]]]:
    """(index, column, functions) for each of `fields` (of the table aliased `alias`) whose
    database value the ORM converts on `connection` — decimals and datetimes on SQLite, JSON
    everywhere — the functions it applies, in its order."""
    converters = []
    for index, f in enumerate(fields):
        column = f.get_col(alias)
        found = connection.ops.get_db_converters(column) + f.get_db_converters(connection)
        if found:
            converters.append((index, column, found))
    return converters


def convert(values: list[Any], converters: list[tuple[int, Any, list[Callable]]],
            connection) -> list[Any]:
    """`values` (a row's, in place) as the ORM would have given them."""
    for index, column, functions in converters:
        for function in functions:
            values[index] = function(values[index], column, connection)
    return values


def _part(model, alias, connection, holder=None, field=None) -> _Part:
    fields = model._meta.concrete_fields
    return _Part(model, alias, [f.attname for f in fields],
                 column_converters(fields, alias, connection), holder, field)


# A column computed by the statement beside the row: SQL built from the tables' aliases by
# path ("" the row's own table, "round" the table the path "round" joins).
Extra = Callable[[dict[str, str]], str]


@cache
def _statement(model: type[models.Model], related: tuple[str, ...], for_update: bool,
               alias: str, extra: Extra | None = None) -> _Statement:
    connection = connections[alias]
    quote = connection.ops.quote_name
    parts = [_part(model, "t0", connection)]
    joins, by_path = [], {"": 0}
    for path in sorted(related, key=lambda p: p.count("__")):  # parents before children
        parent_path, _sep, name = path.rpartition("__")
        holder = by_path[parent_path]
        field: Any = parts[holder].model._meta.get_field(name)
        if field.null or not field.many_to_one:
            raise ValueError(f"{path}: only non-null foreign keys are read here")
        table_alias = f"t{len(parts)}"
        target: Any = field.related_model
        joins.append(f"JOIN {quote(target._meta.db_table)} {table_alias} ON "
                     f"{table_alias}.{quote(target._meta.pk.column)} = "
                     f"{parts[holder].alias}.{quote(field.column)}")
        by_path[path] = len(parts)
        parts.append(_part(target, table_alias, connection, holder, field))
    columns = ", ".join(f"{p.alias}.{quote(str(f.column))}" for p in parts
                        for f in p.model._meta.concrete_fields)
    if extra is not None:
        columns += f", ({extra({path: parts[i].alias for path, i in by_path.items()})})"
    sql = (f"SELECT {columns} FROM {quote(model._meta.db_table)} t0 {' '.join(joins)} "
           f"WHERE t0.{quote(str(model._meta.pk.column))} = %s")
    if for_update and connection.features.has_select_for_update:
        sql += " FOR UPDATE OF t0"  # the row itself, not what it points to
    return _Statement(sql, parts)


def read_one[M: models.Model](model: type[M], pk: Any, related: Sequence[str] = (), *,
                              for_update: bool = False) -> M | None:
    """The row of `model` with primary key `pk` and the rows along the foreign-key paths
    `related` ("round", "project__responsible_unit"), or None. `for_update` locks the row
    (not the related ones) until the transaction ends, as select_for_update(of=("self",))."""
    return read_one_with(model, pk, related, None, for_update=for_update)[0]


def read_one_with[M: models.Model](model: type[M], pk: Any, related: Sequence[str],
                                   extra: Extra | None, *,
                                   for_update: bool = False) -> tuple[M | None, Any]:
    """`read_one`, and the value of the column `extra` computes in the same statement (None
    without one). `extra` should be a module-level function: the statement is built once
    per function."""
    connection = connections[DEFAULT_DB_ALIAS]
    statement = _statement(model, tuple(related), for_update, DEFAULT_DB_ALIAS, extra)
    with prepared.cursor() as cursor:
        cursor.execute(statement.sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None, None
    objects: list[models.Model] = []
    start = 0
    for part in statement.parts:
        values = convert(list(row[start:start + len(part.attnames)]), part.converters,
                         connection)
        start += len(part.attnames)
        obj = part.model.from_db(DEFAULT_DB_ALIAS, part.attnames, values)
        if part.field is not None and part.holder is not None:
            part.field.set_cached_value(objects[part.holder], obj)
        objects.append(obj)
    return objects[0], (row[start] if extra is not None else None)  # type: ignore[return-value]
