"""Sidebar items of the cases app (collected by diaodu/navigation.py)."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from diaodu.core.scoping import may_see
from diaodu.projects.models import TaskForce

from .models import Approval, Case, SupervisionPolicy, Visit


def can(model):
    return lambda request: may_see(request.user, model)


def items(request) -> list[dict]:
    return [
        {"title": _("问题台账"), "icon": "assignment_late",
         "link": reverse_lazy("cases:list"), "permission": can(Case)},
        {"title": _("督办统计"), "icon": "monitoring",
         "link": reverse_lazy("cases:stats"), "permission": can(Case)},
        {"title": _("督导调研"), "icon": "directions_walk",
         "link": reverse_lazy("cases:visits"), "permission": can(Visit)},
        {"title": _("审批事项"), "icon": "approval",
         "link": reverse_lazy("cases:approvals"), "permission": can(Approval)},
        {"title": _("服务专班成果"), "icon": "diversity_3",
         "link": reverse_lazy("cases:task_forces"), "permission": can(TaskForce)},
        {"title": _("督办规则"), "icon": "rule",
         "link": reverse_lazy("admin:cases_supervisionpolicy_changelist"),
         "permission": can(SupervisionPolicy)},
    ]
