"""Sidebar items of the project ledger (collected by diaodu/navigation.py)."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from diaodu.cases.models import TaskForce
from diaodu.core.scoping import may_see

from .models import Campaign, CampaignEntry, Category, Project


def can(model):
    return lambda request: may_see(request.user, model)


def items(request) -> list[dict]:
    return [
        {"title": _("重点项目"), "icon": "apartment",
         "link": reverse_lazy("projects:list"), "permission": can(Project)},
        {"title": _("项目台账维护"), "icon": "edit_note",
         "link": reverse_lazy("admin:projects_project_changelist"), "permission": can(Project)},
        {"title": _("三个一批"), "icon": "flag",
         "link": reverse_lazy("admin:projects_campaignentry_changelist"),
         "permission": can(CampaignEntry)},
        {"title": _("三个一批活动"), "icon": "event",
         "link": reverse_lazy("admin:projects_campaign_changelist"), "permission": can(Campaign)},
        {"title": _("项目类别"), "icon": "category",
         "link": reverse_lazy("admin:projects_category_changelist"), "permission": can(Category)},
        {"title": _("服务专班"), "icon": "groups",
         "link": reverse_lazy("admin:cases_taskforce_changelist"), "permission": can(TaskForce)},
    ]
