"""The pure header mapping and cell parsing (no database)."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diaodu.ledgers import mapping as m


def test_synonyms_line_breaks_and_full_width_map_to_fields():
    labels = ["序  号", "项目\n名称", "牵头单位", "所属街道", "计划总投资（亿元）",
              "项目代码", "ＸＸ备注"]
    keys = [c.key for c in m.map_columns("projects", labels)]
    assert keys == ["_seq", "name", "responsible_unit", "street", "total_investment", "code",
                    "_remark"]


def test_units_in_headers_give_exact_factors():
    columns = m.map_columns("projects", ["项目名称", "总投资（亿元）"])
    assert columns[1].factor == Decimal(10000)
    assert m.map_columns("projects", ["项目名称", "总投资(万元)"])[1].factor == Decimal(1)
    assert m.unit_of("填报单位：区发改委 单位：亿元") == Decimal(10000)


def test_two_row_group_header_over_month_columns():
    rows = [["中原区2022年1-2月重点项目进展情况"],
            ["填报单位：林山寨街道", "", "", "", "", "单位：万元"],
            ["序号", "项目名称", "责任单位", "1-2月完成投资", "", "", "开工累计完成", "形象进度"],
            ["", "", "", "本月", "累计", "占年度计划%", "", ""],
            ["一、省重点项目", "", "", "", "", "", "", ""],
            [1, "林山寨更新项目", "林山寨街道", 120, 300, "30%", 5000, "主体施工"]]
    header = m.detect_header("reports", rows)
    assert (header.first_row, header.rows) == (2, 2)
    assert header.labels[3] == "1-2月完成投资/本月"
    fields = m.mapping_of(header.columns)
    assert fields == {"name": 1, "responsible_unit": 2, "completed_in_period": 3,
                      "cumulative_completed": 6, "physical_progress": 7}
    assert header.default_factor == Decimal(1)


def test_merged_cells_decide_group_spans():
    rows = [["项目名称", "月度累计目标", None, None, "备注"],
            [None, "1月", "2月", "3月", None]]
    merged = {(0, 2), (0, 3), (1, 0), (1, 4)}
    header = m.detect_header("plans", rows, merged=merged)
    assert header.labels[:4] == ["项目名称", "月度累计目标/1月", "月度累计目标/2月",
                                 "月度累计目标/3月"]
    assert m.mapping_of(header.columns)["target_3"] == 3


def test_profile_overrides_synonyms():
    columns = m.map_columns("projects", ["项目名称", "投资额"],
                            profile={"投资额": "total_investment"})
    assert columns[1].key == "total_investment"


def test_no_header_without_a_name_or_code_column():
    assert m.detect_header("projects", [["甲", "乙"], [1, 2]]) is None


@pytest.mark.parametrize(("row", "kind"), [
    (["一、省重点项目", None, None], m.SECTION),
    (["（二）市重点项目", "", ""], m.SECTION),
    (["合  计", None, 100], m.TOTAL),
    ([None, "小计", 50], m.SUBTOTAL),
    ([None, None, None], m.BLANK),
    ([1, "林山寨更新项目", 100], m.DATA),
])
def test_rows_are_classified(row, kind):
    assert m.classify(row, 1) == kind


@pytest.mark.parametrize(("value", "factor", "expected"), [
    ("1,234.5", None, Decimal("1234.50")),
    ("１２３．４", None, Decimal("123.40")),
    (1.5, Decimal(10000), Decimal("15000.00")),
    ("2.3456", Decimal(10000), Decimal("23456.00")),
    ("50000元", None, Decimal("5.00")),
    (0.1 + 0.2, None, Decimal("0.30")),
    ("—", None, None),
])
def test_money_is_exact(value, factor, expected):
    assert m.parse_money(value, factor) == expected


@pytest.mark.parametrize("value", ["12.345", "1.2345678亿元", "123元", "-5", "abc"])
def test_money_refuses_more_than_two_decimals_and_garbage(value):
    with pytest.raises(m.CellError):
        m.parse_money(value)


@pytest.mark.parametrize(("value", "expected"), [
    ("2022.3", date(2022, 3, 1)), (2022.3, date(2022, 3, 1)), ("2022年3月", date(2022, 3, 1)),
    ("2022-03-15", date(2022, 3, 15)), ("2022年3月15日", date(2022, 3, 15)),
    ("2022/3/15", date(2022, 3, 15)), (datetime(2022, 3, 15, 0, 0), date(2022, 3, 15)),
    (44635, date(2022, 3, 15)), ("202203", date(2022, 3, 1)), ("", None),
])
def test_dates_as_real_dates_or_text(value, expected):
    assert m.parse_date(value) == expected


def test_bad_date_is_refused():
    with pytest.raises(m.CellError):
        m.parse_date("三月中旬")


def test_levels_stages_and_flags():
    assert m.parse_level("省级") == "province"
    assert m.parse_stage("续建") == "construction"
    assert m.parse_bool("√") is True
    with pytest.raises(m.CellError):
        m.parse_level("国家级")


def test_column_letters():
    assert [m.column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A", "Z", "AA", "AB", "ZZ", "AAA"]


LABELS = [s for spec in m.FIELDS["projects"] for s in spec.synonyms]
noise = st.sampled_from(["", " ", "\n", "　"])


@given(st.lists(st.tuples(st.sampled_from(LABELS), noise), min_size=1, max_size=12))
def test_mapping_is_idempotent_and_ignores_whitespace(pairs):
    labels = [f"{noise}{label}{noise}" for label, noise in pairs]
    first = m.map_columns("projects", labels)
    again = m.map_columns("projects", [m.norm(label) for label in labels])
    assert [c.key for c in first] == [c.key for c in again]
    # A profile written from the result maps the same labels to the same fields.
    profile = {m.norm(c.label): c.key for c in first if c.key}
    assert [c.key for c in m.map_columns("projects", labels, profile)] == [c.key for c in first]
    mapped = [c.key for c in first if c.key and not c.key.startswith("_")]
    assert len(mapped) == len(set(mapped))


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["万元", "亿元", ""]))
def test_money_round_trips_exactly_through_text(cents, unit):
    amount = Decimal(cents) / 100
    text = f"{amount:,.2f}{unit}"
    parsed = m.parse_money(text)
    factor = Decimal(10000) if unit == "亿元" else Decimal(1)
    assert parsed == (amount * factor).quantize(Decimal("0.01"))


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)))
def test_dates_round_trip_in_every_written_form(day):
    for text in (day.isoformat(), f"{day.year}年{day.month}月{day.day}日",
                 f"{day.year}.{day.month}.{day.day}", f"{day.year}/{day.month}/{day.day}"):
        assert m.parse_date(text) == day


@pytest.mark.parametrize(("label", "key"), [
    ("投资（万元）/2022年计划投资", "plan_investment"),
    ("2023年计划投资（亿元）", "plan_investment"),
    ("至2021年底累计完成投资", "prior_cumulative"),
    ("截至上年底累计完成投资", "prior_cumulative"),
    ("2022年1-2月完成投资", "ytd_completed"),
    ("2022年\n1-2月\n完成投资\n（亿元）", "ytd_completed"),
    ("1-2月完成投资/本月", "period_completed"),
    ("1-2月完成投资/累计", "ytd_completed"),
    ("1-2月完成投资/占年度计划%", "_ratio"),
    ("3月完成投资", "period_completed"),
    ("开工累计\n完成投资\n（亿元）", "cumulative_completed"),
    ("累计完成投资", "cumulative_completed"),
    ("形象进度", "physical_progress"),
    ("存在问题", "issues"),
    ("投资（万元）/总投资", "total_investment"),
    ("审批进展", None),
])
def test_a_project_ledger_s_plan_and_progress_headers(label, key):
    assert m.match_label("projects", label) == key
    if key and not key.startswith("_"):
        assert m.spec_of("projects", key).part in ("plans", "progress", "")
