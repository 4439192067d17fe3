"""Duty lists of street A (two leaders, four staff) and street B, made through the service."""

import pytest

from diaodu.duty import services


def people(unit, leaders=2, staff=4, prefix=""):
    made = [services.duty_person_create(actor=None, unit=unit, name=f"{prefix}领导{i}",
                                        can_lead=True, sort=i) for i in range(1, leaders + 1)]
    made += [services.duty_person_create(actor=None, unit=unit, name=f"{prefix}干部{i}", sort=i)
             for i in range(1, staff + 1)]
    return made


@pytest.fixture
def a_people(street_a):
    return people(street_a, prefix="甲")


@pytest.fixture
def b_people(street_b):
    return people(street_b, prefix="乙")
