"""activities_update: a project's plan and progress entered in one step, each activity
checked as activity_update checks it, all or nothing, one audit event per changed activity."""

from datetime import date

import pytest

from diaodu.core.errors import UserError
from diaodu.core.models import AuditEvent
from diaodu.schedule.models import Activity, Rag
from diaodu.schedule.progress import activities_update

from .test_services import TODAY, chain  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_progress_of_several_activities_in_one_step(chain, project_a):  # noqa: F811
    design, build, accept = chain
    before = AuditEvent.objects.filter(action="activity.update").count()
    activities_update(actor=None, project=project_a, today=TODAY, changes={
        design.pk: {"actual_start": date(2026, 3, 2), "actual_finish": date(2026, 3, 2)},
        build.pk: {"actual_start": date(2026, 3, 2), "percent": 30},
        accept.pk: {}})
    design.refresh_from_db()
    build.refresh_from_db()
    assert (design.percent, design.rag, design.version) == (100, Rag.DONE, 2)
    assert build.percent == 30 and build.version == 2
    assert AuditEvent.objects.filter(action="activity.update").count() == before + 2
    assert design.history.count() == 2


def test_an_actual_after_today_refuses_the_whole_step(chain, project_a):  # noqa: F811
    design, build, _accept = chain
    with pytest.raises(UserError) as error:
        activities_update(actor=None, project=project_a, today=TODAY, changes={
            design.pk: {"actual_start": TODAY},
            build.pk: {"actual_start": date(2026, 3, 3)}})  # the day after today
    assert error.value.code == "schedule.actual_in_future"
    assert not Activity.objects.filter(actual_start__isnull=False).exists()
    with pytest.raises(UserError):
        activities_update(actor=None, project=project_a, today=TODAY,
                          changes={design.pk: {"rag": "green"}})
