"""Sidebar items of the project ledger (collected by diaodu/navigation.py). One entry per model
(docs/design.md, "One UI rule"): the project list links editors to the admin's ledger forms;
task forces are listed under 督办 (cases/nav.py)."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from diaodu.core.scoping import may_see

from .models import Campaign, CampaignEntry, Category, Project


def can(model):
    return lambda request: may_see(request.user, model)


def items(request) -> list[dict]:
    return [
        {"title": _("重点项目"), "icon": "apartment",
         "link": reverse_lazy("projects:list"), "permission": can(Project)},
        {"title": _("三个一批"), "icon": "flag",
         "link": reverse_lazy("admin:projects_campaignentry_changelist"),
         "permission": can(CampaignEntry)},
        {"title": _("三个一批活动"), "icon": "event",
         "link": reverse_lazy("admin:projects_campaign_changelist"), "permission": can(Campaign)},
        {"title": _("项目类别"), "icon": "category",
         "link": reverse_lazy("admin:projects_category_changelist"), "permission": can(Category)},
    ]
