"""What a monthly report's checks read of the months around it, in one statement.

Every save and submit reads it (the month-end surge is mostly this path), so it is one
hand-written statement with the table names taken from the models: built by the ORM, the
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
    # One pass over the project's reports (its index) for the earlier months, the later
    # reports and the corrections, instead of a branch each: every table a statement names
    # costs the database more to open and plan than these few rows cost to read.
    report, round_ = ProgressReport._meta.db_table, ReportingRound._meta.db_table
    adjustment = ReportAdjustment._meta.db_table
    settings = DispatchSettings._meta.db_table
    return f"""
        SELECT r.period_end, p.id, p.completed_in_period, p.cumulative_completed,
               p.status, a.delta_completed
          FROM {report} p JOIN {round_} r ON r.id = p.round_id
          LEFT JOIN {adjustment} a ON a.report_id = p.id AND r.cadence = %(monthly)s
               AND r.period_end >= %(year_start)s AND r.period_end <= %(end)s
         WHERE p.project_id = %(project)s
           AND ((r.cadence = %(monthly)s AND r.period_end <= %(end)s)
                OR (r.period_end > %(end)s AND r.period_end <= %(year_end)s))
        UNION ALL
        SELECT NULL, NULL, s.overrun_tolerance_pct, s.jump_factor, '', NULL
          FROM {settings} s WHERE s.id = (SELECT MIN(id) FROM {settings})"""


def _money(value) -> Decimal:
    # PostgreSQL answers Decimal; SQLite a number, whose shortest text is the stored amount
    # (what the ORM's own SQLite converter reads too).
    return value if isinstance(value, Decimal) else Decimal(str(value)).quantize(CENT)


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def months_before(report: ProgressReport) -> Before:
    """`Before` of a monthly report (its round loaded): the project's earlier monthly
    reports, the year's corrections up to this month, whether any report of any cadence ends
    later in the same year, and the settings row, if there is one (else the settings'
    defaults, as DispatchSettings.current() gives them)."""
    round_ = report.round
    year = round_.period_end.year
    start, end = round_.period_start, round_.period_end
    params = {"project": report.project_id, "monthly": Cadence.MONTHLY, "end": end,
              "year_start": date(year, 1, 1), "year_end": date(year, 12, 31)}
    with connection.cursor() as cursor:
        cursor.execute(_sql(), params)
        rows = cursor.fetchall()
    earlier, deltas, previous, any_later = [], [], None, False
    thresholds = quality.Thresholds.of(DispatchSettings())
    seen = set()  # a report with several corrections comes once per correction
    for period_end, pk, amount, cumulative, status, delta in rows:
        if pk is None:  # the settings row
            thresholds = quality.Thresholds(overrun_tolerance_pct=int(amount),
                                            jump_factor=_money(cumulative))
            continue
        period_end = _day(period_end)
        if period_end > end:
            any_later = True
            continue
        # A monthly report up to this month (this one included): its corrections count from
        # the year's start (the join's condition); its figures only if it is earlier.
        if delta is not None:
            deltas.append(_money(delta))
        if period_end >= start or pk in seen:
            continue
        seen.add(pk)
        if period_end.year == year:
            earlier.append(_money(amount))
        if status != ReportStatus.DRAFT and (previous is None
                                             or period_end > previous.period_end):
            previous = SimpleNamespace(period_end=period_end,
                                       completed_in_period=_money(amount),
                                       cumulative_completed=_money(cumulative))
    return Before(earlier, deltas, previous, any_later, thresholds)
