"""The ledger mapping's rules at their edges (issue 23, mutation run of ledgers/mapping.py):
header rows and title lines, the scan window, two-row groups and merged cells, which
candidate header wins, labels to fields, units, row kinds (合计 / 小计 / sections) and every
cell parser's refusals with their codes. Pure: no database."""

from datetime import date, datetime
from decimal import Decimal as D

import pytest

from diaodu.ledgers import mapping as m


def refused(parse, value, code, message):
    with pytest.raises(m.CellError) as info:
        parse(value)
    error = info.value
    assert (error.code, error.message, str(error)) == (code, message, message)
    assert error.params["value"] == value
    return error


# ---------------------------------------------------------------- text and units

def test_bare_drops_unit_brackets_and_punctuation_only():
    assert m.bare("总投资（亿元）") == "总投资"
    assert m.bare("计划总投资万元") == "计划总投资"
    assert m.bare("元") == "元"  # a unit alone stays a label
    assert m.bare("*序号：") == "序号"
    assert m.bare("X序号X") == "X序号X"
    assert m.bare(" 项目 名称 ") == "项目名称"


def test_unit_of_a_header_or_a_title_line():
    assert m.unit_of("总投资亿元") == D(10000)
    assert m.unit_of("单位：万元 填报日期：2022年") == D(1)
    assert m.unit_of("元") == D("0.0001")
    assert m.unit_of("总投资") is None


def test_text_of_a_cell():
    assert m._text(3.0) == "3"
    assert m._text(2.5) == "2.5"
    assert m._text(None) == ""
    assert m._text(" 甲 ") == "甲"


# ---------------------------------------------------------------- labels to fields

@pytest.mark.parametrize(("label", "key"), [
    ("1-2月完成投资/当月", "completed_in_period"),
    ("1-2月完成投资/本期", "completed_in_period"),
    ("1-2月完成/当月", "completed_in_period"),
    ("本年投资/当月", "completed_in_period"),
    ("1-2月完成投资/累计", "_ytd"),
    ("1-2月完成投资/累计完成", "_ytd"),
    ("开工以来完成投资/累计", "cumulative_completed"),
    ("1-2月完成投资/%", "_ratio"),
    ("1-2月完成投资/占计划", "_ratio"),
    ("1-2月完成投资/比率", "_ratio"),
    ("1-2月完成投资/存在问题", "issues"),
    ("开工累计/完成投资", "cumulative_completed"),
    ("形象/说明", "_remark"),
])
def test_report_labels(label, key):
    assert m.match_label("reports", label) == key


@pytest.mark.parametrize(("kind", "label", "key"), [
    # A project ledger's progress columns are fields of their own (imported when ticked).
    ("projects", "1-2月完成投资/当月", "period_completed"),
    ("projects", "总投资/合计", "total_investment"),
    ("projects", "其他信息/合计", None),
    ("projects", "总投资/其中财政资金", None),
    ("projects", "其他信息/补充说明", "_remark"),
    ("projects", "合计", None),
    ("projects", "次序表", None),
    ("projects", "项目名称/", None),
    ("plans", "13月", "target_3"),
])
def test_group_and_fallback_labels(kind, label, key):
    assert m.match_label(kind, label) == key


def test_map_columns_units_from_sub_or_group_and_repeated_fields():
    columns = m.map_columns("projects", [
        "项目名称", "计划总投资（亿元）/其中本年（万元）", "总投资（亿元）/本月",
        "a/b（亿元）/c", "备注", "说明", "总投资", "计划总投资"])
    assert [c.label for c in columns][:2] == ["项目名称", "计划总投资（亿元）/其中本年（万元）"]
    assert [c.factor for c in columns][:4] == [None, D(1), D(10000), D(10000)]
    assert [c.key for c in columns][4:] == ["_remark", "_remark", "total_investment", None]
    assert [c.index for c in columns] == list(range(8))


# ---------------------------------------------------------------- header rows

def test_title_lines():
    for line in ("单位:万元", "单位：万元", "填报单位区发改委", "填报日期2022年", "制表人张三"):
        assert m._is_title([line, ""]), line
    assert not m._is_title(["项目名称", "总投资"])


@pytest.mark.parametrize(("row", "data"), [
    ([], False), (["", ""], False),
    (["1", "2", "3"], True), (["1,234", "2,000", "甲"], True),
    (["1", "名称"], False), (["1", "2", "甲", "乙"], False),
    (["一、省重点项目", "甲", "乙"], True), (["甲", "乙", "一、省重点"], False),
])
def test_a_row_that_looks_like_data(row, data):
    assert m._looks_like_data("projects", row) is data


