"""The key-project supervision 应用场景 (重点项目督办) on the operations centres' consoles:
the 督办 cases about key projects still owed, and those past their deadline, by street."""

from datetime import datetime

from django.db.models import Count, Q

from diaodu.core import scenarios
from diaodu.core.roles import gettext_noop

from .models import PENDING_STATUSES, Case, CaseKind


def _open_cases(*, streets: list[int] | None, now: datetime) -> list[tuple[str, int]]:
    qs = Case.objects.filter(status__in=PENDING_STATUSES, project__isnull=False).exclude(
        kind=CaseKind.EVENT)
    if streets is not None:
        qs = qs.filter(project__street__in=streets)
    row = qs.aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=now.date())))
    return [(gettext_noop("办理中"), row["open"]), (gettext_noop("已逾期"), row["overdue"])]


KEY_PROJECTS = scenarios.Scenario(
    code="key_projects", title=gettext_noop("重点项目督办"), sort=20,
    description=gettext_noop("重点项目难点堵点、领导交办事项的交办、办理、核查、销号。"),
    widgets=(scenarios.Widget("open_cases", gettext_noop("重点项目督办事项"), _open_cases),),
)
