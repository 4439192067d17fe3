"""Writing many messages and deliveries at once, as rows of plain values (no model objects:
building 10,000 of them cost more than the database's work). PostgreSQL: COPY, with the
messages' ids drawn from their sequence first — a multi-row INSERT of 5,000 rows spends most of
its time having the driver split and quote a 60,000-parameter statement. SQLite: core/bulk.py's
multi-row INSERTs."""

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

from diaodu.core import bulk


def new_ids(model: type[models.Model], count: int) -> list[int] | None:
    """`count` primary keys drawn from the table's sequence (PostgreSQL), else None."""
    if connection.vendor != "postgresql" or not count:
        return None
    opts = model._meta
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)", [opts.db_table, opts.pk.column, count])
        return [pk for (pk,) in cursor.fetchall()]


def write(model: type[models.Model], attnames: list[str], rows: Sequence[Sequence[Any]],
          *, returning_pk: bool = False) -> list[Any]:
    """INSERT rows of values for `attnames`; with `returning_pk` the new ids in row order
    (on PostgreSQL pass the ids from new_ids among the values instead)."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        return bulk.insert_rows(model, attnames, rows, returning_pk=returning_pk)
    fields: list[Any] = [model._meta.get_field(name) for name in attnames]
    prepare = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
                f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                if prepare:
                    row = list(row)
                    for i in prepare:
                        row[i] = fields[i].get_db_prep_save(row[i], connection)
                copy.write_row(row)
    return []
