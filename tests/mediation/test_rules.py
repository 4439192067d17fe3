"""The pure rules: referral levels, masking, coverage, overlapping periods."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from diaodu.mediation import rules


def test_referral_only_between_adjacent_levels():
    assert rules.referral_direction("community", "street") == "up"
    assert rules.referral_direction("street", "district") == "up"
    assert rules.referral_direction("district", "street") == "down"
    assert rules.referral_direction("street", "community") == "down"
    assert rules.referral_direction("community", "district") is None  # jumps a level
    assert rules.referral_direction("street", "street") is None
    assert rules.referral_direction("district", "province") is None  # no such level
    assert rules.referral_direction("grid", "community") is None


def test_masking():
    assert rules.mask_name("张三") == "张*"
    assert rules.mask_name("欧阳小明") == "欧***"
    assert rules.mask_name("李") == "李"
    assert rules.mask_name("郑州某物业公司", organisation=True) == "郑州某物业公司"
    assert rules.mask_phone("13812345678") == "138****5678"
    assert rules.mask_phone("67961234") == "******34"
    assert rules.mask_phone("") == ""
    assert rules.mask_address("建设西路12号院3号楼") == "建设西路12***"
    assert rules.mask_address("桐柏路") == "桐柏***"


@given(st.text(min_size=2, max_size=12).filter(lambda s: s.strip() == s and len(s) >= 2))
def test_a_masked_name_keeps_only_its_first_character(name):
    masked = rules.mask_name(name)
    assert masked[0] == name[0] and set(masked[1:]) == {"*"} and len(masked) == len(name)


def test_coverage_gaps():
    gaps = rules.coverage_gaps(streets=[1, 2], communities=[11, 12], stations={1},
                               rooms={11, 12}, advised={11}, liaised={12})
    assert [(g.what, g.unit_id) for g in gaps] == [
        ("station", 2), ("liaison", 11), ("adviser", 12)]


def test_periods_overlap_on_the_boundary_day():
    d = date
    assert rules.periods_overlap(d(2022, 1, 1), d(2022, 12, 31), d(2022, 12, 31), None)
    assert not rules.periods_overlap(d(2022, 1, 1), d(2022, 12, 30), d(2022, 12, 31), None)
    assert rules.periods_overlap(d(2023, 1, 1), None, d(2020, 1, 1), None)
    assert not rules.periods_overlap(d(2023, 1, 1), None, d(2020, 1, 1), d(2022, 12, 31))
