"""Sidebar items of the ledgers (collected by diaodu/navigation.py)."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from diaodu.core.scoping import may_see
from diaodu.projects.models import Project

from .models import NameAlias
from .services import kinds_for


def items(request) -> list[dict]:
    return [
        {"title": _("台账导入"), "icon": "upload_file",
         "link": reverse_lazy("ledgers:imports"), "permission": lambda r: bool(kinds_for(r.user))},
        {"title": _("台账导出与简报"), "icon": "download",
         "link": reverse_lazy("ledgers:exports"),
         "permission": lambda r: may_see(r.user, Project)},
        {"title": _("名称别名"), "icon": "badge",
         "link": reverse_lazy("admin:ledgers_namealias_changelist"),
         "permission": lambda r: may_see(r.user, NameAlias)},
    ]
