"""Sidebar items of the operations centres (collected by diaodu/navigation.py)."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from diaodu.core.roles import role_of
from diaodu.core.scoping import may_see

from . import policy
from .models import Event, EventCategory, OpsSettings, StreetRanking

GROUP = _("城运中心")


def items(request) -> list[dict]:
    role = role_of(request.user)
    return [
        {"title": _("城运中心看板"), "icon": "monitoring", "link": reverse_lazy("cityops:console"),
         "permission": lambda r: role in (policy.STREET_OPERATORS | policy.DISTRICT_READERS)},
        {"title": _("网格事件"), "icon": "report", "link": reverse_lazy("cityops:events"),
         "permission": lambda r: may_see(r.user, Event)},
        {"title": _("网格治理排名"), "icon": "leaderboard", "link": reverse_lazy("cityops:ranking"),
         "permission": lambda r: may_see(r.user, StreetRanking)},
        {"title": _("事件类别"), "icon": "category",
         "link": reverse_lazy("admin:cityops_eventcategory_changelist"),
         "permission": lambda r: role in policy.CENTRE_OPERATORS
         and may_see(r.user, EventCategory)},
        {"title": _("城运时限设置"), "icon": "timer",
         "link": reverse_lazy("admin:cityops_opssettings_changelist"),
         "permission": lambda r: may_see(r.user, OpsSettings)},
    ]
