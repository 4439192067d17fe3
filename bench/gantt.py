"""Project Gantt page with 300 activities: server time for the whole page (DESIGN §7).

    uv run python bench/gantt.py

Builds a throw-away test database (SQLite in memory unless DATABASE_URL says otherwise), one
project with 300 activities in parallel chains through the services, then requests the Gantt
page as the dispatcher: selector queries, CPM-fed SVG rendering and the unfold shell. Best of
ten requests after a warm-up.
"""

import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diaodu.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

ACTIVITIES = 300
GOAL_S = 0.150


def main() -> None:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    connection.creation.create_test_db(verbosity=0)
    from diaodu.core.models import UnitKind
    from diaodu.core.roles import Role
    from diaodu.schedule import services
    from diaodu.schedule.models import Activity, Dependency
    from tests.factories import ProjectFactory, UserFactory, complete_two_factor, unit

    district = unit("410102", "中原区", UnitKind.DISTRICT)
    drc = unit("410102-FGW", "区发改委", UnitKind.DEPARTMENT, district)
    user = UserFactory(username="bench_dispatcher", unit=drc, role=Role.DISPATCHER)
    project = ProjectFactory(name="甘特图基准项目", responsible_unit=drc)
    start = date(2026, 3, 2)
    services.schedule_update(actor=None, project=project, expected_version=None,
                             start_on=start, target_finish=date(2027, 12, 31), today=start)
    # Written in bulk (set-up, not the subject of the benchmark), then one recompute.
    Activity.objects.bulk_create([
        Activity(project=project, name=f"工序{i:03d}", position=i, duration=3 + i % 17,
                 is_key=i % 50 == 0) for i in range(1, ACTIVITIES + 1)])
    acts = list(Activity.objects.filter(project=project).order_by("position"))
    Dependency.objects.bulk_create(
        [Dependency(project=project, predecessor=acts[i - 6], successor=acts[i], kind="FS")
         for i in range(6, ACTIVITIES)]
        + [Dependency(project=project, predecessor=acts[i - 4], successor=acts[i], kind="SS",
                      lag=2) for i in range(10, ACTIVITIES, 5)])
    services.schedule_recompute(project=project, today=start)
    services.baseline_save(actor=None, project=project, name="基准", today=start)

    client = Client()
    client.force_login(user)
    complete_two_factor(client, user)  # the dispatcher signs in with the second factor
    url = reverse("schedule:gantt", args=[project.pk])
    baseline = project.baselines.get().pk
    client.get(url)
    best = float("inf")
    for _ in range(10):
        t0 = time.perf_counter()
        response = client.get(url, {"baseline": baseline})
        best = min(best, time.perf_counter() - t0)
        assert response.status_code == 200
    size = len(response.content) // 1024
    print(f"gantt_300: {ACTIVITIES} activities with baseline, page {size} KiB")
    print(f"BENCH gantt_300: ours={best * 1000:.0f}ms goal ours<={GOAL_S * 1000:.0f}ms: "
          f"{'met' if best <= GOAL_S else 'missed'}")


if __name__ == "__main__":
    main()
