"""Sidebar items of 人民调解 and the legal network (collected by diaodu/navigation.py)."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from diaodu.core.scoping import may_see

from .models import Committee, Dispute, LegalPlace

GROUP = _("人民调解与法律服务")


def can(model):
    return lambda request: may_see(request.user, model)


def items(request) -> list[dict]:
    return [
        {"title": _("人民调解登记"), "icon": "handshake",
         "link": reverse_lazy("mediation:list"), "permission": can(Dispute)},
        {"title": _("调解统计"), "icon": "bar_chart",
         "link": reverse_lazy("mediation:stats"), "permission": can(Dispute)},
        {"title": _("调解组织与金牌调解员"), "icon": "groups",
         "link": reverse_lazy("mediation:committees"), "permission": can(Committee)},
        {"title": _("公共法律服务网络"), "icon": "gavel",
         "link": reverse_lazy("mediation:network"), "permission": can(LegalPlace)},
    ]
