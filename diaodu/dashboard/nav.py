"""Sidebar items of the dashboard (collected by diaodu/navigation.py); listed first."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from diaodu.core.scoping import may_see
from diaodu.projects.models import Project

from .models import Warning, WarningRuleSet


def items(request) -> list[dict]:
    return [
        {"title": _("领导驾驶舱"), "icon": "dashboard",
         "link": reverse_lazy("dashboard:index"),
         "permission": lambda r: may_see(r.user, Project)},
        {"title": _("预警项目"), "icon": "warning",
         "link": reverse_lazy("dashboard:warnings"),
         "permission": lambda r: may_see(r.user, Warning)},
        {"title": _("预警规则与评分"), "icon": "tune",
         "link": reverse_lazy("dashboard:rules"),
         "permission": lambda r: may_see(r.user, WarningRuleSet)},
    ]
