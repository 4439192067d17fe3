"""The sidebar, built from the user's role (DESIGN §4a). Each app lists its own items in
`<app>/nav.py`; items carry a permission callback, so a role sees only what it may open."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from diaodu.cases import nav as cases_nav
from diaodu.cityops import nav as cityops_nav
from diaodu.core.models import AuditEvent, CalendarDay, OrgUnit, User
from diaodu.core.notify import nav as notify_nav
from diaodu.dashboard import nav as dashboard_nav
from diaodu.duty import nav as duty_nav
from diaodu.grids import nav as grids_nav
from diaodu.investment import nav as investment_nav
from diaodu.ledgers import nav as ledgers_nav
from diaodu.mediation import nav as mediation_nav
from diaodu.projects import nav as projects_nav
from diaodu.projects.nav import can
from diaodu.schedule import nav as schedule_nav
from diaodu.votes import nav as votes_nav


def _system_items(request) -> list[dict]:
    return [
        {"title": _("组织单位"), "icon": "account_tree",
         "link": reverse_lazy("admin:core_orgunit_changelist"), "permission": can(OrgUnit)},
        {"title": _("用户"), "icon": "person",
         "link": reverse_lazy("admin:core_user_changelist"), "permission": can(User)},
        {"title": _("工作日历"), "icon": "calendar_month",
         "link": reverse_lazy("admin:core_calendarday_changelist"),
         "permission": can(CalendarDay)},
        {"title": _("审计日志"), "icon": "policy",
         "link": reverse_lazy("admin:core_auditevent_changelist"), "permission": can(AuditEvent)},
        {"title": _("接口令牌"), "icon": "key",
         "link": reverse_lazy("tokens:list"), "permission": lambda request: True},
    ]


GROUPS = [
    (_("驾驶舱"), dashboard_nav.items),
    (_("项目"), projects_nav.items),
    (_("投资调度"), investment_nav.items),
    (_("进度计划"), schedule_nav.items),
    (_("督办"), cases_nav.items),
    (_("台账"), ledgers_nav.items),
    (mediation_nav.GROUP, mediation_nav.items),
    (votes_nav.GROUP, votes_nav.items),
    (_("应急值守"), duty_nav.items),
    (_("消息"), notify_nav.items),
    (cityops_nav.GROUP, cityops_nav.items),
    (grids_nav.GROUP, grids_nav.items),
    (_("系统"), _system_items),
]


def sidebar(request) -> list[dict]:
    groups = []
    for title, items in GROUPS:
        entries = items(request)
        if entries:
            groups.append({"title": title, "items": entries})
    return groups
