"""Sidebar items of the duty app (collected by diaodu/navigation.py)."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from diaodu.core.scoping import may_see

from .models import Drill, DutyPerson, DutyShift, DutySwap, FloodPost, SpotCheck, TracingTeam


def can(model):
    return lambda request: may_see(request.user, model)


def items(request) -> list[dict]:
    return [
        {"title": _("值班看板"), "icon": "badge", "link": reverse_lazy("duty:board"),
         "permission": can(DutyShift)},
        {"title": _("值班表"), "icon": "calendar_view_month", "link": reverse_lazy("duty:roster"),
         "permission": can(DutyShift)},
        {"title": _("换班审批"), "icon": "swap_horiz", "link": reverse_lazy("duty:swaps"),
         "permission": can(DutySwap)},
        {"title": _("查岗"), "icon": "phone_in_talk", "link": reverse_lazy("duty:checks"),
         "permission": can(SpotCheck)},
        {"title": _("节假日值班表"), "icon": "event", "link": reverse_lazy("duty:holiday"),
         "permission": can(DutyShift)},
        {"title": _("值班人员"), "icon": "groups",
         "link": reverse_lazy("admin:duty_dutyperson_changelist"), "permission": can(DutyPerson)},
        {"title": _("防汛值守"), "icon": "flood", "link": reverse_lazy("duty:flood"),
         "permission": can(FloodPost)},
        {"title": _("应急演练"), "icon": "emergency", "link": reverse_lazy("duty:drills"),
         "permission": can(Drill)},
        {"title": _("流调队伍"), "icon": "coronavirus", "link": reverse_lazy("duty:tracing"),
         "permission": can(TracingTeam)},
    ]