def test_fill_groups():
    assert m._fill_groups(["", "组"], ["子", "子2"], None) == ["子", "组/子2"]
    assert m._fill_groups(["组", "", ""], ["甲", "", "乙"], None) == ["组/甲", "", "乙"]
    assert m._fill_groups(["组", "", ""], ["甲", "乙", "丙"], {(0, 1)}) == [
        "组/甲", "组/乙", "丙"]
    assert m._fill_groups(["a", "b", "c"], ["x", "y"], None) == ["a/x", "b/y"]


def test_score_needs_a_name_or_a_code():
    assert m._score("projects", ["项目代码", "总投资"]) == 2
    assert m._score("projects", ["项目名称", "总投资"]) == 2
    assert m._score("projects", ["总投资", "建设单位"]) == 0


def test_empty_sheet_and_one_cell_rows_have_no_header():
    assert m.detect_header("projects", []) is None
    assert m.detect_header("projects", [["项目名称"], ["甲项目", ""]]) is None


def test_a_header_of_two_cells_and_only_a_name():
    header = m.detect_header("projects", [["项目名称", "随便"], ["甲项目", "x"]])
    assert (header.first_row, header.rows, header.labels) == (0, 1, ["项目名称", "随便"])


def test_the_header_is_searched_in_the_first_15_rows():
    def sheet(at):
        # The row two below the 15th is the last one whose width counts.
        return [[f"标题{n}"] for n in range(at)] + [["项目名称", "总投资"], ["甲", 1],
                                                    ["甲", 1, "", ""], ["甲", 1, "", "", ""]]

    header = m.detect_header("projects", sheet(14))
    assert (header.first_row, header.labels) == (14, ["项目名称", "总投资", "", ""])
    assert header.title == " ".join(f"标题{n}" for n in range(14))
    assert m.detect_header("projects", sheet(15)) is None


def test_width_counts_the_rows_below_the_header_only_two_past_the_window():
    rows = [["项目名称", "总投资"]] + [["甲", 1]] * 16 + [["甲", 1, 2, 3, 4]]
    assert m.detect_header("projects", rows).labels == ["项目名称", "总投资"]


def test_a_title_line_with_field_words_is_not_the_header():
    rows = [["填报单位：区发改委", "项目名称"], ["项目名称", "总投资"], ["甲", 1]]
    header = m.detect_header("projects", rows)
    assert header.first_row == 1
    assert header.title == "填报单位：区发改委 项目名称"


def test_text_data_under_a_header_is_no_second_header_row():
    header = m.detect_header("projects", [["项目名称", "责任单位"], ["甲项目", "林山寨街道"]])
    assert (header.first_row, header.rows) == (0, 1)


def test_a_unit_row_under_the_header_makes_a_two_row_header():
    rows = [["项目名称", "总投资", ""], ["", "", "万元"], ["甲", 1, 2]]
    header = m.detect_header("projects", rows)
    assert (header.first_row, header.rows) == (0, 2)
    assert header.labels == ["项目名称", "总投资", "总投资/万元"]


def test_a_two_row_reading_mapping_fewer_fields_loses_despite_its_half_point():
    # Rows 0–1 read as one header map street and name (2 + 0.5); row 0 alone maps 3.
    rows = [["所属街道", "总投资", "", "项目名称"], ["", "项目名称", "所属街道", "累计"],
            ["甲项目", "林山寨街道", 1, 2]]
    header = m.detect_header("projects", rows)
    assert (header.first_row, header.rows) == (0, 1)


def test_two_row_labels_without_merge_information_span_empty_cells():
    rows = [["项目名称", "1-2月完成投资", "", ""], ["", "本月", "累计", "占比"]]
    assert m.detect_header("reports", rows).labels == [
        "项目名称", "1-2月完成投资/本月", "1-2月完成投资/累计", "1-2月完成投资/占比"]


def test_merged_cells_end_a_group_and_blank_the_row_below():
    rows = [["项目名称", "1-2月完成投资", "", ""], ["", "本月", "累计", "占比"]]
    labels = m.detect_header("reports", rows, merged={(0, 2)}).labels
    assert labels == ["项目名称", "1-2月完成投资/本月", "1-2月完成投资/累计", "占比"]
    labels = m.detect_header("reports", rows, merged={(0, 2), (0, 3), (1, 3)}).labels
    assert labels == ["项目名称", "1-2月完成投资/本月", "1-2月完成投资/累计", ""]


