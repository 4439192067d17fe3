"""The duty section of the demo: the seeds' tracing force (110 members, 22 groups, 3
echelons from 卫生/公安/街道), rosters for every unit, posts for the 14 streets; loads once."""

from collections import Counter
from datetime import date

import pytest

from diaodu.demo import duty, loader
from diaodu.duty.models import (
    Drill,
    DrillFinding,
    DutyShift,
    FloodPost,
    SpotCheck,
    TracingGroup,
    TracingMember,
)

pytestmark = pytest.mark.django_db


def test_duty_demo_reproduces_the_tracing_force_and_loads_once():
    loader._units()
    assert duty.load() is True
    assert TracingMember.objects.count() == 110
    assert TracingGroup.objects.count() == 22
    assert Counter(TracingGroup.objects.values_list("echelon", flat=True)) == {1: 8, 2: 7, 3: 7}
    assert set(TracingMember.objects.values_list("source", flat=True)) == {
        "health", "police", "street"}
    assert all(g.members.count() == 5 and g.members.filter(is_group_leader=True).count() == 1
               for g in TracingGroup.objects.all())
    # Every department and street (and the district office) on duty every day of 2022–2023.
    units = DutyShift.objects.values("unit").distinct().count()
    assert DutyShift.objects.filter(date=date(2023, 3, 31)).count() == units == 31
    assert DutyShift.objects.filter(unit__code="410102001").count() == 730
    assert FloodPost.objects.count() == 14
    assert Drill.objects.filter(held_on__range=(date(2022, 3, 1), date(2022, 3, 5))).count() == 2
    assert DrillFinding.objects.filter(case__isnull=False).count() == 1
    assert SpotCheck.objects.filter(answered_at__isnull=True).exists()
    assert duty.load() is False
