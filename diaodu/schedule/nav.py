"""Sidebar items of the schedule app (collected by diaodu/navigation.py)."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from diaodu.projects.models import Project
from diaodu.projects.nav import can

from .models import MilestoneType, ScheduleTemplate


def items(request) -> list[dict]:
    return [
        {"title": _("挂图作战"), "icon": "view_timeline",
         "link": reverse_lazy("schedule:board"), "permission": can(Project)},
        {"title": _("节点类型"), "icon": "flag_circle",
         "link": reverse_lazy("admin:schedule_milestonetype_changelist"),
         "permission": can(MilestoneType)},
        {"title": _("进度模板"), "icon": "account_tree",
         "link": reverse_lazy("admin:schedule_scheduletemplate_changelist"),
         "permission": can(ScheduleTemplate)},
    ]
