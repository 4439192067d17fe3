"""Sidebar items of grid governance (collected by diaodu/navigation.py)."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from diaodu.core.scoping import may_see

from .models import DutyType, GridProfile, GridWorker, TrainingRecord
from .policy import may_keep

GROUP = _("网格治理")


def can(model):
    return lambda request: may_see(request.user, model)


def items(request) -> list[dict]:
    return [
        {"title": _("网格台账"), "icon": "grid_view", "link": reverse_lazy("grids:list"),
         "permission": can(GridProfile)},
        {"title": _("网格地图"), "icon": "map", "link": reverse_lazy("grids:map"),
         "permission": can(GridProfile)},
        {"title": _("网格规模检查"), "icon": "straighten", "link": reverse_lazy("grids:sizing"),
         "permission": can(GridProfile)},
        {"title": _("网格员"), "icon": "badge",
         "link": reverse_lazy("admin:grids_gridworker_changelist"), "permission": can(GridWorker)},
        {"title": _("网格员培训"), "icon": "school", "link": reverse_lazy("grids:training"),
         "permission": can(TrainingRecord)},
        {"title": _("网格职责"), "icon": "checklist",
         "link": reverse_lazy("admin:grids_dutytype_changelist"), "permission": can(DutyType)},
        {"title": _("导入网格边界"), "icon": "upload_file",
         "link": reverse_lazy("grids:boundaries"),
         "permission": lambda request: request.user.is_authenticated
         and getattr(request.user, "role", "") and may_keep(request.user)},
    ]
