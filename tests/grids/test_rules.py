"""Sizing and training rules on their boundaries (pure)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diaodu.grids import rules
from diaodu.grids.rules import GridSize, Standard

GRID = Standard(300, 500)


@pytest.mark.parametrize(("households", "status"), [
    (299, rules.UNDER), (300, rules.OK), (500, rules.OK), (501, rules.OVER), (0, rules.UNDER)])
def test_size_status_on_the_standard_s_ends(households, status):
    assert rules.size_status(households, GRID) == status


def test_micro_grid_standard_ends():
    micro = Standard(50, 70)
    assert [rules.size_status(h, micro) for h in (49, 50, 70, 71)] == \
        [rules.UNDER, rules.OK, rules.OK, rules.OVER]


@pytest.mark.parametrize(("households", "parts"), [(501, 2), (1000, 2), (1001, 3), (1500, 3)])
def test_an_oversized_grid_splits_into_ceil_households_over_max(households, parts):
    assert rules.split_into(households, GRID) == parts


@given(st.integers(min_value=501, max_value=100_000))
def test_every_part_of_a_split_fits_under_the_maximum(households):
    parts = rules.split_into(households, GRID)
    assert households / parts <= GRID.high


def test_undersized_grid_merges_with_its_smallest_touching_neighbour():
    grids = [GridSize(1, "甲", 10, 200, 1), GridSize(2, "乙", 10, 350, 2),
             GridSize(3, "丙", 10, 320, 3), GridSize(4, "丁", 20, 100, 1)]
    touching = {(1, 3), (3, 1)}
    found = rules.suggestions(grids, GRID, lambda a, b: (a, b) in touching)
    by_id = {s.grid.id: s for s in found}
    assert set(by_id) == {1, 4}
    # 乙 is the next in sort order and smaller than 丙, but only 丙 touches 甲.
    assert by_id[1].merge_with.id == 3 and by_id[1].merged_households == 520
    # 丁 is alone in its community: no partner.
    assert by_id[4].merge_with is None


def test_without_boundaries_neighbours_are_the_next_in_sort_order():
    grids = [GridSize(1, "甲", 10, 450, 1), GridSize(2, "乙", 10, 100, 2),
             GridSize(3, "丙", 10, 400, 3), GridSize(4, "丁", 10, 90, 4)]
    found = {s.grid.id: s for s in rules.suggestions(grids, GRID)}
    assert found[2].merge_with.id == 3   # 甲 450 and 丙 400 beside it: 丙 is smaller
    assert found[4].merge_with.id == 3   # the last grid has one neighbour


def test_a_grid_over_the_standard_gets_a_split_not_a_merge():
    found = rules.suggestions([GridSize(1, "甲", 10, 1001, 1)], GRID)
    assert found[0].status == rules.OVER and found[0].parts == 3 and found[0].merge_with is None


@pytest.mark.parametrize(("hours", "ok"), [
    (Decimal("23.9"), False), (Decimal("24.0"), True), (Decimal("24.1"), True)])
def test_training_minimum_is_enough(hours, ok):
    assert rules.training_ok(hours, Decimal("24.0")) is ok
    assert rules.hours_short(hours, Decimal("24.0")) == max(Decimal("24.0") - hours, 0)
