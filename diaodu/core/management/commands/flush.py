"""`flush` empties every table, the audit log included, which the append-only triggers
refuse. Allowed only where settings.AUDIT_FLUSH_ALLOWED is set (the test suite, whose
transactional tests flush between tests); the triggers are restored afterwards."""

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections

from diaodu.core import audit_chain


class Command(flush.Command):
    def handle(self, **options):
        if not getattr(settings, "AUDIT_FLUSH_ALLOWED", False):
            raise CommandError("flush would erase the append-only audit log; refused "
                               "(restore a backup into a fresh database instead)")
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        audit_chain.drop_triggers(connection)
        try:
            return super().handle(**options)
        finally:
            audit_chain.create_triggers(connection)
