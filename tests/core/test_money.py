"""Money parsing at its edges (issue 23): 万元 with two places, never float, clear refusals.
Pure except sum_wan (tests/core/test_audit_money.py sums on the database)."""

from decimal import Decimal as D

import pytest

from diaodu.core.errors import UserError
from diaodu.core.money import MAX_WAN, parse_wan, quantize_wan, wan_to_yi


def parse(value, **kw):
    return parse_wan(value, field="total_investment", label="总投资", **kw)


def refusal(value, **kw) -> UserError:
    with pytest.raises(UserError) as error:
        parse(value, **kw)
    assert error.value.field == "total_investment"
    return error.value


@pytest.mark.parametrize(("raw", "amount"), [
    ("500", D("500.00")), ("499.99", D("499.99")), (" 1,200.5 ", D("1200.50")), (0, D("0.00")),
    (D("0.01"), D("0.01")), (12, D("12.00")), (0.1, D("0.10")), ("999999999999.99", MAX_WAN),
])
def test_valid_amounts_come_back_with_two_places(raw, amount):
    result = parse(raw)
    assert result == amount and str(result) == str(amount)


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_blank_is_required_unless_allowed(blank):
    error = refusal(blank)
    assert (error.code, error.message) == ("money.required", "请填写总投资（万元）。")
    assert parse(blank, allow_none=True) is None


@pytest.mark.parametrize("raw", ["abc", "1..2", "NaN", "Infinity", "-inf", "1e"])
def test_not_a_number_is_refused_naming_the_value(raw):
    error = refusal(raw)
    assert (error.code, error.message) == ("money.invalid", f"总投资不是有效金额：{raw}")


def test_negative_is_refused_and_zero_is_not():
    error = refusal("-0.01")
    assert (error.code, error.message) == ("money.negative", "总投资不能为负数。")
    assert parse("0.00") == D("0.00")


def test_a_third_decimal_place_is_refused_even_when_zero_is_not():
    error = refusal("12.345")
    assert (error.code, error.message) == ("money.precision", "总投资最多保留两位小数（万元）。")
    assert parse("12.340") == D("12.34")
    assert refusal(0.125).code == "money.precision"  # a float is read as its repr, not rounded


def test_the_largest_amount_passes_and_a_cent_more_is_refused():
    assert parse(MAX_WAN) == MAX_WAN
    error = refusal("1000000000000.00")
    assert (error.code, error.message) == ("money.too_large", "总投资超出允许范围。")


def test_quantize_rounds_half_up_and_treats_none_as_zero():
    assert quantize_wan(None) == D("0.00") and str(quantize_wan(None)) == "0.00"
    assert quantize_wan(D("0.005")) == D("0.01")
    assert quantize_wan(D("0.0049")) == D("0.00")
    assert quantize_wan(2) == D("2.00")


def test_yi_is_ten_thousand_wan_rounded_half_up():
    assert wan_to_yi(D("10000")) == D("1.00")
    assert wan_to_yi(D("12345.67")) == D("1.23")
    assert wan_to_yi(D("50")) == D("0.01")      # 0.005 亿 rounds up
    assert wan_to_yi(D("49.99")) == D("0.00")
