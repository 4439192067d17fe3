"""What section rows, notes and repeated headers mean (ledgers/sections.py, pure)."""

import pytest

from diaodu.ledgers import sections as sec


@pytest.mark.parametrize("text, depth, level, stage, count", [
    ("一、省重点项目（23个）", 1, "province", None, 23),
    ("二、市重点项目", 1, "city", None, None),
    ("三、区级重点项目（共5项）", 1, "district", None, 5),
    ("（一）续建项目（12个）", 2, None, "construction", 12),
    ("(二)新开工项目", 2, None, "construction", None),
    ("（三）前期项目", 2, None, "preparation", None),
    ("四、谋划项目", 1, None, "pipeline", None),
    ("五、在谈项目", 1, None, "negotiating", None),
    ("六、签约项目（0个）", 1, None, "signed", 0),
    ("七、竣工投产项目", 1, None, "completed", None),
    ("第二部分 市重点项目", 1, "city", None, None),
])
def test_section_titles(text, depth, level, stage, count):
    section = sec.parse_section(text)
    assert (section.depth, section.level, section.stage, section.count) == (
        depth, level, stage, count)


@pytest.mark.parametrize("text", ["郑州中原科技城", "2022年计划", "一期工程", "(本月无项目)"])
def test_no_section_title(text):
    assert sec.parse_section(text) is None


def test_a_section_closes_those_of_its_depth_and_deeper():
    stack = sec.Sections()
    stack.enter(sec.parse_section("一、省重点项目（1个）"), 5)
    stack.enter(sec.parse_section("（一）续建项目"), 6)
    stack.count_row()
    assert stack.value("level")[0] == "province" and stack.value("stage")[0] == "construction"
    closed = stack.enter(sec.parse_section("（二）前期项目"), 8)
    assert [o.section.title for o in closed] == ["（一）续建项目"]
    assert stack.value("stage")[0] == "preparation" and stack.value("level")[0] == "province"
    closed = stack.enter(sec.parse_section("二、市重点项目"), 9)
    assert [o.rows for o in closed] == [1, 0]  # 一、 counted its one row
    assert stack.value("stage") == (None, None) and stack.value("level")[0] == "city"


@pytest.mark.parametrize("row, end", [
    (["注：1.本表由区发改委汇总"], True), (["", "填报人：张三"], True),
    (["联系电话：0371-67181234"], True), (["审核人：李四"], True), (["单位（盖章）"], True),
    ([1, "注塑产业园项目"], False), (["", "填报系统升级项目"], False),
])
def test_notes_under_the_table_end_it(row, end):
    assert sec.is_end(row) is end


def test_a_repeated_header_is_no_data():
    words = sec.header_words(["序号", "项目名称", "1-2月完成投资/本月", "1-2月完成投资/累计"])
    assert sec.is_header_repeat(["序号", "项目名称", "", "1-2月完成投资"], words)
    assert sec.is_header_repeat(["", "", "本月", "累计"], words)
    assert not sec.is_header_repeat(["", "项目名称"], words)  # one word: could be data
    assert not sec.is_header_repeat([1, "郑州中原科技城", 12.5, 30], words)
