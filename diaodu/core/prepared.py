"""A cursor for the few statements the month-end surge repeats, prepared on PostgreSQL.

Django sends every statement with its values written into its text (client-side binding,
psycopg's prepared statements off), so PostgreSQL parses and plans each one anew. For the
statements built once for the save and submit path — the locked read with the months before
it (core/rowread.py, investment/services/months.py) and the writes sent together
(core/bulk.write_together) — planning costs PostgreSQL several times what running them does
(`bench/submit_surge.py`; docs/trust.md). Through this cursor they go with their values
bound on the server, as statements prepared once per connection and then only executed.

Only these statements: the ORM's own are left as Django sends them. Off with
DB_PREPARED_STATEMENTS=0 (settings.PREPARED_STATEMENTS), e.g. behind a connection pooler in
transaction mode that does not keep prepared statements (docs/operations.md). On SQLite it
is Django's own cursor."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

# psycopg prepares a statement on request only when the connection's threshold is set (Django
# leaves it None); this one is never reached, so nothing else is prepared by count.
_ON_REQUEST_ONLY = 2**31 - 1


@cache
def _cursor_class() -> type:
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        """Values bound on the server; each statement prepared at its first execution."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparingCursor


def enabled(connection) -> bool:
    return connection.vendor == "postgresql" and getattr(settings, "PREPARED_STATEMENTS", True)


@contextmanager
def cursor() -> Iterator[Any]:
    """Django's cursor (its checks, its query log in tests and DEBUG), executing through a
    preparing psycopg cursor on PostgreSQL."""
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as wrapper:
        if enabled(connection):
            raw = connection.connection
            if raw.prepare_threshold is None:
                raw.prepare_threshold = _ON_REQUEST_ONLY
            wrapper.cursor.close()
            wrapper.cursor = _cursor_class()(raw)
        yield wrapper
