"""The project-code rule at its edges (issue 23): shape, area range, old and new time parts.
Pure: no database, so the mutation run (bench/mutation.py codes) costs seconds."""

import pytest

from diaodu.projects.codes import code_problem, normalize_code

GOOD_NEW = "2203-410102-04-01-12345X"
GOOD_OLD = "2018-410103-44-03-072208"


@pytest.mark.parametrize("code", [GOOD_NEW, GOOD_OLD])
def test_valid_codes_have_no_problem(code):
    assert code_problem(code) is None


def test_a_25th_character_is_refused():
    # The pattern is anchored at the end: a valid code with anything after it is not a code.
    assert len(GOOD_NEW) == 24
    assert "24位" in code_problem(GOOD_NEW + "1")
    assert "24位" in code_problem(GOOD_OLD + "A")
    assert "24位" in code_problem("X" + GOOD_NEW)


@pytest.mark.parametrize("code", [
    "2203-410102-04-01-12345",     # 23 characters
    "2203-410102-04-01-12345x",    # lower case is not normalised here
    "2203_410102-04-01-12345X",
    "22034101020401123456XXXX",
])
def test_malformed_shapes_name_the_format(code):
    assert code_problem(code) == (
        "项目代码应为24位，格式如 2203-410102-04-01-12345X 或 2018-410103-44-03-072208。")


@pytest.mark.parametrize(("area", "ok"), [
    ("100102", False), ("110102", True), ("410102", True), ("820102", True), ("830102", False),
])
def test_area_code_province_runs_from_11_to_82(area, ok):
    problem = code_problem(f"2203-{area}-04-01-12345X")
    if ok:
        assert problem is None
    else:
        assert problem == f"项目代码中的行政区划代码 {area} 无效。"


@pytest.mark.parametrize(("time_part", "serial", "ok"), [
    ("2016", "072208", True),     # first year of the old form
    ("2020", "072208", True),     # last year of the old form
    ("2015", "072208", False),    # before the old form, and month 15 is not a month
    ("2021", "072208", False),    # not an old-form year, and month 21 is not a month
    ("2020", "07220X", False),    # old-form year needs a digit serial; month 20 is no month
    ("2101", "072208", True),     # a new-form month with a digit serial
    ("2016", "07220X", False),    # old-form year, serial not all digits, and month 16
    ("1912", "12345X", False),    # yy 19 < 20
    ("2001", "12345X", True),     # yy 20, month 01
    ("2012", "12345X", True),     # yy 20, month 12
    ("2013", "12345X", False),    # month 13, not an old-form year
    ("2000", "12345X", False),    # month 00
    ("2312", "12345X", True),
])
def test_time_part_is_an_old_form_year_or_a_new_form_month(time_part, serial, ok):
    problem = code_problem(f"{time_part}-410102-04-01-{serial}")
    if ok:
        assert problem is None
    else:
        assert problem == (f"项目代码的前四位 {time_part} "
                           "既不是年份（2016–2020）也不是有效的年月。")


def test_normalize_trims_upper_cases_and_mends_dashes():
    assert normalize_code(" 2203—410102－04-01-12345x ") == "2203-410102-04-01-12345X"
    assert normalize_code("2203－410102—04—01－12345x") == GOOD_NEW
