"""Sidebar item of 无记名投票 (collected by diaodu/navigation.py)."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

GROUP = _("民主评议投票")


def signed_in(request) -> bool:
    return bool(request.user.is_authenticated and getattr(request.user, "role", ""))


def items(request) -> list[dict]:
    # Anyone may be on a poll's roll, whatever their role: the list shows their polls.
    return [{"title": _("无记名投票"), "icon": "how_to_vote",
             "link": reverse_lazy("votes:list"), "permission": signed_in}]