def test_the_earliest_header_scoring_within_one_of_the_best_wins():
    # Row 0 maps 3 fields, row 1 maps 2: the earlier, better one.
    rows = [["项目名称", "建设单位", "所属街道"], ["项目名称", "建设单位", "其他"],
            ["甲", "乙", "丙"]]
    assert m.detect_header("projects", rows).first_row == 0
    # Row 0 maps 2, row 1 maps 3: within one, the earlier.
    rows = [["项目名称", "建设单位", "其他"], ["项目名称", "建设单位", "所属街道"],
            ["甲", "乙", "丙"]]
    assert m.detect_header("projects", rows).first_row == 0
    # Row 0 maps 2, row 1 maps 4: more than one better, the later.
    rows = [["项目名称", "建设单位", "其他", "附表"],
            ["项目名称", "建设单位", "所属街道", "总投资"],
            ["甲", "乙", "丙", "丁"]]
    assert m.detect_header("projects", rows).first_row == 1


def test_a_profile_counts_its_labels_once_each():
    profile = {"投资额": "total_investment"}
    # Row 1 maps 2 fields and one profile label (3); row 0 maps 2: within one, row 0.
    rows = [["项目名称", "建设单位", "其他"], ["项目名称", "建设单位", "投资额"], ["甲", "乙", 1]]
    assert m.detect_header("projects", rows, profile=profile).first_row == 0
    # Row 1 maps 3 fields and a profile label (4): row 1, with the profile's mapping.
    rows = [["项目名称", "建设单位", "其他", "附表"],
            ["项目名称", "建设单位", "所属街道", "投资额"],
            ["甲", "乙", "丙", 1]]
    header = m.detect_header("projects", rows, profile=profile)
    assert header.first_row == 1
    assert m.mapping_of(header.columns)["total_investment"] == 3


def test_title_unit_is_the_default_factor_only_when_it_says_单位():
    rows = [["中原区重点项目（亿元）"], ["项目名称", "总投资"], ["甲", 1]]
    assert m.detect_header("projects", rows).default_factor is None
    rows = [["中原区重点项目", "单位：亿元"], ["项目名称", "总投资"], ["甲", 1]]
    header = m.detect_header("projects", rows)
    assert header.default_factor == D(10000)
    assert header.columns[1].factor == D(10000)
    assert header.title == "中原区重点项目 单位：亿元"


# ---------------------------------------------------------------- row kinds

@pytest.mark.parametrize(("row", "name_index", "kind"), [
    ([1, "甲项目", "", "合计"], 1, m.DATA),
    ([1, "", "", "", "", "合计"], 5, m.TOTAL),
    ([1, "", "", "", "", "甲项目", "合计"], 5, m.DATA),
    (["合计（万元）", None, 100], 1, m.TOTAL),
    (["总计", None, 100], 1, m.TOTAL),
    (["全区重点项目合计", None, 100], 1, m.TOTAL),
    (["中原区重点项目合计", None, 100], 1, m.DATA),
    (["小区合计", None, 5], 1, m.DATA),
    (["合计：全区12个项目", None, 5], 1, m.TOTAL),
    (["总计：全区12个项目", None, 5], 1, m.TOTAL),
    (["林山寨街道省重点项目小计", None, 5], 1, m.SUBTOTAL),
    (["林山寨街道市级重点项目小计", None, 5], 1, m.DATA),
    (["三、", "甲项目", 100], 1, m.DATA),
    (["一、省重点项目", "", ""], None, m.SECTION),
    (["一、省重点项目", ""], 2, m.SECTION),
    ([1, 2, 3], None, m.DATA),
    (["", "1", "一、省重点项目"], None, m.SECTION),
    (["一、省重点项目", "", 1, 2, 3], 1, m.SECTION),
    ([None, "一、省重点项目", 1, 2, 3], 1, m.SECTION),
])
def test_row_kinds_at_their_edges(row, name_index, kind):
    assert m.classify(row, name_index) == kind


# ---------------------------------------------------------------- cell values

def test_cell_error_defaults():
    error = m.CellError("x.code", "消息")
    assert (error.code, error.message, str(error), error.params) == (
        "x.code", "消息", "消息", {"value": ""})


@pytest.mark.parametrize(("value", "code", "message"), [
    (True, "money.invalid", "不是有效金额：True"),
    ("abc", "money.invalid", "不是有效金额：abc"),
    ("Infinity", "money.invalid", "不是有效金额：Infinity"),
    ("3E+99999", "money.invalid", "不是有效金额：3E+99999"),
    ("-5", "money.negative", "金额不能为负数：-5"),
])
def test_money_refusals_name_the_value(value, code, message):
    refused(m.parse_money, value, code, message)


