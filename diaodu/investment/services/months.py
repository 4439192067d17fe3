"""What a monthly report's checks read of the months around it, in one statement.

Every save and submit reads it (the month-end surge is mostly this path), so it is one
hand-written statement with the table names taken from the models: built by the ORM, the
three joined querysets cost more to compile than the database takes to answer them
(`bench/submit_surge.py` profiles a submit). tests/investment/test_reports.py holds it equal
to the ORM queries it replaces (ytd_of and _previous without `known`)."""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from diaodu.core import prepared
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


# The statement's inputs, as placeholders: the report's project, the round's end and year.
_PLACEHOLDERS = {"project": "%(project)s", "monthly": "%(monthly)s", "end": "%(end)s",
                 "year_start": "%(year_start)s", "year_end": "%(year_end)s"}


def _sql(**inputs: str) -> str:
    # One pass over the project's reports (its index) for the earlier months, the later
    # reports and the corrections, instead of a branch each: every table a statement names
    # costs the database more to open and plan than these few rows cost to read.
    # `inputs`: each input as SQL (placeholders, or the locked read's columns).
    report, round_ = ProgressReport._meta.db_table, ReportingRound._meta.db_table
    adjustment = ReportAdjustment._meta.db_table
    settings = DispatchSettings._meta.db_table
    i = {**_PLACEHOLDERS, **inputs}
    return f"""
        SELECT r.period_end, p.id, p.completed_in_period, p.cumulative_completed,
               p.status, a.delta_completed
          FROM {report} p JOIN {round_} r ON r.id = p.round_id
          LEFT JOIN {adjustment} a ON a.report_id = p.id AND r.cadence = {i["monthly"]}
               AND r.period_end >= {i["year_start"]} AND r.period_end <= {i["end"]}
         WHERE p.project_id = {i["project"]}
           AND ((r.cadence = {i["monthly"]} AND r.period_end <= {i["end"]})
                OR (r.period_end > {i["end"]} AND r.period_end <= {i["year_end"]}))
        UNION ALL
        SELECT NULL, NULL, s.overrun_tolerance_pct, s.jump_factor, '', NULL
          FROM {settings} s WHERE s.id = (SELECT MIN(id) FROM {settings})"""


def with_the_lock(aliases: dict[str, str]) -> str:
    """The same rows as one column of the locked read of a report (core/rowread.py; PostgreSQL:
    `aliases` names its tables by path, "" the report's, "round" its round's), as JSON text;
    NULL unless the round is monthly. One statement fewer on every save and submit.

    The column is read with the statement's snapshot, taken before the row lock is granted,
    where months_before reads after it. The difference is only what commits while this
    transaction waits for the lock, and the lock does not guard any of these rows: the other
    months' reports are not locked by this one either way, and a correction of this report
    is made only when it is approved, which fill and submit refuse once they hold it."""
    report, round_ = aliases[""], aliases["round"]
    year = f"extract(year FROM {round_}.period_end)::int"
    monthly = f"'{Cadence.MONTHLY.value}'"  # a code constant (a-z): written in, not bound
    rows = _sql(project=f"{report}.project_id", monthly=monthly,
                end=f"{round_}.period_end", year_start=f"make_date({year}, 1, 1)",
                year_end=f"make_date({year}, 12, 31)")
    return (f"CASE WHEN {round_}.cadence = {monthly} THEN (SELECT COALESCE(json_agg("
            f"json_build_array(m.a, m.b, m.c, m.d, m.e, m.f)), '[]')::text "
            f"FROM ({rows}) m(a, b, c, d, e, f)) END")


def from_the_lock(column: str | None, report: ProgressReport) -> Before | None:
    """`Before` from with_the_lock's column (None: the round is not monthly). Amounts are
    read from the JSON's number text as Decimal, never as float."""
    if column is None:
        return None
    return _before(report, json.loads(column, parse_float=Decimal))


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
    year, end = round_.period_end.year, round_.period_end
    params = {"project": report.project_id, "monthly": Cadence.MONTHLY, "end": end,
              "year_start": date(year, 1, 1), "year_end": date(year, 12, 31)}
    with prepared.cursor() as cursor:
        cursor.execute(_sql(), params)
        rows = cursor.fetchall()
    return _before(report, rows)


def _before(report: ProgressReport, rows) -> Before:
    """`Before` of `report` from _sql()'s rows."""
    round_ = report.round
    year = round_.period_end.year
    start, end = round_.period_start, round_.period_end
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
