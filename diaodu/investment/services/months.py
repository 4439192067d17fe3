"""What a monthly report's checks read of the months around it, in one statement.

Every save and submit reads it (the month-end surge is mostly this path), so it is one
hand-written UNION ALL with the table names taken from the models: built by the ORM, the
three joined querysets cost more to compile than the database takes to answer them
(`bench/submit_surge.py` profiles a submit). tests/investment/test_reports.py holds it equal
to the ORM queries it replaces (ytd_of and _previous without `known`)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from django.db import connection

from diaodu.core.money import CENT

from .. import quality
from ..models import (
    Cadence,
    DispatchSettings,
    ProgressReport,
    ReportAdjustment,
    ReportingRound,
    ReportStatus,
)


@dataclass(frozen=True)
class Before:
    """The year's earlier monthly figures, the corrections up to this month, the latest
    earlier monthly report that was submitted at least once (the quality check's comparison),
    whether the year has later reports (whose stored YTD a changed figure must
    refresh), and the quality check's thresholds (DispatchSettings.current())."""

    earlier: list[Decimal]
    corrections: list[Decimal]
    previous: SimpleNamespace | None
    later: bool
    thresholds: quality.Thresholds


def _sql() -> str:
    report, round_ = ProgressReport._meta.db_table, ReportingRound._meta.db_table
    adjustment = ReportAdjustment._meta.db_table
    settings = DispatchSettings._meta.db_table
    return f"""
        SELECT 0, r.period_end, p.completed_in_period, p.cumulative_completed, p.status
          FROM {report} p JOIN {round_} r ON r.id = p.round_id
         WHERE p.project_id = %(project)s AND r.cadence = %(monthly)s
           AND r.period_end < %(start)s
        UNION ALL
        SELECT 1, r.period_end, a.delta_completed, a.delta_completed, ''
          FROM {adjustment} a JOIN {report} p ON p.id = a.report_id
          JOIN {round_} r ON r.id = p.round_id
         WHERE p.project_id = %(project)s AND r.cadence = %(monthly)s
           AND r.period_end >= %(year_start)s AND r.period_end <= %(end)s
        UNION ALL
        SELECT 2, r.period_end, p.completed_in_period, p.cumulative_completed, p.status
          FROM {report} p JOIN {round_} r ON r.id = p.round_id
         WHERE p.project_id = %(project)s AND r.period_end > %(end)s
           AND r.period_end <= %(year_end)s
        UNION ALL
        SELECT 3, NULL, s.overrun_tolerance_pct, s.jump_factor, ''
          FROM {settings} s WHERE s.id = (SELECT MIN(id) FROM {settings})"""


def _money(value) -> Decimal:
    # PostgreSQL answers Decimal; SQLite a number, whose shortest text is the stored amount
    # (what the ORM's own SQLite converter reads too).
    return value if isinstance(value, Decimal) else Decimal(str(value)).quantize(CENT)


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def months_before(report: ProgressReport) -> Before:
    """`Before` of a monthly report (its round loaded): the project's earlier monthly
    reports (kind 0), the year's corrections up to this month (1), whether any report of
    any cadence ends later in the same year (2), and the settings row (3), if there is one
    (else the settings' defaults, as DispatchSettings.current() gives them)."""
    round_ = report.round
    year = round_.period_end.year
    params = {"project": report.project_id, "monthly": Cadence.MONTHLY,
              "start": round_.period_start, "end": round_.period_end,
              "year_start": date(year, 1, 1), "year_end": date(year, 12, 31)}
    with connection.cursor() as cursor:
        cursor.execute(_sql(), params)
        rows = cursor.fetchall()
    earlier, deltas, previous, any_later = [], [], None, False
    config = DispatchSettings()
    thresholds = quality.Thresholds(overrun_tolerance_pct=config.overrun_tolerance_pct,
                                    jump_factor=config.jump_factor)
    for kind, period_end, amount, cumulative, status in rows:
        if kind == 3:
            thresholds = quality.Thresholds(overrun_tolerance_pct=int(amount),
                                            jump_factor=_money(cumulative))
            continue
        if kind == 1:
            deltas.append(_money(amount))
            continue
        if kind == 2:
            any_later = True
            continue
        period_end = _day(period_end)
        if period_end.year == year:
            earlier.append(_money(amount))
        if status != ReportStatus.DRAFT and (previous is None
                                             or period_end > previous.period_end):
            previous = SimpleNamespace(period_end=period_end,
                                       completed_in_period=_money(amount),
                                       cumulative_completed=_money(cumulative))
    return Before(earlier, deltas, previous, any_later, thresholds)
