"""The sidebar, built from the user's role (DESIGN §4a)."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from diaodu.cases.models import TaskForce
from diaodu.core.models import AuditEvent, CalendarDay, OrgUnit, User
from diaodu.core.scoping import may_see
from diaodu.projects.models import Campaign, CampaignEntry, Category, Project


def _can(model):
    return lambda request: may_see(request.user, model)


def sidebar(request):
    return [
        {
            "title": _("项目"),
            "items": [
                {"title": _("重点项目"), "icon": "apartment",
                 "link": reverse_lazy("projects:list"), "permission": _can(Project)},
                {"title": _("项目台账维护"), "icon": "edit_note",
                 "link": reverse_lazy("admin:projects_project_changelist"),
                 "permission": _can(Project)},
                {"title": _("三个一批"), "icon": "flag",
                 "link": reverse_lazy("admin:projects_campaignentry_changelist"),
                 "permission": _can(CampaignEntry)},
                {"title": _("三个一批活动"), "icon": "event",
                 "link": reverse_lazy("admin:projects_campaign_changelist"),
                 "permission": _can(Campaign)},
                {"title": _("项目类别"), "icon": "category",
                 "link": reverse_lazy("admin:projects_category_changelist"),
                 "permission": _can(Category)},
                {"title": _("服务专班"), "icon": "groups",
                 "link": reverse_lazy("admin:cases_taskforce_changelist"),
                 "permission": _can(TaskForce)},
            ],
        },
        {
            "title": _("系统"),
            "items": [
                {"title": _("组织单位"), "icon": "account_tree",
                 "link": reverse_lazy("admin:core_orgunit_changelist"),
                 "permission": _can(OrgUnit)},
                {"title": _("用户"), "icon": "person",
                 "link": reverse_lazy("admin:core_user_changelist"), "permission": _can(User)},
                {"title": _("工作日历"), "icon": "calendar_month",
                 "link": reverse_lazy("admin:core_calendarday_changelist"),
                 "permission": _can(CalendarDay)},
                {"title": _("审计日志"), "icon": "policy",
                 "link": reverse_lazy("admin:core_auditevent_changelist"),
                 "permission": _can(AuditEvent)},
            ],
        },
    ]
