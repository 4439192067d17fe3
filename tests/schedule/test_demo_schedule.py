"""The demo's schedules: seed projects planned from templates, late and at-risk milestones,
one 竣工 target with negative float, and a second load that changes nothing."""

import pytest

from diaodu.demo import schedule as demo_schedule
from diaodu.demo.loader import load_demo
from diaodu.schedule.models import Activity, Baseline, ProjectSchedule, Rag

pytestmark = pytest.mark.django_db


def test_demo_schedules(client):
    assert load_demo() is True
    school = ProjectSchedule.objects.get(project__name="郑州市实验中学建设项目")
    assert school.target_float < 0  # 确保2026年底竣工 is at risk
    assert {a.rag for a in Activity.objects.all()} >= {Rag.DONE, Rag.LATE, Rag.ON_TRACK}
    assert Baseline.objects.count() == len(demo_schedule.SCHEDULES)
    assert ProjectSchedule.objects.filter(
        project__name__in=["濮河路道路工程项目", "西站北街道路工程项目"]).count() == 2
    counts = (Activity.objects.count(), Baseline.objects.count())
    assert demo_schedule.load() is False
    assert (Activity.objects.count(), Baseline.objects.count()) == counts