def test_money_with_too_many_decimals_says_what_it_would_be():
    error = refused(m.parse_money, "12.345", "money.precision",
                    "金额折合万元后超过两位小数（12.345 → 12.345万元），请核实，系统不做四舍五入")
    assert error.params["wan"] == "12.345"


def test_money_with_full_width_commas():
    assert m.parse_money("1，234") == D("1234.00")


@pytest.mark.parametrize(("value", "expected"), [
    (1900.1999999999998, date(1900, 2, 1)),
    (2022.1999999999998, date(2022, 2, 1)),
    (20001, date(1954, 10, 4)),
    (79999, date(2119, 1, 10)),
    (44635.5, date(2022, 3, 15)),
    (202203.0, date(2022, 3, 1)),
    ("2022年3月。", date(2022, 3, 1)),
    ("1900-01-01", date(1900, 1, 1)),
    ("2100-12-31", date(2100, 12, 31)),
])
def test_dates_at_their_edges(value, expected):
    assert m.parse_date(value) == expected


def test_month_only_dates_are_marked_and_full_dates_are_not():
    assert type(m.parse_date("2022年3月")) is m.MonthDate
    assert type(m.parse_date("2022-03-15")) is date
    assert type(m.parse_date("2022")) is date
    assert type(m.parse_date(datetime(2022, 3, 15, 8))) is date


@pytest.mark.parametrize("value", [20000, 80000, 202203.5, "2022-02-30", "1899-12-31",
                                   "2101-01-01", "三月"])
def test_dates_refused(value):
    refused(m.parse_date, value, "date.invalid", f"不是有效日期：{value}")


@pytest.mark.parametrize(("value", "expected"), [
    (None, None), ("", None), ("2022", 2022), ("2022年", 2022), (2022.0, 2022), (7, 7)])
def test_whole_numbers(value, expected):
    assert m.parse_int(value) == expected


def test_whole_numbers_as_excel_shows_them():
    assert m.parse_int(2022.0000000000002) == 2022  # 15 significant digits


@pytest.mark.parametrize("value", ["12.5", "abc", "1,000", 2022.5, "2022X"])
def test_whole_numbers_refused(value):
    refused(m.parse_int, value, "int.invalid", f"不是有效整数：{value}")


@pytest.mark.parametrize(("value", "expected"), [
    (None, ""), (1.5, "1.5"), (0.1 + 0.2, "0.3"), (1e20, "1e+20"), (date(2022, 3, 1), "2022-03-01"),
    (datetime(2022, 3, 1, 8, 30), "2022-03-01T08:30:00"), (" 甲 ", "甲"), (3, "3")])
def test_text_cells(value, expected):
    assert m.parse_text(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (None, False), ("", False), ("-", False), ("无", False), ("否", False), ("No", False),
    ("YES", True), ("是", True), (True, True), (False, False), (1.0, True), (0.0, False),
    (1, True), (0, False)])
def test_yes_and_no(value, expected):
    assert m.parse_bool(value) is expected


@pytest.mark.parametrize(("parse", "value", "code", "message"), [
    (m.parse_bool, "也许", "bool.invalid", "应为是或否：也许"),
    (m.parse_bool, 2.0, "bool.invalid", "应为是或否：2.0"),
    (m.parse_level, "国家级", "level.invalid", "级别无效：国家级"),
    (m.parse_stage, "停工", "stage.invalid", "阶段无效：停工"),
])
def test_choice_refusals(parse, value, code, message):
    refused(parse, value, code, message)


def test_levels_and_stages():
    assert m.parse_level(None) is None
    assert m.parse_level("市重点项目") == "city"
    assert m.parse_stage("—") is None
    assert m.parse_stage("已投产") == "completed"


def test_cells_are_parsed_by_their_fields_kind():
    assert m.spec_of("projects", "name").label == "项目名称"
    assert m.spec_of("plans", "target_3").kind == m.MONEY
    with pytest.raises(KeyError, match="nope"):
        m.spec_of("projects", "nope")
    assert m.parse_cell("projects", "total_investment", "2", D(10000)) == D("20000.00")
    assert m.parse_cell("projects", "name", " 甲 ") == "甲"
    assert m.parse_cell("projects", "planned_start", "2022.3") == date(2022, 3, 1)
    assert m.parse_cell("plans", "year", "2022年") == 2022
    assert m.parse_cell("projects", "level", "省级") == "province"
    assert m.parse_cell("projects", "stage", "续建") == "construction"
    assert m.parse_cell("projects", "on_whitelist", "是") is True
