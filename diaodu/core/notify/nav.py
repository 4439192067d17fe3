"""Sidebar items of the messages (collected by diaodu/navigation.py)."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from diaodu.core.roles import role_of

from .log import LOG_READERS


def signed_in(request) -> bool:
    return bool(request.user.is_authenticated and getattr(request.user, "role", ""))


def reads_log(request) -> bool:
    return role_of(request.user) in LOG_READERS


def unread_badge(request) -> str:
    from .selectors import unread_count_cached

    count = unread_count_cached(user=request.user)
    return str(count) if count else ""


def items(request) -> list[dict]:
    return [
        {"title": _("消息"), "icon": "notifications",
         "link": reverse_lazy("notify:inbox"), "permission": signed_in,
         "badge": "diaodu.core.notify.nav.unread_badge"},
        {"title": _("通知偏好"), "icon": "tune",
         "link": reverse_lazy("notify:preferences"), "permission": signed_in},
        {"title": _("发送记录"), "icon": "outgoing_mail",
         "link": reverse_lazy("notify:deliveries"), "permission": reads_log},
    ]
