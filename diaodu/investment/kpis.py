"""KPI formulas, defined once (docs/kpis.md explains each). Pure: plain values in and out."""

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

PERCENT = Decimal("0.1")


def rate(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """part ÷ whole as a percentage with one decimal (105.3), None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PERCENT, rounding=ROUND_HALF_UP)


def annual_completion_rate(ytd_completed: Decimal, annual_plan: Decimal) -> Decimal | None:
    """年度计划完成率 = YTD completed ÷ annual planned investment."""
    return rate(ytd_completed, annual_plan)


def time_progress(period_end: date) -> Decimal:
    """时序进度 = share of the year elapsed at the end of the period (days)."""
    days_in_year = 366 if calendar.isleap(period_end.year) else 365
    return rate(period_end.timetuple().tm_yday, days_in_year)


def registration_rate(registered: int, must_register: int) -> Decimal | None:
    """入库率 = started projects ≥ 500万元 that are registered ÷ all such projects."""
    return rate(registered, must_register)
