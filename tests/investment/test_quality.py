"""The report quality rules at their boundaries (issue 23): an unchanged cumulative passes, a
cent less is refused; the overrun tolerance and the jump factor at exactly their limits.
Pure: no database."""

from decimal import Decimal as D

import pytest

from diaodu.core.errors import UserError
from diaodu.investment.quality import (
    FLAG_JUMP,
    FLAG_OVERRUN,
    History,
    ReportFigures,
    Thresholds,
    check,
)


def figures(*, period="10.00", cumulative="100.00", ytd="50.00", progress="主体施工",
            under_construction=True):
    return ReportFigures(completed_in_period=D(period), cumulative_completed=D(cumulative),
                         ytd_completed=D(ytd), physical_progress=progress,
                         under_construction=under_construction)


def history(*, previous_cumulative="100.00", previous_period="10.00", total="1000.00"):
    return History(previous_cumulative=None if previous_cumulative is None
                   else D(previous_cumulative),
                   previous_period=None if previous_period is None else D(previous_period),
                   total_investment=D(total))


LIMITS = Thresholds()


def refused(fig, hist, limits=LIMITS) -> UserError:
    with pytest.raises(UserError) as error:
        check(fig, hist, limits)
    return error.value


def test_a_month_without_progress_keeps_the_cumulative_and_passes():
    assert check(figures(period="0.00", cumulative="100.00"), history(), LIMITS) == []


def test_a_cumulative_one_cent_lower_is_refused_naming_both_figures():
    error = refused(figures(cumulative="99.99", ytd="50.00"), history())
    assert error.code == "quality.cumulative_decreased"
    assert error.field == "cumulative_completed"
    assert error.message == "开工累计完成 99.99 万元小于上期的 100.00 万元，累计数不能减少。"


def test_the_first_report_has_no_earlier_cumulative():
    assert check(figures(cumulative="0.00", ytd="0.00", period="0.00"),
                 history(previous_cumulative=None, previous_period=None), LIMITS) == []


def test_physical_progress_is_required_while_under_construction_only():
    error = refused(figures(progress="  "), history())
    assert (error.code, error.field) == ("quality.physical_progress_required",
                                         "physical_progress")
    assert error.message == "在建项目须填写形象进度。"
    assert check(figures(progress=" ", under_construction=False), history(), LIMITS) == []


def test_year_to_date_may_equal_but_not_exceed_the_cumulative():
    assert check(figures(ytd="100.00"), history(), LIMITS) == []
    error = refused(figures(ytd="100.01"), history())
    assert (error.code, error.field) == ("quality.ytd_exceeds_cumulative", "cumulative_completed")
    assert error.message == "年度累计完成 100.01 万元大于开工累计完成 100.00 万元，请核对。"


def test_cumulative_at_the_total_is_not_flagged_and_a_cent_above_is():
    hist = history(previous_cumulative="0.00", total="1000.00")
    assert check(figures(cumulative="1000.00"), hist, LIMITS) == []
    assert check(figures(cumulative="1000.01"), hist, LIMITS) == [FLAG_OVERRUN]


def test_cumulative_at_the_tolerance_is_flagged_and_a_cent_above_is_refused():
    hist = history(previous_cumulative="0.00", total="1000.00")
    assert check(figures(cumulative="1100.00"), hist, LIMITS) == [FLAG_OVERRUN]
    error = refused(figures(cumulative="1100.01"), hist)
    assert (error.code, error.field) == ("quality.cumulative_exceeds_total",
                                         "cumulative_completed")
    assert error.message == ("开工累计完成 1100.01 万元超过总投资 1000.00 万元的 10% 容差，"
                             "请核对或先调整总投资。")


def test_the_tolerance_comes_from_the_thresholds():
    hist = history(previous_cumulative="0.00", total="1000.00")
    strict = Thresholds(overrun_tolerance_pct=5)
    assert check(figures(cumulative="1050.00"), hist, strict) == [FLAG_OVERRUN]
    assert refused(figures(cumulative="1050.01"), hist, strict).message.endswith(
        "的 5% 容差，请核对或先调整总投资。")


def test_a_jump_is_flagged_above_the_factor_not_at_it():
    hist = history(previous_cumulative="0.00", previous_period="10.00")
    assert check(figures(period="30.00"), hist, LIMITS) == []
    assert check(figures(period="30.01"), hist, LIMITS) == [FLAG_JUMP]
    assert check(figures(period="20.01"), hist, Thresholds(jump_factor=D("2"))) == [FLAG_JUMP]


def test_no_jump_without_an_earlier_period_figure():
    assert check(figures(period="99.00"), history(previous_period=None), LIMITS) == []
    assert check(figures(period="99.00"), history(previous_period="0.00"), LIMITS) == []


def test_both_flags_in_order():
    hist = history(previous_cumulative="0.00", previous_period="10.00", total="100.00")
    assert check(figures(period="40.00", cumulative="105.00"), hist, LIMITS) == [
        FLAG_OVERRUN, FLAG_JUMP]
