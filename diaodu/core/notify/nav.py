"""Sidebar items of the messages (collected by diaodu/navigation.py)."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _


def signed_in(request) -> bool:
    return bool(request.user.is_authenticated and getattr(request.user, "role", ""))


def unread_badge(request) -> str:
    from .selectors import unread_count_cached

    count = unread_count_cached(user=request.user)
    return str(count) if count else ""


def items(request) -> list[dict]:
    return [
        {"title": _("消息"), "icon": "notifications",
         "link": reverse_lazy("notify:inbox"), "permission": signed_in,
         "badge": "diaodu.core.notify.nav.unread_badge"},
    ]
