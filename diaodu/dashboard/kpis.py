"""Dashboard formulas, defined once (docs/dashboard.md explains each). Pure: plain values in
and out; the percentages use investment.kpis.rate (one decimal, None when nothing to divide)."""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from diaodu.investment.kpis import rate

CENT = Decimal("0.01")
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Expected:
    """The share of a year's work expected done by the end of a month (应完成进度)."""

    share: Decimal           # 0–1
    method: str              # "seasonal" (previous years' monthly history) or "linear"
    years: tuple[int, ...]   # the previous years a seasonal share comes from

    @property
    def percent(self) -> Decimal:
        return (self.share * 100).quantize(TENTH, rounding=ROUND_HALF_UP)


def expected_share(period_end: date, shares: list[Decimal],
                   years: tuple[int, ...] = ()) -> Expected:
    """Seasonal: the share of the year usually done by the end of the period's month
    (`seasonal_shares` of previous years); linear: the share of the year's days elapsed
    (时序进度), only when there is no usable history (no shares, or none done by then)."""
    share = Decimal(shares[period_end.month - 1]) if shares else Decimal(0)
    if share > 0:
        return Expected(share, "seasonal", tuple(years))
    days = 366 if calendar.isleap(period_end.year) else 365
    return Expected(Decimal(period_end.timetuple().tm_yday) / days, "linear", ())


def pace_ratio(done: Decimal | None, planned: Decimal | None,
               expected: Expected | None) -> Decimal | None:
    """完成 ÷ (年度计划 × 应完成比例) × 100: 100 = exactly where the year is usually by then.
    Truncated to 0.01, never rounded up into a better colour (94.999 is below 95). None when
    there is no plan or nothing is expected yet."""
    if done is None or not planned or planned <= 0 or expected is None \
            or expected.share <= 0:
        return None
    ratio = Decimal(done) * 100 / (Decimal(planned) * expected.share)
    return ratio.quantize(CENT, rounding=ROUND_FLOOR)


def start_rate(started: int, listed: int) -> Decimal | None:
    """开工率 = projects of the 开工一批 that have started ÷ projects listed in it."""
    return rate(started, listed)


def production_rate(in_production: int, listed: int) -> Decimal | None:
    """投产率 = projects of the 投产一批 completed and in production ÷ projects listed."""
    return rate(in_production, listed)


def capacity_rate(at_capacity: int, in_production: int) -> Decimal | None:
    """达产率 = projects at design capacity ÷ projects in production (投产一批)."""
    return rate(at_capacity, in_production)


def fulfilment_rate(fulfilled: int, signed: int) -> Decimal | None:
    """履约率 = signed projects (签约一批) that landed ÷ projects signed."""
    return rate(fulfilled, signed)


# --- Year-end forecast -----------------------------------------------------------------------

@dataclass(frozen=True)
class Forecast:
    value: Decimal           # 万元 expected by 31 December
    method: str              # "seasonal" or "linear"
    share: Decimal           # share of a year's work usually done by the month (0–1)
    years: tuple[int, ...]   # the previous years the share comes from


def seasonal_shares(history: dict[int, list[Decimal]]) -> list[Decimal]:
    """For each month 1–12, the average share of the year's completion done by its end, over the
    previous years given as {year: 12 cumulative totals}. Years with no completion are skipped;
    none left = [] (no seasonality known)."""
    usable = [months for months in history.values() if len(months) == 12 and months[11] > 0]
    if not usable:
        return []
    shares = []
    for m in range(12):
        total = sum((Decimal(months[m]) / Decimal(months[11]) for months in usable), Decimal(0))
        shares.append(min(Decimal(1), max(Decimal(0), total / len(usable))))
    shares[11] = Decimal(1)
    return shares


def year_end_forecast(ytd: Decimal, expected: Expected) -> Forecast:
    """Year-end completion from the year-to-date figure: ytd ÷ the share expected done by
    then (`expected_share`: seasonal from previous years, else linear time progress), so the
    forecast and the completion-vs-expected rule agree. Never below what is already done."""
    ytd = Decimal(ytd)
    value = max(ytd / expected.share, ytd) if expected.share > 0 else ytd
    return Forecast(value.quantize(CENT, rounding=ROUND_HALF_UP), expected.method,
                    expected.share.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
                    expected.years)


# --- Unit ranking ----------------------------------------------------------------------------

SCORE_METRICS = ("investment", "starts", "registration", "closure", "punctuality")
CAP = Decimal(100)


def score(metrics: dict[str, Decimal | None], weights: dict[str, int]) -> Decimal | None:
    """Weighted score 0–100: each metric (a percentage, capped at 100) times its weight, over
    the weights of the metrics the unit has data for. No data at all = None (not ranked)."""
    used = {k: w for k, w in weights.items() if w and metrics.get(k) is not None}
    total_weight = sum(used.values())
    if not total_weight:
        return None
    points = sum((min(CAP, max(Decimal(0), Decimal(metrics[k]))) * w for k, w in used.items()),
                 Decimal(0))
    return (points / total_weight).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Placed:
    key: int
    score: Decimal
    rank: int
    top_group: bool


def rank(scores: dict[int, Decimal | None], top_group_size: int) -> list[Placed]:
    """Competition ranking (1, 2, 2, 4) by score, best first; ties share a rank. 第一方阵: the
    units ranked within the first `top_group_size` places. Units without a score are left out."""
    ordered = sorted(((k, s) for k, s in scores.items() if s is not None),
                     key=lambda item: (-item[1], item[0]))
    placed: list[Placed] = []
    for index, (key, value) in enumerate(ordered):
        position = placed[-1].rank if placed and placed[-1].score == value else index + 1
        placed.append(Placed(key, value, position, position <= top_group_size))
    return placed


def validate_weights(weights: dict[str, object],
                     known: tuple[str, ...] = SCORE_METRICS) -> dict[str, int]:
    """Whole, non-negative weights of `known` metrics that sum to 100, in `known`'s order with
    0 for the absent; ValueError(code) else."""
    clean: dict[str, int] = {}
    for key, raw in weights.items():
        if key not in known:
            raise ValueError("scheme.unknown_metric")
        try:
            value = int(str(raw).strip() or "0")
        except ValueError:
            raise ValueError("scheme.not_a_number") from None
        if value < 0:
            raise ValueError("scheme.negative")
        clean[key] = value
    if sum(clean.values()) != 100:
        raise ValueError("scheme.sum")
    return {k: clean.get(k, 0) for k in known}
