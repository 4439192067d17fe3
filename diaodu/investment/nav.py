"""Sidebar items of the dispatch loop (collected by diaodu/navigation.py)."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from diaodu.core.roles import LEDGER_EDITORS, role_of
from diaodu.core.scoping import may_see

from .models import MonthlyRollup, ProgressReport


def items(request) -> list[dict]:
    return [
        {"title": _("进度填报"), "icon": "edit_calendar",
         "link": reverse_lazy("investment:reports"),
         "permission": lambda r: may_see(r.user, ProgressReport)},
        {"title": _("调度轮次"), "icon": "event_repeat",
         "link": reverse_lazy("investment:rounds"),
         "permission": lambda r: role_of(r.user) in LEDGER_EDITORS},
        {"title": _("投资完成情况"), "icon": "monitoring",
         "link": reverse_lazy("investment:kpis"),
         "permission": lambda r: may_see(r.user, MonthlyRollup)},
        {"title": _("统计入库"), "icon": "fact_check",
         "link": reverse_lazy("investment:registration"),
         "permission": lambda r: may_see(r.user, ProgressReport)},
    ]
