"""core/prepared.py: on PostgreSQL the submit path's statements are prepared on their
connection (and only they); DB_PREPARED_STATEMENTS=0 sends them as Django sends the rest."""

import pytest
from django.db import connection

from diaodu.core import prepared, rowread
from diaodu.investment import services
from diaodu.investment.models import ProgressReport, ReportStatus

from .conftest import report_of

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif("connection.vendor != 'postgresql'",
                                 reason="prepared statements are PostgreSQL's")]


def _prepared_here() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def _submit(march, building_a, street_a_reporter):
    report = report_of(march, building_a)
    services.report_save(actor=street_a_reporter, report=report.pk,
                         expected_version=report.version, completed_in_period="12.34",
                         cumulative_completed="3012.34", physical_progress="主体封顶",
                         submit=True)
    assert report_of(march, building_a).status == ReportStatus.SUBMITTED


def test_the_submit_paths_statements_are_prepared(march, building_a, street_a_reporter):
    connection.ensure_connection()
    connection.connection.execute("DEALLOCATE ALL")  # the connection is shared by the tests
    _submit(march, building_a, street_a_reporter)
    statements = _prepared_here()
    assert any("FOR UPDATE OF t0" in s and "json_agg" in s for s in statements)
    assert any(s.startswith("WITH w0 AS (UPDATE") for s in statements)
    # The ORM's own statements are not prepared (client-side binding, as Django sends them).
    ProgressReport.objects.filter(pk=report_of(march, building_a).pk).exists()
    assert all("EXISTS" not in s.upper() and "LIMIT 1" not in s.upper()
               for s in _prepared_here())


def test_switched_off_nothing_is_prepared(march, building_a, street_a_reporter, settings):
    settings.PREPARED_STATEMENTS = False
    connection.ensure_connection()
    connection.connection.execute("DEALLOCATE ALL")
    _submit(march, building_a, street_a_reporter)
    assert _prepared_here() == []
    assert rowread.read_one(ProgressReport, report_of(march, building_a).pk) is not None
    assert not prepared.enabled(connection)
